"""How the commentary spotter's cross-validated Goal Average-mAP grows with the number of training
games: would more labelled games (SoccerNet's train split) close the gap to the 0.60 target?

Five outer folds by game over the development games (the held-out games stay out); in each, the
spotter (line models and trees, Goal alone: the curve's question is about Goal) is trained on a
share of the other folds' games (drawn by a hash of the game's name). Real data throughout.
Writes ``bench/commentary_learning_curve.json``.

    python bench/commentary_learning_curve.py [LABELS_ROOT] [TRANSCRIPTS_ROOT]
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from soccer_highlights.commentary.config import SPOT_NMS_S
from soccer_highlights.commentary.cv import held_out, load_halves, spotting_map
from soccer_highlights.commentary.folds import fold_of
from soccer_highlights.commentary.model import train_spotter
from soccer_highlights.soccernet import Prediction

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared" / "data"
SHARES = (0.25, 0.5, 0.75, 1.0)
FOLDS = 5
LINE_C = 4.0


def in_share(game: str, share: float) -> bool:
    return int(hashlib.sha1(f"share:{game}".encode()).hexdigest(), 16) % 1000 < share * 1000


def main(labels_root: Path, transcripts_root: Path) -> dict:
    halves = [h for h in load_halves(labels_root, transcripts_root) if not held_out(h.game)]
    points = []
    for share in SHARES:
        predictions: list[list[Prediction]] = [[] for _ in halves]
        games_used = []
        for fold in range(FOLDS):
            train = [h for h in halves if fold_of(h.game, FOLDS) != fold and in_share(h.game, share)]
            games_used.append(len({h.game for h in train}))
            weights = train_spotter(train, inner_folds=3, seed=fold, c=LINE_C, classes=("Goal",))
            for i, half in enumerate(halves):
                if fold_of(half.game, FOLDS) == fold:
                    predictions[i] = weights.spot(half, SPOT_NMS_S)
        points.append(
            {
                "share": share,
                "training_games_per_fold": round(sum(games_used) / FOLDS, 1),
                **{m: spotting_map(halves, predictions, m, ("Goal",))["Goal"] for m in ("loose", "tight")},
            }
        )
        print(points[-1], flush=True)
    report = {
        "input": "real: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts of the valid games",
        "metric": "SoccerNet Average-mAP, Goal, out-of-fold over the development games",
        "points": points,
    }
    (HERE / "commentary_learning_curve.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    labels = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "soccernet-v2-labels-valid"
    transcripts = Path(sys.argv[2]) if len(sys.argv) > 2 else SHARED / "soccernet-echoes-valid" / "whisper_v3"
    main(labels, transcripts)

"""What more training games buy the commentary spotter, per class: the spotter (one member, line
models at C = 4 and their trees) trained on the first N train games (in a fixed order: a hash of
each game's name) and scored on the 100 valid games held out. Both stages learn from the N games
alone (the trees from out-of-fold line scores, three folds by game). Real data throughout:
SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts. Writes
``bench/commentary_learning_curve.json``.

The 300-game point is ``bench/commentary_heldout.py``'s (all of train); 400 games (train + valid,
what ships) cannot be scored on held-out games here.

    python bench/commentary_learning_curve.py [N ...]     # default 25 50 100
"""

from __future__ import annotations

import json
import sys

from commentary_heldout import DESIGNS, curves_path, member_curves, score
from commentary_work import HERE, line_stages, log, subset

from soccer_highlights.commentary.model import CLASSES

MEMBER = "base_c4"
POINTS = (25, 50, 100)


def main(points) -> dict:
    design = DESIGNS[MEMBER]
    out: dict = {
        "input": "real: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts; trained on N train "
        "games, scored on the valid games",
        "member": MEMBER,
        "points": [],
    }
    for n in points:
        line_stages(design.c, n)
        member_curves(design, CLASSES, "valid", n)
        out["points"].append(
            {"games": len({h.game for h in subset(n)}), **score([design], CLASSES, "valid", n_games=n)}
        )
        log(f"{n} games: {out['points'][-1]}")
    if all(curves_path("valid", design, c).is_file() for c in CLASSES):
        out["points"].append({"games": 300, **score([design], CLASSES, "valid")})
    (HERE / "commentary_learning_curve.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or POINTS)

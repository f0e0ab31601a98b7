"""Commentary fused with a video spotter, on the real valid labels: does the fused Goal AP beat both?

No real spotter's predictions ship here, so the video spotters are simulated from the real labels
(a share of the events found, with timing noise and false alarms); the commentary predictions are
real: each game's come from a model (both stages) that never saw it. Writes
``bench/commentary_fusion.json``.

    python bench/commentary_fusion.py [LABELS_ROOT] [TRANSCRIPTS_ROOT]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from soccer_highlights.commentary.cv import load_halves, out_of_fold_predictions, spotting_map
from soccer_highlights.commentary.model import CLASSES
from soccer_highlights.detectors.fusion import PRIMARY_WEIGHT, TOLERANCE_S, fuse_predictions
from soccer_highlights.soccernet import Prediction

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared" / "data"
SPOTTERS = {
    "weak": {"recall": 0.5, "noise_s": 2.0, "false_alarms": 20},
    "middling": {"recall": 0.65, "noise_s": 1.5, "false_alarms": 10},
    "strong": {"recall": 0.8, "noise_s": 1.0, "false_alarms": 10},
}
"""Per class and half: the share of labelled events found, the timing noise (s, Gaussian) and the
number of false alarms at random times (confidence uniform in 0-0.7; hits in 0.3-0.9)."""


def simulate(halves, recall: float, noise_s: float, false_alarms: int, seed: int) -> list[list[Prediction]]:
    rng = np.random.default_rng(seed)
    out = []
    for half in halves:
        preds = [
            Prediction(half.half, max(0.0, e.time_s + rng.normal(0, noise_s)), e.label, float(rng.uniform(0.3, 0.9)))
            for e in half.events
            if e.label in CLASSES and rng.random() < recall
        ]
        preds += [
            Prediction(half.half, float(rng.uniform(0, half.n_seconds)), c, float(rng.uniform(0.0, 0.7)))
            for c in CLASSES
            for _ in range(false_alarms)
        ]
        out.append(preds)
    return out


def main(labels_root: Path, transcripts_root: Path) -> dict:
    halves = load_halves(labels_root, transcripts_root)
    commentary = out_of_fold_predictions(halves, folds=5)
    report: dict = {
        "input": "real valid labels and SoccerNet-Echoes whisper_v3 transcripts; simulated video spotters",
        "commentary": "out-of-fold by game (5 folds), both stages",
        "rule": "linear opinion pool: w * spotter + (1 - w) * commentary, 0 where a source says nothing",
        "primary_weight": PRIMARY_WEIGHT,
        "tolerance_s": TOLERANCE_S,
        "metric": "SoccerNet Average-mAP, Goal",
        "commentary_alone": {m: spotting_map(halves, commentary, m)["Goal"] for m in ("loose", "tight")},
        "spotters": {},
    }
    for seed, (name, spec) in enumerate(SPOTTERS.items()):
        video = simulate(halves, **spec, seed=seed)
        fused = [fuse_predictions(v, c) for v, c in zip(video, commentary, strict=True)]
        report["spotters"][name] = {
            **spec,
            **{
                metric: {
                    "spotter": spotting_map(halves, video, metric)["Goal"],
                    "fused": spotting_map(halves, fused, metric)["Goal"],
                }
                for metric in ("loose", "tight")
            },
        }
    (HERE / "commentary_fusion.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    labels = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "soccernet-v2-labels-valid"
    transcripts = Path(sys.argv[2]) if len(sys.argv) > 2 else SHARED / "soccernet-echoes-valid" / "whisper_v3"
    print(json.dumps(main(labels, transcripts), indent=2))

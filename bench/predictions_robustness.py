"""How a reel built from imported predictions degrades as the spotter gets worse.

For every game of a labels tree, a simulated spotter finds each event with Gaussian timing noise and
adds false alarms; the reel is planned with the imported-predictions defaults and its goal recall
and share of the match are measured. Writes ``bench/predictions_robustness.json`` and a PNG.

    python bench/predictions_robustness.py [LABELS_ROOT]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from soccer_highlights.config import IMPORTED_SEGMENTS
from soccer_highlights.core import Half
from soccer_highlights.detectors.imported import PredictionsDetector
from soccer_highlights.evaluation.coverage import event_coverage
from soccer_highlights.segments import plan_reel
from soccer_highlights.soccernet import DEFAULT_HIGHLIGHT_CLASSES, find_games, load_labels
from soccer_highlights.soccernet.predictions import Prediction

NOISE_S = (0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0)
FALSE_ALARMS_PER_HALF = (0, 10, 40)
HERE = Path(__file__).resolve().parent


def simulate(events, noise_s: float, false_alarms: int, rng: np.random.Generator) -> list[Prediction]:
    preds = [
        Prediction(e.half, max(0.0, e.time_s + rng.normal(0, noise_s)), e.label, float(rng.uniform(0.6, 1.0)))
        for e in events
    ]
    for half in (1, 2):
        end = max((e.time_s for e in events if e.half == half), default=2700.0)
        labels = sorted(DEFAULT_HIGHLIGHT_CLASSES)
        preds += [
            Prediction(half, float(rng.uniform(0, end)), str(rng.choice(labels)), float(rng.uniform(0, 1)))
            for _ in range(false_alarms)
        ]
    return preds


def main(labels_root: Path) -> dict:
    games = [g for g in find_games(labels_root) if g.labels_path]
    rng = np.random.default_rng(0)
    rows = []
    for false_alarms in FALSE_ALARMS_PER_HALF:
        for noise in NOISE_S:
            covered = total = 0
            reel_s = match_s = 0.0
            for game in games:
                events = load_labels(game.labels_path).events
                preds = simulate(events, noise, false_alarms, rng)
                detector = PredictionsDetector(preds)
                curves = []
                for half in (1, 2):
                    duration = max([e.time_s for e in events if e.half == half] + [0.0]) + 30.0
                    curves.append(detector.score_half(Half(half, duration)))
                    match_s += duration
                segments = plan_reel(curves, IMPORTED_SEGMENTS).segments
                cov = event_coverage(segments, events, {"Goal"})
                covered, total = covered + cov.covered, total + cov.total
                reel_s += sum(s.duration_s for s in segments)
            rows.append(
                {
                    "noise_s": noise,
                    "false_alarms_per_half": false_alarms,
                    "goal_recall": round(covered / total, 4),
                    "share_of_match": round(reel_s / match_s, 4),
                }
            )
            print(rows[-1])
    report = {"labels_root": str(labels_root), "games": len(games), "goals": total, "rows": rows}
    (HERE / "predictions_robustness.json").write_text(json.dumps(report, indent=2) + "\n")
    _plot(rows, HERE / "predictions_robustness.png")
    return report


def _plot(rows: list[dict], dest: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for fa in FALSE_ALARMS_PER_HALF:
        pts = [r for r in rows if r["false_alarms_per_half"] == fa]
        label = f"{fa} false alarms/half"
        ax.plot([r["noise_s"] for r in pts], [r["goal_recall"] for r in pts], marker="o", label=label)
    ax.set_xlabel("spotter timing noise (std, s)")
    ax.set_ylabel("goal recall of the reel")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(dest, dpi=100)


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "soccernet-v2-labels-valid"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)

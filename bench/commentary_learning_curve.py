"""What more training games buy the commentary spotter, per class: the spotter (one member, line
models at C = 4 and their trees) trained on the first N train games (in a fixed order: a hash of
each game's name) and scored on the valid games held out. Both stages learn from the N games
alone: three line-model fits on two thirds of them (folds by game) give their out-of-fold line
scores, which the trees learn from; one line-model fit on all N games scores the valid halves the
trees then read. ``all`` is every train game (288 with labels and a transcript), trained the same
way. Real data throughout: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts. Writes
``bench/commentary_learning_curve.json`` (after each point; points computed before keep their
wall time) and ``bench/commentary_learning_curve.png``.

400 games (train + valid, what ships) cannot be scored on held-out games here.

    python bench/commentary_learning_curve.py [N|all ...]     # default 25 50 100 200 all
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict

import numpy as np
from commentary_heldout import DESIGNS, TREE_SHARE, curves_path, events, member_curves, score
from commentary_work import CV_FOLDS, HERE, halves, line_stages, log, subset

from soccer_highlights.commentary.model import CLASSES

MEMBER = "base_c4"
POINTS = ("25", "50", "100", "200", "all")
OUT = HERE / "commentary_learning_curve.json"
MAIN = CLASSES[:4]
"""Goal, Penalty and the shots: the classes the mean is over (as in ``commentary_heldout.json``)."""


def point(n: int, design) -> dict:
    start = time.perf_counter()
    line_stages(design.c, n)
    lines_s = time.perf_counter() - start
    member_curves(design, CLASSES, "valid", n)
    wall_s = time.perf_counter() - start
    train = subset(n)
    out = {"games": len({h.game for h in train}), "halves": len(train), "events": events(train)}
    out.update(score([design], CLASSES, "valid", n_games=n))
    for metric in ("loose", "tight"):
        out[f"mean of Goal, Penalty, shots ({metric})"] = round(float(np.mean([out[metric][c] for c in MAIN])), 4)
    out["wall_s"] = {"line models": round(lines_s), "trees and valid curves": round(wall_s - lines_s)}
    return out


def plot(points: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    games = [p["games"] for p in points]
    for label in CLASSES:
        ax.plot(games, [p["loose"][label] for p in points], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_xticks(games, [str(g) for g in games])
    ax.minorticks_off()
    ax.set_xlabel("training games (train split)")
    ax.set_ylabel("loose average-mAP, held-out valid")
    ax.set_title(f"Commentary spotter ({MEMBER}), real data")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "commentary_learning_curve.png", dpi=100)


def main(points) -> dict:
    design = DESIGNS[MEMBER]
    train, valid = halves("train"), halves("valid")
    total = len({h.game for h in train})
    before = json.loads(OUT.read_text()) if OUT.is_file() else {}
    timed = {p["games"]: p["wall_s"] for p in before.get("points", []) if "wall_s" in p}
    out: dict = {
        "input": "real: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts, official train and "
        "valid splits (games with labels and a non-empty transcript)",
        "metric": "SoccerNet average-mAP per class, loose and tight, on the held-out valid games",
        "member": MEMBER,
        "design": asdict(design),
        "tree_negative_share": TREE_SHARE,
        "training": "each point: the first N train games in the order sha1('share:' + game); both stages "
        f"learn from those N games alone: line models fitted {CV_FOLDS} times on two thirds of them "
        f"(folds sha1('cv:' + game) mod {CV_FOLDS}) give each of their halves out-of-fold line scores, "
        "the trees learn from those (every positive second, a share of negatives); one more line-model "
        "fit on all N games scores the valid halves, which those trees then read. The 288-game point "
        "is all of train, trained the same way",
        "valid": {"games": len({h.game for h in valid}), "halves": len(valid), "events": events(valid)},
        "note": "the '400 games' end is not measured: what ships learnt from train + valid (line models "
        "on 378 games, trees on fold 0's 91 train games and the 91 valid games), so no held-out games "
        "are left to score it on here; the curve stops at all of train (288 of the 300 train games have "
        "labels and a transcript; 91 of the 100 valid games do)",
        "wall_time": "per point, seconds on one core shared with other jobs, at nice 19 (not a timing on a free core)",
        "points": [],
    }
    for arg in points:
        n = total if arg == "all" else min(int(arg), total)
        cached = all(curves_path("valid", design, c, n).is_file() for c in CLASSES)
        result = point(n, design)
        if cached:  # keep the timing of the run that computed it
            result["wall_s"] = timed.get(n, "not measured (cached)")
        out["points"].append(result)
        out["points"].sort(key=lambda p: p["games"])
        log(f"{n} games: {result}")
        OUT.write_text(json.dumps(out, indent=2) + "\n")
    not_run = [p for p in POINTS if (total if p == "all" else int(p)) not in {q["games"] for q in out["points"]}]
    if not_run:
        out["not_run"] = not_run
        OUT.write_text(json.dumps(out, indent=2) + "\n")
    plot(out["points"])
    return out


if __name__ == "__main__":
    main(sys.argv[1:] or POINTS)

"""The commentary spotter on SoccerNet's train and valid splits: designs chosen by cross-validation
by game on train games, then scored on the 100 valid games held out (trained on train alone).
Real data throughout: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts (and, for
robustness, synthetic degradations of them: ``commentary_work.degrade``). Reads the line models'
cached probabilities (``bench/commentary_work.py``); writes ``bench/commentary_heldout.json``.

A design is one member's settings (the line models' C, the grid's windows, the trees, the rare
classes' weight, degraded training copies); a spotter averages its members' probabilities. Each
member's per-second probabilities are cached per class, so that ensembles are scored without
refitting. In the split protocol (``PROTOCOL=f0``: line models on train folds 1-2, trees on fold
0's 91 games) ``WHERE=cv`` is CV by game over those 91 games (three folds of their own), ``valid``
the valid games held out (trees on all 91), ``cvdeg`` / ``validdeg`` the same on degraded
transcripts.

    PROTOCOL=f0 WHERE=cv CLASSES=Goal,... python bench/commentary_heldout.py run NAME [NAME ...]
    COMBOS="base_c1+long_c1" python bench/commentary_heldout.py report   # score what is cached
    PROTOCOL=f0 [LINES=lines_all_C?.npz] python bench/commentary_heldout.py ship OUT.npz NAME ...
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from commentary_work import (
    ARSENAL,
    CV_FOLDS,
    HERE,
    SPLIT,
    WORK,
    cv_fold,
    degraded_halves,
    halves,
    line_probabilities,
    load_lines,
    log,
    subset,
    tag_of,
)

from soccer_highlights.commentary.config import SPOT_NMS_S
from soccer_highlights.commentary.cv import spotting_map
from soccer_highlights.commentary.folds import fold_of
from soccer_highlights.commentary.grid import WINDOWS, grid_features
from soccer_highlights.commentary.model import (
    CLASSES,
    HALF_RANK_ALPHA,
    NEGATIVE_SHARE,
    SMOOTH_S,
    TREE_PARAMS,
    HalfLines,
    curve_peaks,
    event_curve,
)
from soccer_highlights.soccernet.predictions import Prediction

METRICS = ("loose", "tight")


@dataclass(frozen=True)
class Design:
    c: float
    windows: tuple[tuple[int, int], ...] = WINDOWS
    params: dict = field(default_factory=lambda: dict(TREE_PARAMS))
    share: float = NEGATIVE_SHARE
    rare_weight: float = 1.0
    """The weight of Penalty's and Red card's positive seconds in their trees (the rare classes)."""
    degraded: bool = False
    """The trees also learn from degraded copies of their halves (``commentary_work.degrade``)."""

    def key(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k not in NEW_FIELDS or v != NEW_FIELDS[k]}
        return hashlib.sha1(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:10]


NEW_FIELDS = {"rare_weight": 1.0, "degraded": False}
"""Fields added after the first designs were cached: at their defaults they leave a design's key as it was."""
RARE = ("Penalty", "Red card")
LONG = ((-120, -40), *WINDOWS, (150, 300))
TREE_SHARE = 0.05
"""The share of negative seconds the trees learn from here (the shipped design's is 0.15): on two
shared cores, 0.15 of 574 halves took ~2 CPU-minutes a tree fit; 5% of four times the games is
still more negatives than the 100-game design saw."""
DESIGNS = {
    "base_c1": Design(1.0, share=TREE_SHARE),
    "base_c4": Design(4.0, share=TREE_SHARE),
    "leaves15_c4": Design(4.0, params={**TREE_PARAMS, "max_leaf_nodes": 15, "min_samples_leaf": 200}, share=TREE_SHARE),
    "long_c4": Design(4.0, windows=LONG, share=TREE_SHARE),
    "long_c1": Design(1.0, windows=LONG, share=TREE_SHARE),
    "leaves15_c1": Design(1.0, params={**TREE_PARAMS, "max_leaf_nodes": 15, "min_samples_leaf": 200}, share=TREE_SHARE),
    "rare5_c1": Design(1.0, share=TREE_SHARE, rare_weight=5.0),
    "degraded_c1": Design(1.0, share=TREE_SHARE, degraded=True),
}


def sample_rows(data: Sequence[HalfLines], probs: Sequence[np.ndarray], design: Design, seed: int = 0):
    """Per half: the grid's rows the trees learn from (every positive, a share of negatives)."""
    out = []
    for half, p in zip(data, probs, strict=True):
        rng = np.random.default_rng([seed, int(hashlib.sha1(f"{half.game}{half.half}".encode()).hexdigest()[:8], 16)])
        target, mask = half.second_targets(CLASSES)
        keep = target.any(axis=1) | (rng.random(half.n_seconds) < design.share)
        grid = grid_features(half.lines, p, half.n_seconds, design.windows)
        out.append((grid[keep], target[keep], mask[keep]))
    return out


def fit_class(rows, c: int, design: Design, seed: int = 0):
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack([r[0][r[2][:, c]] for r in rows])
    y = np.concatenate([r[1][r[2][:, c], c] for r in rows])
    model = HistGradientBoostingClassifier(**design.params, early_stopping=False, random_state=seed)
    weight = design.rare_weight if CLASSES[c] in RARE else 1.0
    return model.fit(x, y, sample_weight=np.where(y, weight, 1.0) if weight != 1.0 else None)


def test_fold(game: str, n_games: int | str | None) -> int:
    """A train game's CV fold: by :func:`cv_fold`, or, in the split protocol (whose trees' games
    are all of ``cv_fold`` 0), by folds of its own drawn independently."""
    return fold_of(game, CV_FOLDS, "split:") if n_games == SPLIT else cv_fold(game)


def curves_path(where: str, design: Design, label: str, n_games: int | None = None):
    return WORK / f"curves_{where}{tag_of(n_games)}_{design.key()}_{label.replace(' ', '_')}.pkl"


def trees_path(design: Design, label: str, n_games: int | None = None):
    return WORK / f"trees{tag_of(n_games)}_{design.key()}_{label.replace(' ', '_')}.pkl"


def member_curves(design: Design, classes: Sequence[str], where: str, n_games: int | str | None = None) -> None:
    """Cache each test half's per-second probability of each class (``where``: cv on train, or
    valid; ``...deg``: on their degraded transcripts, split protocol only; ``n_games``: trained on
    that many train games, the learning curve's, or :data:`SPLIT`)."""
    todo = [c for c in classes if not curves_path(where, design, c, n_games).is_file()]
    if not todo:
        return
    tag = tag_of(n_games)
    train = subset(n_games)
    train_probs = line_probabilities("train", design.c, tag)
    if design.degraded or where.endswith("deg"):
        deg_train, deg_probs = degraded_halves("train"), line_probabilities("train", design.c, f"{tag}deg")
    rows: list = []

    def learn_rows(fold: int | None) -> list:
        if not rows:  # built once, when a fold's trees are fitted
            rows.extend(zip(sample_rows(train, train_probs, design), [h.game for h in train], strict=True))
            if design.degraded:
                deg_rows = sample_rows(deg_train, deg_probs, design, seed=1)
                rows.extend(zip(deg_rows, [h.game for h in deg_train], strict=True))
        return [r for r, g in rows if fold is None or test_fold(g, n_games) != fold]

    if where.startswith("cv"):
        test_halves, test_probs = (deg_train, deg_probs) if where.endswith("deg") else (train, train_probs)
        tests = [
            (fold, [i for i, h in enumerate(test_halves) if test_fold(h.game, n_games) == fold])
            for fold in range(CV_FOLDS)
        ]
    else:
        if where.endswith("deg"):
            test_halves, test_probs = degraded_halves("valid"), line_probabilities("valid", design.c, f"{tag}deg")
        else:
            test_halves, test_probs = halves("valid"), line_probabilities("valid", design.c, tag)
        tests = [(None, list(range(len(test_halves))))]
    out = {label: [None] * len(test_halves) for label in todo}
    for fold, test in tests:
        if fold is None and all(trees_path(design, label, n_games).is_file() for label in todo):
            models = {label: pickle.loads(trees_path(design, label, n_games).read_bytes()) for label in todo}
        else:
            learn = learn_rows(fold)
            models = {label: fit_class(learn, CLASSES.index(label), design, seed=fold or 0) for label in todo}
        if fold is None:  # kept, to score other versions of the valid halves (valid, validdeg)
            for label, model in models.items():
                trees_path(design, label, n_games).write_bytes(pickle.dumps(model))
        for i in test:
            grid = grid_features(test_halves[i].lines, test_probs[i], test_halves[i].n_seconds, design.windows)
            for label, model in models.items():
                out[label][i] = model.predict_proba(grid)[:, 1].astype(np.float32)
        log(f"{where} {design}: fold {fold} {todo}")
    for label in todo:
        curves_path(where, design, label, n_games).write_bytes(
            pickle.dumps(out[label], protocol=pickle.HIGHEST_PROTOCOL)
        )


def relined_curves(design: Design, classes: Sequence[str], lines: str) -> str:
    """The split protocol's valid trees over valid line scores by other line models (``lines``:
    ``train`` = fitted on all 288 train games, ``all`` = on train + valid): does refitting the line
    models on more games, keeping the trees, hold up? Returns the curves' ``where``."""
    where = f"valid_{lines}lines"
    todo = [c for c in classes if not curves_path(where, design, c, SPLIT).is_file()]
    if todo:
        models = load_lines(WORK / f"lines_{lines}_C{design.c:g}.npz")
        trees = {label: pickle.loads(trees_path(design, label, SPLIT).read_bytes()) for label in todo}
        out: dict[str, list] = {label: [] for label in todo}
        for half in halves("valid"):
            grid = grid_features(half.lines, models.probabilities(half), half.n_seconds, design.windows)
            for label, model in trees.items():
                out[label].append(model.predict_proba(grid)[:, 1].astype(np.float32))
        for label in todo:
            curves_path(where, design, label, SPLIT).write_bytes(pickle.dumps(out[label]))
    return where


def test_halves_of(where: str, n_games: int | str | None) -> list[HalfLines]:
    if where.endswith("deg"):
        return degraded_halves("train" if where.startswith("cv") else "valid")
    return subset(n_games) if where == "cv" else halves("valid")


def predictions(
    data: Sequence[HalfLines], members: Sequence[Design], classes: Sequence[str], where: str,
    smooth_s: float = SMOOTH_S, alpha: float = HALF_RANK_ALPHA, n_games: int | None = None,
) -> list[list[Prediction]]:  # fmt: skip
    pairs = [d if isinstance(d, tuple) else (where, d) for d in members]  # a member may name its own where
    per_class = {
        label: [pickle.loads(curves_path(w, d, label, n_games).read_bytes()) for w, d in pairs] for label in classes
    }
    out = []
    for i, half in enumerate(data):
        preds = []
        for label in classes:
            mean = np.mean([curves[i] for curves in per_class[label]], axis=0)
            preds += [
                Prediction(half.half, float(t), label, p)
                for t, p in curve_peaks(event_curve(mean, smooth_s, alpha), SPOT_NMS_S)
            ]
        out.append(preds)
    return out


def score(members: Sequence[Design], classes: Sequence[str], where: str, **kw) -> dict:
    data = test_halves_of(where, kw.get("n_games"))
    preds = predictions(data, members, classes, where, **kw)
    return {m: spotting_map(data, preds, m, classes) for m in METRICS}


def ship(members: Sequence[Design], path, protocol: str | None = None, only: Sequence[str] | None = None) -> None:
    """The spotter to ship, not on the Arsenal game the real clips come from. ``protocol`` None:
    trees on every train and valid half's grid (train halves' line scores out-of-fold, valid's from
    the train fit), line models fitted on all of them; :data:`SPLIT`: line models of folds 1 and 2
    of train, trees on fold 0's train halves and every valid half (all scored by those line models)."""
    from soccer_highlights.commentary.model import Member, SpotterWeights
    from soccer_highlights.commentary.trees import TreeEnsemble

    tag = tag_of(protocol)
    sources = {"train": subset(protocol), "valid": halves("valid")}
    keep = {split: [i for i, h in enumerate(data) if h.game != ARSENAL] for split, data in sources.items()}
    data = [sources[split][i] for split in keep for i in keep[split]]
    built = []
    for design in members:
        probs = [line_probabilities(split, design.c, tag)[i] for split in keep for i in keep[split]]
        trees, rows = {}, None
        for c, label in enumerate(CLASSES):
            cache = WORK / f"ship{tag}_{design.key()}_{label.replace(' ', '_')}.pkl"
            if not cache.is_file():
                if only is not None and label not in only:
                    continue
                rows = rows if rows is not None else sample_rows(data, probs, design)
                cache.write_bytes(pickle.dumps(TreeEnsemble.from_sklearn(fit_class(rows, c, design))))
            trees[c] = pickle.loads(cache.read_bytes())
        del rows
        if only is not None:
            continue
        lines = f"lines_fold0_C{design.c:g}.npz" if protocol == SPLIT else f"lines_all_C{design.c:g}.npz"
        lines = os.environ.get("LINES", "").replace("C?", f"C{design.c:g}") or lines  # e.g. lines_all_C?.npz
        built.append(Member(load_lines(WORK / lines), trees))
        log(f"ship: member {design}")
    if only is not None:  # a worker's share of the trees, cached
        return
    everything = [h.game for h in halves("train") + halves("valid") if h.game != ARSENAL]
    line_games = sorted({h.game for h in halves("train") if cv_fold(h.game) != 0}) if protocol == SPLIT else []
    line_games = sorted(set(everything)) if "lines_all" in os.environ.get("LINES", "") else line_games
    meta = {"classes": list(CLASSES), "halves": len(data), "games": sorted({h.game for h in data} | set(line_games)),
            "tree_games": sorted({h.game for h in data}), "line_games": len(line_games) or len(set(everything)),
            "protocol": protocol or "all", "lines": os.environ.get("LINES", "") or "by protocol",
            "designs": [asdict(d) for d in members], "smooth_s": SMOOTH_S, "alpha": HALF_RANK_ALPHA}  # fmt: skip
    SpotterWeights(tuple(built), meta).save(path)


BASELINE = "f93f8f2 design (members C=1 and C=4)"
"""The design shipped at the start of this round (commit f93f8f2), trained the same way as the others."""
RELINED = "members C=1 (its line models refitted on all 288 train games, its trees kept) and C=4"
SETS = {
    BASELINE: ["base_c1", "base_c4"],
    **{name: [name] for name in DESIGNS},
    RELINED: ["valid_trainlines:base_c1", "valid:base_c4"],
}
"""Ensembles scored (members' probabilities averaged): the baseline, every design alone, and
ensembles named in ``COMBOS``."""
COMBOS = os.environ.get("COMBOS", "")
for _combo in filter(None, COMBOS.split(";")):
    SETS[_combo] = _combo.split("+")
WHERES = {
    "cv": "CV by game on the split protocol's 91 train games (3 folds, sha1('split:' + game) mod 3)",
    "cvdeg": "the same CV, on degraded transcripts of those games (synthetic degradation of the real ones)",
    "valid": "held out: the valid games, trained on train games only",
    "validdeg": "held out, on degraded transcripts of the valid games",
    "valid_trainlines": "held out, the trees as in 'valid' over line models refitted on all 288 train games",
}


def cached(members: Sequence[Design], classes: Sequence[str], where: str) -> bool:
    return all(curves_path(where, d, c).is_file() for d in members for c in classes)


def events(data: Sequence[HalfLines]) -> dict:
    return {c: sum(e.label == c for h in data for e in h.events) for c in CLASSES}


def report() -> dict:
    train, valid = halves("train"), halves("valid")
    out: dict = {
        "input": "real: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts, "
        "official train and valid splits",
        "train": {"games": len({h.game for h in train}), "halves": len(train), "events": events(train)},
        "valid": {"games": len({h.game for h in valid}), "halves": len(valid), "events": events(valid)},
        "protocol": "the split protocol: line models fitted on train folds 1 and 2 "
        f"(sha1('cv:' + game) mod {CV_FOLDS} != 0: "
        f"{len({h.game for h in train if cv_fold(h.game) != 0})} games), trees on fold 0's train halves "
        f"({len({h.game for h in subset(SPLIT)})} games, {len(subset(SPLIT))} halves, events "
        f"{events(subset(SPLIT))}) scored by those line models; valid scored by the same line models",
        "tree_negative_share": TREE_SHARE,
        "designs": {name: asdict(d) for name, d in DESIGNS.items()},
        "ensembles": SETS,
        "split_protocol": {},
    }
    out["where"] = WHERES
    for where in WHERES:
        results = {}
        for name, members in SETS.items():
            if any(":" in m for m in members) and where != "valid":
                continue  # members of their own where: scored with valid's
            designs = [(m.split(":")[0], DESIGNS[m.split(":")[1]]) if ":" in m else DESIGNS[m] for m in members]
            pairs = [d if isinstance(d, tuple) else (where, d) for d in designs]
            classes = [c for c in CLASSES if all(curves_path(w, d, c, SPLIT).is_file() for w, d in pairs)]
            if classes:
                results[name] = score(designs, classes, where, n_games=SPLIT)
                if len(classes) == len(CLASSES):
                    results[name]["mean of Goal, Penalty, shots (loose)"] = round(
                        float(np.mean([results[name]["loose"][c] for c in CLASSES[:4]])), 4
                    )
        out["split_protocol"][where] = results
    (HERE / "commentary_heldout.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if sys.argv[1] == "run":
        classes = tuple(os.environ.get("CLASSES", "Goal").split(","))
        wheres = os.environ.get("WHERE", "cv").split(",")
        protocol = os.environ.get("PROTOCOL") or None
        for name in sys.argv[2:]:
            for where in wheres:
                member_curves(DESIGNS[name], classes, where, protocol)
                log(f"{name} {where}: {score([DESIGNS[name]], classes, where, n_games=protocol)}")
    elif sys.argv[1] == "relined":  # relined LINES NAME ...
        for name in sys.argv[3:]:
            where = relined_curves(DESIGNS[name], CLASSES, sys.argv[2])
            log(f"{name} {where}: {score([DESIGNS[name]], CLASSES, where, n_games=SPLIT)}")
    elif sys.argv[1] == "report":
        print(json.dumps(report(), indent=2))
    elif sys.argv[1] == "ship":
        only = os.environ.get("CLASSES")
        ship([DESIGNS[n] for n in sys.argv[3:]], sys.argv[2], os.environ.get("PROTOCOL") or None,
             only.split(",") if only else None)  # fmt: skip

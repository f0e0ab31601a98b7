"""The commentary spotter on SoccerNet's train and valid splits: designs chosen by cross-validation
by game on the 300 train games, then scored once on the 100 valid games held out (trained on train
alone). Real data throughout: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts.
Reads the line models' cached probabilities (``bench/commentary_work.py``); writes
``bench/commentary_heldout.json``.

A design is one member's settings (the line models' C, the grid's windows, the trees); a spotter
averages its members' probabilities. Each member's per-second probabilities are cached per class,
for the five train folds (``cv``: fold ``k``'s trees learn from the other folds' halves, whose line
scores came from line models that did not see them) and for valid (``valid``: trees on every train
half), so that ensembles are scored without refitting.

    python bench/commentary_heldout.py run NAME [NAME ...]   # fit and cache the designs named
    python bench/commentary_heldout.py report                # score everything cached, write the JSON
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
    halves,
    line_probabilities,
    load_lines,
    log,
    subset,
    tag_of,
)

from soccer_highlights.commentary.config import SPOT_NMS_S
from soccer_highlights.commentary.cv import spotting_map
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

    def key(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:10]


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
    return model.fit(x, y)


def curves_path(where: str, design: Design, label: str, n_games: int | None = None):
    return WORK / f"curves_{where}{tag_of(n_games)}_{design.key()}_{label.replace(' ', '_')}.pkl"


def trees_path(design: Design, label: str, n_games: int | None = None):
    return WORK / f"trees{tag_of(n_games)}_{design.key()}_{label.replace(' ', '_')}.pkl"


def member_curves(design: Design, classes: Sequence[str], where: str, n_games: int | None = None) -> None:
    """Cache each test half's per-second probability of each class (``where``: cv on train, or
    valid; ``n_games``: trained on that many train games, the learning curve's)."""
    todo = [c for c in classes if not curves_path(where, design, c, n_games).is_file()]
    if not todo:
        return
    train = subset(n_games)
    train_probs = line_probabilities("train", design.c, tag_of(n_games))
    rows = sample_rows(train, train_probs, design)
    if where == "cv":
        tests = [(fold, [i for i, h in enumerate(train) if cv_fold(h.game) == fold]) for fold in range(CV_FOLDS)]
        test_halves, test_probs = train, train_probs
    else:
        test_halves, test_probs = halves("valid"), line_probabilities("valid", design.c, tag_of(n_games))
        tests = [(None, list(range(len(test_halves))))]
    out = {label: [None] * len(test_halves) for label in todo}
    for fold, test in tests:
        learn = [r for r, h in zip(rows, train, strict=True) if fold is None or cv_fold(h.game) != fold]
        models = {label: fit_class(learn, CLASSES.index(label), design, seed=fold or 0) for label in todo}
        if fold is None:  # kept, to score other versions of the valid halves (degraded transcripts)
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


def predictions(
    data: Sequence[HalfLines], members: Sequence[Design], classes: Sequence[str], where: str,
    smooth_s: float = SMOOTH_S, alpha: float = HALF_RANK_ALPHA, n_games: int | None = None,
) -> list[list[Prediction]]:  # fmt: skip
    per_class = {
        label: [pickle.loads(curves_path(where, d, label, n_games).read_bytes()) for d in members] for label in classes
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
    data = subset(kw.get("n_games")) if where == "cv" else halves("valid")
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
        built.append(Member(load_lines(WORK / lines), trees))
        log(f"ship: member {design}")
    line_games = sorted({h.game for h in halves("train") if cv_fold(h.game) != 0}) if protocol == SPLIT else []
    if only is not None:  # a worker's share of the trees, cached
        return
    meta = {"classes": list(CLASSES), "halves": len(data), "games": sorted({h.game for h in data} | set(line_games)),
            "tree_games": sorted({h.game for h in data}), "protocol": protocol or "all",
            "designs": [asdict(d) for d in members], "smooth_s": SMOOTH_S, "alpha": HALF_RANK_ALPHA}  # fmt: skip
    SpotterWeights(tuple(built), meta).save(path)


CV_SETS = {name: [name] for name in DESIGNS}
VALID_SETS = {
    "current design, one member (C=1)": ["base_c1"],
    "current design (C=1 and C=4 members)": ["base_c1", "base_c4"],
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
        "cv_on_train": f"{CV_FOLDS} folds by game (sha1('cv:' + game) mod {CV_FOLDS}); line models and trees "
        "of each fold fitted on the other folds' games",
        "valid_held_out": "trained on the train games alone, scored once on valid",
        "split_protocol": f"line models fitted on train folds 1 and 2 (sha1('cv:' + game) mod {CV_FOLDS} != 0: "
        f"{len({h.game for h in train if cv_fold(h.game) != 0})} games), trees on fold 0's train halves "
        f"({len({h.game for h in subset(SPLIT)})} games, {len(subset(SPLIT))} halves, events "
        f"{events(subset(SPLIT))}) scored by those line models; valid scored by the same line models",
        "tree_negative_share": TREE_SHARE,
        "designs": {name: asdict(d) for name, d in DESIGNS.items()},
        "cross_validation": {},
        "held_out": {},
    }
    for name, members in CV_SETS.items():
        designs = [DESIGNS[m] for m in members]
        classes = [c for c in CLASSES if cached(designs, [c], "cv")]
        if classes:
            out["cross_validation"][name] = score(designs, classes, "cv")
    for protocol in (None, SPLIT):
        for name, members in VALID_SETS.items():
            designs = [DESIGNS[m] for m in members]
            classes = [c for c in CLASSES if all(curves_path("valid", d, c, protocol).is_file() for d in designs)]
            if classes:
                key = f"{name}, {'split protocol' if protocol else 'out-of-fold protocol'}"
                out["held_out"][key] = score(designs, classes, "valid", n_games=protocol)
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
    elif sys.argv[1] == "report":
        print(json.dumps(report(), indent=2))
    elif sys.argv[1] == "ship":
        only = os.environ.get("CLASSES")
        ship([DESIGNS[n] for n in sys.argv[3:]], sys.argv[2], os.environ.get("PROTOCOL") or None,
             only.split(",") if only else None)  # fmt: skip

"""The commentary spotter: line models, a 1 s grid, boosted trees on every second, peaks.

1. Per transcript line and class, two logistic regressions over the line's TF-IDF vector
   (:mod:`soccer_highlights.commentary.lines`): "an event of this class is happening now" (the line
   overlaps ``NOW`` around an event) and "one just happened" (the line starts in ``AFTER``: replay
   talk, the new score said aloud).
2. Every second of the half is described by those scores and the transcript's cues in windows from
   40 s before to 150 s after it (:mod:`soccer_highlights.commentary.grid`).
3. Per class, gradient-boosted trees read every second (not only candidates) and say "the event is
   here": positives lie within ``POSITIVE_S`` of an event, so the trees learn each class's lag and
   place the prediction at the event, not at the talk. Peaks more than ``min_gap_s`` apart become
   the predictions.

Trained with scikit-learn on the real SoccerNet-Echoes transcripts and SoccerNet-v2 labels; the
trees learn from line scores of games the line models never saw (inner folds by game). What ships
is arrays (no pickle): detection is numpy alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from soccer_highlights.commentary.config import SPOT_MIN_P
from soccer_highlights.commentary.folds import fold_of
from soccer_highlights.commentary.grid import WINDOWS, grid_features
from soccer_highlights.commentary.lines import N_BUCKETS, LineBags, document_frequency_idf
from soccer_highlights.commentary.trees import TreeEnsemble
from soccer_highlights.errors import InputError
from soccer_highlights.segments import greedy_nms
from soccer_highlights.soccernet.labels import Event
from soccer_highlights.soccernet.predictions import Prediction
from soccer_highlights.soccernet.transcripts import Line

CLASSES: tuple[str, ...] = ("Goal", "Penalty", "Shots on target", "Shots off target", "Yellow card", "Red card")
KINDS: tuple[str, ...] = ("now", "after")
NOW = (-2.0, 10.0)
"""A line overlapping ``[event + NOW[0], event + NOW[1]]`` talks about the event as it happens."""
AFTER = (10.0, 60.0)
"""A line starting in ``(event + AFTER[0], event + AFTER[1]]`` talks about it afterwards."""


def channels(classes: Sequence[str] = CLASSES) -> tuple[str, ...]:
    """The line models' outputs: ``Goal now``, ``Goal after``, ... for each class."""
    return tuple(f"{c} {k}" for c in classes for k in KINDS)


CHANNELS = channels()
POSITIVE_S, IGNORE_S = 2.0, 6.0
"""A second within ``POSITIVE_S`` of an event is a positive for the trees; seconds up to ``IGNORE_S``
away are left out (the labels' own precision is about 0.25 s, the talk's lag varies)."""
NEGATIVE_SHARE = 0.15
"""The share of negative seconds the trees train on (every positive is kept): the grid is smooth,
so neighbouring negatives say almost the same."""
INNER_SALT = "inner:"
TAIL_S = 150

FORMAT = 5
"""5: the line weights stored channel by channel (they compress 2% better than bucket by bucket)."""
WEIGHT_LEVELS = 31
"""The line weights ship as whole multiples of 1/31 of each channel's largest weight (see ``save``)."""


@dataclass(frozen=True)
class HalfLines:
    """One half's transcript as the spotter reads it, with its labelled events (for training)."""

    game: str
    half: int
    lines: tuple[Line, ...]
    bags: LineBags
    n_seconds: int
    events: tuple[Event, ...] = ()

    @classmethod
    def build(cls, game: str, half: int, lines: Sequence[Line], events: Sequence[Event] = ()) -> HalfLines:
        lines = tuple(lines)
        # the grid's length comes from the transcript alone: what a half looks like to the trees
        # must not depend on its labels (an event past the last line + TAIL_S has no talk to learn)
        n = int(np.ceil(max([x.end_s for x in lines] + [0.0]))) + TAIL_S
        return cls(game, half, lines, LineBags.of([x.text for x in lines]), n, tuple(events))

    def event_times(self, label: str) -> np.ndarray:
        return np.array([e.time_s for e in self.events if e.label == label], np.float64)

    def line_targets(self, classes: Sequence[str] = CLASSES) -> np.ndarray:
        """``(lines, 2 * len(classes))`` 0/1: does each line talk about an event of each class now,
        or after one (the columns of :func:`channels`)."""
        start = np.array([x.start_s for x in self.lines], np.float64)
        end = np.array([x.end_s for x in self.lines], np.float64)
        out = np.zeros((len(self.lines), 2 * len(classes)), np.float32)
        for c, label in enumerate(classes):
            for time in self.event_times(label):
                now = (end >= time + NOW[0]) & (start <= time + NOW[1])
                after = (start > time + AFTER[0]) & (start <= time + AFTER[1])
                out[now, 2 * c] = 1.0
                out[after, 2 * c + 1] = 1.0
        return out

    def second_targets(self, classes: Sequence[str] = CLASSES) -> tuple[np.ndarray, np.ndarray]:
        """Per second and class: 1 near an event, 0 elsewhere; and the mask of seconds that count."""
        t = np.arange(self.n_seconds, dtype=np.float64)
        target = np.zeros((self.n_seconds, len(classes)), np.bool_)
        ignore = np.zeros_like(target)
        for c, label in enumerate(classes):
            for time in self.event_times(label):
                distance = np.abs(t - time)
                target[distance <= POSITIVE_S, c] = True
                ignore[distance <= IGNORE_S, c] = True
        return target, target | ~ignore


@dataclass(frozen=True)
class LineModels:
    """The per-line logistic regressions, as arrays: TF-IDF weights and one linear model per channel."""

    idf: np.ndarray
    weights: np.ndarray
    """(N_BUCKETS, 2 * len(classes)): the columns of :func:`channels`"""
    bias: np.ndarray

    def probabilities(self, half: HalfLines) -> np.ndarray:
        if not len(half.lines):
            return np.zeros((0, self.weights.shape[1]), np.float32)
        logits = half.bags.scores(self.idf, self.weights, self.bias)
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)

    def grid(self, half: HalfLines) -> np.ndarray:
        return grid_features(half.lines, self.probabilities(half), half.n_seconds)


LINE_SOLVER = {"solver": "liblinear", "max_iter": 200}
"""scikit-learn's ``LogisticRegression`` settings (with ``C``) of the line models, on every line."""
LARGE_CORPUS_SHARE = 0.2
"""On a large corpus (SoccerNet's train split: half a million lines; liblinear took ~15 CPU-minutes
a fit there) each line model learns from every line that talks about its class and this share of
the others, weighted ``1 / share`` (the full objective's unbiased estimate: the same
regularisation, the same calibration), with :data:`LARGE_CORPUS_SOLVER`. The shipped weights were
fitted so (``bench/commentary_work.py``)."""
LARGE_CORPUS_SOLVER = {"solver": "sag", "max_iter": 30, "tol": 1e-3}
"""SAG on the unit TF-IDF rows reached liblinear's line ranking (AUC within 0.002 on real lines) in
2.2x less time."""


def fit_line_models(
    halves: Sequence[HalfLines],
    c: float = 1.0,
    classes: Sequence[str] = CLASSES,
    negative_share: float = 1.0,
    seed: int = 0,
    solver: Mapping[str, object] = LINE_SOLVER,
) -> LineModels:
    """Fit every channel's logistic regression on the lines of ``halves`` (scikit-learn, at training
    only): each on its positive lines and a ``negative_share`` of the rest (see :data:`LARGE_CORPUS_SHARE`)."""
    import warnings

    from scipy.sparse import csr_matrix
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    bags = [h.bags for h in halves if len(h.lines)]
    if not bags:
        raise InputError("no transcript lines to train the commentary spotter on")
    indptr = np.concatenate([[0]] + [b.indptr[1:] + off for b, off in zip(bags, _offsets(bags), strict=True)])
    merged = LineBags(indptr, np.concatenate([b.indices for b in bags]), np.concatenate([b.counts for b in bags]))
    idf = document_frequency_idf(merged)
    matrix = csr_matrix((merged.tfidf(idf), merged.indices, merged.indptr), shape=(len(merged), N_BUCKETS))
    targets = np.vstack([h.line_targets(classes) for h in halves if len(h.lines)])
    weights = np.zeros((N_BUCKETS, targets.shape[1]), np.float32)
    bias = np.zeros(targets.shape[1], np.float32)
    rng = np.random.default_rng(seed)
    for k in range(targets.shape[1]):
        y = targets[:, k]
        if y.min() == y.max():
            bias[k] = -10.0 if y.max() == 0 else 10.0
            continue
        model = LogisticRegression(C=c, **solver)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if negative_share >= 1.0:
                model.fit(matrix, y)
            else:
                rows = np.flatnonzero((y > 0) | (rng.random(len(y)) < negative_share))
                model.fit(matrix[rows], y[rows], sample_weight=np.where(y[rows] > 0, 1.0, 1.0 / negative_share))
        weights[:, k] = model.coef_[0]
        bias[k] = model.intercept_[0]
    return LineModels(idf, weights, bias)


def _offsets(bags: Sequence[LineBags]) -> list[int]:
    return list(np.cumsum([0] + [len(b.indices) for b in bags[:-1]]))


TREE_PARAMS = {"max_iter": 300, "learning_rate": 0.05, "max_leaf_nodes": 7, "min_samples_leaf": 100,
               "l2_regularization": 1.0}  # fmt: skip
"""scikit-learn's ``HistGradientBoostingClassifier`` settings for every class's trees: small trees
with large leaves (31-leaf trees fitted the training games' talk and lost 0.07 Goal AP out of fold)."""
SMOOTH_S = 2.0
"""The trees' per-second probabilities are smoothed with a Gaussian this wide before their peaks
are taken: one event's neighbouring seconds agree instead of competing."""
HALF_RANK_ALPHA = 0.3
"""How much a moment's confidence is weighed against its half's best (``p^(1-a) * (p / max)^a``):
a quiet match's loudest call is still its goal (+0.007 Goal AP out of fold)."""
LINE_CS = (1.0, 4.0)
"""The ensemble's members: line models at these inverse regularisations (each with its own trees),
their probabilities averaged. Two members: 0.402 Goal AP out of fold, against 0.385 and 0.380 alone."""


def fit_trees(
    grids: Sequence[np.ndarray],
    halves: Sequence[HalfLines],
    seed: int = 0,
    classes: Sequence[int] | None = None,
    params: Mapping[str, float] | None = None,
    names: Sequence[str] = CLASSES,
) -> dict[int, TreeEnsemble]:
    """Per class (indices into ``names``; all by default), boosted trees on every second of
    ``halves`` (all positives, a share of negatives); classes with fewer than two events get none."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    features, targets, masks = [], [], []
    for grid, half in zip(grids, halves, strict=True):
        target, mask = half.second_targets(names)
        keep = target.any(axis=1) | (rng.random(half.n_seconds) < NEGATIVE_SHARE)
        features.append(grid[keep])
        targets.append(target[keep])
        masks.append(mask[keep])
    x, y, m = np.vstack(features), np.vstack(targets), np.vstack(masks)
    trees = {}
    for c in range(len(names)) if classes is None else classes:
        rows = m[:, c]
        if y[rows, c].sum() < 2:
            continue
        model = HistGradientBoostingClassifier(**{**TREE_PARAMS, **(params or {})}, early_stopping=False,
                                               random_state=seed)  # fmt: skip
        model.fit(x[rows], y[rows, c])
        trees[c] = TreeEnsemble.from_sklearn(model)
    return trees


def smoothed(probability: np.ndarray, sigma_s: float) -> np.ndarray:
    """A per-second curve smoothed with a Gaussian of ``sigma_s`` seconds (edges held)."""
    if sigma_s <= 0 or len(probability) < 2:
        return probability
    radius = int(np.ceil(3 * sigma_s))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma_s) ** 2)
    padded = np.pad(probability, radius, mode="edge")
    return np.convolve(padded, kernel / kernel.sum(), mode="valid")


@dataclass(frozen=True)
class Member:
    """One of the spotter's models: line models of one regularisation and the trees over their grid."""

    lines: LineModels
    trees: Mapping[int, TreeEnsemble]
    """Trees per index into the spotter's classes."""

    def probabilities(self, half: HalfLines, n_classes: int) -> np.ndarray:
        grid = self.lines.grid(half)
        out = np.zeros((half.n_seconds, n_classes), np.float64)
        for c, trees in self.trees.items():
            out[:, c] = trees.probability(grid)
        return out


def event_curve(probability: np.ndarray, smooth_s: float = SMOOTH_S, alpha: float = HALF_RANK_ALPHA) -> np.ndarray:
    """The members' mean probability of one class over a half, as its events are read from it:
    smoothed (:data:`SMOOTH_S`), then weighed against the half's own best moment
    (:data:`HALF_RANK_ALPHA`)."""
    curve = smoothed(probability, smooth_s)
    top = max(float(curve.max()), 1e-9) if len(curve) else 1.0
    return curve ** (1 - alpha) * (curve / top) ** alpha


def curve_peaks(curve: np.ndarray, min_gap_s: float) -> list[tuple[int, float]]:
    """(second, confidence) of a curve's greedy peaks more than ``min_gap_s`` apart, best first."""
    kept = greedy_nms(np.arange(len(curve)), curve, min_gap_s, SPOT_MIN_P, keep_at_gap=False)
    return [(int(t), float(curve[t])) for t in kept]


@dataclass(frozen=True)
class SpotterWeights:
    """A trained spotter: an ensemble of members (line models of different regularisation and their
    trees) whose probabilities are averaged; scored with numpy."""

    members: tuple[Member, ...]
    meta: dict = field(default_factory=dict)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.meta.get("classes", CLASSES))

    @property
    def spotted(self) -> list[int]:
        """Indices of the classes every member has trees for."""
        return sorted(set.intersection(*(set(m.trees) for m in self.members))) if self.members else []

    def probabilities(self, half: HalfLines) -> np.ndarray:
        """``(n_seconds, len(classes))``: the members' mean P(an event of each class at each second)."""
        return np.mean([m.probabilities(half, len(self.classes)) for m in self.members], axis=0)

    def peaks(self, half: HalfLines, min_gap_s: float) -> dict[str, list[tuple[int, float]]]:
        """Per class: (second, confidence) of its events, more than ``min_gap_s`` apart, best first."""
        probs = self.probabilities(half)
        smooth_s, alpha = float(self.meta.get("smooth_s", SMOOTH_S)), float(self.meta.get("alpha", HALF_RANK_ALPHA))
        return {
            self.classes[c]: curve_peaks(event_curve(probs[:, c], smooth_s, alpha), min_gap_s) for c in self.spotted
        }

    def spot(self, half: HalfLines, min_gap_s: float) -> list[Prediction]:
        return [
            Prediction(half.half, float(second), label, confidence)
            for label, peaks in self.peaks(half, min_gap_s).items()
            for second, confidence in peaks
        ]

    def save(self, path: Path) -> None:
        """Arrays only (no pickle): which buckets the line models use (a bitmap) and their IDF
        (float16, one for all members: they learn from the same lines), per member the line
        weights quantised to ``WEIGHT_LEVELS`` steps a side per channel, and every tree's nodes.
        The quantisation keeps the shipped file small (2.07 MB, was 12.4 MB in float16): on 16
        held-out real games the spotter scores the same after saving as before, within 0.008 mAP
        per class (``bench/commentary_cv.json``)."""
        from soccer_highlights.fileio import atomic_path

        idf = self.members[0].lines.idf
        if any(not np.array_equal(m.lines.idf, idf) for m in self.members):
            raise ValueError("the spotter's members must share one IDF (they are fitted on the same lines)")
        meta = {**self.meta, "format": FORMAT, "classes": list(self.classes), "members": len(self.members),
                "windows": [list(w) for w in WINDOWS], "n_buckets": N_BUCKETS}  # fmt: skip
        used = np.any([np.any(m.lines.weights != 0, axis=1) for m in self.members], axis=0)
        used |= idf < idf.max()  # seen in training (df > 0): its IDF counts in a line's length even at weight 0
        arrays: dict[str, np.ndarray] = {
            "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            "used": np.packbits(used),
            "idf": idf[used].astype(np.float16),
        }
        for j, member in enumerate(self.members):
            weights = member.lines.weights[used]
            scale = np.maximum(np.abs(weights).max(axis=0), 1e-12) / WEIGHT_LEVELS
            arrays |= {
                f"m{j}_line_q": np.ascontiguousarray(np.round(weights / scale).astype(np.int8).T),
                f"m{j}_line_scale": scale.astype(np.float32),
                f"m{j}_line_bias": member.lines.bias.astype(np.float32),
            }
            for c, trees in member.trees.items():
                arrays |= trees.arrays(f"m{j}_trees{c}_")
        with atomic_path(path) as tmp, tmp.open("wb") as fh:
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, path: Path) -> SpotterWeights:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            if meta.get("format") not in (4, FORMAT) or not set(meta.get("classes", ())) <= set(CLASSES):
                raise InputError(f"{path}: commentary weights of another format or classes than this version's")
            if [tuple(w) for w in meta["windows"]] != list(WINDOWS) or meta["n_buckets"] != N_BUCKETS:
                raise InputError(f"{path}: commentary weights for other windows or buckets than this version's")
            n_classes = len(meta["classes"])
            used = np.unpackbits(data["used"], count=N_BUCKETS).astype(bool)
            idf = np.ones(N_BUCKETS, np.float32)
            idf[used] = data["idf"]
            members = []
            for j in range(int(meta["members"])):
                weights = np.zeros((N_BUCKETS, 2 * n_classes), np.float32)
                q = data[f"m{j}_line_q"]
                weights[used] = (q.T if meta["format"] == FORMAT else q) * data[f"m{j}_line_scale"]
                trees = {
                    c: TreeEnsemble.from_arrays(data, f"m{j}_trees{c}_")
                    for c in range(n_classes)
                    if f"m{j}_trees{c}_shape" in data.files
                }
                members.append(Member(LineModels(idf, weights, data[f"m{j}_line_bias"].astype(np.float32)), trees))
            return cls(tuple(members), meta)


def out_of_fold_grids(
    halves: Sequence[HalfLines], folds: int, salt: str, c: float = 1.0, classes: Sequence[str] = CLASSES
) -> list[np.ndarray]:
    """Each half's grid from line models fitted on the other folds' games."""
    grids: list[np.ndarray | None] = [None] * len(halves)
    for fold in range(folds):
        held = [i for i, h in enumerate(halves) if fold_of(h.game, folds, salt) == fold]
        train = [h for h in halves if fold_of(h.game, folds, salt) != fold]
        if not held or not train:
            continue
        models = fit_line_models(train, c, classes)
        for i in held:
            grids[i] = models.grid(halves[i])
    missing = [i for i, g in enumerate(grids) if g is None]
    if missing:  # too few games for every fold: fall back to models that saw them
        models = fit_line_models(halves, c, classes)
        for i in missing:
            grids[i] = models.grid(halves[i])
    return grids  # type: ignore[return-value]


def train_spotter(
    halves: Sequence[HalfLines],
    inner_folds: int = 5,
    seed: int = 0,
    line_cs: Sequence[float] = LINE_CS,
    classes: Sequence[str] = CLASSES,
    on_step: Callable[[str], None] | None = None,
) -> SpotterWeights:
    """Every member on ``halves``: its trees learn from line scores of games its line models never
    saw (``inner_folds`` by game); its shipped line models are then fitted on every game."""
    if not halves:
        raise InputError("no halves to train the commentary spotter on")
    members = []
    for c in line_cs:
        grids = out_of_fold_grids(halves, inner_folds, f"{INNER_SALT}{seed}:", c, classes)
        trees = fit_trees(grids, halves, seed, names=classes)
        del grids
        members.append(Member(fit_line_models(halves, c, classes), trees))
        if on_step:
            on_step(f"member C={c:g}: line models and trees for {len(trees)} classes")
    meta = {"classes": list(classes), "halves": len(halves), "games": sorted({h.game for h in halves}),
            "inner_folds": inner_folds, "line_cs": list(line_cs), "positive_s": POSITIVE_S,
            "negative_share": NEGATIVE_SHARE, "smooth_s": SMOOTH_S, "alpha": HALF_RANK_ALPHA,
            "trees": TREE_PARAMS}  # fmt: skip
    return SpotterWeights(tuple(members), meta)

"""SoccerNet's action-spotting metric (Average-mAP), computed as the official evaluator does, fast.

Semantics follow ``SoccerNet.Evaluation.ActionSpotting`` to the letter, because a number that
differs from the leaderboard's is worse than no number:

* labels and predictions are binned at 2 fps over 120 minutes per half (``int(2 * ms / 1000)``,
  clipped to the last bin); in one bin and class the last annotation or prediction wins;
* a prediction is a true positive when it is matched, within ``delta / 2`` bins, by the greedy
  matching of the official code: ground-truth events in time order, each taking the highest-scoring
  unmatched prediction in its window (the earliest on ties);
* precision and recall at 200 confidence thresholds in [0, 1], 11-point interpolated AP, the mean
  over all classes (a class with no event counts as 0), and the trapezoidal average over deltas
  (``loose``: 5..60 s, ``tight``: 1..5 s, ``at1``..``at5``: one delta, no averaging);
* the visible and unshown variants keep the predictions whose nearest event of their class is
  visible or not shown; the unshown average-mAP is rescaled by 17/13 as in the official code.

Where the official code loops over every prediction for every event in Python, this one vectorises
the windows and only falls back to the sequential greedy rule for events whose windows compete for
the same prediction (see :func:`_match`), which gives the same result far faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from soccer_highlights.errors import ConfigError
from soccer_highlights.soccernet.classes import CLASS_INDEX, CLASSES_V2
from soccer_highlights.soccernet.labels import Event
from soccer_highlights.soccernet.predictions import Prediction

FRAMERATE = 2
HALF_BINS = 120 * 60 * FRAMERATE
THRESHOLDS = np.linspace(0, 1, 200)
METRIC_DELTAS_S: dict[str, np.ndarray] = {
    "loose": np.arange(12) * 5 + 5,
    "tight": np.arange(5) * 1 + 1,
    "at1": np.array([1]),
    "at2": np.array([2]),
    "at3": np.array([3]),
    "at4": np.array([4]),
    "at5": np.array([5]),
}


@dataclass(frozen=True)
class ClassEvents:
    """One class in one half (or several halves laid end to end): what the metric needs, sparse."""

    gt_bins: np.ndarray
    gt_values: np.ndarray
    """1 visible, -1 not shown."""
    pred_bins: np.ndarray
    """Sorted bins that hold a prediction."""
    pred_scores: np.ndarray
    pred_closest: np.ndarray
    """Visibility (+-1) of the event nearest to each prediction; -1 where the class has no event."""


HalfEvents = list[ClassEvents]
"""One half: a :class:`ClassEvents` per class."""


def sparse_half(targets: np.ndarray, detections: np.ndarray) -> HalfEvents:
    """From the official dense ``(HALF_BINS, n_classes)`` arrays (targets 0/+-1, detections -1 or a
    confidence) to what the metric reads, so only one half is ever held densely."""
    closest = _closest(targets)
    out = []
    for c in range(targets.shape[1]):
        gt = np.flatnonzero(targets[:, c])
        pred = np.flatnonzero(detections[:, c] >= 0)
        out.append(ClassEvents(gt, targets[gt, c], pred, detections[pred, c], closest[pred, c]))
    return out


@dataclass(frozen=True)
class SpottingResult:
    metric: str
    a_mAP: float
    a_mAP_per_class: list[float]
    a_mAP_visible: float
    a_mAP_per_class_visible: list[float]
    a_mAP_unshown: float
    a_mAP_per_class_unshown: list[float]
    classes: tuple[str, ...] = CLASSES_V2

    def to_json(self) -> dict:
        per_class = {
            name: {
                "all": self.a_mAP_per_class[i],
                "visible": self.a_mAP_per_class_visible[i],
                "unshown": self.a_mAP_per_class_unshown[i],
            }
            for i, name in enumerate(self.classes)
        }
        return {
            "metric": self.metric,
            "a_mAP": self.a_mAP,
            "a_mAP_visible": self.a_mAP_visible,
            "a_mAP_unshown": self.a_mAP_unshown,
            "per_class": per_class,
        }


# ------------------------------------------------------------------------------------ to vectors
def _bin(position_ms: float) -> int:
    return min(int(FRAMERATE * (int(position_ms) / 1000)), HALF_BINS - 1)


def events_to_arrays(events: Sequence[Event], classes: dict[str, int] = CLASS_INDEX) -> tuple[np.ndarray, np.ndarray]:
    """Labelled events to the two halves' target arrays (official rules: binned by ``position``,
    the last annotation in a bin and class wins, "not shown" is -1)."""
    halves = np.zeros((2, HALF_BINS, len(classes)))
    for event in events:
        if event.label in classes and event.half in (1, 2):
            value = -1 if event.visibility == "not shown" else 1
            halves[event.half - 1, _bin(event.position_ms), classes[event.label]] = value
    return halves[0], halves[1]


def predictions_to_arrays(
    predictions: Sequence[Prediction], classes: dict[str, int] = CLASS_INDEX
) -> tuple[np.ndarray, np.ndarray]:
    """Predictions to the two halves' detection arrays (official rules: the last one in a bin wins)."""
    halves = np.full((2, HALF_BINS, len(classes)), -1.0)
    for pred in predictions:
        if pred.label in classes:
            halves[pred.half - 1, _bin(pred.position_ms), classes[pred.label]] = pred.confidence
    return halves[0], halves[1]


def _closest(targets: np.ndarray) -> np.ndarray:
    """For every bin and class, the visibility of the nearest event (split at midpoints)."""
    n, n_classes = targets.shape
    closest = np.full(targets.shape, -1.0)
    for c in range(n_classes):
        idx = np.flatnonzero(targets[:, c])
        if len(idx) == 0:
            continue
        bounds = np.concatenate([[-idx[0]], idx, [2 * n]])
        starts = np.maximum(0, (bounds[:-2] + bounds[1:-1]) // 2)
        stops = np.minimum(n, (bounds[1:-1] + bounds[2:]) // 2)
        for start, stop, i in zip(starts, stops, idx, strict=True):
            closest[start:stop, c] = targets[i, c]
    return closest


# ------------------------------------------------------------------------------------- matching
def _match(gt: np.ndarray, pred_bins: np.ndarray, pred_scores: np.ndarray, delta: int) -> np.ndarray:
    """True-positive flags of the predictions, by the official greedy matching.

    Every event's window (predictions within ``delta / 2`` bins) is laid out as a row and its first
    arg-max taken at once. Events whose windows overlap form clusters; where a cluster's events all
    picked different predictions, the sequential rule picks the same ones (taking out another
    event's pick cannot change a first arg-max that was not it), so only the clusters whose events
    share a pick are replayed one event at a time.
    """
    tp = np.zeros(len(pred_bins))
    if len(gt) == 0 or len(pred_bins) == 0:
        return tp
    reach = int(np.floor(delta / 2))
    lo = np.searchsorted(pred_bins, gt - reach, side="left")
    hi = np.searchsorted(pred_bins, gt + reach, side="right")
    width = int((hi - lo).max())
    if width == 0:
        return tp
    slots = lo[:, None] + np.arange(width)[None, :]
    inside = slots < hi[:, None]
    rows = np.where(inside, pred_scores[np.minimum(slots, len(pred_bins) - 1)], -np.inf)
    has_pick = inside[:, 0]
    pick = np.where(has_pick, lo + np.argmax(rows, axis=1), -1)

    cluster = np.cumsum(np.concatenate([[0], np.diff(gt) > 2 * reach]))
    picked = pick >= 0
    keys = cluster[picked] * (len(pred_bins) + 1) + pick[picked]
    unique_keys, counts = np.unique(keys, return_counts=True)
    contested = np.unique(unique_keys[counts > 1] // (len(pred_bins) + 1))
    calm = picked & ~np.isin(cluster, contested)
    tp[pick[calm]] = 1
    for cid in contested:
        taken: set[int] = set()
        for k in np.flatnonzero(cluster == cid):
            best, best_score = -1, -np.inf
            for slot in range(lo[k], hi[k]):
                if pred_scores[slot] > best_score and slot not in taken:
                    best, best_score = slot, pred_scores[slot]
            if best >= 0:
                taken.add(best)
                tp[best] = 1
    return tp


# ---------------------------------------------------------------------------------------- metric
def _lay_end_to_end(halves: Sequence[HalfEvents], n_classes: int) -> list[ClassEvents]:
    """Each class's events of every half on one timeline, halves far enough apart that no window
    (at most 60 s, 120 bins) reaches across: one vectorised pass per class instead of one per half."""
    stride = HALF_BINS + 1_000
    joined = []
    for c in range(n_classes):
        parts = [h[c] for h in halves]
        joined.append(
            ClassEvents(
                gt_bins=np.concatenate([p.gt_bins + i * stride for i, p in enumerate(parts)] or [np.zeros(0, int)]),
                gt_values=np.concatenate([p.gt_values for p in parts] or [np.zeros(0)]),
                pred_bins=np.concatenate([p.pred_bins + i * stride for i, p in enumerate(parts)] or [np.zeros(0, int)]),
                pred_scores=np.concatenate([p.pred_scores for p in parts] or [np.zeros(0)]),
                pred_closest=np.concatenate([p.pred_closest for p in parts] or [np.zeros(0)]),
            )
        )
    return joined


def _pr_at_thresholds(scores: np.ndarray, tp: np.ndarray, n_gt: int) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall at each of the 200 thresholds (``score >= t``), with the official 0/0 = 0."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores = -scores[order]
    cum_tp = np.concatenate([[0.0], np.cumsum(tp[order])])
    n_pred = np.searchsorted(sorted_scores, -THRESHOLDS, side="right")
    tps = cum_tp[n_pred]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.nan_to_num(tps / n_pred)
        recall = np.nan_to_num(tps / n_gt)
    return precision, recall


def _eleven_point_ap(precision: np.ndarray, recall: np.ndarray) -> float:
    ap = 0.0
    for j in np.arange(11) / 10:
        mask = recall >= j
        ap += float(precision[mask].max()) if mask.any() else 0.0
    return ap / 11


def _class_ap(events: ClassEvents, delta: int) -> tuple[float, float, float]:
    """AP of one class at one delta (in bins): all events, visible ones, unshown ones."""
    tp = _match(events.gt_bins, events.pred_bins, events.pred_scores, delta)
    n_vis = int(np.sum(events.gt_values > 0))
    n_uns = int(np.sum(events.gt_values < 0))
    scores, closest = events.pred_scores, events.pred_closest
    visible, unshown = closest > 0.5, closest < -0.5
    return (
        _eleven_point_ap(*_pr_at_thresholds(scores, tp, n_vis + n_uns)),
        _eleven_point_ap(*_pr_at_thresholds(scores[visible], tp[visible], n_vis)),
        _eleven_point_ap(*_pr_at_thresholds(scores[unshown], tp[unshown], n_uns)),
    )


def average_map(
    halves: Sequence[HalfEvents], metric: str = "loose", n_classes: int = len(CLASSES_V2)
) -> SpottingResult:
    """Average-mAP over all halves, with per-class and visibility breakdowns, as the official code."""
    if metric not in METRIC_DELTAS_S:
        raise ConfigError(f"unknown metric {metric!r}; choose one of {', '.join(METRIC_DELTAS_S)}")
    timelines = _lay_end_to_end(halves, n_classes)
    deltas = METRIC_DELTAS_S[metric] * FRAMERATE
    # (n_deltas, 3 variants, n_classes)
    per_delta = np.array([[_class_ap(t, int(d)) for t in timelines] for d in deltas]).transpose(0, 2, 1)
    if len(per_delta) == 1:
        per_class = per_delta[0]
        overall = per_class.mean(axis=1)
    else:
        per_class = ((per_delta[:-1] + per_delta[1:]) / 2).sum(axis=0) / (len(per_delta) - 1)
        means = per_delta.mean(axis=2)
        overall = ((means[:-1] + means[1:]) / 2).sum(axis=0) / (len(means) - 1)
        overall[2] *= 17 / 13
    return SpottingResult(
        metric=metric,
        a_mAP=float(overall[0]),
        a_mAP_per_class=[float(x) for x in per_class[0]],
        a_mAP_visible=float(overall[1]),
        a_mAP_per_class_visible=[float(x) for x in per_class[1]],
        a_mAP_unshown=float(overall[2]),
        a_mAP_per_class_unshown=[float(x) for x in per_class[2]],
    )


def precision_recall_curves(halves: Sequence[HalfEvents], delta_s: float, n_classes: int = len(CLASSES_V2)) -> dict:
    """Per-class precision and recall over the 200 thresholds at one delta, for plotting."""
    curves = {}
    for c, events in enumerate(_lay_end_to_end(halves, n_classes)):
        tp = _match(events.gt_bins, events.pred_bins, events.pred_scores, int(delta_s * FRAMERATE))
        curves[CLASSES_V2[c]] = _pr_at_thresholds(events.pred_scores, tp, len(events.gt_bins))
    return curves

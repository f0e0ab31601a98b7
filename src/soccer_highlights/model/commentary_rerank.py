"""The commentary spotter's second stage: which of a half's candidate moments are the events.

The first stage (:mod:`soccer_highlights.model.commentary`) is linear: it adds up what is said in
windows around a second, so a goal call and talk about a goal score alike. Its per-class peaks are
good candidates (nearly every goal has one within 10 s) but poorly ranked. The second stage is a
gradient-boosted tree classifier per class that ranks each candidate from what a linear model
cannot combine: the first stage's scores of every class over two and a half minutes around it,
the transcript cues (:mod:`soccer_highlights.features.commentary_cues`: the first mention of a new
score, bursts of goal words, repeated lines, speech rate), where the moment lies in the half, and
how it compares with the half's other candidates (a half has few goals; the ten loudest moments of
a half of pre-match talk are not all goals).

It is trained on first-stage scores of games the first stage never saw (out-of-fold within the
training games), so it learns how far to trust them on new games.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from soccer_highlights.features.commentary_cues import CUES

CANDIDATE_NMS_S = 10
"""Candidates are first-stage peaks at least this far apart."""
CANDIDATE_MIN_P = 1e-3
POSITIVE_S = 10.0
"""A candidate this close to a labelled event of its class is a positive when training."""
CONTEXT: tuple[tuple[int, int], ...] = ((-30, -10), (-10, 0), (0, 10), (10, 30), (30, 60), (60, 120))
"""Seconds around a candidate whose mean cues and first-stage scores it is ranked by."""
MIN_EVENTS_TO_RANK = 100
"""Classes with fewer labelled training events keep the first stage's scores: on the valid games,
trees fitted on Penalty's 27 and Red card's 7 (per training fold) fell from a Goal-like 0.06 and 0.18
loose Average-mAP to 0.003 and 0.002."""
HALF_QUANTILES = (0.5, 0.9, 0.99)
CUE = {name: i for i, name in enumerate(CUES)}
BOOSTING = {
    "max_iter": 200,
    "learning_rate": 0.05,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}
"""scikit-learn settings, chosen once on the Goal class (other settings measured within noise:
see docs/commentary_model.md)."""


def candidates(scores: np.ndarray, min_gap_s: int = CANDIDATE_NMS_S, min_p: float = CANDIDATE_MIN_P) -> np.ndarray:
    """Seconds of greedy peaks of one class's per-second scores, at least ``min_gap_s`` apart."""
    remaining = scores.astype(np.float64, copy=True)
    peaks = []
    while len(remaining):
        t = int(np.argmax(remaining))
        if remaining[t] < min_p:
            break
        peaks.append(t)
        remaining[max(0, t - min_gap_s) : t + min_gap_s + 1] = -1.0
    return np.array(peaks, np.int64)


def candidate_features(probs: np.ndarray, cues: np.ndarray, half: int, c: int, times: np.ndarray) -> np.ndarray:
    """One row per candidate second of class ``c``; ``probs`` are the first stage's (seconds, classes)."""
    n = len(probs)
    focus = probs[:, c]
    at = focus[times]
    order = np.argsort(-at, kind="stable")
    rank = np.empty(len(at))
    rank[order] = np.arange(len(at))
    quantiles = np.quantile(focus, HALF_QUANTILES)
    minutes = max(n / 60.0, 1e-9)
    new_totals = cues[:, CUE["new_score_totals"]]
    half_level = [
        *quantiles,
        new_totals.sum(),
        cues[:, CUE["goal_words"]].sum() / minutes,
        cues[:, CUE["words"]].sum() / minutes,
        cues[:, CUE["repeated_lines"]].sum() / minutes,
        cues[:, CUE["speech"]].mean(),
    ]
    cum_cues = np.vstack([np.zeros((1, cues.shape[1])), np.cumsum(cues, axis=0)])
    cum_probs = np.vstack([np.zeros((1, probs.shape[1])), np.cumsum(probs, axis=0)])
    cum_new = np.concatenate([[0.0], np.cumsum(new_totals)])
    rows = []
    for k, t in enumerate(times):
        p = at[k]
        row = [p, np.log(max(p, 1e-12)), rank[k], p / max(at.max(), 1e-12), float((at > p / 2).sum())]
        row += [t, t / n, n - t, half, len(times), p / max(quantiles[-1], 1e-12)]
        row += [*probs[t], *half_level, cum_new[n] - cum_new[t], cum_new[t]]
        for a, b in CONTEXT:
            lo, hi = np.clip([t + a, t + b], 0, n)
            width = max(hi - lo, 1)
            row += [*((cum_cues[hi] - cum_cues[lo]) / width), *((cum_probs[hi] - cum_probs[lo]) / width)]
        rows.append(row)
    width = 11 + probs.shape[1] + len(HALF_QUANTILES) + 5 + 2 + len(CONTEXT) * (cues.shape[1] + probs.shape[1])
    return np.asarray(rows, np.float64).reshape(len(times), width)


def training_rows(
    probs: np.ndarray, cues: np.ndarray, half: int, c: int, event_times: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """A half's candidates of class ``c`` as features and 0/1 targets (near a labelled event)."""
    times = candidates(probs[:, c])
    features = candidate_features(probs, cues, half, c, times)
    events = np.asarray(event_times, np.float64)
    if len(events) == 0:
        return features, np.zeros(len(times), np.int64)
    distance = np.abs(times[:, None] - events[None, :]).min(axis=1)
    return features, (distance <= POSITIVE_S).astype(np.int64)


def fit_ranker(features: np.ndarray, targets: np.ndarray, n_events: int, seed: int = 0):
    """A tree ensemble for one class, or None where the class has too few events to learn from."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from soccer_highlights.model.trees import TreeEnsemble

    if n_events < MIN_EVENTS_TO_RANK or targets.sum() == 0 or targets.sum() == len(targets):
        return None
    model = HistGradientBoostingClassifier(**BOOSTING, random_state=seed, early_stopping=False)
    model.fit(features, targets)
    return TreeEnsemble.from_sklearn(model)


def ranked_peaks(
    probs: np.ndarray, cues: np.ndarray, half: int, rankers: Mapping[int, object], min_gap_s: float
) -> dict[int, list[tuple[int, float]]]:
    """Per class index: (second, confidence) peaks at least ``min_gap_s`` apart, best first.

    Classes with a ranker are scored by it; the others keep the first stage's probability."""
    out = {}
    for c in range(probs.shape[1]):
        times = candidates(probs[:, c])
        if len(times) == 0:
            out[c] = []
            continue
        ranker = rankers.get(c)
        scores = ranker.probability(candidate_features(probs, cues, half, c, times)) if ranker else probs[times, c]
        kept: list[tuple[int, float]] = []
        for i in np.argsort(-scores, kind="stable"):
            if all(abs(int(times[i]) - t) > min_gap_s for t, _ in kept):
                kept.append((int(times[i]), float(scores[i])))
        out[c] = kept
    return out

"""The commentary spotter's second stage: which of a half's candidate moments are the events.

The first stage (:mod:`soccer_highlights.commentary.spotter`) is linear: it adds up what is said in
windows around a second, so a goal call and talk about a goal score alike. Its per-class peaks are
good candidates (nearly every goal has one within 10 s) but poorly ranked. The second stage is a
gradient-boosted tree classifier per class that ranks each candidate from what a linear model
cannot combine: the first stage's scores of every class over two and a half minutes around it,
the transcript cues (:mod:`soccer_highlights.commentary.cues`: the first mention of a new
score, bursts of goal words, repeated lines, speech rate), where the moment lies in the half, and
how it compares with the half's other candidates (a half has few goals; the ten loudest moments of
a half of pre-match talk are not all goals).

Optionally, the trees of Goal also read a candidate text model (:class:`CandidateText`): a logistic regression
over the words said around each candidate, fitted on candidates alone, so it learns what sets the
call of a goal apart from talk about one.

It is trained on first-stage scores of games the first stage never saw (out-of-fold within the
training games), so it learns how far to trust them on new games; the text model's scores reach
the trees out-of-fold too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from soccer_highlights.commentary.cues import CUES
from soccer_highlights.commentary.text import N_BUCKETS
from soccer_highlights.segments import greedy_nms

if TYPE_CHECKING:
    from soccer_highlights.commentary.spotter import HalfText
    from soccer_highlights.commentary.trees import TreeEnsemble

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
TEXT_WINDOWS: tuple[tuple[int, int], ...] = ((-10, 0), (0, 10), (10, 30), (30, 90))
"""Seconds around a candidate whose words the candidate-level text model reads, each window apart."""
TEXT_MODEL_CLASSES = ("Goal",)
"""Classes given a candidate text model when one is asked for (``train-commentary --text-model``):
a model of the words around candidates alone, the first stage's hard negatives (talk about a goal
that is not the call of one). Off in the shipped weights: cross-validated, Goal loose rose from
0.364 to 0.400 but tight fell from 0.124 to 0.106, and both real-footage checks got worse (see
docs/commentary_model.md)."""
TEXT_C = 0.1
"""Inverse L2 strength of the candidate-level logistic regression."""
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
    """Seconds of greedy peaks of one class's per-second scores, more than ``min_gap_s`` apart."""
    seconds = np.arange(len(scores))
    return np.array(greedy_nms(seconds, scores, min_gap_s, min_p, keep_at_gap=False), np.int64)


@dataclass(frozen=True)
class CandidateText:
    """A logistic regression over the hashed words said in :data:`TEXT_WINDOWS` around a candidate."""

    weights: np.ndarray
    """(len(TEXT_WINDOWS) * N_BUCKETS,)"""
    bias: float

    def score(self, text: HalfText, times: np.ndarray) -> np.ndarray:
        rows = candidate_token_rows(text, times)
        logits = np.array([self.bias + float(self.weights[cols] @ values) for cols, values in rows])
        return 1.0 / (1.0 + np.exp(-logits))


def candidate_token_rows(text: HalfText, times: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per candidate: the columns (window * N_BUCKETS + bucket) and log(1 + count) of its words."""
    bounds = np.append(text.offsets, len(text.ids))  # second s's tokens are ids[bounds[s]:bounds[s + 1]]
    rows = []
    for t in times:
        cols, values = [], []
        for w, (a, b) in enumerate(TEXT_WINDOWS):
            lo, hi = np.clip([t + a, t + b], 0, text.n_seconds)
            ids, counts = np.unique(text.ids[bounds[lo] : bounds[hi]], return_counts=True)
            cols.append(ids + w * N_BUCKETS)
            values.append(np.log1p(counts))
        rows.append((np.concatenate(cols), np.concatenate(values).astype(np.float64)))
    return rows


def fit_candidate_text(rows: Sequence[tuple[np.ndarray, np.ndarray]], targets: np.ndarray) -> CandidateText | None:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    if targets.sum() == 0 or targets.sum() == len(targets):
        return None
    indptr = np.cumsum([0] + [len(cols) for cols, _ in rows])
    matrix = csr_matrix(
        (np.concatenate([v for _, v in rows]), np.concatenate([c for c, _ in rows]), indptr),
        shape=(len(rows), len(TEXT_WINDOWS) * N_BUCKETS),
    )
    model = LogisticRegression(C=TEXT_C, max_iter=300, solver="liblinear").fit(matrix, targets)
    return CandidateText(model.coef_[0].astype(np.float32), float(model.intercept_[0]))


def candidate_features(
    probs: np.ndarray,
    cues: np.ndarray,
    half: int,
    c: int,
    times: np.ndarray,
    text_scores: np.ndarray | None = None,
) -> np.ndarray:
    """One row per candidate second of class ``c``; ``probs`` are the first stage's (seconds, classes);
    ``text_scores``, where the class has a candidate text model, its scores as the last column."""
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
    features = np.asarray(rows, np.float64).reshape(len(times), width)
    return features if text_scores is None else np.hstack([features, np.asarray(text_scores)[:, None]])


def candidate_targets(times: np.ndarray, event_times: Sequence[float]) -> np.ndarray:
    """1 for a candidate within :data:`POSITIVE_S` of a labelled event of its class, else 0."""
    events = np.asarray(event_times, np.float64)
    if len(events) == 0 or len(times) == 0:
        return np.zeros(len(times), np.int64)
    return (np.abs(times[:, None] - events[None, :]).min(axis=1) <= POSITIVE_S).astype(np.int64)


def fit_second_stage(
    scored: Sequence[tuple[HalfText, np.ndarray]],
    classes: Sequence[str],
    folds: int,
    seed: int = 0,
    text_classes: Sequence[str] = (),
) -> tuple[dict[int, TreeEnsemble], dict[int, CandidateText]]:
    """Trees per class (and a candidate text model for each of ``text_classes``) from halves
    scored by a first stage that never saw them. The trees read the text model's scores of games
    it never saw either: ``folds`` inner folds by a salted hash of the game."""
    from soccer_highlights.commentary.folds import fold_of

    rankers: dict[int, TreeEnsemble] = {}
    texts: dict[int, CandidateText] = {}
    for c, label in enumerate(classes):
        n_events = sum(len(h.event_times(label)) for h, _ in scored)
        if n_events < MIN_EVENTS_TO_RANK:
            continue
        times = [candidates(p[:, c]) for _, p in scored]
        targets = [candidate_targets(t, h.event_times(label)) for t, (h, _) in zip(times, scored, strict=True)]
        text_scores: list[np.ndarray | None] = [None] * len(scored)
        if label in text_classes:
            rows = [candidate_token_rows(h, t) for t, (h, _) in zip(times, scored, strict=True)]
            fold = [fold_of(h.game, folds, "text:") for h, _ in scored]
            for k in range(folds):
                train = [i for i in range(len(scored)) if fold[i] != k]
                model = fit_candidate_text(
                    [r for i in train for r in rows[i]], np.concatenate([targets[i] for i in train])
                )
                for i in (i for i in range(len(scored)) if fold[i] == k):
                    text_scores[i] = model.score(scored[i][0], times[i]) if model else np.zeros(len(times[i]))
            model = fit_candidate_text([r for half_rows in rows for r in half_rows], np.concatenate(targets))
            if model is None:
                continue
            texts[c] = model
        features = np.vstack(
            [
                candidate_features(p, h.cues, h.half, c, t, s)
                for (h, p), t, s in zip(scored, times, text_scores, strict=True)
            ]
        )
        ranker = fit_ranker(features, np.concatenate(targets), seed)
        if ranker is not None:
            rankers[c] = ranker
        else:
            texts.pop(c, None)
    return rankers, texts


def fit_ranker(features: np.ndarray, targets: np.ndarray, seed: int = 0) -> TreeEnsemble | None:
    """A tree ensemble for one class, or None where its candidates are all one kind."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from soccer_highlights.commentary.trees import TreeEnsemble

    if targets.sum() == 0 or targets.sum() == len(targets):
        return None
    model = HistGradientBoostingClassifier(**BOOSTING, random_state=seed, early_stopping=False)
    model.fit(features, targets)
    return TreeEnsemble.from_sklearn(model)


def ranked_peaks(
    text: HalfText,
    probs: np.ndarray,
    rankers: Mapping[int, TreeEnsemble],
    texts: Mapping[int, CandidateText],
    min_gap_s: float,
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
        if ranker is not None:
            text_scores = texts[c].score(text, times) if c in texts else None
            scores = ranker.probability(candidate_features(probs, text.cues, text.half, c, times, text_scores))
        else:
            scores = probs[times, c]
        kept = greedy_nms(times, scores, min_gap_s, keep_at_gap=False)
        out[c] = [(int(times[i]), float(scores[i])) for i in kept]
    return out

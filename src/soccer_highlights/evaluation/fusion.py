"""Two spotters' predictions as one: what the commentators say added to what any video spotter sees.

The rule needs neither spotter's outputs to train: a linear opinion pool. Per class, each source's
confidence is read as its probability that an event lies there, a source that says nothing within
``tolerance_s`` counting as 0; the fused confidence is ``w a + (1 - w) b``. An event both sources
report outranks one only one of them reports, which is what average precision rewards, and neither
source's scale has to be calibrated against the other's: a spotter whose false alarms reach 0.7
cannot bury what the commentary alone is sure of, as it can under a noisy-OR (``1 - (1 - a)(1 - b)``
keeps every lone prediction at full strength). Pairs are suppressed to one prediction per event,
keeping the time of the ``primary`` source (a video spotter places the action more tightly than the
commentary does).

Measured on the real valid labels with out-of-fold commentary and three simulated video spotters
(``bench/commentary_fusion.py``): the pool beat both inputs at both tolerances for all three; the
noisy-OR, with or without halving lone commentary, fell below the commentary alone for the spotter
weaker than it.
"""

from __future__ import annotations

from collections.abc import Sequence

from soccer_highlights.soccernet.predictions import Prediction

TOLERANCE_S = 10.0
"""Commentary describes an action within seconds of it, a goal's call about 3 s after it."""
PRIMARY_WEIGHT = 0.5
"""Equal trust: no outputs of the user's spotter are here to weigh it against the commentary."""


def fuse_predictions(
    primary: Sequence[Prediction],
    secondary: Sequence[Prediction],
    tolerance_s: float = TOLERANCE_S,
    primary_weight: float = PRIMARY_WEIGHT,
) -> list[Prediction]:
    fused: list[Prediction] = []
    keys = {(p.half, p.label) for p in [*primary, *secondary]}
    for half, label in sorted(keys):
        a = [p for p in primary if p.half == half and p.label == label]
        b = [p for p in secondary if p.half == half and p.label == label]
        candidates = [
            (primary_weight * _confidence(p) + (1 - primary_weight) * _nearest(p, b, tolerance_s), 0, p) for p in a
        ] + [(primary_weight * _nearest(p, a, tolerance_s) + (1 - primary_weight) * _confidence(p), 1, p) for p in b]
        candidates.sort(key=lambda c: (-c[0], c[1], c[2].time_s))  # best first; the primary's time on ties
        kept: list[float] = []
        for confidence, _, p in candidates:
            if all(abs(p.time_s - t) > tolerance_s for t in kept):
                kept.append(p.time_s)
                fused.append(Prediction(half, p.time_s, label, float(confidence)))
    return sorted(fused, key=lambda p: (p.half, p.time_s, p.label))


def _confidence(p: Prediction) -> float:
    return min(max(p.confidence, 0.0), 1.0)


def _nearest(p: Prediction, others: Sequence[Prediction], tolerance_s: float) -> float:
    """The other source's best confidence within ``tolerance_s`` of ``p`` (0 if it says nothing)."""
    return max((_confidence(o) for o in others if abs(o.time_s - p.time_s) <= tolerance_s), default=0.0)

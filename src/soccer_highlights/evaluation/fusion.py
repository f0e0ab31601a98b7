"""Two spotters' predictions as one: what the commentators say added to what any video spotter sees.

The rule needs neither spotter's outputs to train. Per class, each prediction's confidence is
read as the probability that its source has spotted an event there, and an event is missed only
if both sources miss it: the fused confidence of a prediction is ``1 - (1 - a)(1 - b)``, where
``b`` is the other source's best confidence within ``tolerance_s`` of it (0 if none). A
prediction confirmed by the other source outranks one that stands alone, which is what average
precision rewards; a secondary prediction that stands alone keeps only part of its confidence
(``ALONE_WEIGHT``). Pairs are then suppressed to one prediction per event, keeping the time of the
``primary`` source (a video spotter places the action more tightly than the commentary does).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from soccer_highlights.soccernet.predictions import Prediction

TOLERANCE_S = 10.0
"""Commentary describes an action within seconds of it, a goal's call about 3 s after it."""
ALONE_WEIGHT = 0.5
"""A secondary (commentary) prediction that the primary spotter does not confirm keeps half its
confidence: commentary places events loosely and talks of goals that were not. Chosen on simulated
spotters over the real valid labels (0.25-1.0 tried; 0.5 best for Goal, loose and tight)."""


def fuse_predictions(
    primary: Sequence[Prediction],
    secondary: Sequence[Prediction],
    tolerance_s: float = TOLERANCE_S,
    alone_weight: float = ALONE_WEIGHT,
) -> list[Prediction]:
    fused: list[Prediction] = []
    keys = {(p.half, p.label) for p in [*primary, *secondary]}
    for half, label in sorted(keys):
        a = [p for p in primary if p.half == half and p.label == label]
        b = [p for p in secondary if p.half == half and p.label == label]
        candidates = [(_noisy_or(p, b, tolerance_s), 0, p) for p in a] + [
            (_noisy_or(p, a, tolerance_s) if _confirmed(p, a, tolerance_s) else alone_weight * p.confidence, 1, p)
            for p in b
        ]
        candidates.sort(key=lambda c: (-c[0], c[1], c[2].time_s))  # best first; the primary's time on ties
        kept: list[float] = []
        for confidence, _, p in candidates:
            if all(abs(p.time_s - t) > tolerance_s for t in kept):
                kept.append(p.time_s)
                fused.append(Prediction(half, p.time_s, label, float(confidence)))
    return sorted(fused, key=lambda p: (p.half, p.time_s, p.label))


def _confirmed(p: Prediction, others: Sequence[Prediction], tolerance_s: float) -> bool:
    return any(abs(o.time_s - p.time_s) <= tolerance_s for o in others)


def _noisy_or(p: Prediction, others: Sequence[Prediction], tolerance_s: float) -> float:
    near = [o.confidence for o in others if abs(o.time_s - p.time_s) <= tolerance_s]
    other = max(near, default=0.0)
    return float(1.0 - (1.0 - np.clip(p.confidence, 0, 1)) * (1.0 - np.clip(other, 0, 1)))

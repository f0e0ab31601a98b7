"""Several ways of seeing the match as one: curves for reels, predictions for SoccerNet's metric.

**Curves** (:class:`FusionDetector`, ``get_detector("fusion", parts=[...])``): each part's score is
read as the probability that the moment is a highlight by its own evidence (the crowd's roar, what
the commentators say, what the pictures show, the score bug); a moment is a highlight unless every
part says it is not, a noisy-OR: ``1 - prod(1 - s_i)`` on one time grid. No part's output is needed
to train the rule, a strong call from any one part carries the moment, and weak signals from several
add up. The part curves stay with the fused one, for the plots. ``reel --commentary`` is this
detector over the chosen detector and the commentary spotter.

**Predictions** (:func:`fuse_predictions`, ``detect --detector commentary --predictions``):
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
from typing import Any

import numpy as np

from soccer_highlights.core import Detector, Half, ProgressFn, ScoreCurve
from soccer_highlights.errors import ConfigError
from soccer_highlights.segments import greedy_nms
from soccer_highlights.soccernet.predictions import Prediction


class FusionDetector:
    name = "fusion"

    def __init__(self, parts: Sequence[Detector], hop_s: float = 0.5):
        if len(parts) < 2:
            raise ConfigError("a fusion needs at least two detectors (parts=[...])")
        self.detectors = list(parts)
        self.hop_s = hop_s
        self.segment_defaults = self.detectors[0].segment_defaults

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "rule": "noisy-or", "detectors": [d.describe() for d in self.detectors]}

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        n = len(self.detectors)

        def part(i: int) -> ProgressFn | None:  # each part a share of the half: progress runs once, 0 to the end
            return (lambda t: progress((i * half.duration_s + min(t, half.duration_s)) / n)) if progress else None

        components = tuple(d.score_half(half, part(i)) for i, d in enumerate(self.detectors))
        grid = (np.arange(int(np.ceil(half.duration_s / self.hop_s))) + 0.5) * self.hop_s
        miss = np.ones_like(grid)
        for curve in components:
            miss *= 1.0 - np.clip(np.interp(grid, curve.times_s(), curve.scores, left=0.0, right=0.0), 0.0, 1.0)
        if progress:
            progress(half.duration_s)
        notes = tuple(note for c in components for note in c.notes)
        name = "+".join(d.name for d in self.detectors)
        moments = tuple(m for c in components for m in c.moments)
        clock = next((c.clock for c in components if c.clock), ())
        play = next((c.play for c in components if c.play), ())
        fused = (1.0 - miss).astype(np.float32)
        return ScoreCurve(half.half, self.hop_s, fused, half.duration_s, name, notes, components, moments, clock, play)


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
        candidates.sort(key=lambda c: (c[1], c[2].time_s))  # equal confidences: the primary's time first
        kept = greedy_nms([c[2].time_s for c in candidates], [c[0] for c in candidates], tolerance_s, keep_at_gap=False)
        fused.extend(Prediction(half, candidates[i][2].time_s, label, float(candidates[i][0])) for i in kept)
    return sorted(fused, key=lambda p: (p.half, p.time_s, p.label))


def _confidence(p: Prediction) -> float:
    return min(max(p.confidence, 0.0), 1.0)


def _nearest(p: Prediction, others: Sequence[Prediction], tolerance_s: float) -> float:
    """The other source's best confidence within ``tolerance_s`` of ``p`` (0 if it says nothing)."""
    return max((_confidence(o) for o in others if abs(o.time_s - p.time_s) <= tolerance_s), default=0.0)

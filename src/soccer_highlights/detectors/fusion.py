"""Several detectors as one: their curves combined by a noisy-OR on one time grid.

Each detector's score is read as the probability that the moment is a highlight by its own
evidence (the crowd's roar, what the commentators say, what the pictures show); a moment is then a
highlight unless every one of them says it is not: ``1 - prod(1 - s_i)``. No detector's output
is needed to train the rule, and a strong call from any one of them carries the moment, while
weak signals from several add up. The component curves stay with the fused one, for the plots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from soccer_highlights.core import Half, ProgressFn, ScoreCurve
from soccer_highlights.detectors.base import Detector
from soccer_highlights.errors import ConfigError


class FusionDetector:
    name = "fusion"

    def __init__(self, detectors: Sequence[Detector], hop_s: float = 0.5):
        if len(detectors) < 2:
            raise ConfigError("a fusion needs at least two detectors")
        self.detectors = list(detectors)
        self.hop_s = hop_s
        self.segment_defaults = self.detectors[0].segment_defaults

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "rule": "noisy-or", "detectors": [d.describe() for d in self.detectors]}

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        components = tuple(d.score_half(half) for d in self.detectors)
        grid = (np.arange(int(np.ceil(half.duration_s / self.hop_s))) + 0.5) * self.hop_s
        miss = np.ones_like(grid)
        for curve in components:
            miss *= 1.0 - np.clip(np.interp(grid, curve.times_s(), curve.scores, left=0.0, right=0.0), 0.0, 1.0)
        if progress:
            progress(half.duration_s)
        notes = tuple(note for c in components for note in c.notes)
        name = "+".join(d.name for d in self.detectors)
        return ScoreCurve(
            half.half, self.hop_s, (1.0 - miss).astype(np.float32), half.duration_s, name, notes, components
        )

"""The one small interface every detector implements.

A detector gets one :class:`~soccer_highlights.core.Half` (its video, where there is one, and its
length) and returns a :class:`~soccer_highlights.core.ScoreCurve`: a score in [0, 1] on a regular
time grid. The segment and reel code only ever sees curves, which is what lets the training-free
detector, the learned model and imported SoccerNet predictions share everything downstream.

Each detector also says how its curves are best cut (``segment_defaults``: a spike from a
spotter wants wider padding than a crowd's roar) and who it is (``describe()``: what a reel's
``segments.json`` records so the reel can be traced to its checkpoint or predictions file).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from soccer_highlights.config import SegmentConfig
from soccer_highlights.core import Half, ProgressFn, ScoreCurve


@runtime_checkable
class Detector(Protocol):
    name: str
    segment_defaults: SegmentConfig

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve: ...

    def describe(self) -> dict[str, Any]:
        """The detector's identity and settings, as recorded in ``segments.json``."""
        ...


def moving_average(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average with edge values repeated, so the ends are not pulled to zero."""
    if width <= 1 or len(values) == 0:
        return values.astype(np.float64)
    padded = np.pad(values.astype(np.float64), (width // 2, width - 1 - width // 2), mode="edge")
    kernel = np.ones(width) / width
    return np.convolve(padded, kernel, mode="valid")

"""The one small interface every detector implements.

A detector gets one half (its video, where there is one, and its length) and returns a
:class:`ScoreCurve`: a score in [0, 1] on a regular time grid. The segment and reel code only
ever sees curves, which is what lets the training-free detector, the learned model and imported
SoccerNet predictions share everything downstream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

ProgressFn = Callable[[float], None]
"""Called with the seconds of the half processed so far."""


@dataclass(frozen=True)
class HalfSource:
    half: int
    duration_s: float
    video: Path | None = None


@dataclass(frozen=True)
class ScoreCurve:
    half: int
    hop_s: float
    scores: np.ndarray
    """``scores[i]`` is the score at ``(i + 0.5) * hop_s`` seconds: the centre of its bin."""
    duration_s: float
    detector: str

    def times_s(self) -> np.ndarray:
        return (np.arange(len(self.scores)) + 0.5) * self.hop_s

    def to_json(self) -> dict:
        return {
            "half": self.half,
            "hop_s": self.hop_s,
            "duration_s": self.duration_s,
            "detector": self.detector,
            "scores": [round(float(s), 4) for s in self.scores],
        }


class Detector(Protocol):
    name: str

    def score_half(self, source: HalfSource, progress: ProgressFn | None = None) -> ScoreCurve: ...


def moving_average(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average with edge values repeated, so the ends are not pulled to zero."""
    if width <= 1 or len(values) == 0:
        return values.astype(np.float64)
    padded = np.pad(values.astype(np.float64), (width // 2, width - 1 - width // 2), mode="edge")
    kernel = np.ones(width) / width
    return np.convolve(padded, kernel, mode="valid")


def scale_to_unit(values: np.ndarray, low_pct: float = 50.0, high_pct: float = 99.0) -> np.ndarray:
    """Map a raw curve to [0, 1]: the half's median to 0, its top percent to 1.

    Per-half scaling makes one threshold work across broadcasts recorded at different levels.
    """
    if len(values) == 0:
        return values.astype(np.float32)
    lo, hi = np.percentile(values, [low_pct, high_pct])
    span = hi - lo
    if span <= 1e-9:
        return np.zeros_like(values, dtype=np.float32)
    return np.clip((values - lo) / span, 0.0, 1.0).astype(np.float32)

"""The types every stage speaks: a half of a match, a score curve over it, a segment of it.

Nothing here imports a stage (media, detectors, outputs), so any stage can use these without
pulling in another's dependencies. A time is seconds from the start of that half's video, as
SoccerNet's ``position`` (in milliseconds) is; names say the unit (``start_s``, ``position_ms``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ProgressFn = Callable[[float], None]
"""Called with the seconds of the half processed so far."""


@dataclass(frozen=True)
class Half:
    """One half of a match: its number, its length and, where there is one, its video.

    A half without a video (a SoccerNet label tree) can still be planned, with its length taken
    from its last event (:func:`half_length_from_events`), but not scored from sound or pictures.
    """

    half: int
    duration_s: float
    video: Path | None = None
    has_audio: bool = False


@dataclass(frozen=True)
class ScoreCurve:
    """How highlight-worthy each moment of one half is, on a regular time grid, in [0, 1]."""

    half: int
    hop_s: float
    scores: np.ndarray
    """``scores[i]`` is the score at ``(i + 0.5) * hop_s`` seconds: the centre of its bin."""
    duration_s: float
    detector: str
    notes: tuple[str, ...] = ()
    """What the detector noticed about this half that a user should hear (a truncated sound track,
    predictions outside the video), shown with the reel and written into ``segments.json``."""
    components: tuple[ScoreCurve, ...] = ()
    """For a fused curve, the curves it was made of (drawn beside it)."""

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


@dataclass(frozen=True)
class Segment:
    """A stretch of one half's video that goes into the reel."""

    half: int
    start_s: float
    end_s: float
    peak_s: float
    """Time of the best peak inside the segment."""
    score: float
    detector: str

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def contains(self, half: int, time_s: float) -> bool:
        return half == self.half and self.start_s <= time_s <= self.end_s

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("start_s", "end_s", "peak_s"):
            data[key] = round(data[key], 3)
        data["score"] = round(data["score"], 4)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Segment:
        return cls(
            half=int(data["half"]),
            start_s=float(data["start_s"]),
            end_s=float(data["end_s"]),
            peak_s=float(data["peak_s"]),
            score=float(data["score"]),
            detector=str(data.get("detector", "unknown")),
        )


def total_duration_s(segments: Iterable[Segment]) -> float:
    return float(sum(s.duration_s for s in segments))


def half_length_from_events(times_s: Iterable[float], margin_s: float) -> float:
    """A half's length when no video says it: its last event plus a margin (a lower bound)."""
    return max(times_s, default=0.0) + margin_s

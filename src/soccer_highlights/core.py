"""The types every stage speaks: a half of a match, a score curve over it, a segment of it.

Nothing here imports a stage (media, detectors, outputs), so any stage can use these without
pulling in another's dependencies. A time is seconds from the start of that half's video, as
SoccerNet's ``position`` (in milliseconds) is; names say the unit (``start_s``, ``position_ms``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from soccer_highlights.errors import ConfigError

if TYPE_CHECKING:
    from soccer_highlights.config import SegmentConfig, Settings
    from soccer_highlights.soccernet.labels import Event

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
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    """The video's picture size and frame rate, where it was probed (what the reel keeps by default)."""
    interlaced: bool = False
    audio_track: int = 0
    """Which of the video's audio streams is the match's sound (0: the first): scored, transcribed
    and cut, all the same one."""
    damaged: tuple[tuple[float, float], ...] = ()
    """Stretches ``(start_s, end_s)`` in which no picture or sound could be read (a dropped signal,
    overwritten bytes): scored as silence, and no segment is cut across them."""


@dataclass(frozen=True)
class Moment:
    """Something a detector knows happened at a moment of a half, with its name: a goal read off
    the score bug, an action a spotter named. The planner names each segment after the moments in
    it, and a moment marked ``keep`` gets its segment into the reel before anything else."""

    half: int
    time_s: float
    label: str
    """What it is: ``Goal (2-0)``, ``Shots on target``, ..."""
    confidence: float = 1.0
    keep: bool = False
    """Every such moment gets a segment, inside the budget first (goals)."""


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
    moments: tuple[Moment, ...] = ()
    """The named moments the detector found in this half (see :class:`Moment`)."""
    clock: tuple[tuple[float, float], ...] = ()
    """``(video_s, match_s)`` samples where the match clock is known (read off the screen)."""
    play: tuple[tuple[float, float], ...] = ()
    """Where the match is being played, ``(start_s, end_s)`` each, where the clock tells (a file of
    the whole match: not the pre-match talk or half-time); empty: all of it."""

    def in_play(self, video_s: float) -> bool:
        return not self.play or any(a <= video_s <= b for a, b in self.play)

    def match_s(self, video_s: float) -> float | None:
        """Match time at a video time (the clock runs with the video from the sample before it)."""
        if not self.clock:
            return None
        before = [c for c in self.clock if c[0] <= video_s] or [self.clock[0]]
        t, m = before[-1]
        return m + (video_s - t)

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


LABEL_MAX_CHARS = 200
"""The longest label kept: a longer one is cut to this many characters, its last an ellipsis."""
_LINE_BREAKS = {"Zl", "Zp"}
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_label(value: object, where: str = "a segment") -> str:
    """The one label policy, applied where a label enters (the planner, ``--segments`` files, the
    Python API: every :class:`Segment` passes through it). A label is user data that becomes a
    title, a chapter, a file name, an EDL comment, XML and a terminal line, so it is made one line
    of printable text: any whitespace (newlines, tabs) becomes one space, control and format
    characters (NUL, ESC, bidi overrides such as U+202E, zero-width marks) are removed, and past
    :data:`LABEL_MAX_CHARS` it is cut with an ellipsis. Empty: ``Highlight``. Text is all it can
    be: anything else (a number, a list) is a :class:`ConfigError` naming ``where``. Each writer
    still escapes it for its own format."""
    if not isinstance(value, str):
        raise ConfigError(f"{where}: its label must be text, not {type(value).__name__} ({value!r:.40})")
    kept = []
    for char in value:
        kind = unicodedata.category(char)
        if char.isspace() or kind in _LINE_BREAKS:
            kept.append(" ")
        elif kind not in _UNPRINTABLE:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if len(text) > LABEL_MAX_CHARS:
        text = text[: LABEL_MAX_CHARS - 1].rstrip() + "\u2026"
    return text or "Highlight"


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
    label: str = "Highlight"
    """What the segment shows: the named moment in it (``Goal (2-0)``, a spotter's class), else ``Highlight``."""
    match_clock_s: float | None = None
    """Match time at its peak (seconds since kick-off of the match), where the clock was read."""
    keep: bool = False
    """It holds a moment that must be in the reel (a goal): the budget takes it first."""

    def __post_init__(self) -> None:
        where = f"the segment of half {self.half} at {self.start_s:.2f}-{self.end_s:.2f} s"
        object.__setattr__(self, "label", clean_label(self.label, where))

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def minute(self) -> int | None:
        """The minute the match clock showed at its peak (28' for 28:00-28:59, as the score bug
        reads), where the clock is known."""
        return None if self.match_clock_s is None else int(self.match_clock_s // 60)

    def contains(self, half: int, time_s: float) -> bool:
        return half == self.half and self.start_s <= time_s <= self.end_s

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("start_s", "end_s", "peak_s"):
            data[key] = round(data[key], 3)
        data["score"] = round(data["score"], 4)
        if self.match_clock_s is not None:
            data["match_clock_s"] = round(self.match_clock_s, 1)
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
            label="Highlight" if data.get("label") in (None, "") else data["label"],
            match_clock_s=float(data["match_clock_s"]) if data.get("match_clock_s") is not None else None,
            keep=bool(data.get("keep", False)),
        )


def total_duration_s(segments: Iterable[Segment]) -> float:
    return float(sum(s.duration_s for s in segments))


def half_length_from_events(times_s: Iterable[float], margin_s: float) -> float:
    """A half's length when no video says it: its last event plus a margin (a lower bound)."""
    return max(times_s, default=0.0) + margin_s


def union_of(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The intervals sorted, overlapping and touching ones joined (empty ones dropped)."""
    out: list[list[float]] = []
    for a, b in sorted(i for i in intervals if i[1] > i[0]):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def frame_aligned(start_s: float, end_s: float, fps: float) -> tuple[float, float]:
    """A cut snapped to the output's frame grid, so its length is exactly ``n / fps``: the one
    rule by which the reel is cut and by which every place that reports where a segment starts in
    the reel counts (``reel.mp4``, its chapters, the review page)."""
    start_f = round(start_s * fps)
    end_f = max(start_f + 1, round(end_s * fps))
    return start_f / fps, end_f / fps


@dataclass(frozen=True)
class Plan:
    """One run's plan as plain data: what every writer takes (the reel, ``segments.json``, the
    timeline, the review page), so outputs depend on this record and not on the front door."""

    source: Path
    halves: Sequence[Half]
    curves: Sequence[ScoreCurve]
    segments: Sequence[Segment]
    """What goes into the reel, in reel order."""
    detector: Mapping[str, Any]
    """The detector's description (``describe()``): what ``segments.json`` records."""
    settings: Settings
    left_out: Sequence[Segment] = ()
    """Segments over the threshold that the length budget had no room for."""
    budget_s: float | None = None
    events: Sequence[Event] = ()
    """Labelled events of the halves at hand (none without labels)."""
    warnings: Sequence[str] = ()
    transcripts: Sequence[dict[str, Any]] = field(default_factory=tuple)
    """Commentary lines beside the videos (``half``, ``start_s``, ``end_s``, ``text``), read once."""
    score_spans: Sequence[dict[str, Any]] = field(default_factory=tuple)
    """The score over time read off the screen (``half``, ``start_s``, ``end_s``, ``home``, ``away``)."""

    @property
    def match_s(self) -> float:
        return sum(h.duration_s for h in self.halves)

    def reel_starts_s(self, fps: float) -> list[float]:
        """Where each segment starts in the reel cut at ``fps`` (see :func:`frame_aligned`)."""
        starts, at = [], 0.0
        for seg in self.segments:
            starts.append(at)
            start, end = frame_aligned(seg.start_s, seg.end_s, fps)
            at += end - start
        return starts

    def reel_s(self, fps: float) -> float:
        """The reel's length when cut at ``fps``: its segments, each snapped to whole frames."""
        return sum(e - s for s, e in (frame_aligned(x.start_s, x.end_s, fps) for x in self.segments))


@runtime_checkable
class Detector(Protocol):
    """The one small interface every way of seeing the match implements.

    A detector gets one :class:`Half` (its video, where there is one, and its length) and returns a
    :class:`ScoreCurve`: a score in [0, 1] on a regular time grid. Segments and reels only ever see
    curves, which is what lets the crowd, the commentary, the audio-visual model, the scoreboard and
    imported SoccerNet predictions share everything downstream. Each detector also says how its
    curves are best cut (``segment_defaults``: a spike from a spotter wants wider padding than a
    crowd's roar) and who it is (``describe()``: what ``segments.json`` records, so a reel can be
    traced to its checkpoint or predictions file; its ``name`` is the registry's name for it).
    """

    name: str
    segment_defaults: SegmentConfig

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve: ...

    def describe(self) -> dict[str, Any]:
        """The detector's identity and settings, as recorded in ``segments.json``."""
        ...


@runtime_checkable
class StretchScorer(Protocol):
    """A detector that can score a few stretches of a half on the same scale as the whole half,
    for less than the whole half costs (the crowd: it reads only those stretches' sound). A caller
    that needs a curve only near a few moments (the scoreboard's goal windows) asks this first."""

    def score_around(
        self, half: Half, stretches: Sequence[tuple[float, float]], progress: ProgressFn | None = None
    ) -> ScoreCurve: ...

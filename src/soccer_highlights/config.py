"""The shared settings, typed and checked when they are made, and the one way every setting of the
tool is declared.

A setting is a field of a frozen dataclass deriving from :class:`Checked`, with its range or its
choices declared beside it (``threshold: float = number(0.5, 0.0, 1.0)``), so a value outside its
range raises :class:`ConfigError` naming the setting and the range, whether it came from the command
line or from Python, with no hand-written check. This module holds the settings every stage shares
(analysis audio, segments, the reel, imported predictions); each way of seeing the match keeps its
own beside it (``crowd/config.py``, ``commentary/config.py``, ``audiovisual/config.py``), and
:mod:`soccer_highlights.detectors.settings` lists them all. A run writes them whole next to its
outputs (``segments.json``), so any result can be traced back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from soccer_highlights.errors import ConfigError
from soccer_highlights.soccernet.classes import CLASSES_V2, HIGHLIGHT_CLASSES

# ------------------------------------------------------------------------------------ validation
Rule = Callable[[str, Any], None]


def number(
    default: Any = None,
    low: float | None = None,
    high: float | None = None,
    *,
    open_low: bool = False,
    optional: bool = False,
    even: bool = False,
    factory: Callable[[], Any] | None = None,
) -> Any:
    """A numeric field in ``[low, high]`` (``(low, high]`` with ``open_low``); ``optional`` lets it be
    None; ``even`` asks for an even integer (H.264 in yuv420p)."""

    def rule(where: str, value: Any) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ConfigError(f"{where} must be a finite number, got {value!r}")
        too_low = low is not None and (value <= low if open_low else value < low)
        if too_low or (high is not None and value > high):
            left = "(" if open_low else "["
            raise ConfigError(f"{where} must be in {left}{_fmt(low)}, {_fmt(high)}], got {value!r}")
        if even and value % 2:
            raise ConfigError(f"{where} must be even (H.264 in yuv420p), got {value!r}")

    if factory is not None:
        return field(default_factory=factory, metadata={"rule": rule})
    return field(default=default, metadata={"rule": rule})


def positive(default: Any = None, **kwargs: Any) -> Any:
    return number(default, 0.0, open_low=True, **kwargs)


def non_negative(default: Any = None, **kwargs: Any) -> Any:
    return number(default, 0.0, **kwargs)


def choice(default: Any, choices: Mapping | tuple) -> Any:
    """A field whose value is one of ``choices`` (or a key of them)."""

    def rule(where: str, value: Any) -> None:
        if value not in choices:
            raise ConfigError(f"{where} must be one of {', '.join(map(str, choices))}, got {value!r}")

    return field(default=default, metadata={"rule": rule})


def _fmt(bound: float | None) -> str:
    return "inf" if bound is None else f"{bound:g}"


@dataclass(frozen=True)
class Checked:
    """A frozen settings record whose fields check themselves when it is made: each field's
    declared rule first, then :meth:`check` for what spans several fields."""

    def __post_init__(self) -> None:
        for f in fields(self):
            rule = f.metadata.get("rule")
            if rule is not None:
                rule(f"{type(self).__name__}.{f.name}", getattr(self, f.name))
        self.check()

    def check(self) -> None:
        """Rules across fields (none by default)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------ shared defaults
ANALYSIS_SAMPLE_RATE = 16_000
"""Sound is analysed at 16 kHz (crowd, log-mel, speech): it keeps the crowd band (up to 8 kHz) and
is what Whisper takes."""
SOCCERNET_224P = (398, 224, 25)
"""SoccerNet's low-resolution videos: width, height, frames per second."""
BROADCAST_SAMPLE_RATE = 48_000
"""The sound of a broadcast (and of our reels and synthetic matches)."""
HALF_S = 45 * 60.0


# ------------------------------------------------------------------------------ audio and scoring
@dataclass(frozen=True)
class AudioConfig(Checked):
    """How audio is decoded for analysis (not for the reel, which keeps the source quality)."""

    sample_rate: int = number(ANALYSIS_SAMPLE_RATE, 8_000, 192_000)
    """16 kHz keeps the crowd band (up to 8 kHz) and is cheap to resample to."""
    chunk_s: float = positive(10.0)
    """Decoded audio is handed on in chunks of this length, so memory never depends on the half's length."""


@dataclass(frozen=True)
class SegmentConfig(Checked):
    """From a score curve to the list of cuts. Each detector has its own defaults (its
    ``segment_defaults``); these are the audio detector's."""

    threshold: float = number(0.5, 0.0, 1.0)
    """Peaks below this score are ignored."""
    nms_window_s: float = non_negative(12.0)
    """Of two peaks closer than this, only the higher one is kept."""
    pad_before_s: float = non_negative(8.0)
    """Seconds kept before a peak: the seed's own recommendation, so the build-up is in the cut."""
    pad_after_s: float = non_negative(4.0)
    """Seconds kept after a peak: the finish and the first reaction."""
    merge_gap_s: float = non_negative(2.0)
    """Segments closer than this are joined, so the reel does not jump back and forth."""
    budget_s: float | None = positive(None, optional=True)
    """A fixed total length for the reel; None: the automatic budget below (or none at all)."""
    auto_budget: bool = True
    """Without ``budget_s``, cap the reel at ``budget_per_45_min_s`` per 45 minutes of match (at
    least ``min_budget_s``), so a reel is a highlight reel and not a third of the match; False keeps
    every segment over the threshold."""
    budget_per_45_min_s: float = positive(240.0)
    """Four minutes per half: what broadcasters' extended highlights give a half."""
    min_budget_s: float = positive(30.0)
    """The automatic budget of a short input never falls below this (two or three moments)."""

    def check(self) -> None:
        if self.pad_before_s + self.pad_after_s <= 0:
            raise ConfigError("SegmentConfig: pad_before_s + pad_after_s must be more than 0 (a cut needs a length)")

    def budget_for(self, match_s: float) -> float | None:
        """The reel's length limit for a match of ``match_s`` seconds (None: no limit)."""
        if self.budget_s is not None:
            return self.budget_s
        if not self.auto_budget:
            return None
        return max(self.min_budget_s, self.budget_per_45_min_s * match_s / HALF_S)


IMPORTED_SEGMENTS = SegmentConfig(threshold=0.3, nms_window_s=15.0, pad_before_s=10.0, pad_after_s=6.0, merge_gap_s=4.0)
"""Defaults for imported ``results_spotting.json`` predictions. Published spotters place an action
within a few seconds of the truth (their tight metric allows 1-5 s), in either direction, so the
cut is padded more on both sides than around our own peaks, which sit where the crowd is loudest
just after the action; the wider suppression window folds a goal that is also predicted as a
shot into one segment. The threshold applies to ``class weight x confidence``."""

DEFAULT_CLASS_WEIGHTS: Mapping[str, float] = MappingProxyType(
    dict(zip(HIGHLIGHT_CLASSES, (1.0, 1.0, 0.8, 0.6), strict=True))
)
"""How much an imported prediction of each class counts: goals and penalties first when a length
budget must choose; every highlight class still counts; other classes count 0."""


@dataclass(frozen=True)
class PredictionsConfig(Checked):
    """Turning imported predictions into a score curve."""

    class_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CLASS_WEIGHTS))
    hop_s: float = positive(0.5)

    def check(self) -> None:
        unknown = sorted(set(self.class_weights) - set(CLASSES_V2))
        if unknown:
            raise ConfigError(f"unknown SoccerNet-v2 class(es) {unknown} in the class weights")
        for name, weight in self.class_weights.items():
            if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
                raise ConfigError(f"class weight of {name!r} must be a number >= 0, got {weight!r}")
        if not any(w > 0 for w in self.class_weights.values()):
            raise ConfigError("at least one class weight must be more than 0")


@dataclass(frozen=True)
class ExportConfig(Checked):
    """Our class-agnostic curves as SoccerNet predictions (``results_spotting.json``)."""

    min_score: float = number(0.05, 0.0, 1.0)
    """Peaks below this are not worth a prediction; the metric sweeps thresholds above it."""
    nms_window_s: float = non_negative(SegmentConfig.nms_window_s)


# ------------------------------------------------------------------------------------- the reel
@dataclass(frozen=True)
class ReelConfig(Checked):
    """The one spec every cut is re-encoded to, so the concat demuxer can join them. By default
    (``None``) the picture keeps the source's own size and frame rate (the first half's, for halves
    of different sizes): an editor's 1280x720 29.97 fps broadcast gives a 1280x720 29.97 fps reel,
    a SoccerNet 224p half a 224p reel. :meth:`for_source` fills them in."""

    width: int | None = number(None, 16, 7680, even=True, optional=True)
    height: int | None = number(None, 16, 7680, even=True, optional=True)
    fps: float | None = number(None, 1, 120, optional=True)
    sample_rate: int = number(BROADCAST_SAMPLE_RATE, 8_000, 192_000)
    channels: int = number(2, 1, 2)
    crf: int = number(23, 0, 51)
    """x264's constant rate factor: lower is better and larger (18 is visually lossless)."""
    preset: str = choice(
        "veryfast", ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")
    )
    """x264's speed against compression: slower presets make smaller files of the same quality."""
    audio_bitrate: str = "128k"
    aac_coder: str = "fast"
    """ffmpeg's AAC coder for the reel's one audio encode: ``fast`` takes half the time of
    ``twoloop`` (ffmpeg's default), with no audible difference for crowd and commentary at 128 kb/s."""
    parallel_cuts: int = number(3, 1, 64)
    """ffmpeg processes cutting at once: a short cut spends much of its time starting up, seeking
    and decoding up to its first frame, one core's work, so a few at a time keep the cores busy."""
    aspect: str = choice("source", ("source", "9:16", "4:5", "1:1"))
    """``source`` keeps the broadcast's own shape; ``9:16`` (shorts, reels, stories), ``4:5`` or ``1:1``
    crop each segment to a window that follows the play (:mod:`soccer_highlights.media.reframe`)."""
    deinterlace: bool | None = None
    """Deinterlace the picture (``yadif``, one frame per frame): None decides from the source (its
    stream says it is interlaced, as a 1080i broadcast is); True or False decide for it. Without
    it an interlaced source's two fields comb every moving edge of a progressive reel."""
    reencode: bool = False
    """Encode every frame again even where the source's own compressed picture could be copied
    (:mod:`soccer_highlights.media.smartcut`: copied by default where the reel keeps the source's
    picture: its size, rate and codec, no titles, no reframing)."""

    def check(self) -> None:
        if (self.width is None) != (self.height is None):
            raise ConfigError("ReelConfig: give both width and height (a resolution), or neither (the source's)")

    @property
    def resolved(self) -> bool:
        return self.width is not None and self.height is not None and self.fps is not None

    def for_source(self, width: int | None, height: int | None, fps: float | None) -> ReelConfig:
        """This spec with the source's size and rate where it leaves them open (sizes rounded down
        to even numbers, as H.264 in 4:2:0 needs; 25 fps and 398x224 where the source says nothing)."""
        from dataclasses import replace

        w, h = (self.width, self.height) if self.width is not None else (width or 398, height or 224)
        if self.width is None and self.aspect != "source":  # the crop's size, raised for phones where it can be
            reframe = ReframeConfig()
            w, h = reframe.output_size(*crop_size(w, h, self.aspect), self.aspect)
        return replace(self, width=max(16, w - w % 2), height=max(16, h - h % 2), fps=self.fps or fps or 25.0)

    @property
    def rate(self) -> str:
        """The frame rate as ffmpeg takes it exactly (``30000/1001`` for 29.97)."""
        from fractions import Fraction

        return str(Fraction(self.fps or 25.0).limit_denominator(1001))


@dataclass(frozen=True)
class ReframeConfig(Checked):
    """Vertical and square cuts (``--aspect``): how the crop window follows the play."""

    samples_per_s: float = number(8.0, 1.0, 30.0)
    """Frames read per second of a segment to find the play (a small grey copy of each)."""
    analysis_width: int = number(192, 64, 640)
    """Width of that copy: players and the ball are a few pixels wide at 192 on a 1280 picture."""
    max_camera_shift: int = number(32, 0, 128)
    """The largest pan (pixels of the copy between samples) undone before looking for change."""
    min_change: float = number(4.0, 0.0, 10_000.0)
    """Below this much change per pixel of a crop's area the picture is still: the crop stays put."""
    smoothing_s: float = positive(1.0)
    """The moving average of the crop's path: a camera operator does not follow every touch."""
    max_pan_per_s: float = number(0.35, 0.01, 5.0)
    """The fastest pan, as a share of the source's width per second: the window never jumps."""
    min_width: int = number(720, 16, 4320, even=True)
    """Output at least this wide (720x1280 for 9:16) where that needs no more than ``max_upscale``."""
    max_upscale: float = number(1.25, 1.0, 4.0)

    def output_size(self, crop_w: int, crop_h: int, aspect: str) -> tuple[int, int]:
        """The reel's size: the crop's own, raised to :attr:`min_width` wide (720x1280 for 9:16)
        where that needs no more than :attr:`max_upscale` (a 1080p source's 606x1080 crop), so a
        phone gets a sharp picture and a small source is not blown up."""
        if crop_w >= self.min_width or crop_w * self.max_upscale < self.min_width:
            return crop_w, crop_h
        w, h = self.min_width, int(self.min_width / ASPECTS[aspect])
        return w - w % 2, h - h % 2


ASPECTS: Mapping[str, Fraction] = MappingProxyType(
    {"9:16": Fraction(9, 16), "4:5": Fraction(4, 5), "1:1": Fraction(1, 1)}
)
"""The social formats' shapes, width / height."""


def crop_size(width: int, height: int, aspect: str) -> tuple[int, int]:
    """The largest even-sized window of ``aspect`` (a key of :data:`ASPECTS`) in a picture."""
    ratio = ASPECTS[aspect]
    crop_w, crop_h = int(height * ratio), height
    if crop_w > width:
        crop_w, crop_h = width, int(width / ratio)
    return crop_w - crop_w % 2, crop_h - crop_h % 2


EDGE_TOLERANCE_S = 0.5
"""How far past a half's probed length a segment, prediction or label still counts as inside it
(container lengths are rounded)."""

LENGTH_MARGIN_S = 30.0
"""Without a video, a half is taken to end this long after its last labelled or predicted event."""


# ----------------------------------------------------------------------------------- evaluation
FOCUS_WINDOW_S = (10.0, 5.0)
"""Reel focus counts the reel's time within this long before and after a highlight event (the
seed's highlight window)."""


# ---------------------------------------------------------------------------------- one run's
@dataclass(frozen=True)
class Settings(Checked):
    """The settings of one run's planning and cutting, written next to its outputs (the detector's
    own settings are written with its description) so a result can be traced back."""

    segments: SegmentConfig = field(default_factory=SegmentConfig)
    reel: ReelConfig = field(default_factory=ReelConfig)


def segment_overrides(base: SegmentConfig, **overrides: Any) -> SegmentConfig:
    """``base`` with the given fields replaced (and checked); unknown names are an error."""
    known = {f.name for f in fields(SegmentConfig)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ConfigError(f"unknown segment setting(s) {unknown}; known: {', '.join(sorted(known))}")
    return SegmentConfig(**(asdict(base) | overrides))

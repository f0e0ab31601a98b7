"""Every tunable of the tool, typed, in one place, and checked when it is made.

Modules take these dataclasses instead of loose keyword arguments, so a setting has one name and
one default everywhere, and a run writes them all next to its outputs (``segments.json``), so any
result can be traced back. A value outside its range raises :class:`ConfigError` naming the
setting and the range, whether it came from the command line or from Python.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from types import MappingProxyType
from typing import Any

from soccer_highlights.errors import ConfigError
from soccer_highlights.soccernet.classes import CLASSES_V2, HIGHLIGHT_CLASSES


# ------------------------------------------------------------------------------------ validation
def _check(owner: object, name: str, low: float | None = None, high: float | None = None, *, open_low=False) -> None:
    """``owner.name`` must be a finite number in ``[low, high]`` (``(low, high]`` with ``open_low``)."""
    value = getattr(owner, name)
    where = f"{type(owner).__name__}.{name}"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{where} must be a finite number, got {value!r}")
    too_low = low is not None and (value <= low if open_low else value < low)
    if too_low or (high is not None and value > high):
        left = "(" if open_low else "["
        raise ConfigError(f"{where} must be in {left}{_fmt(low)}, {_fmt(high)}], got {value!r}")


def _check_choice(owner: object, name: str, choices: Mapping | tuple) -> None:
    value = getattr(owner, name)
    if value not in choices:
        raise ConfigError(f"{type(owner).__name__}.{name} must be one of {', '.join(map(str, choices))}, got {value!r}")


def _fmt(bound: float | None) -> str:
    return "inf" if bound is None else f"{bound:g}"


def _positive(owner: object, *names: str) -> None:
    for name in names:
        _check(owner, name, 0.0, open_low=True)


def _non_negative(owner: object, *names: str) -> None:
    for name in names:
        _check(owner, name, 0.0)


# ------------------------------------------------------------------------------ audio and scoring
@dataclass(frozen=True)
class AudioConfig:
    """How audio is decoded for analysis (not for the reel, which keeps the source quality)."""

    sample_rate: int = 16_000
    """16 kHz keeps the crowd band (up to 8 kHz) and is cheap to resample to."""
    chunk_s: float = 10.0
    """Decoded audio is handed on in chunks of this length, so memory never depends on the half's length."""

    def __post_init__(self) -> None:
        _check(self, "sample_rate", 8_000, 192_000)
        _positive(self, "chunk_s")


@dataclass(frozen=True)
class ExcitementConfig:
    """The training-free detector: crowd and commentary get loud around shots and goals.

    Its score is calibrated in decibels, so it means the same in every half and every match:
    the excitement level (loudness and crowd-band level, mixed, smoothed) is measured against the
    half's own typical level (its median, never below ``reference_floor_db``), and ``s`` dB above
    it scores ``1 - 2 ** (-s / half_score_db)``: 0 at or below the typical level, 0.5 at 6 dB above
    it, 0.75 at 12 dB, approaching 1. A dull half then has few moments over the threshold and a
    thriller many, where a per-half rescaling would give both the same number.
    """

    frame_s: float = 0.1
    """Analysis frame of the short-time spectrum."""
    hop_s: float = 0.5
    """Resolution of the output score curve."""
    smooth_s: float = 5.0
    """The roar at a goal or a shot lasts five seconds and more; averaging over this span keeps
    shorter bursts (a shout, a whistle, a loud few seconds of ordinary play) from peaking."""
    crowd_band_hz: tuple[float, float] = (1_000.0, 4_000.0)
    """Broadband crowd noise and raised voices; chants and the commentator's voice sit mostly below it."""
    loudness_weight: float = 0.5
    """Share of the loudness (dB) in the excitement level; the rest is the crowd-band level (dB)."""
    half_score_db: float = 6.0
    """Decibels above the half's typical level that score 0.5 (6 dB: twice the sound pressure)."""
    reference_floor_db: float = -30.0
    """The typical level is never taken below this (about 15 dB under the real broadcasts measured
    here, whose excitement level sits near -15 dB), so a mostly silent half does not turn ordinary
    commentary into highlights."""

    def __post_init__(self) -> None:
        _positive(self, "frame_s", "hop_s", "smooth_s", "half_score_db")
        _check(self, "loudness_weight", 0.0, 1.0)
        _check(self, "reference_floor_db", -120.0, 0.0)
        low, high = self.crowd_band_hz
        if not 0 <= low < high:
            raise ConfigError(
                f"ExcitementConfig.crowd_band_hz must be (low, high) with 0 <= low < high, got {low, high}"
            )


@dataclass(frozen=True)
class SegmentConfig:
    """From a score curve to the list of cuts. Each detector has its own defaults (its
    ``segment_defaults``); these are the audio detector's."""

    threshold: float = 0.5
    """Peaks below this score are ignored."""
    nms_window_s: float = 12.0
    """Of two peaks closer than this, only the higher one is kept."""
    pad_before_s: float = 8.0
    """Seconds kept before a peak: the seed's own recommendation, so the build-up is in the cut."""
    pad_after_s: float = 4.0
    """Seconds kept after a peak: the finish and the first reaction."""
    merge_gap_s: float = 2.0
    """Segments closer than this are joined, so the reel does not jump back and forth."""
    budget_s: float | None = None
    """A fixed total length for the reel; None: the automatic budget below (or none at all)."""
    auto_budget: bool = True
    """Without ``budget_s``, cap the reel at ``budget_per_45_min_s`` per 45 minutes of match (at
    least ``min_budget_s``), so a reel is a highlight reel and not a third of the match; False keeps
    every segment over the threshold."""
    budget_per_45_min_s: float = 240.0
    """Four minutes per half: what broadcasters' extended highlights give a half."""
    min_budget_s: float = 30.0
    """The automatic budget of a short input never falls below this (two or three moments)."""

    def __post_init__(self) -> None:
        _check(self, "threshold", 0.0, 1.0)
        _non_negative(self, "nms_window_s", "pad_before_s", "pad_after_s", "merge_gap_s")
        if self.pad_before_s + self.pad_after_s <= 0:
            raise ConfigError("SegmentConfig: pad_before_s + pad_after_s must be more than 0 (a cut needs a length)")
        if self.budget_s is not None:
            _positive(self, "budget_s")
        _positive(self, "budget_per_45_min_s", "min_budget_s")

    def budget_for(self, match_s: float) -> float | None:
        """The reel's length limit for a match of ``match_s`` seconds (None: no limit)."""
        if self.budget_s is not None:
            return self.budget_s
        if not self.auto_budget:
            return None
        return max(self.min_budget_s, self.budget_per_45_min_s * match_s / HALF_S)


HALF_S = 45 * 60.0


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
class PredictionsConfig:
    """Turning imported predictions into a score curve."""

    class_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CLASS_WEIGHTS))
    hop_s: float = 0.5

    def __post_init__(self) -> None:
        unknown = sorted(set(self.class_weights) - set(CLASSES_V2))
        if unknown:
            raise ConfigError(f"unknown SoccerNet-v2 class(es) {unknown} in the class weights")
        for name, weight in self.class_weights.items():
            if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
                raise ConfigError(f"class weight of {name!r} must be a number >= 0, got {weight!r}")
        if not any(w > 0 for w in self.class_weights.values()):
            raise ConfigError("at least one class weight must be more than 0")
        _positive(self, "hop_s")


@dataclass(frozen=True)
class ExportConfig:
    """Our class-agnostic curves as SoccerNet predictions (``results_spotting.json``)."""

    min_score: float = 0.05
    """Peaks below this are not worth a prediction; the metric sweeps thresholds above it."""
    nms_window_s: float = 12.0

    def __post_init__(self) -> None:
        _check(self, "min_score", 0.0, 1.0)
        _non_negative(self, "nms_window_s")


# ------------------------------------------------------------------------------------- the reel
@dataclass(frozen=True)
class ReelConfig:
    """The uniform spec every cut is re-encoded to, so the concat demuxer can join them."""

    width: int = 398
    height: int = 224
    fps: int = 25
    sample_rate: int = 48_000
    channels: int = 2
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: str = "128k"
    aac_coder: str = "fast"
    """ffmpeg's AAC coder for the reel's one audio encode: ``fast`` takes half the time of
    ``twoloop`` (ffmpeg's default), with no audible difference for crowd and commentary at 128 kb/s."""
    parallel_cuts: int = 3
    """ffmpeg processes cutting at once: a short cut spends much of its time starting up, seeking
    and decoding up to its first frame, one core's work, so a few at a time keep the cores busy."""

    def __post_init__(self) -> None:
        for name in ("width", "height"):
            _check(self, name, 16, 7680)
            if getattr(self, name) % 2:
                raise ConfigError(f"ReelConfig.{name} must be even (H.264 in yuv420p), got {getattr(self, name)}")
        _check(self, "fps", 1, 120)
        _check(self, "sample_rate", 8_000, 192_000)
        _check(self, "channels", 1, 2)
        _check(self, "crf", 0, 51)
        _check(self, "parallel_cuts", 1, 64)


EDGE_TOLERANCE_S = 0.5
"""How far past a half's probed length a segment, prediction or label still counts as inside it
(container lengths are rounded)."""

LENGTH_MARGIN_S = 30.0
"""Without a video, a half is taken to end this long after its last labelled or predicted event."""


# ----------------------------------------------------------------------------- learned features
DEFAULT_BACKBONE = "efficientnet_lite0"
FEATURE_FORMAT = 1
"""Bumped when the way features are computed changes, which invalidates every cache."""


@dataclass(frozen=True)
class VideoFeatureSettings:
    """What a cached frame embedding depends on. Video and audio have separate settings (and
    files), so changing the frame rate re-embeds the frames but keeps the spectrogram."""

    backbone: str = DEFAULT_BACKBONE
    weights: str | None = None
    """None: the backbone's ImageNet weights; "random"; or a path."""
    fps: float = 2.0
    width: int = 224
    height: int = 128
    """Frames keep the broadcast's 16:9 shape; 224x128 costs about what 160x160 does on a CPU."""

    def __post_init__(self) -> None:
        _check(self, "fps", 0.0, 60.0, open_low=True)
        _check(self, "width", 16, 4096)
        _check(self, "height", 16, 4096)

    def key(self, weights_id: str) -> str:
        return _digest({**asdict(self), "weights": weights_id, "format": FEATURE_FORMAT})


@dataclass(frozen=True)
class AudioFeatureSettings:
    """What a cached log-mel spectrogram depends on."""

    sample_rate: int = 16_000
    hop_s: float = 0.02
    n_fft: int = 512
    n_mels: int = 64

    def __post_init__(self) -> None:
        _check(self, "sample_rate", 8_000, 192_000)
        _check(self, "hop_s", 0.0, 1.0, open_low=True)
        _check(self, "n_fft", 16, 1 << 16)
        _check(self, "n_mels", 1, self.n_fft // 2 + 1)

    def key(self) -> str:
        return _digest({**asdict(self), "format": FEATURE_FORMAT})


def _digest(data: dict) -> str:
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]


PRECISIONS = ("32-true", "32", "16-mixed", "bf16-mixed", "16-true", "bf16-true", "64-true")
"""Lightning's precision names."""


# ---------------------------------------------------------------------------- training windows
@dataclass(frozen=True)
class WindowSpec:
    """A training window around an event: ``before_s`` before it to ``after_s`` after it."""

    before_s: float
    after_s: float
    near_miss_s: float = 0.0
    """Windows shifted this far before and after each highlight are negatives: they hold the same
    roar and close-up but not the moment itself, which teaches the model *when*, not just *whether*."""

    def __post_init__(self) -> None:
        _non_negative(self, "before_s", "after_s", "near_miss_s")
        _positive(self, "length_s")

    @property
    def length_s(self) -> float:
        return self.before_s + self.after_s


WINDOW_MODES: Mapping[str, WindowSpec] = MappingProxyType(
    {"seed": WindowSpec(10.0, 5.0), "short": WindowSpec(3.0, 3.0, near_miss_s=4.0)}
)
"""``seed``: the seed project's windows, 10 s before to 5 s after each highlight event. ``short``:
3 s either side of the event, the seed's own proposed fix (its 15 s windows taught the model
build-up play and celebrations rather than the shot)."""


@dataclass(frozen=True)
class TrainConfig:
    """Training the audio-visual model on cached features."""

    mode: str = "short"
    """A key of :data:`WINDOW_MODES`."""
    negative_ratio: float = 3.0
    """Non-highlight windows per highlight window, half from other events, half from quiet play (validation
    games keep every other event: see ``windows_for_half``)."""
    max_epochs: int = 30
    patience: int = 6
    """Epochs without a better validation AP before early stopping."""
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-4
    jitter_s: float = 1.0
    """Random shift of training windows, so the model does not learn one exact offset."""
    val_fraction: float = 0.25
    """Share of games held out for validation when the games are not SoccerNet's (which use the official split)."""
    seed: int = 0
    use_audio: bool = True
    use_video: bool = True
    accelerator: str = "auto"
    devices: str = "1"
    """Lightning's ``devices``: a count (``"4"``), ``"auto"``, ``"-1"`` for all, or a list (``"0,2"``)."""
    strategy: str = "auto"
    """Lightning's ``strategy``: ``auto``, ``ddp``, ``ddp_spawn``, ``fsdp``, ..."""
    num_nodes: int = 1
    """Machines in a multi-node run (launched by ``srun`` or ``torchrun``, see the README)."""
    precision: str = "32-true"
    """Lightning's ``precision``: ``32-true``, ``16-mixed``, ``bf16-mixed``, ..."""
    finetune_backbone: bool = False
    """Train end to end on raw frames with the backbone unfrozen, as the seed did (for GPUs)."""
    backbone_lr: float = 1e-4
    limit_batches: int | None = None
    """Batches per epoch, for smoke runs; None for all."""
    selection_loss_weight: float = 0.01
    """The checkpoint kept is the one with the best ``val_ap - weight * val_loss``: on easy data AP
    reaches 1.0 within an epoch or two, and the loss then tells a better-calibrated model apart."""

    def __post_init__(self) -> None:
        _check_choice(self, "mode", WINDOW_MODES)
        _non_negative(self, "negative_ratio", "jitter_s", "weight_decay", "selection_loss_weight")
        _check(self, "max_epochs", 1)
        _check(self, "patience", 1)
        _check(self, "batch_size", 1)
        _positive(self, "lr", "backbone_lr")
        _check(self, "val_fraction", 0.0, 1.0, open_low=True)
        if not (self.use_audio or self.use_video):
            raise ConfigError("TrainConfig: at least one of use_audio and use_video must be on")
        if self.limit_batches is not None:
            _check(self, "limit_batches", 1)
        _check(self, "num_nodes", 1)
        _check_choice(self, "precision", PRECISIONS)
        devices = self.devices.replace(" ", "")
        if not (devices == "auto" or devices.lstrip("-").isdigit() or all(d.isdigit() for d in devices.split(","))):
            raise ConfigError(
                f"TrainConfig.devices must be a count, 'auto', -1 or a list like 0,2; got {self.devices!r}"
            )

    @property
    def lightning_devices(self) -> int | str | list[int]:
        """``devices`` as Lightning takes it."""
        devices = self.devices.replace(" ", "")
        if devices == "auto":
            return devices
        if "," in devices:
            return [int(d) for d in devices.split(",") if d]
        return int(devices)

    @property
    def window(self) -> WindowSpec:
        return WINDOW_MODES[self.mode]


@dataclass(frozen=True)
class DetectConfig:
    """Sliding the trained model over a half."""

    window_s: float | None = None
    """None: the window the model was trained on."""
    stride_s: float = 1.0
    batch_size: int = 64
    """Windows scored at once: 64 is as fast as more on a CPU, at a quarter of the memory."""

    def __post_init__(self) -> None:
        if self.window_s is not None:
            _positive(self, "window_s")
        _positive(self, "stride_s")
        _check(self, "batch_size", 1)


# ----------------------------------------------------------------------------------- evaluation
FOCUS_WINDOW_S = (10.0, 5.0)
"""Reel focus counts the reel's time within this long before and after a highlight event (the
seed's highlight window)."""


# ------------------------------------------------------------------------------------- synthetic
@dataclass(frozen=True)
class SynthConfig:
    """Synthetic SoccerNet-style matches for tests, the demo and the benchmark."""

    minutes: float = 3.0
    """Length of each half."""
    width: int = 398
    height: int = 224
    fps: int = 25
    sample_rate: int = 48_000
    highlights_per_half: float | None = None
    """Highlight events per half; by default the real rate (about 13 per 45 minutes), at least 2."""
    other_events_per_minute: float = 2.0
    """Other SoccerNet events (throw-ins, fouls, ...), each with a weak cue."""
    distractors_per_half: float | None = None
    """Chants and close-ups with no event; by default one per 4 minutes, at least 1 of each."""
    encoding: str = "quick"
    """``quick`` (x264 ultrafast: no B-frames, cheap to make and to decode; tests and the demo) or
    ``broadcast`` (like SoccerNet's 224p files: H.264 High with B-frames at about 500 kb/s, which
    decode about four times slower; the benchmark)."""

    def __post_init__(self) -> None:
        _check(self, "minutes", 0.5, 120.0)
        _check(self, "fps", 1, 120)
        _non_negative(self, "other_events_per_minute")
        _check_choice(self, "encoding", ("quick", "broadcast"))


# ---------------------------------------------------------------------------------- one run's
@dataclass(frozen=True)
class Settings:
    """The settings of one run's planning and cutting, written next to its outputs (the detector's
    own settings are written with its description) so a result can be traced back."""

    segments: SegmentConfig = field(default_factory=SegmentConfig)
    reel: ReelConfig = field(default_factory=ReelConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def segment_overrides(base: SegmentConfig, **overrides: Any) -> SegmentConfig:
    """``base`` with the given fields replaced (and checked); unknown names are an error."""
    known = {f.name for f in fields(SegmentConfig)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ConfigError(f"unknown segment setting(s) {unknown}; known: {', '.join(sorted(known))}")
    return SegmentConfig(**(asdict(base) | overrides))


def budget_overrides(text: str) -> dict[str, Any]:
    """``--budget`` as segment overrides: ``auto`` (four minutes per 45 minutes of match), ``none``
    (every segment over the threshold) or a number of seconds."""
    word = text.strip().lower()
    if word == "auto":
        return {}
    if word == "none":
        return {"auto_budget": False}
    try:
        seconds = float(word)
    except ValueError:
        raise ConfigError(f"--budget must be 'auto', 'none' or a number of seconds, got {text!r}") from None
    return {"budget_s": seconds}

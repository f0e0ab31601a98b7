"""Every tunable number of the tool, in one typed place.

Defaults here are the ones the CLI shows in ``--help``; modules take these dataclasses instead of
loose keyword arguments so that a setting has one name and one default everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class AudioConfig:
    """How audio is decoded for analysis (not for the reel, which keeps the source quality)."""

    sample_rate: int = 16_000
    """16 kHz keeps the crowd band (up to 8 kHz) and is cheap to resample to."""
    chunk_s: float = 10.0
    """Decoded audio is handed on in chunks of this length, so memory never depends on the half's length."""


@dataclass(frozen=True)
class ExcitementConfig:
    """The training-free detector: crowd and commentary get loud around shots and goals."""

    frame_s: float = 0.1
    """Analysis frame of the short-time spectrum."""
    hop_s: float = 0.5
    """Resolution of the output score curve."""
    smooth_s: float = 3.0
    """A roar lasts seconds; smoothing over this span keeps single shouts or whistles from peaking."""
    crowd_band_hz: tuple[float, float] = (1_000.0, 4_000.0)
    """Broadband crowd noise and raised voices; chants and the commentator's voice sit mostly below it."""
    loudness_weight: float = 0.5
    """Share of the loudness term in the score; the rest is the crowd-band term."""


@dataclass(frozen=True)
class SegmentConfig:
    """From a score curve to the list of cuts."""

    threshold: float = 0.5
    """Peaks below this normalised score are ignored."""
    nms_window_s: float = 12.0
    """Of two peaks closer than this, only the higher one is kept."""
    pad_before_s: float = 8.0
    """Seconds kept before a peak: the seed's own recommendation, so the build-up is in the cut."""
    pad_after_s: float = 4.0
    """Seconds kept after a peak: the finish and the first reaction."""
    merge_gap_s: float = 2.0
    """Segments closer than this are joined, so the reel does not jump back and forth."""
    budget_s: float | None = None
    """Optional total length of the reel; the best-scoring segments are kept until it is full."""


IMPORTED_SEGMENTS = SegmentConfig(threshold=0.3, nms_window_s=15.0, pad_before_s=10.0, pad_after_s=6.0, merge_gap_s=4.0)
"""Defaults for imported ``results_spotting.json`` predictions. Published spotters place an action
within a few seconds of the truth (their tight metric allows 1-5 s), in either direction, so the
cut is padded more on both sides than around our own peaks, which sit where the crowd is loudest
just after the action; the wider suppression window folds a goal that is also predicted as a
shot into one segment. The threshold applies to ``class weight x confidence``."""


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


@dataclass(frozen=True)
class Settings:
    """All settings of one run, written next to its outputs so a result can be traced back."""

    audio: AudioConfig = field(default_factory=AudioConfig)
    excitement: ExcitementConfig = field(default_factory=ExcitementConfig)
    segments: SegmentConfig = field(default_factory=SegmentConfig)
    reel: ReelConfig = field(default_factory=ReelConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TrainConfig:
    """Training the audio-visual model on cached features."""

    mode: str = "short"
    """``short`` (3 s either side of the event, the seed's proposed fix) or ``seed`` (-10 s to +5 s)."""
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
    finetune_backbone: bool = False
    """Train end to end on raw frames with the backbone unfrozen, as the seed did (for GPUs)."""
    backbone_lr: float = 1e-4
    limit_batches: int | None = None
    """Batches per epoch, for smoke runs; None for all."""


@dataclass(frozen=True)
class DetectConfig:
    """Sliding the trained model over a half."""

    window_s: float | None = None
    """None: the window the model was trained on."""
    stride_s: float = 1.0
    batch_size: int = 64
    """Windows scored at once: 64 is as fast as more on a CPU, at a quarter of the memory."""

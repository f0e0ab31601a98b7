"""The audio-visual model's settings: its cached features, training windows, training and detection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from soccer_highlights.config import ANALYSIS_SAMPLE_RATE, Checked, choice, non_negative, number, positive
from soccer_highlights.errors import ConfigError

DEFAULT_BACKBONE = "efficientnet_lite0"
FEATURE_FORMAT = 1
"""Bumped when the way features are computed changes, which invalidates every cache."""


CACHE_WAIT_S = 4 * 3600.0
"""How long a run waits for another that is computing the same video's features (a 45-minute half
takes minutes; a queue of Ray tasks on one video, longer) before it gives up with an error."""


@dataclass(frozen=True)
class VideoFeatureSettings(Checked):
    """What a cached frame embedding depends on. Video and audio have separate settings (and
    files), so changing the frame rate re-embeds the frames but keeps the spectrogram."""

    backbone: str = DEFAULT_BACKBONE
    weights: str | None = None
    """None: the backbone's ImageNet weights; "random"; or a path."""
    fps: float = number(2.0, 0.0, 60.0, open_low=True)
    width: int = number(224, 16, 4096)
    height: int = number(128, 16, 4096)
    """Frames keep the broadcast's 16:9 shape; 224x128 costs about what 160x160 does on a CPU."""


@dataclass(frozen=True)
class AudioFeatureSettings(Checked):
    """What a cached log-mel spectrogram depends on."""

    sample_rate: int = number(ANALYSIS_SAMPLE_RATE, 8_000, 192_000)
    hop_s: float = number(0.02, 0.0, 1.0, open_low=True)
    n_fft: int = number(512, 16, 1 << 16)
    n_mels: int = number(64, 1)

    def check(self) -> None:
        if self.n_mels > self.n_fft // 2 + 1:
            raise ConfigError(f"AudioFeatureSettings.n_mels must be in [1, {self.n_fft // 2 + 1}], got {self.n_mels!r}")


PRECISIONS = ("32-true", "32", "16-mixed", "bf16-mixed", "16-true", "bf16-true", "64-true")
"""Lightning's precision names."""


# ---------------------------------------------------------------------------- training windows
@dataclass(frozen=True)
class WindowSpec(Checked):
    """A training window around an event: ``before_s`` before it to ``after_s`` after it."""

    before_s: float = non_negative()
    after_s: float = non_negative()
    near_miss_s: float = non_negative(0.0)
    """Windows shifted this far before and after each highlight are negatives: they hold the same
    roar and close-up but not the moment itself, which teaches the model *when*, not just *whether*."""

    def check(self) -> None:
        if self.length_s <= 0:
            raise ConfigError(f"WindowSpec.length_s must be in (0, inf], got {self.length_s!r}")

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
class TrainConfig(Checked):
    """Training the audio-visual model on cached features."""

    mode: str = choice("short", WINDOW_MODES)
    """A key of :data:`WINDOW_MODES`."""
    negative_ratio: float = non_negative(3.0)
    """Non-highlight windows per highlight window, half from other events, half from quiet play (validation
    games keep every other event: see ``windows_for_half``)."""
    max_epochs: int = number(30, 1)
    patience: int = number(6, 1)
    """Epochs without a better validation AP before early stopping."""
    batch_size: int = number(32, 1)
    lr: float = positive(1e-3)
    weight_decay: float = non_negative(1e-4)
    jitter_s: float = non_negative(1.0)
    """Random shift of training windows, so the model does not learn one exact offset."""
    val_fraction: float = number(0.25, 0.0, 1.0, open_low=True)
    """Share of games held out for validation when the games are not SoccerNet's (which use the official split)."""
    seed: int = 0
    use_audio: bool = True
    use_video: bool = True
    accelerator: str = "auto"
    devices: str = "1"
    """Lightning's ``devices``: a count (``"4"``), ``"auto"``, ``"-1"`` for all, or a list (``"0,2"``)."""
    strategy: str = "auto"
    """Lightning's ``strategy``: ``auto``, ``ddp``, ``ddp_spawn``, ``fsdp``, ..."""
    num_nodes: int = number(1, 1)
    """Machines in a multi-node run (launched by ``srun`` or ``torchrun``, see the README)."""
    precision: str = choice("32-true", PRECISIONS)
    """Lightning's ``precision``: ``32-true``, ``16-mixed``, ``bf16-mixed``, ..."""
    finetune_backbone: bool = False
    """Train end to end on raw frames with the backbone unfrozen, as the seed did (for GPUs)."""
    backbone_lr: float = positive(1e-4)
    limit_batches: int | None = number(None, 1, optional=True)
    """Batches per epoch, for smoke runs; None for all."""
    selection_loss_weight: float = non_negative(0.01)
    """The checkpoint kept is the one with the best ``val_ap - weight * val_loss``: on easy data AP
    reaches 1.0 within an epoch or two, and the loss then tells a better-calibrated model apart."""

    def check(self) -> None:
        if not (self.use_audio or self.use_video):
            raise ConfigError("TrainConfig: at least one of use_audio and use_video must be on")
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
class DetectConfig(Checked):
    """Sliding the trained model over a half."""

    window_s: float | None = positive(None, optional=True)
    """None: the window the model was trained on."""
    stride_s: float = positive(1.0)
    batch_size: int = number(64, 1)
    """Windows scored at once: 64 is as fast as more on a CPU, at a quarter of the memory."""
    engine: str = choice("auto", ("auto", "torch"))
    """``auto``: the classifier runs in ONNX Runtime on the CPU (about twice as fast), PyTorch
    elsewhere; ``torch``: always PyTorch (the two agree to float rounding)."""

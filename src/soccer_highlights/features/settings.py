"""What a cached feature depends on. Video and audio have separate settings (and files), so changing
the frame rate re-embeds the frames but keeps the spectrogram, and the other way round."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from soccer_highlights.features.backbones import DEFAULT_BACKBONE

FEATURE_FORMAT = 1
"""Bumped when the way features are computed changes, which invalidates every cache."""


@dataclass(frozen=True)
class VideoFeatureSettings:
    backbone: str = DEFAULT_BACKBONE
    weights: str | None = None
    """None: the backbone's ImageNet weights; "random"; or a path."""
    fps: float = 2.0
    width: int = 224
    height: int = 128
    """Frames keep the broadcast's 16:9 shape; 224x128 costs about what 160x160 does on a CPU."""

    def key(self, weights_id: str) -> str:
        return _digest({**asdict(self), "weights": weights_id, "format": FEATURE_FORMAT})


@dataclass(frozen=True)
class AudioFeatureSettings:
    sample_rate: int = 16_000
    hop_s: float = 0.02
    n_fft: int = 512
    n_mels: int = 64

    def key(self) -> str:
        return _digest({**asdict(self), "format": FEATURE_FORMAT})


def _digest(data: dict) -> str:
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]

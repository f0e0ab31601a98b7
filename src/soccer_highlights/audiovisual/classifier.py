"""The seed's HighlightsClassifier, rebuilt.

Audio: log-mel (dB) -> strided CNN subsampling -> bidirectional GRU -> 256.
Video: frame embeddings -> bidirectional GRU (hidden 512) -> linear 512.
Each branch ends in LayerNorm, ReLU and dropout; the two are concatenated -> MLP -> 2 logits,
trained with cross-entropy on the logits (the seed put a softmax before a BCE loss).

The seed's bugs this fixes: its min-max normalisation over a singleton axis turned every
spectrogram into zeros; here dB values are standardised with the training set's mean and standard
deviation, which keeps loudness, the strongest cue. Either branch can be switched off, to measure
what each one contributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from soccer_highlights.errors import ConfigError


class AudioSubsampling(nn.Module):
    """Strided convolutions over ``(mel, time)``: 64 mel bands x T frames -> T/8 steps of 256."""

    def __init__(self, n_mels: int = 64, channels: int = 32, out_dim: int = 256):
        super().__init__()

        def block(c_in: int, c_out: int, stride: tuple[int, int]) -> list[nn.Module]:
            return [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]

        self.conv = nn.Sequential(
            *block(1, channels, (2, 2)),
            *block(channels, channels * 2, (2, 2)),
            *block(channels * 2, channels * 4, (2, 2)),
            *block(channels * 4, out_dim, (2, 1)),
        )
        self.out_dim = out_dim

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        """``(B, T, n_mels)`` -> ``(B, T', out_dim)``."""
        x = self.conv(mel.transpose(1, 2).unsqueeze(1))  # (B, C, F', T')
        return x.mean(dim=2).transpose(1, 2)


class BiGRUSummary(nn.Module):
    """A bidirectional GRU whose last forward and first backward states summarise the sequence."""

    def __init__(self, in_dim: int, hidden: int):
        super().__init__()
        self.gru = nn.GRU(in_dim, hidden, batch_first=True, bidirectional=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.gru(x)  # (2, B, hidden)
        return torch.cat([h[0], h[1]], dim=1)


def _head(dim: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.LayerNorm(dim), nn.ReLU(), nn.Dropout(dropout))


class HighlightsClassifier(nn.Module):
    def __init__(
        self,
        video_dim: int,
        n_mels: int = 64,
        audio_hidden: int = 128,
        video_hidden: int = 512,
        video_out: int = 512,
        dropout: float = 0.2,
        fc_dropout: float = 0.3,
        use_audio: bool = True,
        use_video: bool = True,
        audio_mean: float = -50.0,
        audio_std: float = 20.0,
    ):
        super().__init__()
        if not (use_audio or use_video):
            raise ConfigError("at least one of the audio and video branches must be on")
        self.use_audio, self.use_video = use_audio, use_video
        self.register_buffer("audio_mean", torch.tensor(float(audio_mean)))
        self.register_buffer("audio_std", torch.tensor(float(audio_std)))
        audio_dim = 2 * audio_hidden
        self.audio_sub = AudioSubsampling(n_mels)
        self.audio_gru = BiGRUSummary(self.audio_sub.out_dim, audio_hidden)
        self.audio_head = _head(audio_dim, dropout)
        self.video_gru = BiGRUSummary(video_dim, video_hidden)
        self.video_proj = nn.Linear(2 * video_hidden, video_out)
        self.video_head = _head(video_out, dropout)
        fused = audio_dim * use_audio + video_out * use_video
        self.mlp = nn.Sequential(nn.Linear(fused, fused), nn.ReLU(), nn.Dropout(fc_dropout), nn.Linear(fused, 2))

    @classmethod
    def from_hparams(cls, hp: Mapping[str, Any]) -> HighlightsClassifier:
        """The classifier a training run's hyper-parameters describe (as saved in every checkpoint)."""
        return cls(
            hp["video_dim"],
            hp["n_mels"],
            use_audio=hp["use_audio"],
            use_video=hp["use_video"],
            audio_mean=hp["audio_mean"],
            audio_std=hp["audio_std"],
        )

    def forward(self, audio: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
        """``audio (B, T_a, n_mels)`` in dB, ``video (B, T_v, video_dim)`` -> logits ``(B, 2)``."""
        parts = []
        if self.use_audio:
            a = (audio - self.audio_mean) / self.audio_std
            parts.append(self.audio_head(self.audio_gru(self.audio_sub(a))))
        if self.use_video:
            parts.append(self.video_head(self.video_proj(self.video_gru(video))))
        return self.mlp(torch.cat(parts, dim=1))

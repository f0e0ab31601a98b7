"""The crowd's settings: how its excitement level is measured and scored."""

from __future__ import annotations

from dataclasses import dataclass

from soccer_highlights.config import Checked, number, positive
from soccer_highlights.errors import ConfigError


@dataclass(frozen=True)
class ExcitementConfig(Checked):
    """The training-free detector: crowd and commentary get loud around shots and goals.

    Its score is calibrated in decibels, so it means the same in every half and every match:
    the excitement level (loudness and crowd-band level, mixed, smoothed) is measured against the
    half's own typical level (its median, never below ``reference_floor_db``), and ``s`` dB above
    it scores ``1 - 2 ** (-s / half_score_db)``: 0 at or below the typical level, 0.5 at 6 dB above
    it, 0.75 at 12 dB, approaching 1. A dull half then has few moments over the threshold and a
    thriller many, where a per-half rescaling would give both the same number.
    """

    frame_s: float = positive(0.1)
    """Analysis frame of the short-time spectrum."""
    hop_s: float = positive(0.5)
    """Resolution of the output score curve."""
    smooth_s: float = positive(5.0)
    """The roar at a goal or a shot lasts five seconds and more; averaging over this span keeps
    shorter bursts (a shout, a whistle, a loud few seconds of ordinary play) from peaking."""
    crowd_band_hz: tuple[float, float] = (1_000.0, 4_000.0)
    """Broadband crowd noise and raised voices; chants and the commentator's voice sit mostly below it."""
    loudness_weight: float = number(0.5, 0.0, 1.0)
    """Share of the loudness (dB) in the excitement level; the rest is the crowd-band level (dB)."""
    half_score_db: float = positive(6.0)
    """Decibels above the half's typical level that score 0.5 (6 dB: twice the sound pressure)."""
    reference_floor_db: float = number(-30.0, -120.0, 0.0)
    """The typical level is never taken below this (about 15 dB under the real broadcasts measured
    here, whose excitement level sits near -15 dB), so a mostly silent half does not turn ordinary
    commentary into highlights."""

    def check(self) -> None:
        low, high = self.crowd_band_hz
        if not 0 <= low < high:
            raise ConfigError(
                f"ExcitementConfig.crowd_band_hz must be (low, high) with 0 <= low < high, got {low, high}"
            )

"""A detector that needs no training: the crowd and the commentators get loud at shots and goals.

The excitement level mixes two short-time levels in decibels: overall loudness, and the energy of
the crowd band (broadband roar and raised voices, above most of a chant's or a commentator's
energy), smoothed over a few seconds, because a roar lasts seconds while whistles and single
shouts do not. The score is that level in dB above the half's typical level, on a fixed scale
(see :class:`~soccer_highlights.config.ExcitementConfig`), so it means the same in every half.
It streams the audio in chunks, so its memory is flat in the half's length, and it needs neither
PyTorch nor any model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from soccer_highlights.config import AudioConfig, SegmentConfig
from soccer_highlights.core import Half, ProgressFn, ScoreCurve, union_of
from soccer_highlights.crowd.config import ExcitementConfig
from soccer_highlights.dsp import decibels, moving_average, power_spectrum, reporting, stream_frames
from soccer_highlights.errors import MediaError
from soccer_highlights.media.decode import AudioChunk, iter_audio, read_stretch

TRUNCATION_S = 2.0
"""Sound ending this much (or 2%) before the container's stated length marks a truncated file."""
REFERENCE_PIECES = 16
REFERENCE_PIECE_S = 4.0
"""Where only stretches of a half are scored, its typical level (what the scale starts from) is
the median of this many pieces this long, spread evenly over the half (a minute of sound)."""


class AudioExcitementDetector:
    name = "audio-excitement"
    segment_defaults = SegmentConfig()

    def __init__(self, config: ExcitementConfig | None = None, audio: AudioConfig | None = None):
        self.config = config or ExcitementConfig()
        self.audio = audio or AudioConfig()
        self._curves: dict[tuple, ScoreCurve] = {}
        """Curves already scored by this detector, by half: a detector fused beside another that
        places its events on this curve (the scoreboard) scores each half once."""

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "excitement": asdict(self.config), "audio": asdict(self.audio)}

    def frame_features(self, half: Half, progress: ProgressFn | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Loudness and crowd-band level in dB for every analysis frame of the half."""
        if half.video is None:
            raise MediaError(f"half {half.half}: the audio-excitement detector needs the video file")
        chunks = iter_audio(half.video, self.audio.sample_rate, self.audio.chunk_s, half.audio_track)
        loudness, crowd = self._levels(reporting(chunks, progress))
        if not len(loudness):
            raise MediaError(f"{half.video}: its audio track is empty")
        return loudness, crowd

    def _levels(self, chunks: Iterable[AudioChunk]) -> tuple[np.ndarray, np.ndarray]:
        sr = self.audio.sample_rate
        frame_len = round(self.config.frame_s * sr)
        n_fft = 1 << (frame_len - 1).bit_length()
        freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
        lo_hz, hi_hz = self.config.crowd_band_hz
        band = (freqs >= lo_hz) & (freqs < hi_hz)
        window = np.hanning(frame_len).astype(np.float32)
        loudness: list[np.ndarray] = []
        crowd: list[np.ndarray] = []
        for frames in stream_frames(chunks, frame_len, hop=frame_len):
            loudness.append(decibels(np.mean(frames**2, axis=1)))
            crowd.append(decibels(power_spectrum(frames, window, n_fft)[:, band].sum(axis=1) / n_fft))
        if not loudness:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(loudness), np.concatenate(crowd)

    def _hop_levels(self, loudness: np.ndarray, crowd: np.ndarray) -> tuple[np.ndarray, int]:
        """The excitement level (dB) per hop, unsmoothed, and the analysis frames per hop."""
        cfg = self.config
        level = cfg.loudness_weight * loudness + (1.0 - cfg.loudness_weight) * crowd
        per_hop = max(1, round(cfg.hop_s / cfg.frame_s))
        n_hops = len(level) // per_hop
        if n_hops == 0:
            n_hops, per_hop = 1, max(1, len(level))
        return level[: n_hops * per_hop].reshape(n_hops, per_hop).mean(axis=1), per_hop

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        key = (half.half, str(half.video), half.duration_s, half.audio_track)
        if key not in self._curves:
            self._curves[key] = self._score(half, progress)
        elif progress:
            progress(half.duration_s)
        return self._curves[key]

    def score_around(
        self, half: Half, stretches: Sequence[tuple[float, float]], progress: ProgressFn | None = None
    ) -> ScoreCurve:
        """The curve inside ``stretches`` alone (zero elsewhere), on the same scale as
        :meth:`score_half`, for a caller that needs a few windows of a long half (the scoreboard's
        goal windows) and not the whole sound: the half's typical level, which the scale starts
        from, is taken from short pieces spread over it. Where the whole half was already scored,
        that curve is handed out instead, and so is the whole curve where the stretches cover
        half of the half or more (reading them one by one would cost more)."""
        key = (half.half, str(half.video), half.duration_s, half.audio_track)
        spans = union_of((max(0.0, a), min(half.duration_s, b)) for a, b in stretches)
        if key in self._curves or sum(b - a for a, b in spans) >= 0.5 * half.duration_s:
            return self.score_half(half, progress)
        if half.video is None:
            raise MediaError(f"half {half.half}: the audio-excitement detector needs the video file")
        cfg, sr = self.config, self.audio.sample_rate
        per_hop = max(1, round(cfg.hop_s / cfg.frame_s))
        hop_s = per_hop * cfg.frame_s

        def hop_levels(start_s: float, end_s: float) -> np.ndarray:
            return self._hop_levels(*self._levels([read_stretch(half.video, sr, start_s, end_s, half.audio_track)]))[0]

        pieces = np.linspace(0.0, max(0.0, half.duration_s - REFERENCE_PIECE_S), REFERENCE_PIECES)
        typical = float(np.median(np.concatenate([hop_levels(a, a + REFERENCE_PIECE_S) for a in pieces])))
        scores = np.zeros(max(1, int(np.ceil(half.duration_s / hop_s))), np.float32)
        for start_s, end_s in union_of((a // hop_s * hop_s, b) for a, b in spans):
            smoothed = moving_average(hop_levels(start_s, end_s), max(1, round(cfg.smooth_s / cfg.hop_s)))
            first = round(start_s / hop_s)
            scores[first : first + len(smoothed)] = calibrated_score(smoothed, cfg, typical)[: len(scores) - first]
            if progress:
                progress(end_s)
        return ScoreCurve(half=half.half, hop_s=hop_s, scores=scores, duration_s=half.duration_s, detector=self.name)

    def _score(self, half: Half, progress: ProgressFn | None) -> ScoreCurve:
        cfg = self.config
        loudness, crowd = self.frame_features(half, progress)
        hops, per_hop = self._hop_levels(loudness, crowd)
        smoothed = moving_average(hops, max(1, round(cfg.smooth_s / cfg.hop_s)))
        heard_s = len(loudness) * cfg.frame_s
        notes = ()
        if half.duration_s - heard_s > max(TRUNCATION_S, 0.02 * half.duration_s):
            notes = (
                f"{half.video}: its sound ends at {heard_s:.1f} s of {half.duration_s:.1f} s: the file looks "
                "truncated, and nothing after that can score",
            )
        return ScoreCurve(
            half=half.half,
            hop_s=per_hop * cfg.frame_s,
            scores=calibrated_score(smoothed, cfg),
            duration_s=half.duration_s,
            detector=self.name,
            notes=notes,
        )


def calibrated_score(level_db: np.ndarray, config: ExcitementConfig, typical_db: float | None = None) -> np.ndarray:
    """Excitement levels (dB) to scores in [0, 1): decibels above the half's typical level (the
    levels' median unless given), on the fixed scale of :class:`ExcitementConfig` (0.5 at
    ``half_score_db`` above it). Strictly increasing above the typical level, so louder moments
    always rank higher, even near 1."""
    if len(level_db) == 0:
        return np.zeros(0, dtype=np.float32)
    typical = float(np.median(level_db)) if typical_db is None else typical_db
    reference = max(typical, config.reference_floor_db)
    excess = np.maximum(level_db - reference, 0.0)
    return (1.0 - np.exp2(-excess / config.half_score_db)).astype(np.float32)

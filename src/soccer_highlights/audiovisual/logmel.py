"""Log-mel spectrogram in dB, streamed over audio chunks, on the same clock as the video.

Frame ``i`` covers the samples centred on ``i * hop_s`` seconds from the container's origin, so a
window of video frames and the mel frames over the same seconds are cut by the same times.
Values are dB of power with a floor, never normalised here: loudness is the signal (the seed's
per-sample min-max normalisation erased it), and the model normalises with training statistics.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

import numpy as np
from threadpoolctl import threadpool_limits

from soccer_highlights.dsp import decibels, power_spectrum, stream_frames
from soccer_highlights.media.decode import AudioChunk

DB_FLOOR = -100.0


@cache
def mel_filterbank(
    sample_rate: int, n_fft: int, n_mels: int, fmin: float = 20.0, fmax: float | None = None
) -> np.ndarray:
    """``(n_mels, n_fft // 2 + 1)`` triangular filters on the HTK mel scale."""
    fmax = fmax or sample_rate / 2

    def hz_to_mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10.0 ** (np.asarray(m) / 2595.0) - 1.0)

    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs[None, :] - lower) / (centre - lower)
    falling = (upper - freqs[None, :]) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling)).astype(np.float32)


def stream_logmel(
    chunks: Iterable[AudioChunk], sample_rate: int, hop_s: float, n_fft: int, n_mels: int
) -> Iterator[np.ndarray]:
    """Yield ``(frames, n_mels)`` float32 dB blocks; frame ``i`` is centred at ``i * hop_s``."""
    window = np.hanning(n_fft).astype(np.float32)
    filters = mel_filterbank(sample_rate, n_fft, n_mels)
    for frames in stream_frames(chunks, n_fft, round(hop_s * sample_rate), centre=True):
        # one BLAS thread: a product split over threads sums in another order, and the cached
        # features of a Ray worker (one thread) must be byte-identical to a serial run's
        with threadpool_limits(1, user_api="blas"):
            mel = power_spectrum(frames, window, n_fft) @ filters.T
        yield np.maximum(decibels(mel), DB_FLOOR).astype(np.float32)

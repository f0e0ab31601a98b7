"""The one short-time spectrum front end: streamed audio chunks to analysis frames and their power.

The log-mel features of the learned model and the loudness and crowd-band level of the audio
detector both start here, so both frame the signal on the same clock (frame ``i`` starts at
sample ``i * hop``, or is centred there) and neither ever holds more than a chunk of a half.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from soccer_highlights.core import ProgressFn
from soccer_highlights.media.decode import AudioChunk

DB_EPS = 1e-10
"""Added to powers before taking decibels, so digital silence is -100 dB rather than -inf."""


def stream_frames(chunks: Iterable[AudioChunk], frame_len: int, hop: int, centre: bool = False) -> Iterator[np.ndarray]:
    """Yield blocks of analysis frames ``(n, frame_len)`` over a chunked signal.

    Frame ``i`` starts at sample ``i * hop``; with ``centre`` it is centred there instead (the
    signal is padded with ``frame_len // 2`` zeros in front), so frame 0 stands for time 0. A
    trailing stretch shorter than a frame is dropped.
    """
    buffer = np.zeros(frame_len // 2 if centre else 0, dtype=np.float32)
    for chunk in chunks:
        buffer = np.concatenate([buffer, chunk.samples]) if len(buffer) else chunk.samples
        if len(buffer) < frame_len:
            continue
        n = (len(buffer) - frame_len) // hop + 1
        yield np.lib.stride_tricks.sliding_window_view(buffer, frame_len)[::hop][:n]
        buffer = buffer[n * hop :]


def power_spectrum(frames: np.ndarray, window: np.ndarray, n_fft: int) -> np.ndarray:
    """``|FFT(frame x window)|^2`` of each frame, ``(n, n_fft // 2 + 1)``."""
    return np.abs(np.fft.rfft(frames * window, n=n_fft, axis=1)) ** 2


def decibels(power: np.ndarray) -> np.ndarray:
    return 10.0 * np.log10(power + DB_EPS)


def reporting(chunks: Iterable[AudioChunk], progress: ProgressFn | None) -> Iterator[AudioChunk]:
    """The chunks as they are, telling ``progress`` how far into the half each one ends."""
    for chunk in chunks:
        yield chunk
        if progress:
            progress(chunk.end_s)


def moving_average(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average with edge values repeated, so the ends are not pulled to zero."""
    if width <= 1 or len(values) == 0:
        return values.astype(np.float64)
    padded = np.pad(values.astype(np.float64), (width // 2, width - 1 - width // 2), mode="edge")
    kernel = np.ones(width) / width
    return np.convolve(padded, kernel, mode="valid")

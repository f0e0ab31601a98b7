"""Small real media files with known content, written with PyAV's real encoders.

Each "mark" is a white flash in the picture and a 1 kHz beep in the sound starting at the same
instant; finding them again after decoding, cutting or joining tells whether audio and video
stayed together and where a cut really started.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

FPS, SR = 25, 48_000
MARK_S = 0.2


def write_marked_video(
    path: Path,
    duration_s: float,
    marks_s: Sequence[float],
    size: tuple[int, int] = (398, 224),
    with_audio: bool = True,
    x264: dict[str, str] | None = None,
) -> None:
    """A dark video whose frame ``i`` has grey level ``i % 100`` in its top-left block, with marks.

    The grey level tells which source frame a decoded frame came from, which is what a cut-accuracy
    test needs; the marks test audio-video sync. ``x264`` replaces the encoder options (the default
    has no B-frames).
    """
    w, h = size
    n_frames = round(duration_s * FPS)
    with av.open(str(path), "w", format="matroska") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = w, h, "yuv420p"
        video.options = x264 or {"preset": "ultrafast", "crf": "12", "g": "50"}
        audio = None
        if with_audio:
            audio = out.add_stream("aac", rate=SR, layout="stereo")
        for i in range(n_frames):
            t = i / FPS
            img = np.full((h, w, 3), 20, np.uint8)
            img[:32, :32] = 50 + 2 * (i % 100)
            if any(m <= t < m + MARK_S for m in marks_s):
                img[40:, :] = 255
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            t = np.arange(round(duration_s * SR)) / SR
            sound = 0.002 * np.sin(2 * np.pi * 200 * t)
            for m in marks_s:
                inside = (t >= m) & (t < m + MARK_S)
                sound[inside] += 0.5 * np.sin(2 * np.pi * 1000 * t[inside])
            sound = sound.astype(np.float32)
            step = SR
            for start in range(0, len(sound), step):
                block = sound[start : start + step]
                frame = av.AudioFrame.from_ndarray(np.stack([block, block]), format="fltp", layout="stereo")
                frame.sample_rate, frame.pts, frame.time_base = SR, start, Fraction(1, SR)
                out.mux(audio.encode(frame))
            out.mux(audio.encode(None))


def onsets(mask: np.ndarray, times: np.ndarray) -> list[float]:
    """Times where ``mask`` turns on."""
    rising = np.flatnonzero(mask & ~np.concatenate([[False], mask[:-1]]))
    return [float(times[i]) for i in rising]


def video_mark_onsets(path: Path) -> list[float]:
    with av.open(str(path)) as c:
        origin = (c.start_time or 0) / av.time_base
        times, bright = [], []
        for frame in c.decode(video=0):
            img = frame.to_ndarray(format="rgb24")
            times.append(frame.time - origin)
            bright.append(img[60:, :, :].mean() > 128)
    return onsets(np.array(bright), np.array(times))


def audio_mark_onsets(path: Path, samples: np.ndarray | None = None, start_s: float = 0.0) -> list[float]:
    """The marks' onsets in the sound of ``path`` (or in ``samples`` starting at ``start_s``)."""
    from soccer_highlights.media.decode import read_audio

    if samples is None:
        samples = read_audio(path, SR)
    win = SR // 100
    n = len(samples) // win
    # 1 kHz energy per 10 ms window, by correlating with a 1 kHz tone
    frames = samples[: n * win].reshape(n, win)
    t = np.arange(win) / SR
    energy = np.abs(frames @ np.exp(-2j * np.pi * 1000 * t)) / win
    return onsets(energy > 0.1, start_s + np.arange(n) * win / SR)

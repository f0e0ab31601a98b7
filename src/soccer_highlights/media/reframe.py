"""Vertical and square cuts of a wide broadcast: a crop window that follows the play.

A 9:16 crop of a 16:9 picture keeps a third of its width, so a fixed centre crop loses the ball
whenever the play runs to a wing. Where the play is, is read from the picture itself: sampled
frames (a few per second, a small grey copy) are compared with the one before after undoing the
camera's own pan (the horizontal shift that best lines them up), and what still changes, players
running and the ball, is summed per column; the crop goes where the most of it falls within one
crop's width. That raw path is then smoothed the way a camera operator pans: a moving average over
about a second, then a speed limit (no pan faster than :attr:`ReframeConfig.max_pan_per_s` of the
frame's width per second), so the window never jumps.

The path reaches ffmpeg as a commands file (``sendcmd``): one line per output frame setting the
``crop`` filter's ``x``, linearly interpolated between the samples. A single expression for the
whole path (a piecewise function of ``t``) grows with the segment, 8 pieces a second, and ffmpeg
stops parsing it past about 12 s; a commands file is data, read line by line, for any length.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soccer_highlights.config import ReframeConfig, crop_size
from soccer_highlights.errors import InputError

CROP_TARGET = "crop@follow"
"""The crop filter's instance name, which the commands address."""


@dataclass(frozen=True)
class CropPath:
    """Where the crop window's left edge is (pixels of the source) at times from the cut's start."""

    times_s: np.ndarray
    x: np.ndarray
    crop_w: int
    crop_h: int

    def centres(self) -> np.ndarray:
        return self.x + self.crop_w / 2

    def x_at(self, times_s: np.ndarray) -> np.ndarray:
        """The left edge at ``times_s`` (from the cut's start): linear between the samples, held
        before the first and after the last."""
        if not len(self.times_s):
            return np.zeros(len(times_s))
        return np.interp(times_s, self.times_s, self.x)

    def commands(self, duration_s: float, fps: float) -> str:
        """``sendcmd``'s commands: the crop's ``x`` for every frame at ``fps`` of a cut ``duration_s``
        long, each sent half a frame before its frame (a frame's time rounded either way still gets
        its own value). One short line a frame: 3 minutes at 29.97 fps are 5,394 lines, 120 kB."""
        frames = max(1, int(np.ceil(duration_s * fps - 1e-6)))
        x = self.x_at(np.arange(frames) / fps)
        at = np.maximum(0.0, (np.arange(frames) - 0.5) / fps)
        return "".join(f"{t:.4f} {CROP_TARGET} x {v:.1f};\n" for t, v in zip(at, x, strict=True))

    def ffmpeg_filter(self, source_height: int, commands_file: Path) -> str:
        """``sendcmd`` reading ``commands_file`` (written with :meth:`commands`), then the ``crop``
        it drives, starting at the path's first place."""
        from soccer_highlights.media.cut import _filter_path

        y = (source_height - self.crop_h) // 2
        x0 = float(self.x_at(np.zeros(1))[0])
        return f"sendcmd=f={_filter_path(commands_file)},{CROP_TARGET}=w={self.crop_w}:h={self.crop_h}:x={x0:.1f}:y={y}"


def _camera_shift(previous: np.ndarray, current: np.ndarray, max_shift: int) -> int:
    """The horizontal shift (pixels) that best maps ``previous`` onto ``current``: the camera's pan."""
    best, best_cost = 0, np.inf
    w = current.shape[1]
    for dx in range(-max_shift, max_shift + 1):
        a = previous[:, max(0, -dx) : w - max(0, dx)]
        b = current[:, max(0, dx) : w - max(0, -dx)]
        cost = float(np.mean(np.abs(a - b)))
        if cost < best_cost - 1e-9:
            best, best_cost = dx, cost
    return best


def play_columns(previous: np.ndarray, current: np.ndarray, max_shift: int) -> np.ndarray:
    """Per column of ``current``: how much changed once the camera's pan is undone (squared, so the
    sharp changes of a moving ball and players outweigh flicker and compression noise)."""
    dx = _camera_shift(previous, current, max_shift)
    w = current.shape[1]
    aligned = np.full_like(current, np.nan)
    aligned[:, max(0, dx) : w - max(0, -dx)] = previous[:, max(0, -dx) : w - max(0, dx)]
    change = np.nan_to_num(np.abs(current - aligned), nan=0.0)
    return (change**4).sum(axis=0)


def follow_play(
    source: Path,
    start_s: float,
    end_s: float,
    source_size: tuple[int, int],
    aspect: str,
    config: ReframeConfig | None = None,
) -> CropPath:
    """The crop window's path over ``source[start_s:end_s]`` (times from ``start_s``) for an
    ``aspect`` of :data:`soccer_highlights.config.ASPECTS`."""
    from soccer_highlights.media.decode import iter_frames

    config = config or ReframeConfig()
    width, height = source_size
    crop_w, crop_h = crop_size(width, height, aspect)
    small_w = config.analysis_width
    small_h = max(8, round(small_w * height / width / 2) * 2)
    window = max(1, round(small_w * crop_w / width))
    centres, times, previous = [], [], None
    last = 0.5
    for frame in iter_frames(source, config.samples_per_s, (small_w, small_h), start_s, end_s):
        grey = frame.rgb.astype(np.float32).mean(axis=2)
        if previous is not None:
            columns = play_columns(previous, grey, config.max_camera_shift)
            mass = np.convolve(columns, np.ones(window), mode="valid")
            if mass.max() > config.min_change * grey.shape[0] * window:
                last = (int(np.argmax(mass)) + window / 2) / small_w
        previous = grey
        centres.append(last)
        times.append(frame.time_s - start_s)
    if not times:
        raise InputError(f"{source}: no picture between {start_s:.1f} s and {end_s:.1f} s to follow the play in")
    t = np.asarray(times, np.float64)
    centre = smooth_path(np.asarray(centres) * width, t, config.smoothing_s, config.max_pan_per_s * width)
    x = np.clip(centre - crop_w / 2, 0, width - crop_w)
    return CropPath(t, x, crop_w, crop_h)


def smooth_path(centres: np.ndarray, times: np.ndarray, smoothing_s: float, max_speed: float) -> np.ndarray:
    """A camera operator's pan: a moving average over ``smoothing_s``, then no faster than
    ``max_speed`` (pixels per second), from the first sample on."""
    if len(centres) < 2:
        return centres.astype(np.float64)
    step = float(np.median(np.diff(times))) or 1.0
    k = max(1, round(smoothing_s / step)) | 1
    padded = np.pad(centres.astype(np.float64), k // 2, mode="edge")
    average = np.convolve(padded, np.ones(k) / k, mode="valid")
    out = np.empty_like(average)
    out[0] = average[0]
    for i in range(1, len(average)):
        limit = max_speed * (times[i] - times[i - 1])
        out[i] = out[i - 1] + np.clip(average[i] - out[i - 1], -limit, limit)
    return out

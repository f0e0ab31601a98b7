"""Vertical and square cuts of a wide broadcast: a crop window that follows the play.

A 9:16 crop of a 16:9 picture keeps a third of its width, so a fixed centre crop loses the ball
whenever the play runs to a wing. Where the play is, is read from the picture itself: sampled
frames (a few per second, a small grey copy) are compared with the one before after undoing the
camera's own pan (the horizontal shift that best lines them up), and what still changes, players
running and the ball, is summed per column; the crop goes where the most of it falls within one
crop's width. That raw path is then smoothed the way a camera operator pans: a moving average over
about a second, then a speed limit (no pan faster than :attr:`ReframeConfig.max_pan_per_s` of the
frame's width per second), so the window never jumps. The path becomes ffmpeg's ``crop`` filter
with ``x`` as a piecewise-linear function of time, evaluated per frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soccer_highlights.config import ReframeConfig, crop_size
from soccer_highlights.errors import InputError


@dataclass(frozen=True)
class CropPath:
    """Where the crop window's left edge is (pixels of the source) at times from the cut's start."""

    times_s: np.ndarray
    x: np.ndarray
    crop_w: int
    crop_h: int

    def centres(self) -> np.ndarray:
        return self.x + self.crop_w / 2

    def ffmpeg_filter(self, source_height: int) -> str:
        """``crop=...`` with ``x`` piecewise linear in ``t`` between the path's samples."""
        t, x = self.times_s, np.round(self.x, 1)
        terms = [f"{x[0]:.1f}*lt(t,{t[0]:.3f})"] if len(t) else ["0"]
        for i in range(len(t) - 1):
            slope = (x[i + 1] - x[i]) / max(t[i + 1] - t[i], 1e-6)
            terms.append(f"between(t,{t[i]:.3f},{t[i + 1]:.3f}-0.0001)*({x[i]:.1f}+{slope:.3f}*(t-{t[i]:.3f}))")
        if len(t):
            terms.append(f"{x[-1]:.1f}*gte(t,{t[-1] - 0.0001:.3f})")
        y = (source_height - self.crop_h) // 2
        return f"crop=w={self.crop_w}:h={self.crop_h}:x='{'+'.join(terms)}':y={y}"


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

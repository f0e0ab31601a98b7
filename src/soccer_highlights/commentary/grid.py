"""A half as a 1 s grid of what was said around each second: the features the trees read.

The line models (:mod:`soccer_highlights.commentary.lines`) say, per line and class, "an event is
happening now" and "one just happened" (replay talk, the new score said aloud). Commentary lags
the action by a few seconds for a goal and by up to a minute for a shot talked about in the replay,
so each second ``t`` is described by what is said in :data:`WINDOWS` from 40 s before to 150 s
after it: the highest and the mean line score in each window, the transcript's cues there (spoken
scores, goal words, exclamations, speech rate, Whisper's repeats), where ``t`` lies in the half,
and how ``t``'s best moment ranks among the half's own (a quiet match's loudest call is still its
goal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from soccer_highlights.commentary.cues import CUES, transcript_cues
from soccer_highlights.soccernet.transcripts import Line

WINDOWS: tuple[tuple[int, int], ...] = (
    (-40, -20), (-20, -8), (-8, -2), (-2, 2), (2, 8), (8, 20), (20, 60), (60, 150),
)  # fmt: skip
"""Seconds relative to the described moment, ``[a, b)``."""
RANK_WINDOW = (-2, 20)
"""The window whose best line score is ranked against the whole half's."""
HALF_S = 2700.0


def per_second_max(lines: Sequence[Line], scores: np.ndarray, n_seconds: int) -> np.ndarray:
    """``(n_seconds, channels)``: the highest score of the lines being spoken at each second (0 in silence)."""
    out = np.zeros((n_seconds, scores.shape[1]), np.float32)
    for line, row in zip(lines, scores, strict=True):
        a = int(line.start_s)
        b = max(a + 1, math.ceil(line.end_s))
        if a >= n_seconds or b <= 0:
            continue
        a, b = max(a, 0), min(b, n_seconds)
        np.maximum(out[a:b], row, out=out[a:b])
    return out


def _window_stats(values: np.ndarray, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
    """Max and mean of ``values`` (n, channels) over ``[t + a, t + b)`` for every ``t`` (zeros outside)."""
    n = len(values)
    width = b - a
    offset = abs(a) + abs(b)
    padded = np.zeros((n + 2 * offset + width, values.shape[1]), values.dtype)
    padded[offset : offset + n] = values
    start = offset + a
    view = sliding_window_view(padded[start : start + n + width - 1], width, axis=0)
    cum = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(padded, axis=0, dtype=np.float64)])
    mean = (cum[start + width : start + width + n] - cum[start : start + n]) / width
    return view.max(axis=-1), mean.astype(np.float32)


def _window_sums(values: np.ndarray, a: int, b: int) -> np.ndarray:
    return _window_stats(values, a, b)[1] * (b - a)


def feature_names(channels: Sequence[str], windows: Sequence[tuple[int, int]] = WINDOWS) -> list[str]:
    names = []
    for a, b in windows:
        names += [f"max {c} [{a},{b})" for c in channels] + [f"mean {c} [{a},{b})" for c in channels]
        names += [f"{cue} [{a},{b})" for cue in CUES]
    names += ["position in half", "seconds / 2700"]
    names += [f"rank {c}" for c in channels] + [f"share of half max {c}" for c in channels]
    return names


def grid_features(
    lines: Sequence[Line], scores: np.ndarray, n_seconds: int, windows: Sequence[tuple[int, int]] = WINDOWS
) -> np.ndarray:
    """``(n_seconds, len(feature_names(channels)))`` float32 features of every second of a half;
    ``scores`` are the line models' probabilities ``(lines, channels)``."""
    per_second = per_second_max(lines, scores, n_seconds)
    cues = transcript_cues(lines, n_seconds)
    blocks = []
    for a, b in windows:
        high, mean = _window_stats(per_second, a, b)
        blocks += [high, mean, _window_sums(cues, a, b)]
    t = np.arange(n_seconds, dtype=np.float32)
    spoken = max((line.end_s for line in lines), default=float(n_seconds))
    blocks.append(np.stack([t / max(spoken, 1.0), t / HALF_S], axis=1))
    best, _ = _window_stats(per_second, *RANK_WINDOW)
    ranks = np.argsort(np.argsort(best, axis=0, kind="stable"), axis=0).astype(np.float32) / max(n_seconds - 1, 1)
    blocks += [ranks, best / np.maximum(best.max(axis=0, keepdims=True), 1e-6)]
    return np.hstack(blocks).astype(np.float32)

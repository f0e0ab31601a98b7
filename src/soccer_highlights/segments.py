"""From score curves to the list of cuts: peaks, suppression, padding, merging and a length budget.

This is the one place where "what goes into the reel" is decided, for every detector alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from soccer_highlights.config import SegmentConfig
from soccer_highlights.core import ScoreCurve, Segment


@dataclass(frozen=True)
class Peak:
    half: int
    time_s: float
    score: float


def find_peaks(curve: ScoreCurve, threshold: float) -> list[Peak]:
    """Local maxima at or above ``threshold``; a flat top counts once, at its centre."""
    scores = np.asarray(curve.scores, dtype=np.float64)
    times = curve.times_s()
    peaks: list[Peak] = []
    i, n = 0, len(scores)
    while i < n:
        j = i
        while j + 1 < n and scores[j + 1] == scores[i]:
            j += 1
        left_ok = i == 0 or scores[i - 1] < scores[i]
        right_ok = j == n - 1 or scores[j + 1] < scores[i]
        if left_ok and right_ok and scores[i] >= threshold:
            peaks.append(Peak(curve.half, float(times[i] + times[j]) / 2, float(scores[i])))
        i = j + 1
    return peaks


def suppress_non_maxima(peaks: Iterable[Peak], window_s: float) -> list[Peak]:
    """Greedy non-maximum suppression: keep the best peak, drop others within ``window_s`` of it."""
    kept: list[Peak] = []
    for peak in sorted(peaks, key=lambda p: -p.score):
        if all(p.half != peak.half or abs(p.time_s - peak.time_s) >= window_s for p in kept):
            kept.append(peak)
    return sorted(kept, key=lambda p: (p.half, p.time_s))


def pad(peak: Peak, config: SegmentConfig, duration_s: float, detector: str) -> Segment:
    """The cut around one peak, clipped to the half (a segment never crosses a half's bounds)."""
    return Segment(
        half=peak.half,
        start_s=max(0.0, peak.time_s - config.pad_before_s),
        end_s=min(duration_s, peak.time_s + config.pad_after_s),
        peak_s=peak.time_s,
        score=peak.score,
        detector=detector,
    )


def merge(segments: Iterable[Segment], gap_s: float) -> list[Segment]:
    """Join segments of the same half that overlap or lie closer than ``gap_s``."""
    merged: list[Segment] = []
    for seg in sorted(segments, key=lambda s: (s.half, s.start_s)):
        last = merged[-1] if merged else None
        if last is not None and last.half == seg.half and seg.start_s - last.end_s <= gap_s:
            best = last if last.score >= seg.score else seg
            merged[-1] = replace(
                last,
                end_s=max(last.end_s, seg.end_s),
                peak_s=best.peak_s,
                score=best.score,
                detector=last.detector if last.detector == seg.detector else f"{last.detector}+{seg.detector}",
            )
        else:
            merged.append(seg)
    return merged


def apply_budget(segments: Sequence[Segment], budget_s: float | None) -> tuple[list[Segment], list[Segment]]:
    """The best-scoring segments whose total length fits ``budget_s`` (in time order), and the rest.

    The whole match competes for the budget, so a half with the game's only goal is not crowded
    out by a busier one; a segment that does not fit is skipped rather than ending the search, so a
    long merged segment cannot crowd out several short good ones that would still fit.
    """
    in_order = sorted(segments, key=lambda s: (s.half, s.start_s))
    if budget_s is None:
        return in_order, []
    chosen: list[Segment] = []
    used = 0.0
    for seg in sorted(in_order, key=lambda s: -s.score):  # stable: equal scores go in time order
        if used + seg.duration_s <= budget_s + 1e-9:
            chosen.append(seg)
            used += seg.duration_s
    kept = set(chosen)
    return sorted(chosen, key=lambda s: (s.half, s.start_s)), [s for s in in_order if s not in kept]


@dataclass(frozen=True)
class SegmentPlan:
    segments: list[Segment]
    """What goes into the reel, in half and time order."""
    left_out: list[Segment]
    """Segments over the threshold that the budget had no room for."""
    budget_s: float | None
    """The length limit applied (None: none)."""


def plan_reel(curves: Sequence[ScoreCurve], config: SegmentConfig) -> SegmentPlan:
    """The whole way from one curve per half to the reel's cut list."""
    segments: list[Segment] = []
    for curve in curves:
        peaks = suppress_non_maxima(find_peaks(curve, config.threshold), config.nms_window_s)
        padded = [pad(p, config, curve.duration_s, curve.detector) for p in peaks]
        segments.extend(s for s in padded if s.duration_s > 0)
    budget = config.budget_for(sum(c.duration_s for c in curves))
    kept, left_out = apply_budget(merge(segments, config.merge_gap_s), budget)
    return SegmentPlan(kept, left_out, budget)


def plan_segments(curves: Sequence[ScoreCurve], config: SegmentConfig) -> list[Segment]:
    """The reel's cut list alone (see :func:`plan_reel`)."""
    return plan_reel(curves, config).segments

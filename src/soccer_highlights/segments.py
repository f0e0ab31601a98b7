"""From score curves to the list of cuts: peaks, suppression, padding, merging and a length budget.

This is the one place where "what goes into the reel" is decided, for every detector alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from soccer_highlights.config import SegmentConfig
from soccer_highlights.core import Half, ScoreCurve, Segment


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


def greedy_nms(
    times: Sequence[float] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    min_gap: float,
    min_score: float = -np.inf,
    keep_at_gap: bool = True,
    groups: Sequence[object] | None = None,
) -> list[int]:
    """Greedy non-maximum suppression, the one copy every stage uses: indices of the kept points,
    best first (ties: the earlier index). The best remaining point is kept and every point of its
    group (a half, a class) closer than ``min_gap`` to it is dropped; one exactly ``min_gap`` away
    stays when ``keep_at_gap`` (peaks of a curve), goes otherwise (whole seconds of a spotter,
    where ``min_gap`` is the radius that a kept event claims). Points below ``min_score`` are never kept.

    Linear in the number of points after the sort: on a dense per-second curve (thousands of
    candidates) each kept point marks its neighbours at once instead of being compared with all.
    """
    t = np.asarray(times, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    group = np.zeros(len(t), np.int64) if groups is None else np.unique(np.asarray(groups), return_inverse=True)[1]
    by_time = np.lexsort((t, group))
    sorted_t, sorted_g = t[by_time], group[by_time]
    dropped = np.zeros(len(t), bool)
    kept: list[int] = []
    for i in np.argsort(-s, kind="stable"):
        if s[i] < min_score:
            break
        if dropped[i]:
            continue
        kept.append(int(i))
        side = ("right", "left") if keep_at_gap else ("left", "right")
        g0, g1 = np.searchsorted(sorted_g, group[i], "left"), np.searchsorted(sorted_g, group[i], "right")
        lo = g0 + np.searchsorted(sorted_t[g0:g1], t[i] - min_gap, side[0])
        hi = g0 + np.searchsorted(sorted_t[g0:g1], t[i] + min_gap, side[1])
        dropped[by_time[lo:hi]] = True
    return kept


def suppress_non_maxima(peaks: Sequence[Peak], window_s: float) -> list[Peak]:
    """Keep the best peak, drop others of its half within ``window_s`` of it (see :func:`greedy_nms`)."""
    peaks = list(peaks)
    kept = greedy_nms([p.time_s for p in peaks], [p.score for p in peaks], window_s, groups=[p.half for p in peaks])
    return sorted((peaks[i] for i in kept), key=lambda p: (p.half, p.time_s))


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
    """The segments whose total length fits ``budget_s`` (in time order), and the rest: those that
    must be kept (goals) first, then the best-scoring.

    The whole match competes for the budget, so a half with the game's only goal is not crowded
    out by a busier one; a segment that does not fit is skipped rather than ending the search, so a
    long merged segment cannot crowd out several short good ones that would still fit.
    """
    in_order = sorted(segments, key=lambda s: (s.half, s.start_s))
    if budget_s is None:
        return in_order, []
    chosen: list[Segment] = []
    used = 0.0
    for seg in sorted(in_order, key=lambda s: (not s.keep, -s.score)):  # stable: equal scores in time order
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
    """The whole way from one curve per half to the reel's cut list: each segment named after the
    moments in it and timed on the match clock where the curve knows it."""
    segments: list[Segment] = []
    for curve in curves:
        in_play = [p for p in find_peaks(curve, config.threshold) if curve.in_play(p.time_s)]
        peaks = suppress_non_maxima(in_play, config.nms_window_s)
        padded = [pad(p, config, curve.duration_s, curve.detector) for p in peaks]
        merged = merge((s for s in padded if s.duration_s > 0), config.merge_gap_s)
        segments.extend(name_segment(s, curve) for s in merged)
    budget = config.budget_for(sum(c.duration_s for c in curves))
    kept, left_out = apply_budget(segments, budget)
    return SegmentPlan(kept, left_out, budget)


def name_segment(segment: Segment, curve: ScoreCurve) -> Segment:
    """``segment`` with the label of the best moment inside it (moments to keep first, then the
    most confident), whether it must be kept, and the match clock at its peak."""
    inside = [m for m in curve.moments if segment.start_s <= m.time_s <= segment.end_s]
    best = min(inside, key=lambda m: (not m.keep, -m.confidence, abs(m.time_s - segment.peak_s)), default=None)
    return replace(
        segment,
        label=best.label if best else segment.label,
        keep=any(m.keep for m in inside),
        match_clock_s=curve.match_s(segment.peak_s),
    )


def outside_damage(segments: Sequence[Segment], halves: Mapping[int, Half]) -> tuple[list[Segment], list[str]]:
    """The segments that cross no damaged stretch of their half (see ``Half.damaged``), and a line
    for each one dropped: a cut across a hole in the recording would come out short or frozen."""
    kept, notes = [], []
    for seg in segments:
        half = halves.get(seg.half)
        hit = next(((a, b) for a, b in (half.damaged if half else ()) if seg.start_s < b and a < seg.end_s), None)
        if hit is None:
            kept.append(seg)
        else:
            notes.append(
                f"half {seg.half}: the segment {seg.start_s:.1f}-{seg.end_s:.1f} s ({seg.label}) falls in the damaged "
                f"stretch {hit[0]:.1f}-{hit[1]:.1f} s: dropped"
            )
    return kept, notes

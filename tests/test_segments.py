"""Score curve to cut list: peaks, suppression, padding, merging, bounds and the length budget."""

from __future__ import annotations

import numpy as np

from soccer_highlights.config import SegmentConfig
from soccer_highlights.core import ScoreCurve, Segment
from soccer_highlights.crowd.config import ExcitementConfig
from soccer_highlights.crowd.excitement import calibrated_score
from soccer_highlights.dsp import moving_average
from soccer_highlights.segments import (
    Peak,
    apply_budget,
    find_peaks,
    merge,
    plan_reel,
    suppress_non_maxima,
)


def curve_with_bumps(
    duration_s: float, bumps: list[tuple[float, float]], half: int = 1, hop_s: float = 0.5
) -> ScoreCurve:
    t = (np.arange(int(duration_s / hop_s)) + 0.5) * hop_s
    scores = np.zeros_like(t)
    for centre, height in bumps:
        scores = np.maximum(scores, height * np.exp(-0.5 * ((t - centre) / 1.5) ** 2))
    return ScoreCurve(half, hop_s, scores.astype(np.float32), duration_s, "test")


def test_peaks_are_local_maxima_over_the_threshold() -> None:
    curve = curve_with_bumps(120, [(30, 0.9), (60, 0.3), (90, 0.7)])
    peaks = find_peaks(curve, 0.5)
    assert [round(p.time_s) for p in peaks] == [30, 90]
    assert peaks[0].score > 0.85


def test_flat_top_counts_once_at_its_middle() -> None:
    curve = ScoreCurve(1, 1.0, np.array([0, 1, 1, 1, 0], np.float32), 5.0, "t")
    assert [p.time_s for p in find_peaks(curve, 0.5)] == [2.5]
    two = ScoreCurve(1, 1.0, np.array([0, 1, 1, 0], np.float32), 4.0, "t")
    assert [p.time_s for p in find_peaks(two, 0.5)] == [2.0]


def test_non_maximum_suppression_keeps_the_higher_of_close_peaks() -> None:
    peaks = [Peak(1, 10.0, 0.6), Peak(1, 15.0, 0.9), Peak(1, 40.0, 0.7), Peak(2, 15.0, 0.5)]
    kept = suppress_non_maxima(peaks, window_s=12.0)
    assert kept == [Peak(1, 15.0, 0.9), Peak(1, 40.0, 0.7), Peak(2, 15.0, 0.5)]


def test_padding_keeps_the_build_up_and_never_crosses_the_half() -> None:
    """Each cut holds pad_before_s before its peak (the build-up) and pad_after_s after it, clipped
    at the half's bounds."""
    config = SegmentConfig(pad_before_s=8.0, pad_after_s=4.0)
    curve = curve_with_bumps(60, [(3, 0.9), (30, 0.9), (58, 0.9)])
    segments = plan_reel([curve], config).segments
    assert [(round(s.start_s, 2), round(s.end_s, 2)) for s in segments] == [
        (0.0, 7.0),
        (22.0, 34.0),
        (50.0, 60.0),
    ]
    assert all(0.0 <= s.start_s < s.end_s <= 60.0 for s in segments)


def test_overlapping_and_nearby_segments_merge_within_a_half_only() -> None:
    segs = [
        Segment(1, 0, 10, 5, 0.5, "a"),
        Segment(1, 11, 20, 15, 0.9, "a"),
        Segment(1, 30, 40, 35, 0.4, "a"),
        Segment(2, 0, 10, 5, 0.8, "a"),
    ]
    merged = merge(segs, gap_s=2.0)
    assert [(s.half, s.start_s, s.end_s, s.peak_s, s.score) for s in merged] == [
        (1, 0, 20, 15, 0.9),
        (1, 30, 40, 35, 0.4),
        (2, 0, 10, 5, 0.8),
    ]


def test_budget_keeps_best_segments_in_time_order() -> None:
    segs = [
        Segment(1, 0, 12, 8, 0.5, "a"),
        Segment(1, 100, 112, 108, 0.9, "a"),
        Segment(2, 5, 17, 13, 0.7, "a"),
    ]
    kept, left_out = apply_budget(segs, budget_s=25.0)
    assert [(s.half, s.start_s) for s in kept] == [(1, 100), (2, 5)]
    assert left_out == [segs[0]]
    assert apply_budget(segs, None) == (sorted(segs, key=lambda s: (s.half, s.start_s)), [])


def test_budget_skips_a_long_segment_to_fit_shorter_good_ones() -> None:
    segs = [
        Segment(1, 0, 40, 8, 0.95, "a"),
        Segment(1, 100, 112, 108, 0.9, "a"),
        Segment(1, 200, 212, 208, 0.8, "a"),
    ]
    assert [s.start_s for s in apply_budget(segs, budget_s=30.0)[0]] == [100, 200]


def test_plan_with_budget_respects_total_length() -> None:
    curve = curve_with_bumps(600, [(t, 0.5 + t / 2000) for t in range(30, 600, 40)])
    segments = plan_reel([curve], SegmentConfig(budget_s=60.0)).segments
    assert sum(s.duration_s for s in segments) <= 60.0
    assert len(segments) == 5
    assert [s.start_s for s in segments] == sorted(s.start_s for s in segments)
    assert min(s.peak_s for s in segments) > 350, "the budget keeps the highest-scoring peaks"


def test_scores_are_decibels_above_the_halfs_typical_level_on_a_fixed_scale() -> None:
    cfg = ExcitementConfig()
    typical = np.full(100, -15.0)
    half = calibrated_score(np.concatenate([typical, [-15.0 + 6.0, -15.0 + 12.0, -15.0 + 30.0]]), cfg)
    assert np.allclose(half[:100], 0.0) and np.allclose(half[100:102], [0.5, 0.75], atol=1e-6)
    assert half[102] < 1.0 and half[102] > half[101], "no cap: a louder moment always ranks higher"
    dull = calibrated_score(np.concatenate([typical, [-15.0 + 3.0]]), cfg)
    assert dull.max() < cfg_threshold(), "a half whose loudest moment is 3 dB over its typical level has no highlight"
    louder_broadcast = calibrated_score(np.concatenate([typical, [-9.0]]) + 10.0, cfg)
    assert np.allclose(louder_broadcast, half[[*range(100), 100]]), "the same match recorded louder scores the same"
    silent = calibrated_score(np.concatenate([np.full(100, -90.0), [-40.0]]), cfg)
    assert silent.max() == 0.0, "the reference never drops below the floor: commentary over silence is no roar"
    smoothed = moving_average(np.array([0, 0, 3, 0, 0], float), 3)
    assert np.allclose(smoothed, [0, 1, 1, 1, 0])


def cfg_threshold() -> float:
    return SegmentConfig().threshold


def test_the_automatic_budget_scales_with_the_match_and_the_best_moments_of_the_whole_match_win() -> None:
    config = SegmentConfig()
    assert config.budget_for(2 * 45 * 60) == 480.0, "four minutes per 45-minute half"
    assert config.budget_for(15.0) == config.min_budget_s, "a short input still gets a reel"
    assert SegmentConfig(auto_budget=False).budget_for(5400) is None
    assert SegmentConfig(budget_s=100).budget_for(5400) == 100
    # a busy first half of good chances, and the game's one goal in the second: the goal is kept
    first = curve_with_bumps(600, [(t, 0.8) for t in range(30, 600, 40)], half=1)
    second = curve_with_bumps(600, [(300, 0.95)], half=2)
    plan = plan_reel([first, second], SegmentConfig(budget_s=60.0))
    assert any(s.half == 2 and s.start_s <= 300 <= s.end_s for s in plan.segments)
    assert sum(s.duration_s for s in plan.segments) <= 60.0 and plan.budget_s == 60.0
    assert len(plan.segments) + len(plan.left_out) == 16 and all(s.score <= 0.8 for s in plan.left_out)

"""The training-free detector on real broadcast footage: the five real Arsenal clips joined into one
stream in match order (ordinary play, ordinary play, after a penalty goal, build-up, the goal)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run_cli

import soccer_highlights as sh
from soccer_highlights.media import probe

GOAL_IN_CLIP30_S = 1.0
"""The ball crosses the line 0.5-1.5 s into clip30."""
CROWD_LAG_S = 2.0
"""The roar follows the ball into the net: the loudest moment is up to two seconds after it."""


@pytest.fixture(scope="module")
def joined(joined_real_clips):
    video, spans = joined_real_clips
    return video, spans, sh.highlights(video, auto_budget=False)


def test_the_goal_is_the_highest_scoring_moment_of_the_real_stream(joined) -> None:
    _, spans, found = joined
    goal_s = spans["clip30"][0] + GOAL_IN_CLIP30_S
    best = max(found.segments, key=lambda s: s.score)
    assert best.start_s <= goal_s <= best.end_s, "the goal is inside the best segment"
    assert 0.0 <= best.peak_s - goal_s <= CROWD_LAG_S, (best.peak_s, goal_s)
    curve = found.curves[0]
    assert abs(float(curve.times_s()[np.argmax(curve.scores)]) - goal_s) <= CROWD_LAG_S


def test_ordinary_play_stays_under_the_threshold_and_build_up_does_not_peak_at_its_start(joined) -> None:
    _, spans, found = joined
    curve, threshold = found.curves[0], found.settings.segments.threshold
    t = curve.times_s()
    for clip in ("clip0", "clip12"):
        start, end = spans[clip]
        assert curve.scores[(t >= start) & (t < end)].max() < threshold, clip
    start, end = spans["clip29"]
    inside = (t >= start) & (t < end)
    assert t[inside][np.argmax(curve.scores[inside])] - start > 1.0, "build-up peaks later than its first second"
    assert all(not (spans[c][0] <= s.peak_s < spans[c][1]) for s in found.segments for c in ("clip0", "clip12"))


def test_ordinary_play_alone_makes_no_highlight(real_clips: Path) -> None:
    """A dull stretch has nothing to show: no per-input rescaling invents a highlight."""
    for clip in ("clip0", "clip12"):
        found = sh.highlights(real_clips / f"arsenal-anderlecht-2014-h1-{clip}.mkv")
        assert found.segments == [], clip


def test_the_default_reel_of_the_real_stream_holds_the_goal_and_is_short(joined_real_clips, tmp_path: Path) -> None:
    video, spans = joined_real_clips
    out = tmp_path / "out"
    result = run_cli("reel", str(video), "--out", str(out), "--no-scoreboard")
    assert result.returncode == 0, result.stderr
    found = sh.highlights(video)
    goal_s = spans["clip30"][0] + GOAL_IN_CLIP30_S
    assert any(s.start_s <= goal_s <= s.end_s for s in found.segments)
    assert found.duration_s <= found.budget_s
    assert abs(probe(out / "reel.mp4").duration_s - found.duration_s) <= 0.2 * len(found.segments)

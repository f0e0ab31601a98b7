"""Properties that must hold for any input: the segment planner's output and the parsers' verdicts."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from soccer_highlights.config import SegmentConfig
from soccer_highlights.core import ScoreCurve
from soccer_highlights.errors import LabelsError, PredictionsError
from soccer_highlights.segments import plan_reel
from soccer_highlights.soccernet.labels import parse_annotations
from soccer_highlights.soccernet.predictions import parse_predictions

scores = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=400)
configs = st.builds(
    SegmentConfig,
    threshold=st.floats(0.0, 1.0),
    nms_window_s=st.floats(0.0, 60.0),
    pad_before_s=st.floats(0.5, 20.0),
    pad_after_s=st.floats(0.0, 20.0),
    merge_gap_s=st.floats(0.0, 10.0),
    budget_s=st.one_of(st.none(), st.floats(1.0, 300.0)),
    auto_budget=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(halves=st.lists(scores, min_size=1, max_size=2), hop_s=st.sampled_from([0.25, 0.5, 1.0]), config=configs)
def test_planned_segments_are_sorted_disjoint_inside_their_half_and_within_the_budget(halves, hop_s, config) -> None:
    curves = [
        ScoreCurve(h + 1, hop_s, np.array(values, np.float32), len(values) * hop_s, "prop")
        for h, values in enumerate(halves)
    ]
    plan = plan_reel(curves, config)
    segs = plan.segments
    assert segs == sorted(segs, key=lambda s: (s.half, s.start_s))
    for a, b in itertools.pairwise(segs):
        assert a.half < b.half or a.end_s < b.start_s, "disjoint"
    lengths = {c.half: c.duration_s for c in curves}
    for s in segs + plan.left_out:
        assert 0.0 <= s.start_s < s.end_s <= lengths[s.half] + 1e-9 and s.start_s <= s.peak_s <= s.end_s
        assert s.score >= config.threshold
    if plan.budget_s is not None:
        assert sum(s.duration_s for s in segs) <= plan.budget_s + 1e-6
    assert not set(segs) & set(plan.left_out)


value = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**7), st.floats(allow_nan=True), st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["gameTime", "label", "position", "team", "visibility"]), value)))
def test_labels_parse_or_fail_with_a_labels_error_naming_the_file(annotations) -> None:
    try:
        events = parse_annotations(annotations, "Labels-v2.json")
    except LabelsError as exc:
        assert str(exc).startswith("Labels-v2.json: annotation ")
        return
    for event in events:
        assert event.half in (1, 2) and event.time_s >= 0 and math.isfinite(event.time_s)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["half", "position", "confidence", "label", "gameTime"]), value)))
def test_predictions_parse_or_fail_with_a_predictions_error_naming_the_file(predictions) -> None:
    try:
        parsed = parse_predictions({"predictions": predictions}, "results_spotting.json")
    except PredictionsError as exc:
        assert str(exc).startswith("results_spotting.json: prediction ")
        return
    for p in parsed:
        assert p.half in (1, 2) and 0.0 <= p.confidence <= 1.0 and math.isfinite(p.time_s)

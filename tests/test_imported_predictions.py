"""Reels from any spotting model's results_spotting.json, planning without video, and reel metrics."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run_cli

import soccer_highlights as sh
from soccer_highlights.api import open_match
from soccer_highlights.config import IMPORTED_SEGMENTS
from soccer_highlights.core import ScoreCurve, Segment
from soccer_highlights.detectors.imported import PredictionsDetector, parse_class_weights
from soccer_highlights.errors import PredictionsError
from soccer_highlights.evaluation.coverage import event_coverage
from soccer_highlights.evaluation.reel_metrics import reel_metrics, total
from soccer_highlights.output.results_spotting import predictions_from_curves
from soccer_highlights.segments import plan_reel
from soccer_highlights.soccernet import DEFAULT_HIGHLIGHT_CLASSES, Event, find_games, load_labels
from soccer_highlights.soccernet.predictions import Prediction, load_predictions, write_predictions


def spotter(events: list[Event], noise_s: float, false_per_half: int, rng: np.random.Generator) -> list[Prediction]:
    """A spotting model's output: every event found with timing noise, plus false alarms."""
    preds = [
        Prediction(e.half, max(0.0, e.time_s + rng.normal(0, noise_s)), e.label, float(rng.uniform(0.6, 1.0)))
        for e in events
    ]
    halves = {e.half: max(x.time_s for x in events if x.half == e.half) for e in events}
    for half, end in halves.items():
        preds += [
            Prediction(half, float(rng.uniform(0, end)), str(rng.choice(sorted(DEFAULT_HIGHLIGHT_CLASSES))), float(c))
            for c in rng.uniform(0.0, 0.9, false_per_half)
        ]
    return preds


def goal_recall(game, preds: list[Prediction], budget_s: float | None = None) -> float:
    match = open_match(game.path, None, preds)
    detector = PredictionsDetector(preds)
    curves = [detector.score_half(h) for h in match.halves.values()]
    segments = plan_reel(curves, replace(IMPORTED_SEGMENTS, budget_s=budget_s, auto_budget=False)).segments
    return event_coverage(segments, match.labels.events, {"Goal", "Shots on target"}).recall


def test_perfect_predictions_cover_every_goal_within_a_budget(synthetic_games) -> None:
    for game in synthetic_games:
        events = list(load_labels(game.path / "Labels-v2.json").events)
        perfect = [Prediction(e.half, e.time_s, e.label, 1.0) for e in events]
        assert goal_recall(game, perfect, budget_s=120.0) >= 0.95


def test_recall_degrades_gracefully_with_timing_noise_and_false_alarms(synthetic_games) -> None:
    rng = np.random.default_rng(0)
    recalls = {}
    for noise in (0.0, 2.0, 4.0, 8.0):
        values = []
        for game in synthetic_games:
            events = list(load_labels(game.path / "Labels-v2.json").events)
            for _ in range(3):
                values.append(goal_recall(game, spotter(events, noise, 5, rng)))
        recalls[noise] = float(np.mean(values))
    assert recalls[0.0] >= 0.95
    assert recalls[2.0] >= 0.9, recalls
    assert recalls[8.0] < recalls[0.0], "timing errors far beyond the padding must show"


def test_reel_from_predictions_on_a_game_folder(synthetic_games, tmp_path: Path) -> None:
    game = synthetic_games[0]
    events = list(load_labels(game.path / "Labels-v2.json").events)
    pred_file = tmp_path / "results_spotting.json"
    write_predictions(pred_file, "g", spotter(events, 1.0, 3, np.random.default_rng(1)))
    out = tmp_path / "out"
    result = run_cli("reel", str(game.path), "--out", str(out), "--predictions", str(pred_file), "--budget", "60")
    assert result.returncode == 0, result.stderr
    doc = json.loads((out / "segments.json").read_text())
    assert doc["detector"]["name"] == "imported-predictions"
    assert doc["detector"]["predictions_file"] == str(pred_file) and len(doc["detector"]["predictions_sha1"]) == 16
    assert doc["detector"]["class_weights"]["Goal"] == 1.0
    spotter_defaults = sh.get_detector("predictions", path=pred_file).segment_defaults
    assert doc["settings"]["segments"] == asdict(replace(spotter_defaults, budget_s=60.0)), (
        "the record says what cut it"
    )
    assert sum(s["end_s"] - s["start_s"] for s in doc["segments"]) <= 60.0
    assert (out / "reel.mp4").exists()


def test_plan_a_label_tree_without_video_and_score_it(labels_root: Path, tmp_path: Path) -> None:
    keys = sorted(g.relative_to(labels_root) for g in find_games(labels_root))[:5]
    tree = tmp_path / "labels"
    for key in keys:
        (tree / key).mkdir(parents=True)
        (tree / key / "Labels-v2.json").symlink_to(labels_root / key / "Labels-v2.json")
    preds_root = tmp_path / "preds"
    for key in keys:
        events = load_labels(labels_root / key / "Labels-v2.json").events
        write_predictions(
            preds_root / key / "results_spotting.json",
            key,
            [Prediction(e.half, e.time_s, e.label, 1.0) for e in events],
        )
    plans = tmp_path / "plans"
    run = run_cli("plan", str(tree), "--predictions", str(preds_root), "--out", str(plans), "--budget", "none")
    assert run.returncode == 0, run.stderr
    for key in keys:
        doc = json.loads((plans / key / "segments.json").read_text())
        assert doc["reel"]["path"] is None and all(h["video"] is None for h in doc["halves"])
        last = max(e.time_s for e in load_labels(labels_root / key / "Labels-v2.json").events)
        assert max(h["duration_s"] for h in doc["halves"]) >= last
    metrics_file = tmp_path / "metrics.json"
    scored = run_cli("reel-metrics", str(tree), "--segments", str(plans), "--out", str(metrics_file))
    assert scored.returncode == 0, scored.stderr
    metrics = json.loads(metrics_file.read_text())
    assert len(metrics["games"]) == 5
    assert metrics["total"]["recall"] == 1.0 and metrics["total"]["focus"] > 0.8


def test_reel_metrics_by_hand() -> None:
    events = [Event(1, 100.0, "Goal"), Event(1, 400.0, "Shots off target"), Event(2, 50.0, "Foul")]
    segments = [Segment(1, 92.0, 104.0, 101.0, 0.9, "t"), Segment(1, 200.0, 212.0, 205.0, 0.8, "t")]
    m = reel_metrics("g", segments, events, DEFAULT_HIGHLIGHT_CLASSES, match_s=5400.0)
    assert (m.coverage.covered, m.coverage.total) == (1, 2)
    assert m.coverage.per_class == {"Goal": (1, 1), "Shots off target": (0, 1)}
    assert m.reel_s == 24.0 and m.focused_s == 12.0 and m.focus == 0.5
    assert m.peak_errors_s == [1.0, -195.0]
    assert total([m, m]).coverage.total == 4


def test_export_our_curves_as_soccernet_predictions_and_read_them_back(tmp_path: Path) -> None:
    scores = np.zeros(200, np.float32)
    scores[40], scores[150] = 0.9, 0.6
    curve = ScoreCurve(2, 0.5, scores, 100.0, "t")
    preds = predictions_from_curves([curve], {"Goal", "Penalty"})
    assert sorted((p.label, p.time_s, p.confidence) for p in preds) == [
        ("Goal", 20.25, pytest.approx(0.9)),
        ("Goal", 75.25, pytest.approx(0.6)),
        ("Penalty", 20.25, pytest.approx(0.9)),
        ("Penalty", 75.25, pytest.approx(0.6)),
    ]
    path = tmp_path / "results_spotting.json"
    write_predictions(path, "league/season/game", preds)
    raw = json.loads(path.read_text())
    assert raw["UrlLocal"] == "league/season/game"
    assert raw["predictions"][0]["position"] == "20250" and raw["predictions"][0]["half"] == "2"
    assert [(p.half, p.label) for p in load_predictions(path)] == [
        (2, "Goal"),
        (2, "Penalty"),
        (2, "Goal"),
        (2, "Penalty"),
    ]


def test_bad_prediction_files_and_weights_are_explained(tmp_path: Path) -> None:
    bad = tmp_path / "results_spotting.json"
    bad.write_text('{"predictions": [{"half": "1", "label": "Goal", "confidence": "0.5"}]}')
    with pytest.raises(PredictionsError, match="no 'position'"):
        load_predictions(bad)
    bad.write_text('{"predictions": [{"half": "3", "position": "10", "label": "Goal", "confidence": "0.5"}]}')
    with pytest.raises(PredictionsError, match="half 3"):
        load_predictions(bad)
    assert parse_class_weights("Goal=1, Shots on target=0.5") == {"Goal": 1.0, "Shots on target": 0.5}
    with pytest.raises(ValueError, match="unknown"):
        parse_class_weights("Goals=1")

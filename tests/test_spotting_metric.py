"""Our Average-mAP against the official SoccerNet evaluator, on the real validation labels.

The official package is a test-only dependency; each case writes predictions for both evaluators
and requires agreement to 1e-6 on the average, per class, and for visible and unshown events.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from soccer_highlights.evaluation.soccernet_eval import evaluate_tree
from soccer_highlights.soccernet import Event, find_games, load_labels
from soccer_highlights.soccernet.predictions import Prediction, write_predictions

official = pytest.importorskip("SoccerNet.Evaluation.ActionSpotting", reason="the official SoccerNet package")
from SoccerNet.Evaluation.utils import EVENT_DICTIONARY_V2  # noqa: E402

Maker = Callable[[list[Event], np.random.Generator], list[Prediction]]


def perfect(events, rng):
    return [Prediction(e.half, e.time_s, e.label, 1.0) for e in events]


def shifted(events, rng):
    return [Prediction(e.half, max(0.0, e.time_s + 4.0), e.label, 0.9) for e in events]


def noisy(events, rng):
    preds = [
        Prediction(e.half, max(0.0, e.time_s + rng.normal(0, 4)), e.label, float(rng.uniform(0, 1)))
        for e in events
        if rng.random() < 0.8
    ]
    labels = ["Goal", "Foul", "Corner", "Throw-in", "Shots on target"]
    preds += [
        Prediction(int(rng.integers(1, 3)), float(rng.uniform(0, 2900)), str(rng.choice(labels)), float(rng.random()))
        for _ in range(60)
    ]
    return preds


def crowded(events, rng):
    """Several predictions in one 0.5 s bin and class: the official code keeps the last one."""
    preds = []
    for e in events:
        preds += [Prediction(e.half, e.time_s + 0.1 * k, e.label, float(rng.random())) for k in range(3)]
        preds.append(Prediction(e.half, e.time_s + 7.0, e.label, 0.95))
    return preds


def empty(events, rng):
    return []


def write_tree(labels_root: Path, games: list[str], out: Path, maker: Maker, drop_every: int = 0) -> Path:
    rng = np.random.default_rng(0)
    for i, key in enumerate(games):
        events = list(load_labels(labels_root / key / "Labels-v2.json").events)
        preds = maker(events, rng)
        if drop_every and i % drop_every == 0:
            (out / "official" / key).mkdir(parents=True, exist_ok=True)
            write_predictions(out / "official" / key / "results_spotting.json", key, [])
            continue
        for side in ("ours", "official"):
            write_predictions(out / side / key / "results_spotting.json", key, preds)
    return out


def subset(labels_root: Path, tmp: Path, n: int) -> tuple[Path, list[str]]:
    keys = sorted(g.relative_to(labels_root) for g in find_games(labels_root))[:n]
    root = tmp / "labels"
    for key in keys:
        (root / key).mkdir(parents=True)
        os.symlink(labels_root / key / "Labels-v2.json", root / key / "Labels-v2.json")
    return root, keys


def assert_agree(ours, theirs) -> None:
    for name in ("a_mAP", "a_mAP_visible", "a_mAP_unshown"):
        assert abs(getattr(ours, name) - theirs[name]) <= 1e-6, name
    for name in ("a_mAP_per_class", "a_mAP_per_class_visible", "a_mAP_per_class_unshown"):
        assert np.allclose(getattr(ours, name), theirs[name], atol=1e-6, rtol=0), name


def run_official(labels: Path, preds: Path, metric: str) -> dict:
    return official.evaluate(
        str(labels),
        str(preds),
        prediction_file="results_spotting.json",
        dataset=None,
        metric=metric,
        EVENT_DICTIONARY=EVENT_DICTIONARY_V2,
    )


@pytest.mark.parametrize(
    ("maker", "drop_every"),
    [(perfect, 0), (shifted, 0), (noisy, 0), (noisy, 4), (crowded, 0), (empty, 0)],
    ids=["perfect", "shifted", "noisy", "missing-games", "several-in-one-bin", "empty"],
)
@pytest.mark.parametrize("metric", ["loose", "tight"])
def test_agrees_with_the_official_evaluator(labels_root, tmp_path, maker, drop_every, metric) -> None:
    labels, keys = subset(labels_root, tmp_path, 8)
    trees = write_tree(labels_root, keys, tmp_path, maker, drop_every)
    ours = evaluate_tree(labels, trees / "ours", metric=metric)
    assert_agree(ours.result, run_official(labels, trees / "official", metric))
    if drop_every:
        assert len(ours.missing_predictions) == len(keys[::drop_every])
    if maker is perfect:
        assert ours.result.a_mAP > 0.5


@pytest.mark.parametrize("metric", ["at1", "at5"])
def test_single_delta_metrics_agree(labels_root, tmp_path, metric) -> None:
    labels, keys = subset(labels_root, tmp_path, 6)
    trees = write_tree(labels_root, keys, tmp_path, noisy)
    assert_agree(
        evaluate_tree(labels, trees / "ours", metric=metric).result, run_official(labels, trees / "official", metric)
    )


def test_all_100_validation_games_with_the_official_split(labels_root, tmp_path) -> None:
    keys = sorted(g.relative_to(labels_root) for g in find_games(labels_root))
    trees = write_tree(labels_root, keys, tmp_path, noisy)
    ours = evaluate_tree(labels_root, trees / "ours", metric="loose", split="valid")
    assert len(ours.games) == 100
    theirs = official.evaluate(str(labels_root), str(trees / "official"), split="valid", metric="loose")
    assert_agree(ours.result, theirs)


def test_unknown_metric_and_split_are_refused(labels_root, tmp_path) -> None:
    (tmp_path / "preds").mkdir()
    with pytest.raises(ValueError, match="unknown metric"):
        evaluate_tree(labels_root, tmp_path / "preds", metric="medium")
    with pytest.raises(ValueError, match="unknown split"):
        evaluate_tree(labels_root, tmp_path / "preds", split="holdout")
    with pytest.raises(FileNotFoundError, match="split 'test'"):
        evaluate_tree(labels_root, tmp_path / "preds", split="test")

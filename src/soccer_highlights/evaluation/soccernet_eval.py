"""Evaluate a tree of ``results_spotting.json`` files against a tree of ``Labels-v2.json``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from soccer_highlights.errors import ConfigError, InputError
from soccer_highlights.evaluation.spotting import (
    HalfEvents,
    SpottingResult,
    average_map,
    events_to_arrays,
    predictions_to_arrays,
    sparse_half,
)
from soccer_highlights.soccernet.labels import load_labels
from soccer_highlights.soccernet.layout import LABELS_FILE, find_games
from soccer_highlights.soccernet.predictions import RESULTS_FILE, load_predictions, unknown_labels
from soccer_highlights.soccernet.splits import SPLITS, official_splits

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TreeEvaluation:
    result: SpottingResult
    games: list[str]
    missing_predictions: list[str]
    """Games with labels but no predictions file: scored as if nothing had been predicted."""
    halves: list[HalfEvents]
    """What the metric was computed on, for precision-recall curves without reading the games again."""
    unknown_labels: dict[str, int] = field(default_factory=dict)
    """Predicted labels that are none of the 17 classes, with their counts: not scored."""


def select_games(labels_root: Path, split: str | None) -> list[str]:
    """``league/season/game`` keys with labels under ``labels_root``, optionally in one official split."""
    keys = [g.relative_to(labels_root) for g in find_games(labels_root) if g.labels_path is not None]
    if split is not None:
        if split not in SPLITS:
            raise ConfigError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
        wanted = official_splits()[split]
        keys = [k for k in keys if k in wanted]
    if not keys:
        raise InputError(f"{labels_root}: no {LABELS_FILE} found" + (f" in split {split!r}" if split else ""))
    return sorted(keys)


def load_halves(
    labels_root: Path,
    predictions_root: Path,
    games: list[str],
    prediction_file: str = RESULTS_FILE,
    unknown: dict[str, int] | None = None,
):
    halves: list[HalfEvents] = []
    missing: list[str] = []
    for key in games:
        targets = events_to_arrays(load_labels(labels_root / key / LABELS_FILE).events)
        pred_path = predictions_root / key / prediction_file
        if pred_path.is_file():
            preds = load_predictions(pred_path)
            if unknown is not None:
                for label, count in unknown_labels(preds).items():
                    unknown[label] = unknown.get(label, 0) + count
        else:
            missing.append(key)
            preds = []
        detections = predictions_to_arrays(preds)
        halves += [sparse_half(targets[0], detections[0]), sparse_half(targets[1], detections[1])]
    if missing:
        log.warning("%d game(s) have no %s under %s; scored as empty", len(missing), prediction_file, predictions_root)
    return halves, missing


def evaluate_tree(
    labels_root: str | Path,
    predictions_root: str | Path,
    metric: str = "loose",
    split: str | None = None,
    prediction_file: str = RESULTS_FILE,
) -> TreeEvaluation:
    labels_root, predictions_root = Path(labels_root), Path(predictions_root)
    if not predictions_root.is_dir():
        raise InputError(f"{predictions_root}: no such predictions folder")
    games = select_games(labels_root, split)
    unknown: dict[str, int] = {}
    halves, missing = load_halves(labels_root, predictions_root, games, prediction_file, unknown)
    return TreeEvaluation(average_map(halves, metric), games, missing, halves, unknown)

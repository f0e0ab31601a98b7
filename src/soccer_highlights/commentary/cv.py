"""Game-level cross-validation of the commentary spotter with SoccerNet's own metric, beside a
word-list floor: what a model of the commentary adds over counting goal words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from soccer_highlights.commentary.cues import GOAL_WORDS
from soccer_highlights.commentary.folds import fold_of
from soccer_highlights.commentary.spotter import (
    CLASSES,
    SPOT_NMS_S,
    CommentaryWeights,
    HalfText,
    spot_probabilities,
    train_commentary_model,
)
from soccer_highlights.errors import InputError
from soccer_highlights.evaluation.spotting import average_map, events_to_arrays, predictions_to_arrays, sparse_half
from soccer_highlights.soccernet.classes import CLASSES_V2
from soccer_highlights.soccernet.labels import load_labels
from soccer_highlights.soccernet.layout import find_games
from soccer_highlights.soccernet.predictions import Prediction
from soccer_highlights.soccernet.transcripts import load_transcript, transcript_path


def load_halves(labels_root: str | Path, transcripts_root: str | Path) -> list[HalfText]:
    """Every half with both labels and a non-empty transcript (SoccerNet-Echoes' layout)."""
    labels_root, transcripts_root = Path(labels_root), Path(transcripts_root)
    halves = []
    for game in find_games(labels_root):
        if game.labels_path is None:
            continue
        key = game.relative_to(labels_root)
        labels = load_labels(game.labels_path)
        for half in (1, 2):
            path = transcript_path(transcripts_root / key, half)
            lines = load_transcript(path) if path.is_file() else []
            if lines:
                halves.append(HalfText.build(key, half, lines, labels.of_half(half)))
    return halves


def spotting_map(halves: Sequence[HalfText], predictions: Sequence[list[Prediction]], metric: str) -> dict:
    """SoccerNet's Average-mAP of per-half predictions, for the spotter's classes."""
    events = []
    for half, preds in zip(halves, predictions, strict=True):
        targets = events_to_arrays(half.events)[half.half - 1]
        detections = predictions_to_arrays(preds)[half.half - 1]
        events.append(sparse_half(targets, detections))
    result = average_map(events, metric)
    return {c: round(result.a_mAP_per_class[CLASSES_V2.index(c)], 4) for c in CLASSES}


def word_list_predictions(half: HalfText, lines_by_second: list[int]) -> list[Prediction]:
    """The floor: goal words said in the 10 s after each second, as Goal predictions."""
    counts = np.asarray(lines_by_second, np.float64)
    window = np.convolve(counts, np.ones(10), mode="full")[9 : 9 + len(counts)]  # sum over [t, t + 10)
    probs = np.zeros((len(counts), len(CLASSES)))
    probs[:, CLASSES.index("Goal")] = window / window.max() if window.max() > 0 else 0.0
    return [p for p in spot_probabilities(probs, half.half) if p.label == "Goal"]


def goal_word_counts(lines, n_seconds: int) -> list[int]:
    counts = [0] * n_seconds
    for line in lines:
        second = int(line.start_s)
        if 0 <= second < n_seconds:
            counts[second] += len(GOAL_WORDS.findall(line.text))
    return counts


def out_of_fold_predictions(
    halves: Sequence[HalfText],
    folds: int = 5,
    epochs: int = 2,
    on_fold: Callable[[int, int], None] | None = None,
    first_stage: list[list[Prediction]] | None = None,
    text_model: bool = False,
) -> list[list[Prediction]]:
    """Each half spotted by a model that never saw its game (both stages trained on the other folds'
    games). ``first_stage``, if given, is filled with the first stage's own predictions."""
    predictions: list[list[Prediction]] = [[] for _ in halves]
    for fold in range(folds):
        train = [h for h in halves if fold_of(h.game, folds) != fold]
        test = [i for i, h in enumerate(halves) if fold_of(h.game, folds) == fold]
        if not train or not test:  # few games: a fold can hold all of them, or none
            continue
        weights = train_commentary_model(train, epochs=epochs, inner_folds=folds, seed=fold, text_model=text_model)
        for i in test:
            half = halves[i]
            predictions[i] = weights.spot(half, SPOT_NMS_S)
            if first_stage is not None:
                first_stage[i] = spot_probabilities(weights.half_probabilities(half), half.half)
        if on_fold:
            on_fold(fold, len(test))
    return predictions


def cross_validate(
    halves: Sequence[HalfText],
    transcripts_root: str | Path,
    folds: int = 5,
    epochs: int = 2,
    on_fold: Callable[[int, int], None] | None = None,
    text_model: bool = False,
) -> dict:
    """Train on the other folds' games, predict each fold's games; the metric over all of them."""
    first_stage: list[list[Prediction]] = [[] for _ in halves]
    predictions = out_of_fold_predictions(halves, folds, epochs, on_fold, first_stage, text_model)
    floor = []
    for half in halves:
        lines = load_transcript(transcript_path(Path(transcripts_root) / half.game, half.half))
        floor.append(word_list_predictions(half, goal_word_counts(lines, half.n_seconds)))
    games = sorted({h.game for h in halves})
    return {
        "input": "real: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts of the valid games",
        "games": len(games),
        "halves": len(halves),
        "folds": folds,
        "split": "by game (fold = sha1(game key) mod folds)",
        "epochs": epochs,
        "text_model": text_model,
        "events": {c: sum(1 for h in halves for e in h.events if e.label == c) for c in CLASSES},
        "spotter": {metric: spotting_map(halves, predictions, metric) for metric in ("loose", "tight")},
        "first_stage_alone": {metric: spotting_map(halves, first_stage, metric) for metric in ("loose", "tight")},
        "word_list_floor_goal": {metric: spotting_map(halves, floor, metric)["Goal"] for metric in ("loose", "tight")},
    }


def train_and_validate(
    labels_root: str | Path,
    transcripts_root: str | Path,
    folds: int = 5,
    epochs: int = 2,
    text_model: bool = False,
    on_data: Callable[[int, int], None] | None = None,
    on_fold: Callable[[int, int], None] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> tuple[CommentaryWeights, dict | None]:
    """What ``train-commentary`` does: every game with labels and a transcript, cross-validated by
    game (when ``folds`` > 1; the report, else None), then the spotter fitted on all of them."""
    halves = load_halves(labels_root, transcripts_root)
    if not halves:
        raise InputError(f"no game under {labels_root} has both labels and a transcript under {transcripts_root}")
    if on_data:
        on_data(len(halves), len({h.game for h in halves}))
    report = None
    if folds > 1:
        report = cross_validate(halves, transcripts_root, folds, epochs, on_fold=on_fold, text_model=text_model)
    weights = train_commentary_model(
        halves, epochs=epochs, inner_folds=max(folds, 2), on_step=on_step, text_model=text_model
    )
    return weights, report

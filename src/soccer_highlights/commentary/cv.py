"""Cross-validation by game of the commentary spotter with SoccerNet's own metric, repeated over
independent fold draws, with games held out that no design choice saw, beside a word-list floor.

The folds of the line models and of the trees are the same draw: the trees of fold ``k`` learn
from line scores that models without each training game's own fold produced, and fold ``k``'s
games are scored by line models that never saw them. (Those training scores came from models
that saw fold ``k``'s games' lines; the held-out games are scored by a spotter trained, both
stages, on the development games alone, with no such overlap.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from soccer_highlights.commentary.config import SPOT_MIN_P, SPOT_NMS_S
from soccer_highlights.commentary.cues import GOAL_WORDS
from soccer_highlights.commentary.folds import fold_of
from soccer_highlights.commentary.model import (
    CLASSES,
    LINE_CS,
    HalfLines,
    SpotterWeights,
    curve_peaks,
    event_curve,
    fit_trees,
    out_of_fold_grids,
    train_spotter,
)
from soccer_highlights.errors import InputError
from soccer_highlights.evaluation.spotting import average_map, events_to_arrays, predictions_to_arrays, sparse_half
from soccer_highlights.segments import greedy_nms
from soccer_highlights.soccernet.classes import CLASSES_V2
from soccer_highlights.soccernet.labels import load_labels
from soccer_highlights.soccernet.layout import find_games
from soccer_highlights.soccernet.predictions import Prediction
from soccer_highlights.soccernet.transcripts import load_transcript, transcript_path

HOLDOUT_SALT = "holdout:"
HOLDOUT_SHARE = 7
"""One game in seven (by a hash of its name) is held out of every design choice."""
INPUT = "real: SoccerNet-v2 labels and SoccerNet-Echoes whisper_v3 transcripts of the valid games"


def load_halves(labels_root: str | Path, transcripts_root: str | Path, exclude: Sequence[str] = ()) -> list[HalfLines]:
    """Every half with both labels and a non-empty transcript (SoccerNet-Echoes' layout), but the
    games named in ``exclude`` (``league/season/game``)."""
    labels_root, transcripts_root = Path(labels_root), Path(transcripts_root)
    halves = []
    for game in find_games(labels_root):
        if game.labels_path is None:
            continue
        key = game.relative_to(labels_root)
        if key in exclude:
            continue
        labels = load_labels(game.labels_path)
        for half in (1, 2):
            path = transcript_path(transcripts_root / key, half)
            lines = load_transcript(path) if path.is_file() else []
            if lines:
                halves.append(HalfLines.build(key, half, lines, labels.of_half(half)))
    return halves


def held_out(game: str) -> bool:
    return fold_of(game, HOLDOUT_SHARE, HOLDOUT_SALT) == 0


def spotting_map(
    halves: Sequence[HalfLines], predictions: Sequence[list[Prediction]], metric: str, classes=CLASSES
) -> dict:
    """SoccerNet's Average-mAP of per-half predictions, for the spotter's classes."""
    events = []
    for half, preds in zip(halves, predictions, strict=True):
        targets = events_to_arrays(half.events)[half.half - 1]
        detections = predictions_to_arrays(preds)[half.half - 1]
        events.append(sparse_half(targets, detections))
    result = average_map(events, metric)
    return {c: round(result.a_mAP_per_class[CLASSES_V2.index(c)], 4) for c in classes}


def out_of_fold_predictions(
    halves: Sequence[HalfLines],
    folds: int = 5,
    salt: str = "",
    classes: Sequence[str] = CLASSES,
    line_cs: Sequence[float] = LINE_CS,
    on_fold: Callable[[int, int], None] | None = None,
) -> list[list[Prediction]]:
    """Each half spotted by members whose trees never saw its game, over line scores from line
    models that never saw it (see the module's note); the members' probabilities averaged."""
    sums: list[np.ndarray | None] = [None] * len(halves)
    for c in line_cs:
        grids = out_of_fold_grids(halves, folds, salt, c, classes)
        for fold in range(folds):
            train = [i for i, h in enumerate(halves) if fold_of(h.game, folds, salt) != fold]
            test = [i for i, h in enumerate(halves) if fold_of(h.game, folds, salt) == fold]
            if not train or not test:  # few games: a fold can hold all of them, or none
                continue
            trees = fit_trees([grids[i] for i in train], [halves[i] for i in train], seed=fold, names=classes)
            for i in test:
                probs = np.zeros((halves[i].n_seconds, len(classes)))
                for k, t in trees.items():
                    probs[:, k] = t.probability(grids[i])
                sums[i] = probs if sums[i] is None else sums[i] + probs
            if on_fold:
                on_fold(fold, len(test))
        del grids
    predictions: list[list[Prediction]] = []
    for half, total in zip(halves, sums, strict=True):
        mean = total / len(line_cs) if total is not None else np.zeros((half.n_seconds, len(classes)))
        predictions.append([
            Prediction(half.half, float(t), label, p)
            for k, label in enumerate(classes)
            for t, p in curve_peaks(event_curve(mean[:, k]), SPOT_NMS_S)
        ])  # fmt: skip
    return predictions


def word_list_predictions(half: HalfLines) -> list[Prediction]:
    """The floor: goal words said in the 10 s after each second, as Goal predictions."""
    counts = np.zeros(half.n_seconds)
    for line in half.lines:
        if 0 <= int(line.start_s) < half.n_seconds:
            counts[int(line.start_s)] += len(GOAL_WORDS.findall(line.text))
    window = np.convolve(counts, np.ones(10), mode="full")[9 : 9 + len(counts)]  # sum over [t, t + 10)
    curve = window / window.max() if window.max() > 0 else window
    kept = greedy_nms(np.arange(len(curve)), curve, SPOT_NMS_S, SPOT_MIN_P, keep_at_gap=False)
    return [Prediction(half.half, float(t), "Goal", float(curve[t])) for t in kept]


def summarise_runs(runs: Sequence[dict], classes: Sequence[str]) -> dict:
    return {
        metric: {
            c: {
                "mean": round(float(np.mean([r[metric][c] for r in runs])), 4),
                "std": round(float(np.std([r[metric][c] for r in runs])), 4),
                "runs": [r[metric][c] for r in runs],
            }
            for c in classes
        }
        for metric in ("loose", "tight")
    }


def cross_validate(
    halves: Sequence[HalfLines],
    folds: int = 5,
    repeats: int = 3,
    classes: Sequence[str] = CLASSES,
    holdout: bool = True,
    on_step: Callable[[str], None] | None = None,
) -> dict:
    """Repeated cross-validation by game on the development games (all but the held-out ones
    when ``holdout``), then the held-out games scored once by a spotter trained on the rest."""
    development = [h for h in halves if not (holdout and held_out(h.game))]
    kept_apart = [h for h in halves if holdout and held_out(h.game)]
    runs = []
    for repeat in range(repeats):
        predictions = out_of_fold_predictions(development, folds, f"repeat{repeat}:", classes)
        runs.append({m: spotting_map(development, predictions, m, classes) for m in ("loose", "tight")})
        if on_step:
            on_step(f"repeat {repeat + 1}/{repeats}: Goal {runs[-1]['loose'].get('Goal')} loose")
    report = {
        "input": INPUT,
        "games": len({h.game for h in halves}),
        "halves": len(halves),
        "development_games": len({h.game for h in development}),
        "held_out_games": len({h.game for h in kept_apart}),
        "folds": folds,
        "repeats": repeats,
        "split": "by game: fold = sha1(salt + game) mod folds, a new salt per repeat; held out: 1 game in 7",
        "events": {c: sum(1 for h in halves for e in h.events if e.label == c) for c in classes},
        "cross_validation": summarise_runs(runs, classes),
        "word_list_floor_goal": {
            m: spotting_map(development, [word_list_predictions(h) for h in development], m, ("Goal",))["Goal"]
            for m in ("loose", "tight")
        },
    }
    if kept_apart:
        weights = train_spotter(development, inner_folds=folds, classes=classes)
        predictions = [weights.spot(h, SPOT_NMS_S) for h in kept_apart]
        report["held_out"] = {m: spotting_map(kept_apart, predictions, m, classes) for m in ("loose", "tight")}
        if on_step:
            on_step(f"held out: Goal {report['held_out']['loose'].get('Goal')} loose")
    return report


def train_and_validate(
    labels_root: str | Path,
    transcripts_root: str | Path,
    folds: int = 5,
    repeats: int = 3,
    on_data: Callable[[int, int], None] | None = None,
    on_step: Callable[[str], None] | None = None,
    classes: Sequence[str] = CLASSES,
    more: Sequence[tuple[str | Path, str | Path]] = (),
    exclude: Sequence[str] = (),
) -> tuple[SpotterWeights, dict | None]:
    """What ``train-commentary`` does: every game with labels and a transcript (under the roots
    given and the ``more`` pairs of roots, e.g. SoccerNet's train and valid splits; not the games
    in ``exclude``), cross-validated by game (when ``folds`` > 1; the report, else None), then the
    spotter fitted on all of them."""
    halves = [
        h for labels, transcripts in [(labels_root, transcripts_root), *more]
        for h in load_halves(labels, transcripts, exclude)
    ]  # fmt: skip
    if not halves:
        raise InputError(f"no game under {labels_root} has both labels and a transcript under {transcripts_root}")
    if on_data:
        on_data(len(halves), len({h.game for h in halves}))
    report = cross_validate(halves, folds, repeats, classes, on_step=on_step) if folds > 1 else None
    inner = folds if folds > 1 else 5  # the trees learn from line scores of models fitted on 4/5 of the games
    weights = train_spotter(halves, inner_folds=inner, classes=classes, on_step=on_step)
    return weights, report

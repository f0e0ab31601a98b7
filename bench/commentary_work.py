"""Cached stages of the commentary spotter's experiments on SoccerNet's train and valid splits.

The costly part of the spotter is its line models (liblinear over half a million lines); what the
trees read is cheap to rebuild from the line models' probabilities. So the probabilities are
computed once and kept under ``bench/work/commentary`` (gitignored):

* ``train``: each train half's line probabilities from line models fitted on the other four
  fifths of the train games (three folds by game, ``sha1("cv:" + game) mod 3``). Cross-validation on
  train reads these (fold ``k``'s trees learn from the other folds' halves); they are also what
  trees fitted on all of train learn from (the inner folds of :func:`train_spotter`).
* ``valid``: each valid half's probabilities from line models fitted on all of train (which never
  saw a valid game); the valid games are held out of every design choice.
* ``lines_train_C*.npz`` / ``lines_all_C*.npz``: the line models fitted on train alone, and on
  train + valid (the shipped fit).

    python bench/commentary_work.py lines C      # one regularisation's line stages (run one per core)
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from soccer_highlights.commentary.cv import load_halves
from soccer_highlights.commentary.folds import fold_of
from soccer_highlights.commentary.model import (
    LARGE_CORPUS_SHARE,
    LARGE_CORPUS_SOLVER,
    HalfLines,
    LineModels,
    fit_line_models,
)
from soccer_highlights.soccernet.transcripts import Line

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared" / "data"
WORK = Path(os.environ.get("COMMENTARY_WORK", HERE / "work" / "commentary"))
ROOTS = {
    "train": (SHARED / "soccernet-v2-labels-train", SHARED / "soccernet-echoes-train" / "whisper_v3"),
    "valid": (SHARED / "soccernet-v2-labels-valid", SHARED / "soccernet-echoes-valid" / "whisper_v3"),
}
CV_FOLDS = 3
CV_SALT = "cv:"
ARSENAL = "europe_uefa-champions-league/2014-2015/2014-11-04 - 22-45 Arsenal 3 - 3 Anderlecht"
"""The train game the real clips come from: kept out of the shipped fit, so that the clips and the
Echoes sample stay a game the shipped spotter never saw."""


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def halves(split: str) -> list[HalfLines]:
    """A split's halves with labels and a non-empty transcript (tokenised once, then cached)."""
    path = WORK / f"halves_{split}.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    WORK.mkdir(parents=True, exist_ok=True)
    out = load_halves(*ROOTS[split])
    path.write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return out


def cv_fold(game: str) -> int:
    return fold_of(game, CV_FOLDS, CV_SALT)


def save_lines(models: LineModels, path: Path) -> None:
    np.savez(path, idf=models.idf, weights=models.weights.astype(np.float32), bias=models.bias)


def load_lines(path: Path) -> LineModels:
    with np.load(path) as data:
        return LineModels(data["idf"], data["weights"], data["bias"])


def probs_path(split: str, c: float, tag: str = "") -> Path:
    return WORK / f"probs_{split}{tag}_C{c:g}.pkl"


def line_probabilities(split: str, c: float, tag: str = "") -> list[np.ndarray]:
    """Per half of ``split``: the out-of-sample line probabilities ``(lines, channels)`` (see the module);
    ``tag``: of a subset of the train games (the learning curve)."""
    return pickle.loads(probs_path(split, c, tag).read_bytes())


def _fit(train: Sequence[HalfLines], c: float, path: Path) -> LineModels:
    if path.is_file():
        return load_lines(path)
    models = fit_line_models(train, c, negative_share=LARGE_CORPUS_SHARE, solver=LARGE_CORPUS_SOLVER)
    save_lines(models, path)
    return models


def share_of(game: str) -> float:
    """A game's place in the learning curve's order of train games (a hash: the same on every machine)."""
    return int(hashlib.sha1(f"share:{game}".encode()).hexdigest(), 16) % 10_000 / 10_000


SPLIT = "f0"
"""The split protocol (what two shared cores allowed): line models fitted on two thirds of the train
games (folds 1 and 2, ``lines_fold0_C*.npz``), the trees on the other third's line scores (fold 0's
games, which those line models never saw). Valid is scored by the same line models."""


def subset(n_games: int | str | None) -> list[HalfLines]:
    """The first ``n_games`` train games in the learning curve's order (all: None; :data:`SPLIT`: the
    train games of fold 0, the trees' games in the split protocol)."""
    train = halves("train")
    if n_games is None:
        return train
    if n_games == SPLIT:
        return [h for h in train if cv_fold(h.game) == 0]
    games = sorted({h.game for h in train}, key=share_of)[:n_games]
    return [h for h in train if h.game in set(games)]


def tag_of(n_games: int | str | None) -> str:
    return "" if n_games is None else f"_{n_games}" if n_games == SPLIT else f"_n{n_games}"


DEGRADE = {"keep": 0.85, "garble": 0.3, "lost_line": 0.1, "line_s": 2.0}
"""How a small Whisper's transcript differs from Echoes' whisper_v3 on the real Arsenal clips
(``bench/commentary_own_transcripts.json``: tiny.en and base wrote 80-95% as many words, of which
71% were Echoes' words, names garbled; lines ~2 s against ~4 s; some stretches not heard at all):
each line dropped whole with ``lost_line``, each word kept with ``keep``, a kept word of 4+ letters
garbled (a letter replaced, dropped or doubled) with ``garble``, lines cut into ~``line_s`` pieces."""


def degrade(lines: Sequence[Line], seed: int) -> list[Line]:
    """A transcript as our own small Whisper might have written it (see :data:`DEGRADE`): synthetic,
    from a real transcript and the degradation measured on real clips."""
    rng = np.random.default_rng(seed)
    out = []
    for line in lines:
        if rng.random() < DEGRADE["lost_line"]:
            continue
        words = []
        for word in line.text.split():
            if rng.random() >= DEGRADE["keep"]:
                continue
            if len(word) >= 4 and rng.random() < DEGRADE["garble"]:
                i, how = int(rng.integers(len(word))), rng.integers(3)
                letter = "abcdefghijklmnopqrstuvwxyz"[int(rng.integers(26))]
                word = word[:i] + (letter if how == 0 else "" if how == 1 else word[i] * 2) + word[i + 1 :]
            words.append(word)
        if not words:
            continue
        span = max(line.end_s - line.start_s, 0.1)
        pieces = max(1, min(len(words), round(span / DEGRADE["line_s"])))
        for j, chunk in enumerate(np.array_split(np.array(words, dtype=object), pieces)):
            a = line.start_s + span * j / pieces
            out.append(Line(a, a + span / pieces, " ".join(chunk)))
    return out


def degraded_halves(split: str) -> list[HalfLines]:
    """The split protocol's halves (fold 0's train halves, every valid half) with degraded
    transcripts (:func:`degrade`; the same labels), cached."""
    path = WORK / f"halves_{split}{tag_of(SPLIT)}deg.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    clean = subset(SPLIT) if split == "train" else halves("valid")
    out = []
    for h in clean:
        seed = int(hashlib.sha1(f"degrade:{h.game}:{h.half}".encode()).hexdigest()[:8], 16)
        out.append(HalfLines.build(h.game, h.half, degrade(h.lines, seed), h.events))
    path.write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return out


def degraded_stage(c: float) -> None:
    """The degraded halves' line scores by the split protocol's line models."""
    models = load_lines(WORK / f"lines_fold0_C{c:g}.npz")
    for split in ("train", "valid"):
        path = probs_path(split, c, f"{tag_of(SPLIT)}deg")
        if not path.is_file():
            data = degraded_halves(split)
            path.write_bytes(pickle.dumps([models.probabilities(h) for h in data], protocol=pickle.HIGHEST_PROTOCOL))
    log(f"C={c:g}: degraded halves' line scores done")


def split_stage(c: float) -> None:
    """The split protocol's line scores: fold 0's train halves and every valid half, by the line
    models fitted on folds 1 and 2."""
    models = load_lines(WORK / f"lines_fold0_C{c:g}.npz")
    for split, data in (("train", subset(SPLIT)), ("valid", halves("valid"))):
        path = probs_path(split, c, tag_of(SPLIT))
        if not path.is_file():
            path.write_bytes(pickle.dumps([models.probabilities(h) for h in data], protocol=pickle.HIGHEST_PROTOCOL))
    log(f"C={c:g}: split protocol's line scores done")


def line_stages(c: float, n_games: int | None = None) -> None:
    train, valid, tag = subset(n_games), halves("valid"), tag_of(n_games)
    log(f"C={c:g}: {len(train)} train halves{tag}, {len(valid)} valid halves")
    if not probs_path("train", c, tag).is_file():
        probs: list[np.ndarray | None] = [None] * len(train)
        for fold in range(CV_FOLDS):
            models = _fit([h for h in train if cv_fold(h.game) != fold], c, WORK / f"lines{tag}_fold{fold}_C{c:g}.npz")
            for i, h in enumerate(train):
                if cv_fold(h.game) == fold:
                    probs[i] = models.probabilities(h)
            log(f"C={c:g}{tag}: fold {fold} done")
        probs_path("train", c, tag).write_bytes(pickle.dumps(probs, protocol=pickle.HIGHEST_PROTOCOL))
    models = _fit(train, c, WORK / f"lines_train{tag}_C{c:g}.npz")
    if not probs_path("valid", c, tag).is_file():
        probs_path("valid", c, tag).write_bytes(pickle.dumps([models.probabilities(h) for h in valid]))
    log(f"C={c:g}{tag}: train fit and valid probabilities done")
    if n_games is None:
        everything = [h for h in train + valid if h.game != ARSENAL]
        _fit(everything, c, WORK / f"lines_all_C{c:g}.npz")
        log(f"C={c:g}: the fit on train + valid done")


if __name__ == "__main__":
    if sys.argv[1] == "halves":
        for split in ROOTS:
            log(f"{split}: {len(halves(split))} halves")
    elif sys.argv[1] == "fit":  # one fit, by a second worker (the stages skip fits already saved)
        c, which = float(sys.argv[2]), sys.argv[3]
        train = halves("train")
        if which.startswith("fold"):
            fold = int(which[4:])
            _fit([h for h in train if cv_fold(h.game) != fold], c, WORK / f"lines_fold{fold}_C{c:g}.npz")
        elif which == "train":
            _fit(train, c, WORK / f"lines_train_C{c:g}.npz")
        else:
            _fit([h for h in train + halves("valid") if h.game != ARSENAL], c, WORK / f"lines_all_C{c:g}.npz")
        log(f"C={c:g}: {which} fitted")
    elif sys.argv[1] == "split":
        split_stage(float(sys.argv[2]))
    elif sys.argv[1] == "degraded":
        degraded_stage(float(sys.argv[2]))
    elif sys.argv[1] == "lines":
        line_stages(float(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)

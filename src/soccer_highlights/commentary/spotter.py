"""The commentary spotter: what the commentators say around a moment, scored per SoccerNet class.

Two stages. The first (this module) scores every second of a half; its peaks are candidates. The
second (:mod:`soccer_highlights.commentary.rerank`) ranks the candidates with boosted trees.

For each second ``t`` of a half, the text of the transcript lines that start in six windows around
``t`` (from 15 s before to 90 s after: the build-up, the call itself, the replay talk 20-40 s
later, the kick-off that follows a goal) is read as hashed words and character 4-grams
(:mod:`soccer_highlights.commentary.text`). Each second's tokens are embedded (a small dense
vector, shared by all windows and classes); each window's sum, divided by its length, goes
through a per-window linear map to one logit per class. The model is linear in the per-second
token counts, so a window's sum is a difference of two cumulative sums: a whole half is scored in
one pass, and detection needs numpy alone (:class:`CommentaryWeights`).

Trained with PyTorch on the real SoccerNet-Echoes transcripts and SoccerNet-v2 labels: a second
within 1 s of an event of a class is a positive for it; seconds 1-4 s away are left out of the
loss (the labels' own precision is about 0.25 s; the commentary's lag varies); every other second
is a negative, with positives weighted up to balance them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from soccer_highlights.commentary.config import SPOT_MIN_P, SPOT_NMS_S
from soccer_highlights.commentary.cues import transcript_cues
from soccer_highlights.commentary.folds import fold_of
from soccer_highlights.commentary.rerank import (
    TEXT_MODEL_CLASSES,
    CandidateText,
    candidates,
    fit_second_stage,
    ranked_peaks,
)
from soccer_highlights.commentary.text import N_BUCKETS, second_bags
from soccer_highlights.commentary.trees import TreeEnsemble
from soccer_highlights.errors import InputError
from soccer_highlights.soccernet.labels import Event
from soccer_highlights.soccernet.predictions import Prediction
from soccer_highlights.soccernet.transcripts import Line

CLASSES: tuple[str, ...] = ("Goal", "Penalty", "Shots on target", "Shots off target", "Yellow card", "Red card")
WINDOWS: tuple[tuple[int, int], ...] = ((-15, -5), (-5, 0), (0, 5), (5, 15), (15, 40), (40, 90))
"""Seconds relative to the scored moment: what is said before it, at it and after it."""
TAIL_S = 90
INNER_SALT = "inner:"
POSITIVE_S, IGNORE_S = 1.0, 4.0


@dataclass(frozen=True)
class HalfText:
    """One half's transcript as the model reads it, with its labelled events (for training)."""

    game: str
    half: int
    n_seconds: int
    ids: np.ndarray
    offsets: np.ndarray
    cues: np.ndarray
    """(n_seconds, len(CUES)) transcript cues (:mod:`soccer_highlights.commentary.cues`)"""
    events: tuple[Event, ...] = ()

    @classmethod
    def build(cls, game: str, half: int, lines: Sequence[Line], events: Sequence[Event] = ()) -> HalfText:
        last = max([x.end_s for x in lines] + [e.time_s for e in events] + [0.0])
        n = math.ceil(last) + TAIL_S
        ids, offsets = second_bags(lines, n)
        return cls(game, half, n, ids, offsets, transcript_cues(lines, n), tuple(events))

    def event_times(self, label: str) -> list[float]:
        return [e.time_s for e in self.events if e.label == label]

    def targets(self) -> tuple[np.ndarray, np.ndarray]:
        """Per second and class: 1 near an event, 0 elsewhere; and the mask of seconds that count."""
        target = np.zeros((self.n_seconds, len(CLASSES)), np.float32)
        mask = np.ones_like(target)
        t = np.arange(self.n_seconds)
        for event in self.events:
            if event.label not in CLASSES:
                continue
            c = CLASSES.index(event.label)
            distance = np.abs(t - event.time_s)
            mask[(distance > POSITIVE_S) & (distance <= IGNORE_S), c] = 0.0
            target[distance <= POSITIVE_S, c] = 1.0
        mask[target > 0] = 1.0
        return target, mask


@dataclass(frozen=True)
class CommentaryWeights:
    """A trained spotter's weights, scored with numpy (detection loads no PyTorch)."""

    tokens: np.ndarray
    """(n_buckets, dim)"""
    windows: np.ndarray
    """(n_windows, dim, n_classes)"""
    bias: np.ndarray
    """(n_classes,)"""
    meta: dict
    rankers: Mapping[int, TreeEnsemble] = field(default_factory=dict)
    """The second stage: a tree ensemble per class index (classes without one keep the first stage's
    probability)."""
    texts: Mapping[int, CandidateText] = field(default_factory=dict)
    """Candidate-level text models whose scores those classes' trees read."""

    def peaks(self, text: HalfText, min_gap_s: float) -> dict[str, list[tuple[int, float]]]:
        """Per class: (second, confidence) of its events, at least ``min_gap_s`` apart, best first."""
        ranked = ranked_peaks(text, self.half_probabilities(text), self.rankers, self.texts, min_gap_s)
        return {CLASSES[c]: peaks for c, peaks in ranked.items()}

    def spot(self, text: HalfText, min_gap_s: float) -> list[Prediction]:
        """:meth:`peaks` as SoccerNet predictions of the half."""
        return [
            Prediction(text.half, float(second), label, confidence)
            for label, peaks in self.peaks(text, min_gap_s).items()
            for second, confidence in peaks
        ]

    def half_probabilities(self, text: HalfText) -> np.ndarray:
        """(n_seconds, n_classes) probabilities of an event of each class at each second."""
        per_second = np.zeros((text.n_seconds, self.tokens.shape[1]), np.float64)
        if len(text.ids):
            seconds = np.searchsorted(text.offsets, np.arange(len(text.ids)), side="right") - 1
            np.add.at(per_second, seconds, self.tokens[text.ids].astype(np.float64))
        cum = np.vstack([np.zeros((1, per_second.shape[1])), np.cumsum(per_second, axis=0)])
        t = np.arange(text.n_seconds)
        logits = np.tile(self.bias.astype(np.float64), (text.n_seconds, 1))
        for w, (a, b) in enumerate(WINDOWS):
            lo, hi = np.clip(t + a, 0, text.n_seconds), np.clip(t + b, 0, text.n_seconds)
            logits += ((cum[hi] - cum[lo]) / (b - a)) @ self.windows[w].astype(np.float64)
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, path: Path) -> None:
        from soccer_highlights.fileio import atomic_path

        with atomic_path(path) as tmp, tmp.open("wb") as fh:
            np.savez_compressed(
                fh,
                tokens=self.tokens.astype(np.float16),
                windows=self.windows.astype(np.float32),
                bias=self.bias.astype(np.float32),
                meta=np.frombuffer(json.dumps(self.meta).encode(), dtype=np.uint8),
                **{k: v for c, r in self.rankers.items() for k, v in r.arrays(f"ranker{c}_").items()},
                **{f"text{c}_weights": t.weights.astype(np.float16) for c, t in self.texts.items()},
                **{f"text{c}_bias": np.array([t.bias]) for c, t in self.texts.items()},
            )

    @classmethod
    def load(cls, path: Path) -> CommentaryWeights:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            if tuple(meta["classes"]) != CLASSES or [tuple(w) for w in meta["windows"]] != list(WINDOWS):
                raise ValueError(f"{path}: weights for other classes or windows than this version's")
            rankers = {
                c: TreeEnsemble.from_arrays(data, f"ranker{c}_")
                for c in range(len(CLASSES))
                if f"ranker{c}_shape" in data.files
            }
            texts = {
                c: CandidateText(data[f"text{c}_weights"].astype(np.float32), float(data[f"text{c}_bias"][0]))
                for c in range(len(CLASSES))
                if f"text{c}_weights" in data.files
            }
            tokens = data["tokens"].astype(np.float32)
            return cls(tokens, data["windows"], data["bias"], meta, rankers, texts)


def train_spotter(
    halves: Sequence[HalfText],
    epochs: int = 2,
    dim: int = 16,
    lr: float = 0.02,
    seed: int = 0,
    on_epoch: Callable[[int, float], None] | None = None,
) -> CommentaryWeights:
    """Fit the spotter on ``halves`` (full halves, every second); returns numpy weights."""
    import torch

    if not halves:
        raise InputError("no halves to train the commentary spotter on")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    n_classes = len(CLASSES)
    tokens = torch.nn.EmbeddingBag(N_BUCKETS, dim, mode="sum")
    torch.nn.init.normal_(tokens.weight, std=0.01)
    windows = torch.nn.Parameter(torch.randn(len(WINDOWS), dim, n_classes) * 0.1)
    positives = sum(h.targets()[0].sum(axis=0) for h in halves)
    seconds = sum(h.n_seconds for h in halves)
    prior = np.clip(positives / max(seconds, 1), 1e-6, 0.5)
    bias = torch.nn.Parameter(torch.tensor(np.log(prior / (1 - prior)), dtype=torch.float32))
    pos_weight = torch.tensor(np.clip((seconds - positives) / np.maximum(positives, 1), 1.0, 200.0) ** 0.5)
    optimiser = torch.optim.Adam([*tokens.parameters(), windows, bias], lr=lr)
    data = [(h, *map(torch.from_numpy, h.targets())) for h in halves]
    for epoch in range(epochs):
        total = 0.0
        for i in rng.permutation(len(data)):
            half, target, mask = data[i]
            logits = _torch_logits(tokens, windows, bias, half)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target, weight=mask, pos_weight=pos_weight, reduction="sum"
            ) / mask.sum().clamp(min=1)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach())
        if on_epoch:
            on_epoch(epoch, total / max(len(data), 1))
    meta = {
        "classes": list(CLASSES),
        "windows": [list(w) for w in WINDOWS],
        "n_buckets": N_BUCKETS,
        "dim": dim,
        "epochs": epochs,
        "halves": len(halves),
        "games": sorted({h.game for h in halves}),
    }
    return CommentaryWeights(
        tokens.weight.detach().numpy().copy(), windows.detach().numpy().copy(), bias.detach().numpy().copy(), meta
    )


def train_commentary_model(
    halves: Sequence[HalfText],
    epochs: int = 2,
    inner_folds: int = 5,
    seed: int = 0,
    on_step: Callable[[str], None] | None = None,
    text_model: bool = False,
) -> CommentaryWeights:
    """Both stages: the second learns from first-stage scores of games that stage never saw.

    The first stage is fitted ``inner_folds`` times, each on all games but one fold's, to score
    that fold's halves; the trees learn from those scores; the shipped first stage is then fitted
    on every game."""
    probs: list[np.ndarray | None] = [None] * len(halves)
    for fold in range(inner_folds):
        held_out = [i for i, h in enumerate(halves) if fold_of(h.game, inner_folds, INNER_SALT) == fold]
        train = [h for h in halves if fold_of(h.game, inner_folds, INNER_SALT) != fold]
        if not held_out or not train:
            continue
        stage_one = train_spotter(train, epochs=epochs, seed=seed + fold)
        for i in held_out:
            probs[i] = stage_one.half_probabilities(halves[i])
        if on_step:
            on_step(f"first stage, inner fold {fold + 1}/{inner_folds}")
    scored = [(h, p) for h, p in zip(halves, probs, strict=True) if p is not None]
    text_classes = TEXT_MODEL_CLASSES if text_model else ()
    rankers, texts = fit_second_stage(scored, CLASSES, inner_folds, seed, text_classes)
    if on_step:
        on_step(f"second stage: {len(rankers)} classes ranked")
    weights = train_spotter(halves, epochs=epochs, seed=seed)
    meta = {
        **weights.meta,
        "inner_folds": inner_folds,
        "ranked_classes": [CLASSES[c] for c in sorted(rankers)],
        "text_model_classes": [CLASSES[c] for c in sorted(texts)],
    }
    return replace(weights, meta=meta, rankers=rankers, texts=texts)


def _torch_logits(tokens, windows, bias, half: HalfText):
    import torch

    ids, offsets = torch.from_numpy(half.ids), torch.from_numpy(half.offsets)
    per_second = tokens(ids, offsets) if len(ids) else torch.zeros(half.n_seconds, windows.shape[1])
    cum = torch.nn.functional.pad(per_second.cumsum(0), (0, 0, 1, 0))
    t = torch.arange(half.n_seconds)
    logits = bias.expand(half.n_seconds, -1)
    for w, (a, b) in enumerate(WINDOWS):
        lo, hi = (t + a).clamp(0, half.n_seconds), (t + b).clamp(0, half.n_seconds)
        logits = logits + ((cum[hi] - cum[lo]) / (b - a)) @ windows[w]
    return logits


def spot_probabilities(probs: np.ndarray, half: int) -> list[Prediction]:
    """Per class of :data:`CLASSES` (the columns of ``probs``), greedy peaks at least ``SPOT_NMS_S``
    apart, each with its probability."""
    return [
        Prediction(half, float(t), label, float(probs[t, c]))
        for c, label in enumerate(CLASSES)
        for t in candidates(probs[:, c], int(SPOT_NMS_S), SPOT_MIN_P)
    ]

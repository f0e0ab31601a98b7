"""Windows cut from cached features, for Lightning: the dataset, the split by game, the data module."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import lightning as L
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from soccer_highlights.audiovisual.config import WindowSpec
from soccer_highlights.audiovisual.features import HalfFeatures, cut_window
from soccer_highlights.audiovisual.windows import TrainingWindow
from soccer_highlights.soccernet.splits import split_of


class WindowDataset(Dataset):
    """``(audio (T_a, n_mels), video (T_v, D), label)`` for each window; audio and video are cut by
    the same start time and length, each on its own frame grid."""

    def __init__(
        self,
        windows: Sequence[TrainingWindow],
        features: dict[tuple[str, int], HalfFeatures],
        spec: WindowSpec,
        jitter_s: float = 0.0,
        seed: int = 0,
    ):
        self.windows = list(windows)
        self.features = features
        self.spec = spec
        self.jitter_s = jitter_s
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.windows)

    def window_start(self, i: int) -> float:
        """The window's start, shifted at random by up to ``jitter_s`` (kept inside the half)."""
        w = self.windows[i]
        if not self.jitter_s:
            return w.start_s
        duration = self.features[(str(w.video), w.half)].duration_s
        return float(np.clip(w.start_s + self.rng.uniform(-self.jitter_s, self.jitter_s), 0, duration))

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor, int]:
        w = self.windows[i]
        audio, video = cut_window(self.features[(str(w.video), w.half)], self.window_start(i), self.spec.length_s)
        return torch.from_numpy(audio), torch.from_numpy(video), w.label

    def labels(self) -> np.ndarray:
        return np.array([w.label for w in self.windows])


def validation_games(game_keys: Sequence[str], fraction: float = 0.25) -> set[str]:
    """SoccerNet's official ``valid`` games when the games are SoccerNet's; otherwise a fixed share
    chosen by a hash of each game's name, so the split never changes between runs or machines."""
    keys = sorted(set(game_keys))
    official = {k for k in keys if split_of(k) == "valid"}
    if official and any(split_of(k) == "train" for k in keys):
        return official
    ranked = sorted(keys, key=lambda k: hashlib.sha1(k.encode()).hexdigest())
    n_val = min(len(keys) - 1, max(1, round(fraction * len(keys))))
    return set(ranked[:n_val])


def audio_statistics(features: Sequence[HalfFeatures]) -> tuple[float, float]:
    """Mean and standard deviation of the training halves' dB values (the model's normalisation)."""
    sums = counts = squares = 0.0
    for f in features:
        a = np.asarray(f.audio, dtype=np.float64)
        sums += a.sum()
        squares += (a**2).sum()
        counts += a.size
    mean = sums / max(counts, 1)
    std = float(np.sqrt(max(squares / max(counts, 1) - mean**2, 1e-6)))
    return float(mean), std


class WindowDataModule(L.LightningDataModule):
    def __init__(self, train: WindowDataset, val: WindowDataset, batch_size: int = 32):
        super().__init__()
        self.train_set, self.val_set, self.batch_size = train, val, batch_size

    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True, num_workers=0)

    def val_dataloader(self) -> DataLoader:
        return DataLoader(self.val_set, batch_size=self.batch_size * 2, shuffle=False, num_workers=0)

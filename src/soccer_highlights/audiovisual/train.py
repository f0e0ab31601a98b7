"""Train the audio-visual model on a SoccerNet(-style) tree: features, windows, split, Lightning."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import lightning as L
import numpy as np
from lightning.pytorch.callbacks import EarlyStopping, ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger

from soccer_highlights.audiovisual.config import AudioFeatureSettings, TrainConfig, VideoFeatureSettings
from soccer_highlights.audiovisual.data import WindowDataModule, WindowDataset, audio_statistics, validation_games
from soccer_highlights.audiovisual.features import FeatureExtractor, HalfFeatures
from soccer_highlights.audiovisual.finetune import FinetuneModule, FrameWindowDataset
from soccer_highlights.audiovisual.module import HighlightModule
from soccer_highlights.audiovisual.reporting import EpochCallback, EpochReporter, quiet_lightning
from soccer_highlights.audiovisual.windows import TrainingWindow, windows_for_half
from soccer_highlights.errors import InputError
from soccer_highlights.fileio import atomic_path, refuse_overwrite
from soccer_highlights.soccernet.classes import DEFAULT_HIGHLIGHT_CLASSES
from soccer_highlights.soccernet.labels import load_labels
from soccer_highlights.soccernet.layout import find_games

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainResult:
    checkpoint: Path
    best_val_ap: float
    n_train: int
    n_val: int
    train_games: list[str]
    val_games: list[str]
    log_dir: Path


def collect_features(
    root: Path,
    extractor: FeatureExtractor,
    on_half: Callable[[str, int], None] | None = None,
    progress: Callable[[float], None] | None = None,
    with_video: bool = True,
) -> tuple[dict[str, list], dict[tuple[str, int], HalfFeatures]]:
    """Every labelled game with videos under ``root``, with its halves' features (cached)."""
    games: dict[str, list] = {}
    features: dict[tuple[str, int], HalfFeatures] = {}
    for game in find_games(root):
        if game.labels_path is None or not game.videos:
            continue
        key = game.relative_to(root)
        labels = load_labels(game.labels_path)
        games[key] = []
        for half, video in sorted(game.videos.items()):
            if on_half:
                on_half(key, half)
            feats = extractor.ensure(video, progress, with_video=with_video)
            features[(str(video), half)] = feats
            games[key].append((half, video, feats.duration_s, labels.of_half(half)))
    if not games:
        raise InputError(f"{root}: no game with both Labels-v2.json and half videos")
    return games, features


def train(
    root: Path,
    out: Path,
    config: TrainConfig,
    video_settings: VideoFeatureSettings | None = None,
    audio_settings: AudioFeatureSettings | None = None,
    highlight_classes: frozenset[str] = DEFAULT_HIGHLIGHT_CLASSES,
    force: bool = False,
    device: str = "cpu",
    on_half: Callable[[str, int], None] | None = None,
    on_epoch: EpochCallback | None = None,
) -> TrainResult:
    """Train and write the checkpoint with the best validation AP to ``out`` (atomically).

    ``on_half(game, half)`` is called as each half's features are made or found; ``on_epoch``
    with each epoch's losses and validation AP."""
    out = Path(out)
    refuse_overwrite(out, force)
    spec = config.window
    L.seed_everything(config.seed, workers=True, verbose=False)
    extractor = FeatureExtractor(video_settings, audio_settings, device=device)
    games, features = collect_features(Path(root), extractor, on_half, with_video=not config.finetune_backbone)
    if len(games) < 2:
        raise InputError(f"{root}: training needs at least two labelled games (one to validate on)")
    val_keys = validation_games(list(games), config.val_fraction)
    rng = np.random.default_rng(config.seed)
    windows: dict[bool, list[TrainingWindow]] = {True: [], False: []}
    for key, halves in games.items():
        for half, video, duration, events in halves:
            is_val = key in val_keys
            windows[is_val] += windows_for_half(
                key, video, half, duration, events, highlight_classes, spec, config.negative_ratio, rng, is_val
            )
    train_w, val_w = windows[False], windows[True]
    for name, ws in (("training", train_w), ("validation", val_w)):
        if not any(w.label == 1 for w in ws):
            raise InputError(f"no highlight event in the {name} games: nothing to learn from or to validate on")
    train_halves = [features[(str(w.video), w.half)] for w in {(w.video, w.half): w for w in train_w}.values()]
    audio_mean, audio_std = audio_statistics(train_halves)
    first = next(iter(features.values()))
    common = {
        "video_dim": extractor.backbone.dim if config.finetune_backbone else first.video.shape[1],
        "n_mels": first.audio.shape[1],
        "feature_settings": {
            "video": asdict(extractor.video_settings),
            "audio": asdict(extractor.audio_settings),
            "weights_id": extractor.backbone.weights_id,
        },
        "window": asdict(spec),
        "lr": config.lr,
        "weight_decay": config.weight_decay,
        "use_audio": config.use_audio,
        "use_video": config.use_video,
        "audio_mean": audio_mean,
        "audio_std": audio_std,
        "selection_loss_weight": config.selection_loss_weight,
    }
    if config.finetune_backbone:
        vs = extractor.video_settings
        module: HighlightModule = FinetuneModule(vs.backbone, vs.weights, config.backbone_lr, **common)
        train_set = FrameWindowDataset(train_w, features, spec, vs, jitter_s=config.jitter_s, seed=config.seed)
        val_set = FrameWindowDataset(val_w, features, spec, vs)
    else:
        module = HighlightModule(**common)
        train_set = WindowDataset(train_w, features, spec, jitter_s=config.jitter_s, seed=config.seed)
        val_set = WindowDataset(val_w, features, spec)
    data = WindowDataModule(train_set, val_set, batch_size=config.batch_size)
    log_dir = out.parent / f"{out.stem}_logs"
    with tempfile.TemporaryDirectory(prefix="soccer-highlights-ckpt-") as tmp, quiet_lightning():
        best = ModelCheckpoint(dirpath=tmp, monitor="val_selection", mode="max", save_top_k=1, filename="best")
        callbacks: list[L.Callback] = [
            best,
            EarlyStopping(monitor="val_selection", mode="max", patience=config.patience),
        ]
        if on_epoch is not None and "spawn" not in config.strategy:
            # spawned processes get the callbacks pickled: a caller's progress bar cannot travel
            callbacks.append(EpochReporter(on_epoch))
        trainer = L.Trainer(
            max_epochs=config.max_epochs,
            accelerator=config.accelerator,
            devices=config.lightning_devices,
            strategy=config.strategy,
            num_nodes=config.num_nodes,
            precision=config.precision,
            callbacks=callbacks,
            logger=CSVLogger(str(log_dir), name="", version=""),
            enable_progress_bar=False,
            enable_model_summary=False,
            log_every_n_steps=5,
            deterministic=True,
            limit_train_batches=config.limit_batches,
            limit_val_batches=config.limit_batches,
        )
        trainer.fit(module, datamodule=data)
        if not trainer.is_global_zero:  # in a multi-process run, the first process writes the checkpoint
            best_ap = float("nan")
        else:
            with atomic_path(out) as partial:
                shutil.copyfile(best.best_model_path, partial)
            best_ap = _val_ap_of_best(log_dir, best.best_model_path)
    return TrainResult(out, best_ap, len(train_w), len(val_w), sorted(set(games) - val_keys), sorted(val_keys), log_dir)


def _val_ap_of_best(log_dir: Path, best_path: str) -> float:
    """The validation AP of the epoch whose checkpoint was kept, read back from the CSV log."""
    import csv

    epoch = int(torch_load_epoch(best_path))
    with (log_dir / "metrics.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row.get("val_ap") and int(row["epoch"]) == epoch:
                return float(row["val_ap"])
    return float("nan")


def torch_load_epoch(path: str) -> int:
    import torch

    return int(torch.load(path, map_location="cpu", weights_only=False)["epoch"])

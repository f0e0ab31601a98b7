"""The LightningModule: what a training step is. The Trainer owns the loop, checkpoints, early
stopping, devices and logging."""

from __future__ import annotations

from typing import Any

import lightning as L
import torch
import torch.nn.functional as F
from torchmetrics import MeanMetric
from torchmetrics.classification import BinaryAccuracy, BinaryAveragePrecision

from soccer_highlights.audiovisual.classifier import HighlightsClassifier


class HighlightModule(L.LightningModule):
    def __init__(
        self,
        video_dim: int,
        n_mels: int,
        feature_settings: dict[str, Any],
        window: dict[str, float],
        lr: float = 1e-3,
        weight_decay: float = 1e-4,
        use_audio: bool = True,
        use_video: bool = True,
        audio_mean: float = -50.0,
        audio_std: float = 20.0,
        selection_loss_weight: float = 0.01,
    ):
        super().__init__()
        # Everything detection needs to reproduce the features and windows travels in the checkpoint.
        self.save_hyperparameters()
        self.model = HighlightsClassifier.from_hparams(self.hparams)
        self.val_ap = BinaryAveragePrecision()
        self.val_acc = BinaryAccuracy()
        self.val_mean_loss = MeanMetric()

    def forward(self, audio: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
        return self.model(audio, video)

    def highlight_probability(self, audio: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self(audio, video), dim=1)[:, 1]

    def training_step(self, batch, batch_idx: int) -> torch.Tensor:
        audio, video, label = batch
        loss = F.cross_entropy(self(audio, video), label)
        self.log("train_loss", loss, prog_bar=True, on_epoch=True, on_step=False, batch_size=len(label))
        return loss

    def validation_step(self, batch, batch_idx: int) -> None:
        audio, video, label = batch
        logits = self(audio, video)
        loss = F.cross_entropy(logits, label)
        self.log("val_loss", loss, prog_bar=True, batch_size=len(label))
        self.val_mean_loss.update(loss, weight=len(label))
        prob = torch.softmax(logits, dim=1)[:, 1]
        self.val_ap.update(prob, label)
        self.val_acc.update(prob, label)

    def on_validation_epoch_end(self) -> None:
        ap = self.val_ap.compute()
        self.log("val_ap", ap, prog_bar=True)
        self.log("val_acc", self.val_acc.compute(), prog_bar=True)
        # What checkpointing and early stopping follow: validation AP, with the loss breaking ties
        # (see TrainConfig.selection_loss_weight).
        self.log("val_selection", ap - self.hparams.selection_loss_weight * self.val_mean_loss.compute())
        for metric in (self.val_ap, self.val_acc, self.val_mean_loss):
            metric.reset()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

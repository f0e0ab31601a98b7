"""Training that talks like the rest of the tool: one line per epoch, no framework chatter.

Lightning's own progress bar redraws per batch and its loggers print tips, device summaries and
advice about data loader workers that a user of this tool cannot act on. Training here runs with
those switched off; :class:`EpochReporter` hands each finished epoch's numbers to a callback (the
command line draws one bar over the epochs with the validation AP on it).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import lightning as L

LIGHTNING_LOGGERS = ("lightning.pytorch", "lightning.fabric", "lightning_fabric", "pytorch_lightning")
QUIET_WARNINGS = (
    r".*does not have many workers.*",
    r".*number of training batches.*is smaller than the logging interval.*",
    r".*litlogger.*|.*litmodels.*",
    r".*LeafSpec.*",
    r".*Experiment logs directory .* exists and is not empty.*",
    r".*`isinstance\(treespec, LeafSpec\)` is deprecated.*",
)


@dataclass(frozen=True)
class EpochReport:
    epoch: int
    """0-based."""
    max_epochs: int
    train_loss: float
    val_loss: float
    val_ap: float
    best_val_ap: float


EpochCallback = Callable[[EpochReport], None]


class EpochReporter(L.Callback):
    """Calls ``on_epoch`` once per epoch with the epoch's numbers.

    Validation runs inside the training epoch, and the module logs its epoch metrics after the
    callbacks' validation hooks, so the end of the training epoch is the first moment they are all in.
    """

    def __init__(self, on_epoch: EpochCallback):
        self.on_epoch = on_epoch
        self.best_ap = float("-inf")

    def on_train_epoch_end(self, trainer: L.Trainer, module: L.LightningModule) -> None:
        metrics = {k: float(v) for k, v in trainer.callback_metrics.items()}
        ap = metrics.get("val_ap", float("nan"))
        self.best_ap = max(self.best_ap, ap)
        nan = float("nan")
        report = EpochReport(
            trainer.current_epoch,
            trainer.max_epochs or 0,
            metrics.get("train_loss", nan),
            metrics.get("val_loss", nan),
            ap,
            self.best_ap,
        )
        self.on_epoch(report)


@contextmanager
def quiet_lightning() -> Iterator[None]:
    """Lightning's informational logging and warnings that need no action, silenced for the block."""
    loggers = [logging.getLogger(name) for name in LIGHTNING_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            for pattern in QUIET_WARNINGS:
                warnings.filterwarnings("ignore", message=pattern)
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)

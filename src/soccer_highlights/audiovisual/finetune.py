"""End-to-end training on raw frames with the backbone unfrozen, as the seed trained (for GPU users).

With frozen features every frame is embedded once and cached; here the backbone learns, so each
window's frames are decoded when the window is drawn and embedded in the training step. It is the
same classifier and the same Lightning loop; only where the embeddings come from changes. The
spectrogram still comes from the cache, since nothing upstream of it is trained.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from soccer_highlights.audiovisual.backbones import Backbone, get_backbone, normalise
from soccer_highlights.audiovisual.config import VideoFeatureSettings, WindowSpec
from soccer_highlights.audiovisual.data import WindowDataset
from soccer_highlights.audiovisual.features import HalfFeatures, cut_audio
from soccer_highlights.audiovisual.module import HighlightModule
from soccer_highlights.audiovisual.windows import TrainingWindow
from soccer_highlights.media.decode import iter_frames


class FrameWindowDataset(WindowDataset):
    """``(audio (T_a, n_mels), frames (T_v, H, W, 3) uint8, label)``: frames decoded per window."""

    def __init__(
        self,
        windows: Sequence[TrainingWindow],
        features: dict[tuple[str, int], HalfFeatures],
        spec: WindowSpec,
        video: VideoFeatureSettings,
        jitter_s: float = 0.0,
        seed: int = 0,
    ):
        super().__init__(windows, features, spec, jitter_s, seed)
        self.video = video

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor, int]:
        w = self.windows[i]
        start = self.window_start(i)
        feats = self.features[(str(w.video), w.half)]
        audio = cut_audio(feats, start, self.spec.length_s)
        n_frames = max(1, round(self.spec.length_s * self.video.fps))
        size = (self.video.width, self.video.height)
        end = start + self.spec.length_s
        frames = [f.rgb for f in iter_frames(w.video, self.video.fps, size, start_s=start, end_s=end)]
        if not frames:
            frames = [np.zeros((self.video.height, self.video.width, 3), np.uint8)]
        frames += [frames[-1]] * (n_frames - len(frames))  # a window at the very end repeats its last frame
        return torch.from_numpy(audio), torch.from_numpy(np.stack(frames[:n_frames])), w.label


class FinetuneModule(HighlightModule):
    """The classifier with its backbone inside, trained together (the backbone at a lower rate)."""

    def __init__(self, backbone_name: str, backbone_weights: str | None, backbone_lr: float = 1e-4, **kwargs):
        super().__init__(**kwargs)
        self.save_hyperparameters()
        backbone = get_backbone(backbone_name, backbone_weights)
        self.backbone = backbone.module.requires_grad_(True).train()
        self.register_buffer("pixel_mean", torch.tensor(backbone.mean).view(1, 3, 1, 1))
        self.register_buffer("pixel_std", torch.tensor(backbone.std).view(1, 3, 1, 1))

    def embed(self, frames: torch.Tensor) -> torch.Tensor:
        """``(B, T, H, W, 3)`` uint8 -> ``(B, T, D)``."""
        b, t = frames.shape[:2]
        x = normalise(frames.flatten(0, 1), self.pixel_mean.flatten(), self.pixel_std.flatten())
        return self.backbone(x).view(b, t, -1)

    def forward(self, audio: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        return self.model(audio, self.embed(frames))

    def as_backbone(self, weights_id: str) -> Backbone:
        """The trained backbone, for embedding whole halves at detection time."""
        hp = self.hparams
        base = get_backbone(hp.backbone_name, "random")
        return Backbone(
            hp.backbone_name,
            weights_id,
            self.backbone.eval(),
            base.dim,
            tuple(self.pixel_mean.flatten().tolist()),
            tuple(self.pixel_std.flatten().tolist()),
        )

    def configure_optimizers(self):
        head = [p for n, p in self.named_parameters() if not n.startswith("backbone.")]
        return torch.optim.AdamW(
            [{"params": head}, {"params": self.backbone.parameters(), "lr": self.hparams.backbone_lr}],
            lr=self.hparams.lr,
            weight_decay=self.hparams.weight_decay,
        )

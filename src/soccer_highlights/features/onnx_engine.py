"""Run a frozen backbone with ONNX Runtime on the CPU.

On a laptop CPU, ONNX Runtime runs the depthwise convolutions of mobile backbones (the default
EfficientNet-Lite0) several times faster than eager PyTorch, and its embeddings equal PyTorch's to
float rounding (the feature cache is shared between the two). The backbone, its preprocessing
included (uint8 NHWC frames in, embeddings out), is exported once per backbone, weights and frame
size, and kept in a user cache directory; a machine without ``onnxruntime``, or a backbone that
does not export, runs in PyTorch instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from soccer_highlights.atomic import atomic_path

if TYPE_CHECKING:
    from soccer_highlights.features.backbones import Backbone

log = logging.getLogger(__name__)
OPSET = 17


def cache_dir() -> Path:
    """Where exported models live: ``$SOCCER_HIGHLIGHTS_CACHE`` or the XDG cache directory."""
    if root := os.environ.get("SOCCER_HIGHLIGHTS_CACHE"):
        return Path(root) / "onnx"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "soccer-highlights" / "onnx"


class _FramesToEmbeddings(nn.Module):
    """uint8 ``(B, H, W, 3)`` frames to embeddings: the preprocessing runs inside the graph."""

    def __init__(self, backbone: Backbone):
        super().__init__()
        self.net = backbone.module
        self.register_buffer("mean", torch.tensor(backbone.mean).view(1, 3, 1, 1) * 255.0)
        self.register_buffer("std", torch.tensor(backbone.std).view(1, 3, 1, 1) * 255.0)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        x = frames.permute(0, 3, 1, 2).float()
        return self.net((x - self.mean) / self.std)


class OnnxEmbedder:
    """Embeds uint8 frames of one size with an ONNX Runtime session."""

    def __init__(self, model_path: Path, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # the decode thread needs a core now and then: idle workers must sleep, not spin
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        (out,) = self.session.run(None, {self.input_name: np.ascontiguousarray(frames, dtype=np.uint8)})
        return np.asarray(out, dtype=np.float32)


def exported_model(backbone: Backbone, height: int, width: int) -> Path:
    """The backbone exported for ``height x width`` frames, exported now if not cached yet."""
    import onnxruntime

    key = hashlib.sha1(
        f"{backbone.name}|{backbone.weights_id}|{height}x{width}|{torch.__version__}|{onnxruntime.__version__}".encode()
    ).hexdigest()[:16]
    path = cache_dir() / f"{backbone.name}-{height}x{width}-{key}.onnx"
    if path.is_file():
        return path
    wrapper = _FramesToEmbeddings(backbone).eval()
    example = torch.zeros(2, height, width, 3, dtype=torch.uint8)
    with atomic_path(path) as tmp, warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            (example,),
            str(tmp),
            dynamo=False,
            input_names=["frames"],
            output_names=["embeddings"],
            dynamic_axes={"frames": {0: "batch"}, "embeddings": {0: "batch"}},
            opset_version=OPSET,
        )
    return path


def onnx_embedder(backbone: Backbone, height: int, width: int) -> OnnxEmbedder | None:
    """An ONNX Runtime embedder for the backbone, or None (with the reason logged) where it cannot run."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        log.info("onnxruntime is not installed: the backbone runs in PyTorch")
        return None
    try:
        return OnnxEmbedder(exported_model(backbone, height, width), torch.get_num_threads())
    except Exception as exc:  # an exporter or runtime gap must not stop the job: PyTorch still works
        log.warning("%s could not run in ONNX Runtime (%s); using PyTorch", backbone.name, exc)
        return None

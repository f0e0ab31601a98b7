"""Run frozen networks with ONNX Runtime on the CPU: any model of any modality (the frame
backbones and the audio-visual classifier today).

On a laptop CPU, ONNX Runtime runs the depthwise convolutions of mobile backbones (the default
EfficientNet-Lite0) about three times faster than eager PyTorch, and the classifier (convolutions
with batch norm folded in, GRUs) about twice as fast; its outputs equal PyTorch's to float rounding,
so the feature cache is shared between the two. Each network is exported once per weights and
input shape and kept in a user cache directory. A machine without ``onnxruntime``, or a network
that does not export, runs in PyTorch instead. Training and GPUs always use PyTorch.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from soccer_highlights.fileio import atomic_path, user_cache_dir

log = logging.getLogger(__name__)
OPSET = 17


def cache_dir() -> Path:
    """Where exported models live: ``onnx/`` in the tool's user cache."""
    return user_cache_dir() / "onnx"


class OnnxSession:
    """One exported model in an ONNX Runtime session on the CPU."""

    def __init__(self, model_path: Path, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # the decode thread needs a core now and then: idle workers must sleep, not spin
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]

    def __call__(self, **arrays: np.ndarray) -> np.ndarray:
        """Outputs for inputs by name; inputs the graph does not use (a switched-off branch) are ignored."""
        feed = {name: np.ascontiguousarray(arrays[name]) for name in self.input_names}
        (out,) = self.session.run(None, feed)
        return np.asarray(out, dtype=np.float32)


def export_once(
    module: nn.Module, example: tuple[torch.Tensor, ...], name: str, key: str, dynamic: dict[str, dict[int, str]]
) -> Path:
    """``module`` exported to ONNX under the cache directory, unless a file for ``key`` is there.

    ``key`` must change whenever the exported graph would (weights, shapes, library versions)."""
    import onnxruntime

    digest = hashlib.sha1(f"{key}|{torch.__version__}|{onnxruntime.__version__}".encode()).hexdigest()[:16]
    path = cache_dir() / f"{name}-{digest}.onnx"
    if path.is_file():
        return path
    names = [n for n in dynamic if n != "out"]
    with atomic_path(path) as tmp, warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module.eval(),
            example,
            str(tmp),
            dynamo=False,
            input_names=names,
            output_names=["out"],
            dynamic_axes=dynamic,
            opset_version=OPSET,
        )
    return path


def onnx_session(build: Callable[[], Path], what: str) -> OnnxSession | None:
    """A session for the model ``build`` exports, or None (with the reason logged) where it cannot run:
    PyTorch then does the work, slower but the same."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        log.info("onnxruntime is not installed: %s runs in PyTorch", what)
        return None
    try:
        path = build()
        try:
            return OnnxSession(path, torch.get_num_threads())
        except Exception as exc:  # a cached export cut short (a killed run, a full disk): made again once
            log.warning("%s: a damaged ONNX export (%s); exporting it again", path, exc)
            path.unlink(missing_ok=True)
            return OnnxSession(build(), torch.get_num_threads())
    except Exception as exc:  # an exporter or runtime gap must not stop the job
        log.warning("%s could not run in ONNX Runtime (%s); using PyTorch", what, exc)
        return None

"""Detectors turn a half into a score curve; segments and reels are built from any of them.

``get_detector(name, **options)`` builds one by name, in the manner of torchvision's
``get_model``: ``"audio"`` (training-free, needs no model), ``"commentary"`` (a transcript beside
the video, scored by the spotter trained on real SoccerNet commentary), ``"model"`` (a checkpoint from
``train``: ``checkpoint=PATH``) and ``"predictions"`` (any SoccerNet spotter's
``results_spotting.json``: ``path=PATH``, optional ``class_weights``). The learned detector is
imported only when asked for, so the training-free path never loads PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from soccer_highlights.detectors.base import Detector
from soccer_highlights.detectors.excitement import AudioExcitementDetector
from soccer_highlights.detectors.imported import PredictionsDetector
from soccer_highlights.errors import ConfigError

if TYPE_CHECKING:
    from soccer_highlights.detectors.learned import LearnedDetector


def _learned(checkpoint: Any = None, **options: Any) -> LearnedDetector:
    if checkpoint is None:
        raise ConfigError("the 'model' detector needs a checkpoint: get_detector('model', checkpoint='model.ckpt')")
    from soccer_highlights.detectors.learned import LearnedDetector

    return LearnedDetector(checkpoint, **options)


def _predictions(path: Any = None, **options: Any) -> PredictionsDetector:
    if path is None:
        raise ConfigError(
            "the 'predictions' detector needs a file: get_detector('predictions', path='results_spotting.json')"
        )
    return PredictionsDetector.from_file(path, **options)


def _commentary(**options: Any) -> Detector:
    from soccer_highlights.detectors.commentary import CommentaryDetector

    return CommentaryDetector(**options)


REGISTRY: dict[str, Callable[..., Detector]] = {
    "audio": AudioExcitementDetector,
    "commentary": _commentary,
    "model": _learned,
    "predictions": _predictions,
}


def list_detectors() -> list[str]:
    return sorted(REGISTRY)


def get_detector(name: str, **options: Any) -> Detector:
    """A detector by name, with its options (see the module's docstring)."""
    if name not in REGISTRY:
        raise ConfigError(f"unknown detector {name!r}; known: {', '.join(list_detectors())}")
    return REGISTRY[name](**options)


def __getattr__(name: str) -> Any:
    if name == "LearnedDetector":  # re-exported lazily: importing it loads PyTorch
        from soccer_highlights.detectors.learned import LearnedDetector

        return LearnedDetector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AudioExcitementDetector",
    "Detector",
    "LearnedDetector",
    "PredictionsDetector",
    "get_detector",
    "list_detectors",
]

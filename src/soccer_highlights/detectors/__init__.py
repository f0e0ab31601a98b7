"""Detectors by name: the registry every way of seeing the match is reached through.

``get_detector(name, **options)`` builds one, in the manner of torchvision's ``get_model``. The
names are the ones ``segments.json`` records (``detector.name``), so a recorded run can be built
again from its record:

* ``audio-excitement`` (alias ``audio``): the crowd's roar, training-free (:mod:`soccer_highlights.crowd`);
* ``commentary``: what the commentators say, from a transcript beside the video, scored by the
  spotter trained on real SoccerNet commentary (:mod:`soccer_highlights.commentary`);
* ``audio-visual-model`` (alias ``model``): the seed's classifier from a ``train`` checkpoint
  (``checkpoint=PATH``, :mod:`soccer_highlights.audiovisual`);
* ``imported-predictions`` (alias ``predictions``): any SoccerNet spotter's ``results_spotting.json``
  (``path=PATH``, optional ``class_weights``);
* ``fusion``: several of them as one (``parts=[name | DetectorSpec | Detector, ...]``; the rule is
  documented in :mod:`soccer_highlights.detectors.fusion`).

Each modality is imported only when its detector is asked for, so the training-free path never
loads PyTorch. :class:`DetectorSpec` is the same choice as plain data (for the command line, batches
and Ray workers).
"""

from __future__ import annotations

from typing import Any

from soccer_highlights.core import Detector
from soccer_highlights.detectors.registry import (
    ALIASES,
    REGISTRY,
    DetectorSpec,
    canonical_name,
    get_detector,
    list_detectors,
)


def __getattr__(name: str) -> Any:
    """The detector classes, re-exported lazily (importing the learned one loads PyTorch)."""
    where = {
        "AudioExcitementDetector": "soccer_highlights.crowd.excitement",
        "CommentaryDetector": "soccer_highlights.commentary.detector",
        "FusionDetector": "soccer_highlights.detectors.fusion",
        "LearnedDetector": "soccer_highlights.audiovisual.detector",
        "PredictionsDetector": "soccer_highlights.detectors.imported",
    }
    if name in where:
        from importlib import import_module

        return getattr(import_module(where[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ALIASES",
    "REGISTRY",
    "AudioExcitementDetector",
    "CommentaryDetector",
    "Detector",
    "DetectorSpec",
    "FusionDetector",
    "LearnedDetector",
    "PredictionsDetector",
    "canonical_name",
    "get_detector",
    "list_detectors",
]

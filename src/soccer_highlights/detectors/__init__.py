"""Detectors turn a half into a score curve; segments and reels are built from any of them."""

from soccer_highlights.detectors.base import Detector, HalfSource, ScoreCurve
from soccer_highlights.detectors.excitement import AudioExcitementDetector

__all__ = ["AudioExcitementDetector", "Detector", "HalfSource", "ScoreCurve"]

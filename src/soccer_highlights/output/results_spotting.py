"""Our class-agnostic score curves as SoccerNet predictions, so ``evaluate`` (or any SoccerNet tool)
can score our detectors with the field's own metric."""

from __future__ import annotations

from collections.abc import Iterable

from soccer_highlights.config import ExportConfig
from soccer_highlights.core import ScoreCurve
from soccer_highlights.segments import find_peaks, suppress_non_maxima
from soccer_highlights.soccernet.predictions import Prediction


def predictions_from_curves(
    curves: Iterable[ScoreCurve], classes: Iterable[str], config: ExportConfig | None = None
) -> list[Prediction]:
    """Each peak (after non-maximum suppression) becomes one prediction per highlight class with the
    peak's score as confidence, so SoccerNet's per-class metric scores our detector on every
    highlight class it is meant to find."""
    config = config or ExportConfig()
    labels = sorted(classes)
    out = []
    for curve in curves:
        for peak in suppress_non_maxima(find_peaks(curve, config.min_score), config.nms_window_s):
            out += [Prediction(curve.half, peak.time_s, label, peak.score) for label in labels]
    return out

"""Any spotting model's ``results_spotting.json`` as a detector, so its predictions become a reel
through the same segment code as ours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from soccer_highlights.detectors.base import HalfSource, ProgressFn, ScoreCurve
from soccer_highlights.evaluation.predictions import Prediction

DEFAULT_CLASS_WEIGHTS: Mapping[str, float] = {
    "Goal": 1.0,
    "Penalty": 1.0,
    "Shots on target": 0.8,
    "Shots off target": 0.6,
}
"""Goals and penalties first when a length budget must choose; every highlight class still counts."""


class PredictionsDetector:
    """Scores each half with the weighted confidences of the predictions of the chosen classes.

    The curve holds, in the bin of each prediction, ``weight[label] * confidence`` (the highest when
    several share a bin): a spike per spotted action. The segment code then suppresses near
    duplicates (a goal is often also predicted as a shot) and pads the spike on both sides, which
    is what absorbs a spotter's timing error of a few seconds.
    """

    name = "imported-predictions"

    def __init__(
        self,
        predictions: Sequence[Prediction],
        class_weights: Mapping[str, float] | None = None,
        hop_s: float = 0.5,
    ):
        self.predictions = list(predictions)
        self.class_weights = dict(class_weights or DEFAULT_CLASS_WEIGHTS)
        self.hop_s = hop_s

    def score_half(self, source: HalfSource, progress: ProgressFn | None = None) -> ScoreCurve:
        n_bins = max(1, int(np.ceil(source.duration_s / self.hop_s)))
        scores = np.zeros(n_bins, dtype=np.float32)
        for pred in self.predictions:
            weight = self.class_weights.get(pred.label, 0.0)
            if pred.half != source.half or weight <= 0:
                continue
            i = min(n_bins - 1, max(0, int(pred.time_s / self.hop_s)))
            scores[i] = max(scores[i], float(np.clip(weight * pred.confidence, 0.0, 1.0)))
        if progress:
            progress(source.duration_s)
        return ScoreCurve(source.half, self.hop_s, scores, source.duration_s, self.name)

    def last_time_s(self, half: int) -> float:
        return max((p.time_s for p in self.predictions if p.half == half), default=0.0)


def parse_class_weights(text: str) -> dict[str, float]:
    """``"Goal=1,Shots on target=0.8"`` (a class without ``=w`` weighs 1)."""
    from soccer_highlights.soccernet.classes import parse_class_list

    weights: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, value = part.partition("=")
        parse_class_list(name)
        try:
            weights[name.strip()] = float(value) if value else 1.0
        except ValueError:
            raise ValueError(f"class weight {part!r} is not NAME=NUMBER") from None
    if not weights:
        raise ValueError("no class weights given")
    return weights

"""Any spotting model's ``results_spotting.json`` as a detector, so its predictions become a reel
through the same segment code as ours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from soccer_highlights.config import EDGE_TOLERANCE_S, IMPORTED_SEGMENTS, PredictionsConfig
from soccer_highlights.core import Half, Moment, ProgressFn, ScoreCurve
from soccer_highlights.errors import ConfigError
from soccer_highlights.fileio import sha1_of_file
from soccer_highlights.soccernet.classes import parse_class_list
from soccer_highlights.soccernet.predictions import Prediction, load_predictions


class PredictionsDetector:
    """Scores each half with the weighted confidences of the predictions of the chosen classes.

    The curve holds, in the bin of each prediction, ``weight[label] * confidence`` (the highest when
    several share a bin): a spike per spotted action. The segment code then suppresses near
    duplicates (a goal is often also predicted as a shot) and pads the spike on both sides, which
    is what absorbs a spotter's timing error of a few seconds. Each bin's highest-weighted
    prediction is also a :class:`Moment` of its class, so a segment is named by the spotter's
    class at its peak (``Goal``, ``Shots on target``), not ``Highlight``.
    """

    name = "imported-predictions"
    segment_defaults = IMPORTED_SEGMENTS

    def __init__(
        self,
        predictions: Sequence[Prediction],
        class_weights: Mapping[str, float] | None = None,
        config: PredictionsConfig | None = None,
        source: Path | None = None,
    ):
        self.predictions = list(predictions)
        base = config or PredictionsConfig()
        self.config = base if class_weights is None else PredictionsConfig(dict(class_weights), base.hop_s)
        self.source = source
        """The file the predictions came from, where they came from one."""

    @classmethod
    def from_file(cls, path: str | Path, class_weights: Mapping[str, float] | None = None) -> PredictionsDetector:
        path = Path(path)
        return cls(load_predictions(path), class_weights, source=path)

    @property
    def class_weights(self) -> Mapping[str, float]:
        return self.config.class_weights

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, **asdict(self.config), "n_predictions": len(self.predictions)}
        if self.source is not None:
            out |= {"predictions_file": str(self.source), "predictions_sha1": sha1_of_file(self.source)}
        return out

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        hop_s = self.config.hop_s
        n_bins = max(1, int(np.ceil(half.duration_s / hop_s)))
        scores = np.zeros(n_bins, dtype=np.float32)
        best: dict[int, Moment] = {}
        outside = 0
        for pred in self.predictions:
            weight = self.class_weights.get(pred.label, 0.0)
            if pred.half != half.half or weight <= 0:
                continue
            if not 0.0 <= pred.time_s <= half.duration_s + EDGE_TOLERANCE_S:
                outside += 1  # a spotter's timing past the video cannot be cut
                continue
            i = min(n_bins - 1, int(pred.time_s / hop_s))
            weighted = float(np.clip(weight * pred.confidence, 0.0, 1.0))
            scores[i] = max(scores[i], weighted)
            if i not in best or weighted > best[i].confidence:  # the bin's class: its highest-weighted
                best[i] = Moment(half.half, pred.time_s, pred.label, weighted)
        if progress:
            progress(half.duration_s)
        notes = ()
        if outside:
            notes = (
                f"half {half.half}: {outside} prediction(s) outside the video's 0-{half.duration_s:.1f} s were dropped",
            )
        moments = tuple(best[i] for i in sorted(best))
        return ScoreCurve(half.half, hop_s, scores, half.duration_s, self.name, notes, moments=moments)


def parse_class_weights(text: str) -> dict[str, float]:
    """``"Goal=1,Shots on target=0.8"`` (a class without ``=w`` weighs 1)."""
    weights: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, value = part.partition("=")
        parse_class_list(name)
        try:
            weights[name.strip()] = float(value) if value else 1.0
        except ValueError:
            raise ConfigError(f"class weight {part!r} is not NAME=NUMBER") from None
    if not weights:
        raise ConfigError("no class weights given")
    return weights

"""SoccerNet ``results_spotting.json``: the format every spotting model (NetVLAD++, CALF, E2E-Spot,
T-DEED, ...) writes, read and written here so their predictions and ours are interchangeable."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from soccer_highlights.atomic import atomic_write_json, read_json
from soccer_highlights.detectors.base import ScoreCurve

RESULTS_FILE = "results_spotting.json"


class PredictionsError(ValueError):
    """A predictions file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Prediction:
    half: int
    time_s: float
    label: str
    confidence: float

    @property
    def position_ms(self) -> int:
        return round(self.time_s * 1000)

    def to_json(self) -> dict:
        seconds = int(self.time_s)
        return {
            "gameTime": f"{self.half} - {seconds // 60:02d}:{seconds % 60:02d}",
            "label": self.label,
            "position": str(self.position_ms),
            "half": str(self.half),
            "confidence": str(round(self.confidence, 6)),
        }


def parse_predictions(data: object, source: str) -> list[Prediction]:
    if not isinstance(data, dict) or not isinstance(data.get("predictions"), list):
        raise PredictionsError(f"{source}: expected an object with a 'predictions' list")
    out = []
    for i, pred in enumerate(data["predictions"]):
        where = f"{source}: prediction {i}"
        try:
            half = int(pred["half"])
            position = int(str(pred["position"]).strip())
            confidence = float(pred["confidence"])
            label = str(pred["label"])
        except KeyError as exc:
            raise PredictionsError(f"{where} has no {exc.args[0]!r}") from None
        except (TypeError, ValueError):
            raise PredictionsError(f"{where}: half, position and confidence must be numbers, got {pred!r}") from None
        if half not in (1, 2):
            raise PredictionsError(f"{where}: half {half} is not 1 or 2")
        out.append(Prediction(half, position / 1000.0, label, confidence))
    return out


def load_predictions(path: str | Path) -> list[Prediction]:
    return parse_predictions(read_json(path, PredictionsError, "predictions"), str(path))


def write_predictions(path: str | Path, game_key: str, predictions: Iterable[Prediction]) -> None:
    ordered = sorted(predictions, key=lambda p: (p.half, p.time_s, p.label))
    atomic_write_json(path, {"UrlLocal": game_key, "predictions": [p.to_json() for p in ordered]})


def predictions_from_curves(
    curves: Iterable[ScoreCurve], classes: Iterable[str], min_score: float = 0.05, nms_window_s: float = 12.0
) -> list[Prediction]:
    """Our class-agnostic score curves as SoccerNet predictions.

    Each peak (after non-maximum suppression) becomes one prediction per highlight class with the
    peak's score as confidence, so SoccerNet's per-class metric scores our detector on every
    highlight class it is meant to find.
    """
    from soccer_highlights.segments import find_peaks, suppress_non_maxima

    labels = sorted(classes)
    out = []
    for curve in curves:
        for peak in suppress_non_maxima(find_peaks(curve, min_score), nms_window_s):
            out += [Prediction(curve.half, peak.time_s, label, peak.score) for label in labels]
    return out

"""SoccerNet ``results_spotting.json``: the format every spotting model (NetVLAD++, CALF, E2E-Spot,
T-DEED, ...) writes, read and written here so their predictions and ours are interchangeable."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from soccer_highlights.errors import PredictionsError
from soccer_highlights.fileio import atomic_write_json, read_json
from soccer_highlights.soccernet.classes import CLASS_INDEX, canonical_class, format_game_time

RESULTS_FILE = "results_spotting.json"


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
        return {
            "gameTime": format_game_time(self.half, self.time_s),
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
            position = float(str(pred["position"]).strip())  # "30800" or "30800.0": milliseconds either way
            confidence = float(pred["confidence"])
            label = str(pred["label"])
        except KeyError as exc:
            raise PredictionsError(f"{where} has no {exc.args[0]!r}") from None
        except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite half or position
            raise PredictionsError(f"{where}: half, position and confidence must be numbers, got {pred!r}") from None
        if not math.isfinite(position) or position < 0:
            raise PredictionsError(f"{where}: position {position} is not a time in milliseconds")
        if half not in (1, 2):
            raise PredictionsError(f"{where}: half {half} is not 1 or 2")
        if not 0.0 <= confidence <= 1.0:  # NaN fails this too
            raise PredictionsError(f"{where}: confidence {confidence} is not in [0, 1]")
        out.append(Prediction(half, position / 1000.0, canonical_class(label) or label, confidence))
    return out


def unknown_labels(predictions: Iterable[Prediction]) -> dict[str, int]:
    """Labels that are none of SoccerNet-v2's 17 classes, with their counts (SoccerNet's metric
    cannot score them: a user should hear of them, not see them vanish)."""
    counts: dict[str, int] = {}
    for p in predictions:
        if p.label not in CLASS_INDEX:
            counts[p.label] = counts.get(p.label, 0) + 1
    return counts


def load_predictions(path: str | Path) -> list[Prediction]:
    return parse_predictions(read_json(path, PredictionsError, "predictions"), str(path))


def write_predictions(path: str | Path, game_key: str, predictions: Iterable[Prediction]) -> None:
    ordered = sorted(predictions, key=lambda p: (p.half, p.time_s, p.label))
    atomic_write_json(path, {"UrlLocal": game_key, "predictions": [p.to_json() for p in ordered]})

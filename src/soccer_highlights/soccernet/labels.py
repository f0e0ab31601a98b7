"""Parse ``Labels-v2.json`` into typed events.

Times come from ``position`` (milliseconds from the start of that half's video), never from
``gameTime``: ``gameTime`` is rounded to the second and its minutes may run past 45 in stoppage
time, while ``position`` is what SoccerNet's evaluation itself uses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from soccer_highlights.errors import LabelsError
from soccer_highlights.fileio import read_json
from soccer_highlights.soccernet.classes import CLASSES_V2, DEFAULT_HIGHLIGHT_CLASSES, format_game_time

log = logging.getLogger(__name__)

_warned_labels: set[str] = set()


@dataclass(frozen=True)
class Event:
    """One annotated action."""

    half: int
    time_s: float
    """Seconds from the start of the half's video (``position`` / 1000)."""
    label: str
    team: str = "not applicable"
    visibility: str = "visible"

    @property
    def position_ms(self) -> int:
        return round(self.time_s * 1000)

    @property
    def known_class(self) -> bool:
        return self.label in CLASSES_V2


@dataclass(frozen=True)
class GameLabels:
    """All events of one game, sorted by half and time."""

    path: Path | None
    events: tuple[Event, ...]

    def of_half(self, half: int) -> list[Event]:
        return [e for e in self.events if e.half == half]

    def highlights(self, classes: Iterable[str] = DEFAULT_HIGHLIGHT_CLASSES) -> list[Event]:
        wanted = set(classes)
        return [e for e in self.events if e.label in wanted]


def _parse_half(game_time: object, where: str) -> int:
    if not isinstance(game_time, str) or " - " not in game_time:
        raise LabelsError(f"{where}: gameTime {game_time!r} is not of the form 'H - MM:SS'")
    head = game_time.split(" - ", 1)[0].strip()
    if head not in {"1", "2"}:
        raise LabelsError(f"{where}: gameTime {game_time!r} names half {head!r}, expected 1 or 2")
    return int(head)


def _parse_position_ms(position: object, where: str) -> int:
    try:
        value = int(str(position).strip())
    except (ValueError, OverflowError):
        raise LabelsError(f"{where}: position {position!r} is not a whole number of milliseconds") from None
    if value < 0:
        raise LabelsError(f"{where}: position {value} is negative")
    return value


def parse_annotations(annotations: list[dict], source: str) -> tuple[Event, ...]:
    """Turn SoccerNet annotation dicts into events; ``source`` names them in error messages."""
    events: list[Event] = []
    for i, ann in enumerate(annotations):
        where = f"{source}: annotation {i}"
        if not isinstance(ann, dict):
            raise LabelsError(f"{where} is not an object")
        for key in ("gameTime", "label", "position"):
            if key not in ann:
                raise LabelsError(f"{where} has no {key!r}")
        label = str(ann["label"])
        if label not in CLASSES_V2 and label not in _warned_labels:
            _warned_labels.add(label)
            log.warning("%s: unknown label %r kept as is (not a SoccerNet-v2 class)", source, label)
        events.append(
            Event(
                half=_parse_half(ann["gameTime"], where),
                time_s=_parse_position_ms(ann["position"], where) / 1000.0,
                label=label,
                team=str(ann.get("team", "not applicable")),
                visibility=str(ann.get("visibility", "visible")),
            )
        )
    events.sort(key=lambda e: (e.half, e.time_s))
    return tuple(events)


def load_labels(path: str | Path) -> GameLabels:
    """Read one ``Labels-v2.json``; any problem raises :class:`LabelsError` naming the file."""
    path = Path(path)
    data = read_json(path, LabelsError, "labels")
    if not isinstance(data, dict) or not isinstance(data.get("annotations"), list):
        raise LabelsError(f"{path}: expected an object with an 'annotations' list")
    return GameLabels(path=path, events=parse_annotations(data["annotations"], str(path)))


def events_to_json(events: Iterable[Event]) -> dict:
    """The inverse of :func:`load_labels`, in SoccerNet's own layout (positions as strings)."""
    return {
        "annotations": [
            {
                "gameTime": format_game_time(e.half, e.time_s),
                "label": e.label,
                "position": str(e.position_ms),
                "team": e.team,
                "visibility": e.visibility,
            }
            for e in events
        ]
    }

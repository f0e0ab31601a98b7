"""The action classes of SoccerNet-v2, in the official order of ``EVENT_DICTIONARY_V2``.

The order matters: SoccerNet's evaluation and every published model index classes by it.
"""

from __future__ import annotations

from soccer_highlights.errors import ConfigError

CLASSES_V2: tuple[str, ...] = (
    "Penalty",
    "Kick-off",
    "Goal",
    "Substitution",
    "Offside",
    "Shots on target",
    "Shots off target",
    "Clearance",
    "Ball out of play",
    "Throw-in",
    "Foul",
    "Indirect free-kick",
    "Direct free-kick",
    "Corner",
    "Yellow card",
    "Red card",
    "Yellow->red card",
)

CLASS_INDEX: dict[str, int] = {name: i for i, name in enumerate(CLASSES_V2)}
_BY_FOLDED = {" ".join(name.casefold().split()): name for name in CLASSES_V2}


def canonical_class(label: str) -> str | None:
    """The SoccerNet-v2 class a label names, matched without regard to case or spacing
    (``shots on target``, ``GOAL``), or None for a label that is none of the 17."""
    return _BY_FOLDED.get(" ".join(str(label).casefold().split()))


HIGHLIGHT_CLASSES: tuple[str, ...] = ("Goal", "Penalty", "Shots on target", "Shots off target")
"""What the seed called a highlight, most important first (default class weights and plot colours
follow this order); configurable everywhere a highlight set is taken."""

DEFAULT_HIGHLIGHT_CLASSES: frozenset[str] = frozenset(HIGHLIGHT_CLASSES)


def parse_class_list(text: str) -> frozenset[str]:
    """Parse a comma-separated class list from the command line, rejecting unknown names."""
    names = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(names - set(CLASSES_V2))
    if unknown:
        raise ConfigError(f"unknown SoccerNet-v2 class(es) {unknown}; known: {', '.join(CLASSES_V2)}")
    if not names:
        raise ConfigError("the class list is empty")
    return names


def format_game_time(half: int, time_s: float) -> str:
    """SoccerNet's ``gameTime`` ("H - MM:SS", minutes past 45 in stoppage time) of a time in a half."""
    seconds = int(time_s)
    return f"{half} - {seconds // 60:02d}:{seconds % 60:02d}"

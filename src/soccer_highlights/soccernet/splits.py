"""SoccerNet's official game splits (train 300, valid 100, test 100, challenge 50).

The lists come from the ``SoccerNet`` pip package (MIT licence), so that splitting by game gives
the official split without that package or the network.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

SPLITS = ("train", "valid", "test", "challenge")


@cache
def official_splits() -> dict[str, frozenset[str]]:
    text = resources.files("soccer_highlights.soccernet").joinpath("data/splits.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return {name: frozenset(data[name]) for name in SPLITS}


def split_of(game_key: str) -> str | None:
    """The official split of a ``league/season/game`` key, or None for games outside SoccerNet."""
    for name, games in official_splits().items():
        if game_key in games:
            return name
    return None

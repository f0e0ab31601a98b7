"""SoccerNet's on-disk world: game folders, ``Labels-v2.json`` events and the 17 action classes."""

from soccer_highlights.soccernet.classes import CLASSES_V2, DEFAULT_HIGHLIGHT_CLASSES
from soccer_highlights.soccernet.labels import Event, GameLabels, load_labels
from soccer_highlights.soccernet.layout import Game, find_games, game_from_dir

__all__ = [
    "CLASSES_V2",
    "DEFAULT_HIGHLIGHT_CLASSES",
    "Event",
    "Game",
    "GameLabels",
    "find_games",
    "game_from_dir",
    "load_labels",
]

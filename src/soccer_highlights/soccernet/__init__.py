"""SoccerNet's on-disk world: game folders, ``Labels-v2.json`` events, ``results_spotting.json``
predictions, the 17 action classes and the official splits."""

from soccer_highlights.soccernet.classes import CLASSES_V2, DEFAULT_HIGHLIGHT_CLASSES, HIGHLIGHT_CLASSES
from soccer_highlights.soccernet.labels import Event, GameLabels, load_labels
from soccer_highlights.soccernet.layout import Game, find_games, game_from_dir
from soccer_highlights.soccernet.predictions import RESULTS_FILE, Prediction, load_predictions, write_predictions

__all__ = [
    "CLASSES_V2",
    "DEFAULT_HIGHLIGHT_CLASSES",
    "HIGHLIGHT_CLASSES",
    "RESULTS_FILE",
    "Event",
    "Game",
    "GameLabels",
    "Prediction",
    "find_games",
    "game_from_dir",
    "load_labels",
    "load_predictions",
    "write_predictions",
]

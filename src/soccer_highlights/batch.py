"""Many games at once: a SoccerNet tree in, one folder of outputs per game, nothing cut.

For each game it writes ``OUT/GAME/segments.json`` and ``timeline.png``; with our own detectors
also ``curves.json`` and ``results_spotting.json`` (each peak once per highlight class), so the
tree can be scored by ``evaluate`` like any SoccerNet spotter's output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soccer_highlights.api import Highlights, highlights
from soccer_highlights.detectors import Detector, get_detector
from soccer_highlights.detectors.imported import PredictionsDetector
from soccer_highlights.errors import InputError, SoccerHighlightsError
from soccer_highlights.fileio import atomic_write_json, refuse_overwrite
from soccer_highlights.soccernet.layout import find_games
from soccer_highlights.soccernet.predictions import RESULTS_FILE, write_predictions

CURVES_FILE = "curves.json"


@dataclass(frozen=True)
class GameResult:
    game: str
    """The ``league/season/game`` key."""
    out_dir: Path
    highlights: Highlights | None
    skipped: str | None = None
    """Why the game was not planned (no predictions file for it), or None."""
    failed: str | None = None
    """The error that stopped this game (the others go on), or None."""


def plan_tree(
    root: str | Path,
    out: str | Path,
    detector: Detector | None = None,
    predictions_root: str | Path | None = None,
    budget: dict[str, Any] | None = None,
    force: bool = False,
    on_game: Callable[[GameResult], None] | None = None,
) -> list[GameResult]:
    """Plan every game under ``root`` with ``detector`` (the audio detector by default), or with
    each game's ``results_spotting.json`` under ``predictions_root``; ``budget`` holds segment
    overrides for the reel's length (``budget_s``, ``auto_budget``; see ``config.budget_overrides``)."""
    root, out = Path(root), Path(out)
    games = find_games(root)
    if not games:
        raise InputError(f"{root}: no SoccerNet games found")
    own = predictions_root is None
    detector = detector or get_detector("audio")
    results = []
    for game in games:
        key = game.relative_to(root)
        game_out = out / key
        result = GameResult(key, game_out, None, None)
        if not own:
            pred_file = Path(predictions_root) / key / RESULTS_FILE
            if not pred_file.is_file():
                result = GameResult(key, game_out, None, f"no {RESULTS_FILE} under {predictions_root}")
            else:
                detector = PredictionsDetector.from_file(pred_file)
        if result.skipped is None:
            try:
                result = _plan_game(game.path, key, game_out, detector, own, budget, force)
            except (SoccerHighlightsError, OSError) as exc:  # one bad game must not stop a tree
                result = GameResult(key, game_out, None, failed=str(exc))
        results.append(result)
        if on_game:
            on_game(result)
    return results


def _plan_game(
    path: Path, key: str, out: Path, detector: Detector, own: bool, budget: dict[str, Any] | None, force: bool
) -> GameResult:
    if own:
        for name in (RESULTS_FILE, CURVES_FILE):
            refuse_overwrite(out / name, force)
    found = highlights(path, detector, **(budget or {}))
    found.write(out, force=force, plan_only=True)
    if own:
        write_predictions(out / RESULTS_FILE, key, found.predictions())
        atomic_write_json(out / CURVES_FILE, {"curves": [c.to_json() for c in found.curves]})
    return GameResult(key, out, found)

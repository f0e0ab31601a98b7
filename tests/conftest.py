"""Shared fixtures: real SoccerNet data from ../shared (skipped when absent) and synthetic media."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_highlights.config import SynthConfig
from soccer_highlights.synth import SynthGame, synth_game

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
LABELS_ROOT = SHARED_DATA / "soccernet-v2-labels-valid"
REAL_CLIPS = SHARED_DATA / "real-clips"


@pytest.fixture(scope="session")
def labels_root() -> Path:
    if not LABELS_ROOT.is_dir():
        pytest.skip(f"real SoccerNet labels not found at {LABELS_ROOT}")
    return LABELS_ROOT


@pytest.fixture(scope="session")
def real_clips() -> Path:
    if not REAL_CLIPS.is_dir():
        pytest.skip(f"real broadcast clips not found at {REAL_CLIPS}")
    return REAL_CLIPS


@pytest.fixture(scope="session")
def synthetic_games(tmp_path_factory: pytest.TempPathFactory) -> list[SynthGame]:
    """Two synthetic games with 4-minute halves: 16 minutes of match, about 8 highlights."""
    root = tmp_path_factory.mktemp("synthetic")
    cfg = SynthConfig(minutes=4.0)
    return [synth_game(root / f"game{i}", cfg, seed=100 + i) for i in range(2)]

"""Shared fixtures: real SoccerNet data from ../shared (skipped when absent) and synthetic media."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from soccer_highlights.synth import SynthConfig, SynthGame, synth_game

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
LABELS_ROOT = SHARED_DATA / "soccernet-v2-labels-valid"
REAL_CLIPS = SHARED_DATA / "real-clips"


@pytest.fixture(scope="session", autouse=True)
def private_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Exported backbones go to a cache of the test session's own, not the user's."""
    cache = tmp_path_factory.mktemp("model-cache")
    before = os.environ.get("SOCCER_HIGHLIGHTS_CACHE")
    os.environ["SOCCER_HIGHLIGHTS_CACHE"] = str(cache)
    yield cache
    if before is None:
        del os.environ["SOCCER_HIGHLIGHTS_CACHE"]
    else:
        os.environ["SOCCER_HIGHLIGHTS_CACHE"] = before


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


JOINED_CLIPS = ("clip0", "clip12", "clip26", "clip29", "clip30")
"""The Arsenal clips of one half in match order; the goal is about 1 s into clip30."""


@pytest.fixture(scope="session")
def joined_real_clips(real_clips: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple]]:
    """The five real clips joined into one real stream (stream copy), and each clip's span in it."""
    from soccer_highlights.media.cut import concat_copy
    from soccer_highlights.media.probe import probe

    sources = [real_clips / f"arsenal-anderlecht-2014-h1-{name}.mkv" for name in JOINED_CLIPS]
    joined = tmp_path_factory.mktemp("real") / "joined.mkv"
    concat_copy(sources, joined)
    spans, start = {}, 0.0
    for name, source in zip(JOINED_CLIPS, sources, strict=True):
        length = probe(source).duration_s
        spans[name] = (start, start + length)
        start += length
    return joined, spans


@pytest.fixture(scope="session")
def board():
    """The scoreboard detector (its OCR models loaded once for the session)."""
    import soccer_highlights as sh

    return sh.get_detector("scoreboard")

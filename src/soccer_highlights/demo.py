"""``make demo``: a synthetic match in, a reel out, and how many highlight events it caught."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from soccer_highlights.config import Settings, SynthConfig
from soccer_highlights.detectors.excitement import AudioExcitementDetector
from soccer_highlights.evaluation.coverage import event_coverage
from soccer_highlights.pipeline import make_reel, resolve_input
from soccer_highlights.soccernet.classes import DEFAULT_HIGHLIGHT_CLASSES
from soccer_highlights.soccernet.layout import LABELS_FILE
from soccer_highlights.synth import synth_game

DEMO_MINUTES = 5.0
DEMO_SEED = 7


def run_demo(work_dir: Path, console: Console | None = None) -> dict[str, float]:
    """Generate (once) a synthetic game under ``work_dir`` and make its reel; returns the numbers."""
    console = console or Console()
    game_dir = work_dir / "data" / "synthetic-league" / "2026-2027" / "demo-game"
    if not (game_dir / LABELS_FILE).exists():
        console.print(f"generating a synthetic match ({DEMO_MINUTES:g} min halves) in {game_dir} ...")
        synth_game(game_dir, SynthConfig(minutes=DEMO_MINUTES), seed=DEMO_SEED)
    match = resolve_input(game_dir)
    settings = Settings()
    console.print("scoring with the training-free audio-excitement detector and cutting the reel ...")
    outcome = make_reel(match, work_dir / "reel", AudioExcitementDetector(), settings, force=True)
    assert match.labels is not None
    cov = event_coverage(outcome.segments, match.labels.events, DEFAULT_HIGHLIGHT_CLASSES)
    reel_s = sum(s.duration_s for s in outcome.segments)
    share = reel_s / outcome.match_duration_s
    console.print(f"reel: {outcome.reel.path if outcome.reel else '-'} ({reel_s:.0f} s, {share:.1%} of the match)")
    console.print(f"timeline: {outcome.out_dir / 'timeline.png'}")
    console.print(f"audio-excitement detector covers {cov.covered}/{cov.total} highlight events ({cov.recall:.0%})")
    return {"coverage": cov.recall, "share_of_match": share}

"""``make demo``: synthetic matches in, reels out, and how many highlight events each detector caught.

It generates (once) a few small training games and one demo game, makes the demo game's reel with
the training-free audio detector, trains the audio-visual model on the training games (a few
minutes on a CPU), makes the reel again with it, and prints both detectors' coverage side by side.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from soccer_highlights.config import Settings, SynthConfig, TrainConfig
from soccer_highlights.detectors.excitement import AudioExcitementDetector
from soccer_highlights.detectors.learned import LearnedDetector
from soccer_highlights.evaluation.coverage import event_coverage
from soccer_highlights.pipeline import make_reel, resolve_input
from soccer_highlights.soccernet.classes import DEFAULT_HIGHLIGHT_CLASSES
from soccer_highlights.soccernet.layout import LABELS_FILE
from soccer_highlights.synth import synth_game

DEMO_MINUTES = 5.0
TRAIN_GAMES, TRAIN_MINUTES = 4, 3.0
DEMO_SEED = 7


def _ensure_game(game_dir: Path, minutes: float, seed: int, console: Console) -> None:
    if not (game_dir / LABELS_FILE).exists():
        console.print(f"generating {game_dir.name} ({minutes:g} min halves) ...")
        synth_game(game_dir, SynthConfig(minutes=minutes), seed=seed)


def run_demo(work_dir: Path, console: Console | None = None, train_model: bool = True) -> dict[str, dict[str, float]]:
    """Returns, per detector, the share of highlight events in its reel and the reel's share of the match."""
    console = console or Console()
    demo_game = work_dir / "data" / "demo" / "synthetic-league" / "2026-2027" / "demo-game"
    _ensure_game(demo_game, DEMO_MINUTES, DEMO_SEED, console)
    match = resolve_input(demo_game)
    assert match.labels is not None
    detectors = [AudioExcitementDetector()]
    if train_model:
        from soccer_highlights.model.train import train

        train_root = work_dir / "data" / "train"
        for i in range(TRAIN_GAMES):
            _ensure_game(train_root / "synthetic-league" / "2026-2027" / f"train-{i}", TRAIN_MINUTES, 100 + i, console)
        console.print("training the audio-visual model on the training games (features are cached) ...")
        result = train(train_root, work_dir / "model.ckpt", TrainConfig(max_epochs=20), force=True, progress_bar=False)
        console.print(f"best validation AP {result.best_val_ap:.3f}; checkpoint {result.checkpoint}")
        detectors.append(LearnedDetector(result.checkpoint))
    table = Table(title=f"{len(match.labels.highlights())} highlight events in {demo_game.name}")
    for col in ("detector", "events covered", "reel length", "share of match", "reel"):
        table.add_column(col)
    numbers: dict[str, dict[str, float]] = {}
    for detector in detectors:
        console.print(f"reel with {detector.name} ...")
        outcome = make_reel(match, work_dir / f"reel-{detector.name}", detector, Settings(), force=True)
        cov = event_coverage(outcome.segments, match.labels.events, DEFAULT_HIGHLIGHT_CLASSES)
        reel_s = sum(s.duration_s for s in outcome.segments)
        share = reel_s / outcome.match_duration_s
        numbers[detector.name] = {"coverage": cov.recall, "share_of_match": share}
        path = str(outcome.reel.path) if outcome.reel else "-"
        table.add_row(
            detector.name, f"{cov.covered}/{cov.total} ({cov.recall:.0%})", f"{reel_s:.0f} s", f"{share:.1%}", path
        )
    console.print(table)
    return numbers

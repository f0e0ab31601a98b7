"""``make demo``: synthetic matches in, reels out, and how many highlight events each detector caught.

It generates (once) a few small training games and one demo game, makes the demo game's reel with
the training-free audio detector, trains the audio-visual model on the training games (a few
minutes on a CPU), makes the reel again with it, and prints both detectors' coverage side by side.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from soccer_highlights.api import highlights, open_match
from soccer_highlights.audiovisual.config import TrainConfig
from soccer_highlights.detectors import Detector, get_detector
from soccer_highlights.soccernet.layout import LABELS_FILE
from soccer_highlights.synth import SynthConfig, synth_game

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
    match = open_match(demo_game)
    assert match.labels is not None
    detectors: list[Detector] = [get_detector("audio")]
    if train_model:
        from soccer_highlights.audiovisual.train import train

        train_root = work_dir / "data" / "train"
        for i in range(TRAIN_GAMES):
            _ensure_game(train_root / "synthetic-league" / "2026-2027" / f"train-{i}", TRAIN_MINUTES, 100 + i, console)
        console.print("training the audio-visual model on the training games (features are cached) ...")
        result = train(train_root, work_dir / "model.ckpt", TrainConfig(max_epochs=20), force=True)
        console.print(f"best validation AP {result.best_val_ap:.3f}; checkpoint {result.checkpoint}")
        detectors.append(get_detector("model", checkpoint=result.checkpoint))
    table = Table(title=f"{len(match.labels.highlights())} highlight events in {demo_game.name}")
    for col in ("detector", "in the reel", "over the threshold", "reel length", "share of match", "reel"):
        table.add_column(col)
    numbers: dict[str, dict[str, float]] = {}
    for detector in detectors:
        console.print(f"reel with {detector.name} ...")
        found = highlights(match, detector)
        outputs = found.write(work_dir / f"reel-{detector.name}", force=True)
        cov, found_all = found.coverage(), found.coverage(with_left_out=True)
        assert cov is not None and found_all is not None
        numbers[detector.name] = {"coverage": cov.recall, "share_of_match": found.share_of_match}
        path = str(outputs.reel.path) if outputs.reel else "-"
        table.add_row(
            detector.name,
            f"{cov.covered}/{cov.total} ({cov.recall:.0%})",
            f"{found_all.covered}/{found_all.total}",
            f"{found.duration_s:.0f} s",
            f"{found.share_of_match:.1%}",
            path,
        )
    console.print(table)
    console.print(
        "The reel holds 4 minutes per 45 of match (--budget); 'over the threshold' counts what each detector "
        "found. Synthetic matches are test fixtures: their crowd surges at fouls are as loud as the shots."
    )
    return numbers

"""Commands that train a model: ``train`` (the audio-visual model) and ``train-commentary``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from soccer_highlights._cli.common import check_output, console, progress_bars
from soccer_highlights.audiovisual.config import DEFAULT_BACKBONE, TrainConfig, VideoFeatureSettings


def train(
    root: Annotated[Path, typer.Argument(help="A SoccerNet(-style) tree with videos and Labels-v2.json.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the best checkpoint (.ckpt).")],
    mode: Annotated[str, typer.Option(help="Training windows: short (+-3 s, default) or seed (-10 s..+5 s).")] = (
        TrainConfig.mode
    ),
    epochs: Annotated[
        int, typer.Option(help="Maximum epochs (early stopping may end sooner).")
    ] = TrainConfig.max_epochs,
    negative_ratio: Annotated[float, typer.Option(help="Non-highlight windows per highlight.")] = (
        TrainConfig.negative_ratio
    ),
    audio: Annotated[bool, typer.Option("--audio/--no-audio", help="Use the audio branch (off: ablation).")] = True,
    video: Annotated[bool, typer.Option("--video/--no-video", help="Use the video branch (off: ablation).")] = True,
    finetune_backbone: Annotated[
        bool, typer.Option(help="Train end to end on raw frames with the backbone unfrozen (slow without a GPU).")
    ] = False,
    backbone: Annotated[str, typer.Option(help="Image backbone for the features.")] = DEFAULT_BACKBONE,
    weights: Annotated[str | None, typer.Option(help="Backbone weights PATH or 'random'.")] = None,
    fps: Annotated[float, typer.Option(help="Frames per second of the features.")] = VideoFeatureSettings.fps,
    seed: Annotated[int, typer.Option(help="Random seed (windows, initialisation, order).")] = TrainConfig.seed,
    devices: Annotated[
        str, typer.Option(help="Lightning's devices: a count, 'auto', -1 for all, or a list like 0,2.")
    ] = TrainConfig.devices,
    strategy: Annotated[str, typer.Option(help="Lightning's strategy: auto, ddp, ddp_spawn, fsdp, ...")] = (
        TrainConfig.strategy
    ),
    num_nodes: Annotated[int, typer.Option(help="Machines in a multi-node run (srun/torchrun).")] = (
        TrainConfig.num_nodes
    ),
    precision: Annotated[str, typer.Option(help="32-true, 16-mixed, bf16-mixed, ...")] = TrainConfig.precision,
    force: Annotated[bool, typer.Option(help="Replace an existing checkpoint.")] = False,
) -> None:
    """Train the audio-visual highlight model with PyTorch Lightning on cached features.

    Validation is split by game (SoccerNet's official split for SoccerNet games); the checkpoint with
    the best validation AP is kept; a CSV log goes next to it. The checkpoint carries its feature
    settings, so `reel --model` and `detect` compute exactly the features it was trained on.
    """
    from soccer_highlights.audiovisual.reporting import EpochReport
    from soccer_highlights.audiovisual.train import train as run_training
    from soccer_highlights.runtime.device import choose_device

    config = TrainConfig(
        mode=mode,
        max_epochs=epochs,
        negative_ratio=negative_ratio,
        seed=seed,
        use_audio=audio,
        use_video=video,
        finetune_backbone=finetune_backbone,
        devices=devices,
        strategy=strategy,
        num_nodes=num_nodes,
        precision=precision,
    )
    with progress_bars() as bar:
        task = bar.add_task("training", total=config.max_epochs)

        def on_epoch(report: EpochReport) -> None:
            bar.update(
                task,
                completed=report.epoch + 1,
                description=f"epoch {report.epoch + 1}: loss {report.train_loss:.3f}, "
                f"val loss {report.val_loss:.3f}, val AP {report.val_ap:.3f} (best {report.best_val_ap:.3f})",
            )

        result = run_training(
            root,
            out,
            config,
            VideoFeatureSettings(backbone, weights, fps),
            force=force,
            device=choose_device(),
            on_half=lambda key, half: bar.console.print(f"features: {key} half {half}"),
            on_epoch=on_epoch,
        )
        bar.update(task, total=bar.tasks[task].completed)
    console.print(
        f"trained on {len(result.train_games)} games ({result.n_train} windows), validated on "
        f"{len(result.val_games)} ({result.n_val} windows): best validation AP {result.best_val_ap:.3f}"
    )
    console.print(f"log: {result.log_dir / 'metrics.csv'}")
    print(result.checkpoint)


def train_commentary(
    labels: Annotated[Path, typer.Argument(help="A tree of Labels-v2.json (SoccerNet layout).")],
    transcripts: Annotated[
        Path, typer.Argument(help="The same games' {1,2}_asr.json (e.g. SoccerNet-Echoes' whisper_v3/).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the spotter's weights (.npz).")],
    folds: Annotated[
        int, typer.Option(help="Game-level cross-validation folds before the final fit (0: none).", min=0)
    ] = 5,
    repeats: Annotated[
        int, typer.Option(help="Cross-validation repeated over this many independent draws of the folds.", min=1)
    ] = 3,
    report: Annotated[Path | None, typer.Option(help="Write the cross-validation report (JSON) here.")] = None,
    classes: Annotated[
        str,
        typer.Option(help="The classes to spot, comma-separated (a subset of the six trains faster)."),
    ] = "Goal,Penalty,Shots on target,Shots off target,Yellow card,Red card",
    more: Annotated[
        list[str] | None,
        typer.Option(
            "--more",
            help="Another split's LABELS,TRANSCRIPTS roots to train on too (repeatable; e.g. train beside valid).",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option(help="A game (league/season/game) to leave out (repeatable).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace existing --out and --report files.")] = False,
) -> None:
    """Train the commentary spotter on real commentary: transcripts and SoccerNet labels of many games.

    Cross-validated by game with SoccerNet's Average-mAP (loose and tight, per class; repeated
    draws of the folds, their mean and spread) on all but one game in seven, the held-out games
    then scored once, beside a goal-word floor; finally fitted on every game. `detect --detector
    commentary` uses the shipped weights; a model trained here is used with get_detector("commentary", weights=PATH).
    """
    import json

    from soccer_highlights.commentary.cv import train_and_validate
    from soccer_highlights.fileio import atomic_write_json

    check_output(out, ".npz", force)
    check_output(report, ".json", force)
    from soccer_highlights.commentary.model import CLASSES
    from soccer_highlights.errors import ConfigError

    chosen = tuple(c.strip() for c in classes.split(",") if c.strip())
    if not chosen or not set(chosen) <= set(CLASSES):
        raise ConfigError(f"--classes: choose among {', '.join(CLASSES)}; got {classes!r}")
    pairs = [tuple(Path(p) for p in pair.split(",")) for pair in more or ()]
    if any(len(pair) != 2 for pair in pairs):
        raise ConfigError(f"--more takes LABELS,TRANSCRIPTS (two folders and a comma); got {more!r}")
    weights, result = train_and_validate(
        labels,
        transcripts,
        folds,
        repeats,
        on_data=lambda halves, games: console.print(f"{halves} halves of {games} games"),
        on_step=console.print,
        classes=tuple(c for c in CLASSES if c in chosen),
        more=pairs,
        exclude=tuple(exclude or ()),
    )
    if result is not None:
        summary = {k: result.get(k) for k in ("cross_validation", "held_out", "word_list_floor_goal")}
        console.print(json.dumps(summary))
        if report:
            atomic_write_json(report, result)
    weights.save(out)
    print(out)

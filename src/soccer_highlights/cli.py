"""The command line: parse, call the library, report.

Each command imports what it needs when it runs, so ``--help``, ``version`` and the training-free
``reel`` never load PyTorch. The tool's own errors (:class:`SoccerHighlightsError`) print as one
line and exit with 2 (``-v`` adds the traceback); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from soccer_highlights import __version__
from soccer_highlights.config import (
    DEFAULT_BACKBONE,
    SynthConfig,
    TrainConfig,
    VideoFeatureSettings,
    budget_overrides,
)
from soccer_highlights.errors import ConfigError, InputError, NothingToCutError, SoccerHighlightsError
from soccer_highlights.fileio import OutputLock
from soccer_highlights.soccernet.classes import DEFAULT_HIGHLIGHT_CLASSES

if TYPE_CHECKING:
    from soccer_highlights.api import Highlights, ProgressCallback
    from soccer_highlights.detectors import Detector

app = typer.Typer(
    name="soccer-highlights",
    help="Turn full soccer match broadcasts into highlight reels, and measure how good they are.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console(stderr=True)
_verbose = False
HIGHLIGHT_CLASS_LIST = ",".join(sorted(DEFAULT_HIGHLIGHT_CLASSES))


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def _per_video(bar: Progress, describe: Callable[[str], str]) -> Callable[[str, float, float], None]:
    """A bar per video, made when the video's first progress comes: ``(video, done_s, total_s)``."""
    tasks: dict[str, int] = {}

    def on_seconds(video: str, done: float, total: float) -> None:
        if video not in tasks:
            tasks[video] = bar.add_task(describe(video), total=total)
        bar.update(tasks[video], completed=done)

    return on_seconds


def _each_half_video(
    describe: Callable[[str], str],
    done_message: Callable[[Any], str | None],
    run: Callable[[Callable[[Any], None], Callable[[str, float, float], None]], list],
) -> None:
    """A batch over half videos: a bar per video and one overall, a line per video done, and the
    failures listed at the end (exit 1) while the other videos are still done."""
    with _progress() as bar:
        overall = bar.add_task("half videos", total=None)

        def on_video(result) -> None:
            if result.failed:
                bar.console.print(f"[red]{escape(result.video)}: failed: {escape(result.failed)}", soft_wrap=True)
            elif message := done_message(result):
                bar.console.print(message)
            bar.advance(overall)

        results = run(on_video, _per_video(bar, describe))
    _report_failures([(r.video, r.failed) for r in results if r.failed], len(results), "half videos")


def _progress_callback(bar: Progress) -> ProgressCallback:
    tasks: dict[str, int] = {}

    def on_progress(stage: str, done: float, total: float) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return on_progress


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@app.callback()
def _root(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what each stage does; show tracebacks.")
    ] = False,
) -> None:
    global _verbose
    _verbose = verbose
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
def version() -> None:
    """Print the version."""
    print(__version__)


@app.command()
def synth(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the SoccerNet-style tree into.")],
    games: Annotated[int, typer.Option(help="How many games.", min=1)] = 1,
    minutes: Annotated[float, typer.Option(help="Length of each half, in minutes.")] = SynthConfig.minutes,
    seed: Annotated[int, typer.Option(help="Same seed, same labels and pictures.")] = 0,
    encoding: Annotated[
        str,
        typer.Option(
            help="'quick' (x264 ultrafast, fast to make) or 'broadcast' (H.264 High with B-frames at "
            "about 500 kb/s, decoding like SoccerNet's 224p files)."
        ),
    ] = SynthConfig.encoding,
    force: Annotated[bool, typer.Option(help="Replace games that already exist.")] = False,
) -> None:
    """Write synthetic matches (H.264 + AAC MKV halves and Labels-v2.json) for tests and demos.

    Highlight events come with a crowd roar, a camera move to the goal and a close-up; other events
    with a whistle; distractors (chants, close-ups) with no event at all.
    """
    from soccer_highlights.synth import synth_games

    cfg = SynthConfig(minutes=minutes, encoding=encoding)
    with _progress() as bar:
        task = bar.add_task("encoding games", total=games)
        for game in synth_games(out_dir, games, cfg, seed, force=force):
            n_high = sum(len(p.highlights) for p in game.plans)
            bar.console.print(f"wrote {game.path} ({n_high} highlight events)")
            bar.advance(task)


def _with_commentary(video: Path, detector: Detector, asr_model: str) -> Detector:
    """The detector fused with the commentary spotter, after transcribing the halves that need it."""
    from soccer_highlights.batch import transcribe_tree
    from soccer_highlights.detectors import get_detector
    from soccer_highlights.detectors.fusion import FusionDetector

    with _progress() as bar:
        on_seconds = _per_video(bar, lambda name: f"transcribing {Path(name).name}")
        results = transcribe_tree(video, asr_model, on_seconds=on_seconds)
    failed = [r for r in results if r.failed]
    if failed:
        raise InputError(f"{failed[0].video}: could not be transcribed: {failed[0].failed}")
    return FusionDetector([detector, get_detector("commentary")])


def _choose_detector(model: Path | None, predictions: Path | None, class_weights: str | None) -> Detector:
    from soccer_highlights.detectors import get_detector
    from soccer_highlights.detectors.imported import parse_class_weights

    if model is not None and predictions is not None:
        raise ConfigError("--model and --predictions are two detectors: choose one")
    if class_weights is not None and predictions is None:
        raise ConfigError("--class-weights weighs imported predictions: it needs --predictions")
    if model is not None:
        return get_detector("model", checkpoint=model, device=_device())
    if predictions is not None:
        weights = parse_class_weights(class_weights) if class_weights else None
        return get_detector("predictions", path=predictions, class_weights=weights)
    return get_detector("audio")


@app.command()
def reel(
    video: Annotated[Path, typer.Argument(help="A match video, or a SoccerNet game folder (both halves, in order).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for reel.mp4, segments.json, timeline.png.")],
    labels: Annotated[
        Path | None, typer.Option(help="Labels-v2.json: events on the timeline and coverage in the summary.")
    ] = None,
    predictions: Annotated[
        Path | None,
        typer.Option(
            help="A results_spotting.json from any SoccerNet spotting model, used instead of the audio detector."
        ),
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="A checkpoint from `train`: the audio-visual model scores the match.")
    ] = None,
    class_weights: Annotated[
        str | None,
        typer.Option(help="With --predictions: which classes count and how much, e.g. 'Goal=1,Shots on target=0.7'."),
    ] = None,
    segments: Annotated[
        Path | None,
        typer.Option(
            help="Cut exactly the segments of this file (segments.edited.json, as review.html saves it): "
            "nothing is scored; each segment is checked against the video's halves and length."
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Minimum peak score in [0, 1] [0.5; 0.3 with --predictions].", show_default=False),
    ] = None,
    pad_before: Annotated[
        float | None,
        typer.Option(help="Seconds kept before each peak [8; 10 with --predictions].", show_default=False),
    ] = None,
    pad_after: Annotated[
        float | None,
        typer.Option(help="Seconds kept after each peak [4; 6 with --predictions].", show_default=False),
    ] = None,
    nms_window: Annotated[
        float | None,
        typer.Option(
            help="Of two peaks closer than this (s), keep the higher [12; 15 with --predictions].",
            show_default=False,
        ),
    ] = None,
    merge_gap: Annotated[
        float | None,
        typer.Option(help="Join segments closer than this (s) [2; 4 with --predictions].", show_default=False),
    ] = None,
    budget: Annotated[
        str,
        typer.Option(
            help="Reel length: 'auto' (4 minutes per 45 minutes of match, at least 30 s), 'none' (every "
            "segment over the threshold) or SECONDS. The best-scoring segments of the whole match are kept."
        ),
    ] = "auto",
    classes: Annotated[
        str, typer.Option(help="Highlight classes counted in the coverage summary (comma-separated).")
    ] = HIGHLIGHT_CLASS_LIST,
    plan_only: Annotated[
        bool,
        typer.Option(help="Write segments.json and timeline.png, cut nothing (works on label trees, no video)."),
    ] = False,
    commentary: Annotated[
        bool,
        typer.Option(
            help="Also listen to what the commentators say: transcribe (unless {1,2}_asr.json lies beside the "
            "video) and fuse the commentary spotter's curve with the sound's (or --model's)."
        ),
    ] = False,
    asr_model: Annotated[str, typer.Option(help="With --commentary: base, tiny.en or a model folder.")] = "base",
    force: Annotated[bool, typer.Option(help="Replace existing outputs in --out.")] = False,
) -> None:
    """Make a highlight reel from a match video: reel.mp4, segments.json, timeline.png, review.html.

    By default the training-free audio-excitement detector scores the match; --model uses a model
    trained with `train`, and --predictions a SoccerNet spotting model's results_spotting.json.
    Open review.html in a browser to check the segments, keep or drop them and save
    segments.edited.json; --segments then cuts exactly those.

    Example: soccer-highlights reel "game/" --out reel_out --budget 300
    """
    from soccer_highlights.api import check_outputs, highlights
    from soccer_highlights.soccernet.classes import parse_class_list

    highlight_classes = parse_class_list(classes)
    if segments is not None:
        if model is not None or predictions is not None:
            raise ConfigError("--segments cuts a saved list: it takes no --model or --predictions")
        from soccer_highlights.api import highlights_from_segments

        with OutputLock(out), _progress() as bar:
            check_outputs(out, force, plan_only)
            found = highlights_from_segments(video, segments, labels)
            outputs = found.write(out, force=force, plan_only=plan_only, progress=_progress_callback(bar))
        if not found.segments:
            raise NothingToCutError(f"{segments}: the list has no segments to cut")
        _print_summary(found, highlight_classes)
        print(outputs.reel.path if outputs.reel else outputs.segments)
        return
    detector = _choose_detector(model, predictions, class_weights)
    if commentary:
        detector = _with_commentary(video, detector, asr_model)
    given = {
        "threshold": threshold,
        "pad_before_s": pad_before,
        "pad_after_s": pad_after,
        "nms_window_s": nms_window,
        "merge_gap_s": merge_gap,
    }
    overrides = {k: v for k, v in given.items() if v is not None} | budget_overrides(budget)
    with OutputLock(out), _progress() as bar:  # held from the start: a second run fails before scoring
        check_outputs(out, force, plan_only)
        on_progress = _progress_callback(bar)
        found = highlights(video, detector, labels=labels, progress=on_progress, **overrides)
        outputs = found.write(out, force=force, plan_only=plan_only, progress=on_progress)
    for warning in found.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    if not found.segments:
        raise NothingToCutError(f"{video}: nothing to cut: {found.why_empty()} ({outputs.timeline})")
    _print_summary(found, highlight_classes)
    print(outputs.reel.path if outputs.reel else outputs.segments)


def _print_summary(found: Highlights, highlight_classes: frozenset[str]) -> None:
    table = Table(
        title=f"{len(found.segments)} segments, {found.duration_s:.0f} s ({found.share_of_match:.1%} of the match)"
    )
    for col in ("half", "start", "end", "peak", "score"):
        table.add_column(col, justify="right")
    for seg in found.segments:
        table.add_row(str(seg.half), _mmss(seg.start_s), _mmss(seg.end_s), _mmss(seg.peak_s), f"{seg.score:.2f}")
    console.print(table)
    if found.left_out:
        scores = ", ".join(f"{s.score:.2f}" for s in sorted(found.left_out, key=lambda s: -s.score)[:5])
        console.print(
            f"{len(found.left_out)} more segment(s) over the threshold left out: the reel is held to "
            f"{found.budget_s:.0f} s (their scores: {scores}{', ...' if len(found.left_out) > 5 else ''}); "
            "--budget none keeps them all"
        )
    coverage = found.coverage(highlight_classes)
    if coverage is not None:
        console.print(f"highlight events covered: {coverage.covered}/{coverage.total} ({coverage.recall:.0%})")


def _check_output(path: Path | None, suffix: str, force: bool) -> None:
    """An output file named for what it holds, replaced only with --force, checked before any work."""
    from soccer_highlights.fileio import refuse_overwrite

    if path is None:
        return
    if path.suffix.lower() != suffix:
        raise ConfigError(f"{path}: this output is {suffix[1:].upper()}; give a file name ending in {suffix}")
    refuse_overwrite(path, force)


def _report_failures(failures: list[tuple[str, str]], total: int, what: str) -> None:
    """After a batch: every failure listed once more, and a non-zero exit if there was any."""
    if not failures:
        return
    console.print(f"[red]{len(failures)} of {total} {what} failed:[/]")
    for name, error in failures:
        console.print(f"  {escape(name)}: {escape(error)}", soft_wrap=True)
    raise typer.Exit(code=1)


def _mmss(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


RayOption = Annotated[
    str | None,
    typer.Option(
        "--ray",
        help="Run each game (or half) as a Ray task: 'local' (a cluster on this machine), 'auto', or ray://HOST:PORT. "
        "Needs pip install 'soccer-highlights[cluster]'.",
        show_default=False,
    ),
]
CpusOption = Annotated[float, typer.Option(help="With --ray: CPUs per task.")]
GpusOption = Annotated[float, typer.Option(help="With --ray: GPUs per task (e.g. 0.5 shares a GPU).")]


def _cluster(address: str | None, cpus: float, gpus: float):
    if address is None:
        return None
    from soccer_highlights.cluster import ClusterConfig, import_ray

    import_ray()  # says how to install it before any work
    return ClusterConfig(address=address, cpus_per_task=cpus, gpus_per_task=gpus)


@app.command()
def plan(
    root: Annotated[Path, typer.Argument(help="A SoccerNet tree (videos, or labels only with --predictions).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output tree: GAME/segments.json, timeline.png.")],
    predictions: Annotated[
        Path | None,
        typer.Option(help="A tree of results_spotting.json (GAME/results_spotting.json) to plan from."),
    ] = None,
    model: Annotated[Path | None, typer.Option(help="A checkpoint from `train` to plan with.")] = None,
    budget: Annotated[str, typer.Option(help="Reel length per game: 'auto', 'none' or SECONDS.")] = "auto",
    force: Annotated[bool, typer.Option(help="Replace existing outputs.")] = False,
    ray: RayOption = None,
    cpus_per_task: CpusOption = 1.0,
    gpus_per_task: GpusOption = 0.0,
) -> None:
    """Plan the reel of every game in a tree, without cutting video: segments.json per game.

    With our own detectors (audio, or --model) it also writes curves.json and results_spotting.json
    per game (each peak once per highlight class), so `evaluate` can score them with SoccerNet's metric.
    A game that fails is listed at the end (exit 1); the others are planned.
    """
    from soccer_highlights.batch import plan_tree

    if model is not None and predictions is not None:
        raise ConfigError("--model and --predictions are two detectors: choose one")
    cluster = _cluster(ray, cpus_per_task, gpus_per_task)
    detector, options = "audio", {}
    if model is not None:
        device = "cuda" if gpus_per_task > 0 else ("cpu" if cluster is not None else _device())
        detector, options = "model", {"checkpoint": str(model.resolve()), "device": device}
    with _progress() as bar:
        task = bar.add_task("planning games", total=None)

        def on_game(result) -> None:
            if result.failed:
                bar.console.print(f"[red]{escape(result.game)}: failed: {escape(result.failed)}", soft_wrap=True)
            elif result.skipped:
                bar.console.print(f"[yellow]{escape(result.game)}: {result.skipped}, skipped")
            elif result.empty_reason:
                bar.console.print(f"[yellow]{escape(result.game)}: {escape(result.empty_reason)}")
            bar.advance(task)

        results = plan_tree(
            root, out, detector, options, predictions, budget_overrides(budget), force, on_game, cluster
        )
    _report_failures([(r.game, r.failed) for r in results if r.failed], len(results), "games")


@app.command()
def features(
    root: Annotated[Path, typer.Argument(help="A SoccerNet tree, a game folder, or one video.")],
    backbone: Annotated[str, typer.Option(help="Image backbone: efficientnet_lite0, resnet50, ...")] = (
        DEFAULT_BACKBONE
    ),
    weights: Annotated[
        str | None, typer.Option(help="Backbone weights: a state-dict PATH, or 'random' (tests). Default: ImageNet.")
    ] = None,
    fps: Annotated[float, typer.Option(help="Frames sampled per second (the seed used 5).")] = VideoFeatureSettings.fps,
    ray: RayOption = None,
    cpus_per_task: CpusOption = 1.0,
    gpus_per_task: GpusOption = 0.0,
) -> None:
    """Compute and cache per-half features: frame embeddings and a log-mel spectrogram on one clock.

    Stored in GAME/features/ as .npy with a JSON sidecar (settings, weights, versions). A re-run skips
    finished halves; a changed setting recomputes only what it affects (frames or sound). A half that
    fails is listed at the end (exit 1); the others are done.
    """
    from soccer_highlights.batch import features_tree

    cluster = _cluster(ray, cpus_per_task, gpus_per_task)
    device = "cuda" if gpus_per_task > 0 else ("cpu" if cluster is not None else _device())
    settings = VideoFeatureSettings(backbone, weights, fps)
    _each_half_video(
        lambda video: f"{Path(video).parent.name[-30:]}/{Path(video).name}",
        lambda result: f"cached: {escape(result.video)}" if result.cached else None,
        lambda on_video, on_seconds: features_tree(root, settings, device, None, on_video, cluster, on_seconds),
    )


@app.command()
def transcribe(
    root: Annotated[Path, typer.Argument(help="A match video, a SoccerNet game folder, or a tree.")],
    asr_model: Annotated[
        str,
        typer.Option(help="base (multilingual), tiny.en (English, 2x faster), or a local CTranslate2 Whisper folder."),
    ] = "base",
    language: Annotated[
        str | None, typer.Option(help="The commentary's language (en, es, de, fr, it, ru, ...); default: detected.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Transcribe again where a transcript exists.")] = False,
    ray: RayOption = None,
    cpus_per_task: CpusOption = 2.0,
) -> None:
    """Transcribe the commentary offline (Whisper via faster-whisper): {1,2}_asr.json beside each video.

    SoccerNet-Echoes' format, so Echoes transcripts lying there are used as they are; a transcript
    this command made is kept while its video and model are the same (a re-run resumes).
    """
    from soccer_highlights.batch import transcribe_tree

    cluster = _cluster(ray, cpus_per_task, 0.0)
    _each_half_video(
        lambda video: f"transcribing {Path(video).name}",
        lambda result: (
            f"kept: {escape(result.transcript)}"
            if result.cached
            else f"wrote {escape(result.transcript)} ({result.lines} lines)"
        ),
        lambda on_video, on_seconds: transcribe_tree(root, asr_model, language, force, on_video, cluster, on_seconds),
    )


@app.command()
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
    from soccer_highlights.model.reporting import EpochReport
    from soccer_highlights.model.train import train as run_training

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
    with _progress() as bar:
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
            device=_device(),
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


@app.command()
def detect(
    root: Annotated[
        Path, typer.Argument(help="A SoccerNet tree (with videos; label trees with transcripts for commentary).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output tree: GAME/curves.json, segments.json, ...")],
    model: Annotated[Path | None, typer.Option(help="A checkpoint from `train` (the audio-visual detector).")] = None,
    detector: Annotated[str, typer.Option(help="model (with --model), commentary (transcripts), or audio.")] = "model",
    transcripts: Annotated[
        Path | None,
        typer.Option(
            help="With commentary: a tree of GAME/{1,2}_asr.json (e.g. SoccerNet-Echoes' whisper_v3/); "
            "default: beside each game's labels."
        ),
    ] = None,
    predictions: Annotated[
        Path | None,
        typer.Option(
            help="With commentary: another spotter's tree of GAME/results_spotting.json (NetVLAD++, E2E-Spot, "
            "T-DEED, ...) to fuse with the commentary, per game and class (the mean of both within 10 s)."
        ),
    ] = None,
    budget: Annotated[str, typer.Option(help="Reel length per game: 'auto', 'none' or SECONDS.")] = "auto",
    force: Annotated[bool, typer.Option(help="Replace existing outputs.")] = False,
    ray: RayOption = None,
    cpus_per_task: CpusOption = 1.0,
    gpus_per_task: GpusOption = 0.0,
) -> None:
    """Run a detector over every game: score curves, segments and results_spotting.json for `evaluate`.

    The commentary detector needs no video: it reads each half's transcript ({1,2}_asr.json) and
    writes per-class predictions (Goal, Penalty, shots, cards).
    """
    if detector == "model":
        if model is None:
            raise ConfigError("--detector model needs --model CHECKPOINT (or choose --detector commentary)")
        plan(root, out, None, model, budget, force, ray, cpus_per_task, gpus_per_task)
        return
    if detector not in ("commentary", "audio"):
        raise ConfigError(f"--detector must be model, commentary or audio, got {detector!r}")
    from soccer_highlights.batch import plan_tree

    if predictions is not None and detector != "commentary":
        raise ConfigError("--predictions fuses another spotter with the commentary: it needs --detector commentary")
    options: dict[str, str] = {}
    if detector == "commentary":
        if transcripts is not None:
            options["transcripts_root"] = str(transcripts.resolve())
        if predictions is not None:
            options["fuse_with"] = str(predictions.resolve())
    cluster = _cluster(ray, cpus_per_task, gpus_per_task)
    with _progress() as bar:
        task = bar.add_task(f"{detector}: games", total=None)

        def on_game(result) -> None:
            if result.failed:
                bar.console.print(f"[red]{escape(result.game)}: failed: {escape(result.failed)}", soft_wrap=True)
            bar.advance(task)

        results = plan_tree(root, out, detector, options, None, budget_overrides(budget), force, on_game, cluster)
    _report_failures([(r.game, r.failed) for r in results if r.failed], len(results), "games")


@app.command("train-commentary")
def train_commentary(
    labels: Annotated[Path, typer.Argument(help="A tree of Labels-v2.json (SoccerNet layout).")],
    transcripts: Annotated[
        Path, typer.Argument(help="The same games' {1,2}_asr.json (e.g. SoccerNet-Echoes' whisper_v3/).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the spotter's weights (.npz).")],
    folds: Annotated[
        int, typer.Option(help="Game-level cross-validation folds before the final fit (0: none).", min=0)
    ] = 5,
    epochs: Annotated[
        int,
        typer.Option(
            help="Passes over the training halves (2 generalised best across games: see the model card).", min=1
        ),
    ] = 2,
    report: Annotated[Path | None, typer.Option(help="Write the cross-validation report (JSON) here.")] = None,
    text_model: Annotated[
        bool,
        typer.Option(
            help="Also a text model of the words around Goal candidates: better ranking (loose), looser timing "
            "(tight); see docs/commentary_model.md."
        ),
    ] = False,
    force: Annotated[bool, typer.Option(help="Replace existing --out and --report files.")] = False,
) -> None:
    """Train the commentary spotter on real commentary: transcripts and SoccerNet labels of many games.

    Cross-validated by game with SoccerNet's Average-mAP (loose and tight, per class) beside a
    goal-word floor, then fitted on every game. `detect --detector commentary` uses the shipped
    weights; a model trained here is used with get_detector("commentary", weights=PATH).
    """
    import json

    from soccer_highlights.fileio import atomic_write_json
    from soccer_highlights.model.commentary import train_commentary_model
    from soccer_highlights.model.commentary_cv import cross_validate, load_halves

    _check_output(out, ".npz", force)
    _check_output(report, ".json", force)
    halves = load_halves(labels, transcripts)
    if not halves:
        raise InputError(f"no game under {labels} has both labels and a transcript under {transcripts}")
    console.print(f"{len(halves)} halves of {len({h.game for h in halves})} games")
    if folds > 1:
        result = cross_validate(
            halves,
            transcripts,
            folds,
            epochs,
            on_fold=lambda f, n: console.print(f"fold {f + 1}/{folds}: {n} halves"),
            text_model=text_model,
        )
        console.print(
            json.dumps({"spotter": result["spotter"], "word_list_floor_goal": result["word_list_floor_goal"]})
        )
        if report:
            atomic_write_json(report, result)
    weights = train_commentary_model(
        halves, epochs=epochs, inner_folds=max(folds, 2), on_step=console.print, text_model=text_model
    )
    weights.save(out)
    print(out)


@app.command()
def evaluate(
    root: Annotated[Path, typer.Argument(help="A tree of Labels-v2.json (SoccerNet layout).")],
    predictions: Annotated[Path, typer.Option(help="A tree of GAME/results_spotting.json.")],
    metric: Annotated[str, typer.Option(help="loose (5-60 s), tight (1-5 s), or at1..at5.")] = "loose",
    split: Annotated[
        str | None, typer.Option(help="Only games of this official split: train, valid, test, challenge.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the full result as JSON here.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write precision-recall curves per class (PNG) here.")] = None,
    force: Annotated[bool, typer.Option(help="Replace existing --out and --plot files.")] = False,
) -> None:
    """SoccerNet action-spotting Average-mAP, exactly as the official evaluator computes it."""
    from soccer_highlights.evaluation.soccernet_eval import evaluate_tree
    from soccer_highlights.evaluation.spotting import METRIC_DELTAS_S, precision_recall_curves
    from soccer_highlights.fileio import atomic_write_json

    _check_output(out, ".json", force)
    _check_output(plot, ".png", force)
    evaluation = evaluate_tree(root, predictions, metric=metric, split=split)
    result = evaluation.result
    table = Table(title=f"Average-mAP ({metric}) over {len(evaluation.games)} games")
    for col in ("class", "all", "visible", "unshown"):
        table.add_column(col, justify="right" if col != "class" else "left")
    for i, name in enumerate(result.classes):
        table.add_row(
            name,
            f"{result.a_mAP_per_class[i]:.4f}",
            f"{result.a_mAP_per_class_visible[i]:.4f}",
            f"{result.a_mAP_per_class_unshown[i]:.4f}",
        )
    table.add_row(
        "[bold]mean",
        f"[bold]{result.a_mAP:.4f}",
        f"{result.a_mAP_visible:.4f}",
        f"{result.a_mAP_unshown:.4f}",
    )
    console.print(table)
    if evaluation.missing_predictions:
        console.print(f"[yellow]{len(evaluation.missing_predictions)} game(s) had no predictions and count as empty")
    if out:
        atomic_write_json(
            out, result.to_json() | {"games": evaluation.games, "missing": evaluation.missing_predictions}
        )
    if plot:
        from soccer_highlights.evaluation.plots import plot_precision_recall

        delta = float(METRIC_DELTAS_S[metric][len(METRIC_DELTAS_S[metric]) // 2])
        curves = precision_recall_curves(evaluation.halves, delta)
        plot_precision_recall(curves, plot, f"precision-recall at delta {delta:g} s")
    print(f"{result.a_mAP:.6f}")


@app.command("reel-metrics")
def reel_metrics_command(
    root: Annotated[Path, typer.Argument(help="A tree of Labels-v2.json, or one game folder.")],
    segments: Annotated[
        Path, typer.Option(help="A tree of GAME/segments.json (as `plan` writes), or one segments.json.")
    ],
    classes: Annotated[str, typer.Option(help="Highlight classes (comma-separated).")] = HIGHLIGHT_CLASS_LIST,
    out: Annotated[Path | None, typer.Option(help="Write per-game and total metrics as JSON here.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """What reels contain: events covered per class, focus, length and peak timing, per game and in total."""
    from soccer_highlights.evaluation.reel_metrics import reel_metrics_tree, total
    from soccer_highlights.fileio import atomic_write_json
    from soccer_highlights.soccernet.classes import parse_class_list

    _check_output(out, ".json", force)
    rows, skipped = reel_metrics_tree(root, segments, parse_class_list(classes))
    if skipped:
        console.print(f"[yellow]{len(skipped)} labelled game(s) have no segments.json under {segments}: skipped")
    table = Table(title="reel metrics")
    for col in ("game", "covered", "recall", "reel", "share", "focus", "peak err (median)"):
        table.add_column(col, justify="left" if col == "game" else "right")
    for m in [*rows, total(rows)]:
        j = m.to_json()
        err = "-" if j["peak_error_median_s"] is None else f"{j['peak_error_median_s']:.1f} s"
        table.add_row(
            m.game.rsplit("/", 1)[-1][:40], f"{m.coverage.covered}/{m.coverage.total}", f"{m.coverage.recall:.0%}",
            f"{m.reel_s:.0f} s", f"{m.share_of_match:.1%}", f"{m.focus:.0%}", err,
        )  # fmt: skip
    console.print(table)
    if out:
        atomic_write_json(out, {"games": [m.to_json() for m in rows], "total": total(rows).to_json()})


@app.command()
def download(
    root: Annotated[Path, typer.Argument(help="Where the SoccerNet tree goes (league/season/game/...).")],
    split: Annotated[
        list[str], typer.Option(help="Official split(s): train, valid, test, challenge (repeat the option).")
    ],
    files: Annotated[
        list[str], typer.Option(help="labels, videos (224p; needs $SOCCERNET_PASSWORD) or videos-720p (repeat).")
    ],
) -> None:
    """Download SoccerNet games with the official SoccerNet downloader (needs the network).

    Labels need no password. Videos need the password SoccerNet sends after its NDA is signed, read
    from $SOCCERNET_PASSWORD only and never written anywhere. Commentary transcripts come from
    SoccerNet-Echoes, not from this downloader.
    """
    from soccer_highlights.soccernet.download import download as run_download

    names = run_download(root, split, files)
    console.print(f"downloaded {', '.join(names)} of {', '.join(split)} into {escape(str(root))}")


@app.command()
def demo(
    work_dir: Annotated[Path, typer.Argument(help="Where the synthetic matches, the model and the reels go.")] = Path(
        "demo"
    ),
    train_model: Annotated[
        bool, typer.Option("--train/--no-train", help="Also train the audio-visual model and compare.")
    ] = True,
) -> None:
    """The whole tool in one command: synthetic matches, a reel from each detector, their coverage."""
    from soccer_highlights.demo import run_demo

    run_demo(work_dir, console, train_model)


def _fail(message: str) -> None:
    if _verbose:
        traceback.print_exc()
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    sys.exit(2)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (finished work kept) but ending with 143."""


def _on_sigterm(signum: int, frame: object) -> None:
    global _terminated
    _terminated = True
    raise _Terminated


_terminated = False
INTERRUPTED_EXIT, TERMINATED_EXIT = 130, 143


def main() -> None:
    """The ``soccer-highlights`` command."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app()
    except SoccerHighlightsError as exc:
        _fail(str(exc))
    except OSError as exc:  # a path that cannot be read or written: a full disk, a read-only folder
        if exc.filename is None:
            raise
        _fail(f"{exc.filename}: {exc.strerror or exc}")
    except SystemExit as exit_:
        if exit_.code == INTERRUPTED_EXIT:
            from soccer_highlights.media.ffmpeg import stop_ffmpeg

            stop_ffmpeg()
            console.print("interrupted: finished outputs and cuts are kept; the same command again resumes from them")
            sys.exit(TERMINATED_EXIT if _terminated else INTERRUPTED_EXIT)
        raise


if __name__ == "__main__":
    main()

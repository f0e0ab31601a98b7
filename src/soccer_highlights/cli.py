"""The command line: parse, call the library, report. No logic lives here."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from soccer_highlights import __version__
from soccer_highlights.atomic import OutputExistsError
from soccer_highlights.config import ExcitementConfig, SegmentConfig, Settings, SynthConfig
from soccer_highlights.detectors.excitement import AudioExcitementDetector
from soccer_highlights.evaluation.coverage import event_coverage
from soccer_highlights.media.errors import MediaError
from soccer_highlights.pipeline import NothingToCutError, make_reel, resolve_input
from soccer_highlights.soccernet.classes import DEFAULT_HIGHLIGHT_CLASSES, parse_class_list
from soccer_highlights.soccernet.labels import LabelsError
from soccer_highlights.synth import synth_games

app = typer.Typer(
    name="soccer-highlights",
    help="Turn full soccer match broadcasts into highlight reels, and measure how good they are.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
DEFAULT_SEG = SegmentConfig()
USER_ERRORS = (MediaError, LabelsError, OutputExistsError, NothingToCutError, FileNotFoundError, ValueError)


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(code=2)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
) -> None:
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
    games: Annotated[int, typer.Option(help="How many games.")] = 1,
    minutes: Annotated[float, typer.Option(help="Length of each half, in minutes.")] = 3.0,
    seed: Annotated[int, typer.Option(help="Same seed, same labels and pictures.")] = 0,
) -> None:
    """Write synthetic matches (H.264 + AAC MKV halves and Labels-v2.json) for tests and demos.

    Highlight events come with a crowd roar, a camera move to the goal and a close-up; other events
    with a whistle; distractors (chants, close-ups) with no event at all.
    """
    cfg = SynthConfig(minutes=minutes)
    with _progress() as bar:
        task = bar.add_task("encoding games", total=games)
        for game in synth_games(out_dir, games, cfg, seed):
            n_high = sum(len(p.highlights) for p in game.plans)
            bar.console.print(f"wrote {game.path} ({n_high} highlight events)")
            bar.advance(task)


@app.command()
def reel(
    video: Annotated[
        Path, typer.Argument(help="A match video, or a SoccerNet game folder (both halves, in order).")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder for reel.mp4, segments.json, timeline.png.")
    ],
    labels: Annotated[
        Path | None, typer.Option(help="Labels-v2.json: events on the timeline and coverage in the summary.")
    ] = None,
    threshold: Annotated[float, typer.Option(help="Minimum peak score in [0, 1].")] = DEFAULT_SEG.threshold,
    pad_before: Annotated[
        float, typer.Option(help="Seconds kept before each peak.")
    ] = DEFAULT_SEG.pad_before_s,
    pad_after: Annotated[float, typer.Option(help="Seconds kept after each peak.")] = DEFAULT_SEG.pad_after_s,
    nms_window: Annotated[float, typer.Option(help="Of two peaks closer than this (s), keep the higher.")] = (
        DEFAULT_SEG.nms_window_s
    ),
    merge_gap: Annotated[
        float, typer.Option(help="Join segments closer than this (s).")
    ] = DEFAULT_SEG.merge_gap_s,
    budget: Annotated[
        float | None, typer.Option(help="Maximum reel length in seconds: keeps the best-scoring segments.")
    ] = None,
    classes: Annotated[
        str, typer.Option(help="Highlight classes counted in the coverage summary (comma-separated).")
    ] = ",".join(sorted(DEFAULT_HIGHLIGHT_CLASSES)),
    plan_only: Annotated[
        bool, typer.Option(help="Write segments.json and timeline.png, cut nothing.")
    ] = False,
    force: Annotated[bool, typer.Option(help="Replace existing outputs in --out.")] = False,
) -> None:
    """Make a highlight reel from a match video with the training-free audio-excitement detector.

    Example: soccer-highlights reel "game/" --out reel_out --budget 300
    """
    try:
        highlight_classes = parse_class_list(classes)
        settings = Settings(
            segments=SegmentConfig(
                threshold=threshold,
                nms_window_s=nms_window,
                pad_before_s=pad_before,
                pad_after_s=pad_after,
                merge_gap_s=merge_gap,
                budget_s=budget,
            ),
            excitement=ExcitementConfig(),
        )
        match = resolve_input(video, labels)
        detector = AudioExcitementDetector(settings.excitement, settings.audio)
        with _progress() as bar:
            tasks: dict[str, int] = {}

            def on_progress(stage: str, done: float, total: float) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            outcome = make_reel(
                match, out, detector, settings, force=force, plan_only=plan_only, on_progress=on_progress
            )
    except USER_ERRORS as exc:
        _fail(exc)
        return
    _print_summary(outcome, match, highlight_classes)


@app.command()
def demo(
    work_dir: Annotated[Path, typer.Argument(help="Where the synthetic match and the reel go.")] = Path(
        "demo"
    ),
) -> None:
    """Generate a small synthetic match and make its reel: the whole tool in one command."""
    from soccer_highlights.demo import run_demo

    try:
        run_demo(work_dir, console)
    except USER_ERRORS as exc:
        _fail(exc)


def _print_summary(outcome, match, highlight_classes: frozenset[str]) -> None:
    reel_s = sum(s.duration_s for s in outcome.segments)
    share = reel_s / outcome.match_duration_s if outcome.match_duration_s else 0.0
    table = Table(title=f"{len(outcome.segments)} segments, {reel_s:.0f} s ({share:.1%} of the match)")
    for col in ("half", "start", "end", "peak", "score"):
        table.add_column(col, justify="right")
    for seg in outcome.segments:
        table.add_row(
            str(seg.half), _mmss(seg.start_s), _mmss(seg.end_s), _mmss(seg.peak_s), f"{seg.score:.2f}"
        )
    console.print(table)
    if match.labels is not None:
        cov = event_coverage(outcome.segments, match.labels.events, highlight_classes)
        console.print(f"highlight events covered: {cov.covered}/{cov.total} ({cov.recall:.0%})")
    if outcome.reel:
        print(outcome.reel.path)
    else:
        print(outcome.out_dir / "segments.json")


def _mmss(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        console.print("interrupted: finished outputs are kept, a re-run resumes")
        sys.exit(130)


if __name__ == "__main__":
    main()

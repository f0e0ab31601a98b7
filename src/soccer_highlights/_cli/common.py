"""What every command shares: the console, progress bars, batch reports, output checks and the
option blocks that several commands take (written once here)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from soccer_highlights.errors import ConfigError
from soccer_highlights.soccernet.classes import DEFAULT_HIGHLIGHT_CLASSES

if TYPE_CHECKING:
    from soccer_highlights.api import ProgressCallback
    from soccer_highlights.cluster import ClusterConfig

console = Console(stderr=True)
HIGHLIGHT_CLASS_LIST = ",".join(sorted(DEFAULT_HIGHLIGHT_CLASSES))

BudgetOption = Annotated[
    str,
    typer.Option(
        help="Reel length: 'auto' (4 minutes per 45 minutes of match, at least 30 s), 'none' (every "
        "segment over the threshold) or SECONDS. The best-scoring segments of the whole match are kept."
    ),
]
ForceOption = Annotated[bool, typer.Option(help="Replace existing outputs.")]
ClassesOption = Annotated[str, typer.Option(help="Highlight classes (comma-separated).")]


def progress_bars() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def per_video(bar: Progress, describe: Callable[[str], str]) -> Callable[[str, float, float], None]:
    """A bar per video, made when the video's first progress comes: ``(video, done_s, total_s)``."""
    tasks: dict[str, int] = {}

    def on_seconds(video: str, done: float, total: float) -> None:
        if video not in tasks:
            tasks[video] = bar.add_task(describe(video), total=total)
        bar.update(tasks[video], completed=done)

    return on_seconds


def each_half_video(
    describe: Callable[[str], str],
    done_message: Callable[[Any], str | None],
    run: Callable[[Callable[[Any], None], Callable[[str, float, float], None]], list],
) -> None:
    """A batch over half videos: a bar per video and one overall, a line per video done, and the
    failures listed at the end (exit 1) while the other videos are still done."""
    with progress_bars() as bar:
        overall = bar.add_task("half videos", total=None)

        def on_video(result) -> None:
            if result.failed:
                bar.console.print(f"[red]{escape(result.video)}: failed: {escape(result.failed)}", soft_wrap=True)
            elif message := done_message(result):
                bar.console.print(message)
            bar.advance(overall)

        results = run(on_video, per_video(bar, describe))
    report_failures([(r.video, r.failed) for r in results if r.failed], len(results), "half videos")


def progress_callback(bar: Progress) -> ProgressCallback:
    tasks: dict[str, int] = {}

    def on_progress(stage: str, done: float, total: float) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return on_progress


def check_output(path: Path | None, suffix: str, force: bool) -> None:
    """An output file named for what it holds, replaced only with --force, checked before any work."""
    from soccer_highlights.fileio import refuse_overwrite

    if path is None:
        return
    if path.suffix.lower() != suffix:
        raise ConfigError(f"{path}: this output is {suffix[1:].upper()}; give a file name ending in {suffix}")
    refuse_overwrite(path, force)


def report_failures(failures: list[tuple[str, str]], total: int, what: str) -> None:
    """After a batch: every failure listed once more, and a non-zero exit if there was any."""
    if not failures:
        return
    console.print(f"[red]{len(failures)} of {total} {what} failed:[/]")
    for name, error in failures:
        console.print(f"  {escape(name)}: {escape(error)}", soft_wrap=True)
    raise typer.Exit(code=1)


def mmss(seconds: float) -> str:
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


def cluster_config(address: str | None, cpus: float, gpus: float) -> ClusterConfig | None:
    if address is None:
        return None
    from soccer_highlights.cluster import ClusterConfig, import_ray

    import_ray()  # says how to install it before any work
    return ClusterConfig(address=address, cpus_per_task=cpus, gpus_per_task=gpus)


def budget_overrides(text: str) -> dict[str, Any]:
    """``--budget`` as segment overrides: ``auto`` (four minutes per 45 minutes of match), ``none``
    (every segment over the threshold) or a number of seconds."""
    word = text.strip().lower()
    if word == "auto":
        return {}
    if word == "none":
        return {"auto_budget": False}
    try:
        seconds = float(word)
    except ValueError:
        raise ConfigError(f"--budget must be 'auto', 'none' or a number of seconds, got {text!r}") from None
    return {"budget_s": seconds}

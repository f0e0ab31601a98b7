"""The command line: parse, call the library, report.

The commands live in :mod:`soccer_highlights._cli` (a module per family) and are registered here.
Each imports what it needs when it runs, so ``--help``, ``version`` and the training-free ``reel``
never load PyTorch. The tool's own errors (:class:`SoccerHighlightsError`) print as one line and
exit with 2 (``-v`` adds the traceback); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from soccer_highlights._cli import corpus, measure, models
from soccer_highlights._cli import reel as reel_commands
from soccer_highlights._cli import serve as serve_command
from soccer_highlights._cli.common import console, progress_bars
from soccer_highlights._version import __version__
from soccer_highlights.errors import SoccerHighlightsError
from soccer_highlights.synth_bugs import BUG_NAMES

app = typer.Typer(
    name="soccer-highlights",
    help="Turn full soccer match broadcasts into highlight reels, and measure how good they are.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
_verbose = False

app.command()(reel_commands.reel)
app.command()(corpus.plan)
app.command()(corpus.detect)
app.command()(corpus.features)
app.command()(corpus.transcribe)
app.command()(models.train)
app.command("train-commentary")(models.train_commentary)
app.command()(measure.evaluate)
app.command("reel-metrics")(measure.reel_metrics_command)
app.command()(corpus.scoreboard)
app.command()(corpus.download)
app.command()(serve_command.serve)


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
    minutes: Annotated[float, typer.Option(help="Length of each half, in minutes.")] = 3.0,
    seed: Annotated[int, typer.Option(help="Same seed, same labels and pictures.")] = 0,
    encoding: Annotated[
        str,
        typer.Option(
            help="'quick' (x264 ultrafast, fast to make) or 'broadcast' (H.264 High with B-frames at "
            "about 500 kb/s, decoding like SoccerNet's 224p files)."
        ),
    ] = "quick",
    score_bug: Annotated[
        str,
        typer.Option(
            help="Draw a score bug with a running clock: 'top' (top left, clock last), 'bottom' (centred "
            "low, clock first), 'none', or a layout family drawn like one kind of real bug: "
            f"{', '.join(BUG_NAMES)}. It tests the scoreboard's mechanics, not its quality."
        ),
    ] = "none",
    force: Annotated[bool, typer.Option(help="Replace games that already exist.")] = False,
) -> None:
    """Write synthetic matches (H.264 + AAC MKV halves and Labels-v2.json) for tests and demos.

    Highlight events come with a crowd roar, a camera move to the goal and a close-up; other events
    with a whistle; distractors (chants, close-ups) with no event at all.
    """
    from soccer_highlights.synth import SynthConfig, synth_games

    cfg = SynthConfig(minutes=minutes, encoding=encoding, score_bug=score_bug)
    with progress_bars() as bar:
        task = bar.add_task("encoding games", total=games)
        for game in synth_games(out_dir, games, cfg, seed, force=force):
            n_high = sum(len(p.highlights) for p in game.plans)
            bar.console.print(f"wrote {game.path} ({n_high} highlight events)")
            bar.advance(task)


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

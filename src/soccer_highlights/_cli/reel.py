"""``reel``: a match video to a highlight reel, and the summary it prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from soccer_highlights._cli.common import (
    HIGHLIGHT_CLASS_LIST,
    BudgetOption,
    ClassesOption,
    ForceOption,
    budget_overrides,
    console,
    mmss,
    per_video,
    progress_bars,
    progress_callback,
)
from soccer_highlights.errors import ConfigError, NothingToCutError
from soccer_highlights.fileio import OutputLock

if TYPE_CHECKING:
    from soccer_highlights.api import Highlights


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
    budget: BudgetOption = "auto",
    classes: ClassesOption = HIGHLIGHT_CLASS_LIST,
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
    scoreboard: Annotated[
        bool | None,
        typer.Option(
            "--scoreboard/--no-scoreboard",
            help="Read the broadcast's score bug and clock: every goal gets a segment (first into the budget), "
            "segments are named ('Goal (2-0)') and timed on the match clock; match_state.json is written. "
            "[default: on with the training-free detector, off with --model or --predictions]",
            show_default=False,
        ),
    ] = None,
    resolution: Annotated[
        str | None,
        typer.Option(
            help="The reel's picture, WIDTHxHEIGHT (e.g. 1280x720). [default: the source's own]", show_default=False
        ),
    ] = None,
    fps: Annotated[
        float | None, typer.Option(help="The reel's frame rate. [default: the source's own]", show_default=False)
    ] = None,
    export: Annotated[
        str | None,
        typer.Option(
            help="Also write the cut as timelines for editors, comma-separated: otio, edl (CMX 3600), "
            "fcpxml (Final Cut Pro X), fcp7xml (Final Cut 7 / Premiere / Resolve). One clip per segment at its "
            "exact source range, named and marked.",
            show_default=False,
        ),
    ] = None,
    clips: Annotated[
        bool, typer.Option(help="Also write each segment as an MP4 of its own (01_28m_goal_2-0.mp4, ...).")
    ] = False,
    titles: Annotated[
        bool, typer.Option(help="Burn each segment's title into its picture as a lower third (28' Goal (2-0)).")
    ] = False,
    audio_track: Annotated[
        str | None,
        typer.Option(
            help="The match's sound where the video has several audio tracks: a number from 0 or a language tag "
            "(eng, spa, ...). Scored, transcribed and cut, all the same one. [default: the first track]",
            show_default=False,
        ),
    ] = None,
    aspect: Annotated[
        str,
        typer.Option(
            help="The reel's shape: source (the broadcast's own), or 9:16 (shorts, reels, stories), 4:5 or 1:1, "
            "cropped to a window that follows the play and pans smoothly (720x1280 for 9:16 where the source "
            "allows; a smaller source keeps its own resolution).",
        ),
    ] = "source",
    crf: Annotated[int, typer.Option(help="x264 quality: lower is better and larger (18: visually lossless).")] = 23,
    preset: Annotated[
        str, typer.Option(help="x264 speed: ultrafast ... veryslow (slower: smaller files).")
    ] = "veryfast",
    reencode: Annotated[
        bool,
        typer.Option(
            help="Encode every frame again. By default, where the reel keeps the source's picture (no --titles, "
            "--aspect, --resolution or --fps change; H.264), each segment's whole groups of pictures are copied "
            "untouched and only the frames up to its first keyframe and after its last are encoded."
        ),
    ] = False,
    force: ForceOption = False,
) -> None:
    """Make a highlight reel from a match video: reel.mp4, segments.json, timeline.png, review.html.

    By default the training-free audio-excitement detector scores the match; --model uses a model
    trained with `train`, and --predictions a SoccerNet spotting model's results_spotting.json.
    Open review.html in a browser to check the segments, keep or drop them and save
    segments.edited.json; --segments then cuts exactly those.

    Example: soccer-highlights reel "game/" --out reel_out --budget 300
    """
    from soccer_highlights.api import check_outputs, highlights, highlights_from_segments
    from soccer_highlights.detectors import DetectorSpec
    from soccer_highlights.detectors.imported import parse_class_weights
    from soccer_highlights.output.editorial import parse_formats
    from soccer_highlights.soccernet.classes import parse_class_list

    highlight_classes = parse_class_list(classes)
    reel_config = _reel_config(resolution, fps, crf, preset, aspect, reencode)
    extras = {"exports": parse_formats(export) if export else [], "clips": clips, "titles": titles}
    if segments is not None:
        if model is not None or predictions is not None:
            raise ConfigError("--segments cuts a saved list: it takes no --model or --predictions")
        with OutputLock(out), progress_bars() as bar:
            check_outputs(out, force, plan_only)
            found = highlights_from_segments(video, segments, labels, reel=reel_config, audio_track=audio_track)
            bars = progress_callback(bar)
            outputs = found.write(out, force=force, plan_only=plan_only, progress=bars, **extras)
        for warning in found.warnings:
            console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
        if not found.segments:
            raise NothingToCutError(f"{segments}: the list has no segments to cut")
        _print_summary(found, highlight_classes, outputs.reel.cuts if outputs.reel else None)
        print(outputs.reel.path if outputs.reel else outputs.segments)
        return
    weights = parse_class_weights(class_weights) if class_weights else None
    if scoreboard is None:  # a chosen detector is taken as chosen; the default reads the screen too
        scoreboard = model is None and predictions is None
    spec = DetectorSpec.choose(model, predictions, weights, scoreboard=scoreboard)
    if commentary:
        from soccer_highlights.commentary.transcribe import ensure_transcripts

        with progress_bars() as bar:
            ensure_transcripts(
                video, asr_model, per_video(bar, lambda name: f"transcribing {Path(name).name}"), audio_track
            )
        spec = spec.with_part(DetectorSpec("commentary"))
    given = {
        "threshold": threshold,
        "pad_before_s": pad_before,
        "pad_after_s": pad_after,
        "nms_window_s": nms_window,
        "merge_gap_s": merge_gap,
    }
    overrides = {k: v for k, v in given.items() if v is not None} | budget_overrides(budget)
    with OutputLock(out), progress_bars() as bar:  # held from the start: a second run fails before scoring
        check_outputs(out, force, plan_only)
        on_progress = progress_callback(bar)
        found = highlights(
            video, spec, labels=labels, reel=reel_config, progress=on_progress, audio_track=audio_track, **overrides
        )
        outputs = found.write(out, force=force, plan_only=plan_only, progress=on_progress, **extras)
    for warning in found.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    if not found.segments:
        raise NothingToCutError(f"{video}: nothing to cut: {found.why_empty()} ({outputs.timeline})")
    _print_summary(found, highlight_classes, outputs.reel.cuts if outputs.reel else None)
    print(outputs.reel.path if outputs.reel else outputs.segments)


def _reel_config(
    resolution: str | None, fps: float | None, crf: int, preset: str, aspect: str = "source", reencode: bool = False
):
    from soccer_highlights.config import ReelConfig

    width = height = None
    if resolution is not None:
        try:
            width, height = (int(x) for x in resolution.lower().split("x"))
        except ValueError:
            raise ConfigError(f"--resolution must be WIDTHxHEIGHT, e.g. 1280x720; got {resolution!r}") from None
    return ReelConfig(width=width, height=height, fps=fps, crf=crf, preset=preset, aspect=aspect, reencode=reencode)


def _print_summary(found: Highlights, highlight_classes: frozenset[str], cuts: list[dict] | None = None) -> None:
    table = Table(
        title=f"{len(found.segments)} segments, {found.duration_s:.0f} s ({found.share_of_match:.1%} of the match)"
    )
    columns = ("half", "start", "end", "peak", "minute", "score", "what") + (("cut",) if cuts else ())
    for col in columns:
        table.add_column(col, justify="left" if col in ("what", "cut") else "right")
    for i, seg in enumerate(found.segments):
        minute = f"{seg.minute}'" if seg.minute is not None else ""
        cells = (mmss(seg.start_s), mmss(seg.end_s), mmss(seg.peak_s), minute, f"{seg.score:.2f}", escape(seg.label))
        table.add_row(str(seg.half), *cells, *((cuts[i]["method"],) if cuts else ()))
    console.print(table)
    if cuts:
        _print_cuts(cuts)
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


def _print_cuts(cuts: list[dict]) -> None:
    """How the segments were cut: copied from the source (only the frames before the first keyframe
    and after the last whole GOP encoded) or encoded again, and why."""
    copied = sum(c["method"] == "copy" for c in cuts)
    notes: dict[str, int] = {}
    for cut in cuts:
        if cut["method"] != "copy":
            note = cut.get("note") or "re-encoded"
            notes[note] = notes.get(note, 0) + 1
    why = "; ".join(f"{n} segment(s): {escape(note)}" for note, n in notes.items())
    console.print(
        f"cut: {copied} of {len(cuts)} segment(s) copied from the source's own picture"
        + (f", {len(cuts) - copied} re-encoded ({why})" if why else ""),
        soft_wrap=True,
    )

"""Commands over a whole SoccerNet tree: ``plan``, ``detect``, ``features``, ``transcribe``, ``download``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from soccer_highlights._cli.common import (
    BudgetOption,
    CpusOption,
    ForceOption,
    GpusOption,
    RayOption,
    budget_overrides,
    cluster_config,
    console,
    each_half_video,
    progress_bars,
    report_failures,
)
from soccer_highlights.audiovisual.config import DEFAULT_BACKBONE, VideoFeatureSettings
from soccer_highlights.errors import ConfigError, SoccerHighlightsError


def plan(
    root: Annotated[Path, typer.Argument(help="A SoccerNet tree (videos, or labels only with --predictions).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output tree: GAME/segments.json, timeline.png.")],
    predictions: Annotated[
        Path | None,
        typer.Option(help="A tree of results_spotting.json (GAME/results_spotting.json) to plan from."),
    ] = None,
    model: Annotated[Path | None, typer.Option(help="A checkpoint from `train` to plan with.")] = None,
    budget: BudgetOption = "auto",
    force: ForceOption = False,
    ray: RayOption = None,
    cpus_per_task: CpusOption = 1.0,
    gpus_per_task: GpusOption = 0.0,
) -> None:
    """Plan the reel of every game in a tree, without cutting video: segments.json per game.

    With our own detectors (audio, or --model) it also writes curves.json and results_spotting.json
    per game (each peak once per highlight class), so `evaluate` can score them with SoccerNet's metric.
    A game that fails is listed at the end (exit 1); the others are planned.
    """
    from soccer_highlights.detectors import DetectorSpec

    if model is not None and predictions is not None:
        raise ConfigError("--model and --predictions are two detectors: choose one")
    cluster = cluster_config(ray, cpus_per_task, gpus_per_task)
    spec = None if predictions is not None else DetectorSpec.choose(model, device=_device(cluster, gpus_per_task))
    _plan_games(root, out, spec, predictions, budget, force, cluster, "planning games")


def _device(cluster: object, gpus_per_task: float) -> str:
    from soccer_highlights.runtime.device import choose_device

    return choose_device("auto", gpus_per_task, on_cluster=cluster is not None)


def _plan_games(root, out, spec, predictions, budget, force, cluster, what, **extra) -> None:
    """``plan_tree`` with a bar, a line per game that failed, was skipped or is empty, and the
    failures listed at the end (exit 1)."""
    from soccer_highlights.batch import plan_tree

    with progress_bars() as bar:
        task = bar.add_task(what, total=None)

        def on_game(result) -> None:
            if result.failed:
                bar.console.print(f"[red]{escape(result.game)}: failed: {escape(result.failed)}", soft_wrap=True)
            elif result.skipped:
                bar.console.print(f"[yellow]{escape(result.game)}: {result.skipped}, skipped")
            elif result.empty_reason:
                bar.console.print(f"[yellow]{escape(result.game)}: {escape(result.empty_reason)}")
            bar.advance(task)

        results = plan_tree(root, out, spec, predictions, budget_overrides(budget), force, on_game, cluster, **extra)
    report_failures([(r.game, r.failed) for r in results if r.failed], len(results), "games")


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

    cluster = cluster_config(ray, cpus_per_task, gpus_per_task)
    device = _device(cluster, gpus_per_task)
    settings = VideoFeatureSettings(backbone, weights, fps)
    each_half_video(
        lambda video: f"{Path(video).parent.name[-30:]}/{Path(video).name}",
        lambda result: f"cached: {escape(result.video)}" if result.cached else None,
        lambda on_video, on_seconds: features_tree(root, settings, device, None, on_video, cluster, on_seconds),
    )


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
    audio_track: Annotated[
        str | None,
        typer.Option(
            help="The commentary's audio track where a video has several: a number from 0 or a language tag "
            "(eng, spa, ...). [default: the first track]",
            show_default=False,
        ),
    ] = None,
    ray: RayOption = None,
    cpus_per_task: CpusOption = 2.0,
) -> None:
    """Transcribe the commentary offline (Whisper via faster-whisper): {1,2}_asr.json beside each video.

    SoccerNet-Echoes' format, so Echoes transcripts lying there are used as they are; a transcript
    this command made is kept while its video and model are the same (a re-run resumes).
    """
    from soccer_highlights.batch import transcribe_tree

    cluster = cluster_config(ray, cpus_per_task, 0.0)
    each_half_video(
        lambda video: f"transcribing {Path(video).name}",
        lambda result: (
            f"kept: {escape(result.transcript)}"
            if result.cached
            else f"no speech heard in {escape(result.video)}: no transcript written"
            if result.no_speech
            else f"wrote {escape(result.transcript)} ({result.lines} lines)"
        ),
        lambda on_video, on_seconds: transcribe_tree(
            root, asr_model, language, force, on_video, cluster, on_seconds, audio_track
        ),
    )


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
    budget: BudgetOption = "auto",
    force: ForceOption = False,
    ray: RayOption = None,
    cpus_per_task: CpusOption = 1.0,
    gpus_per_task: GpusOption = 0.0,
) -> None:
    """Run a detector over every game: score curves, segments and results_spotting.json for `evaluate`.

    The commentary detector needs no video: it reads each half's transcript ({1,2}_asr.json) and
    writes per-class predictions (Goal, Penalty, shots, cards).
    """
    from soccer_highlights.detectors import DetectorSpec

    if detector not in ("model", "commentary", "audio"):
        raise ConfigError(f"--detector must be model, commentary or audio, got {detector!r}")
    if detector == "model" and model is None:
        raise ConfigError("--detector model needs --model CHECKPOINT (or choose --detector commentary)")
    if detector != "commentary" and (predictions is not None or transcripts is not None):
        raise ConfigError("--predictions and --transcripts go with the commentary: they need --detector commentary")
    cluster = cluster_config(ray, cpus_per_task, gpus_per_task)
    spec = DetectorSpec.choose(model, device=_device(cluster, gpus_per_task)) if detector == "model" else None
    spec = spec or DetectorSpec(detector)
    _plan_games(
        root, out, spec, None, budget, force, cluster, f"{spec.name}: games",
        transcripts_root=transcripts.resolve() if transcripts else None,
        fuse_with=predictions.resolve() if predictions else None,
    )  # fmt: skip


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


def scoreboard(
    source: Annotated[Path, typer.Argument(help="A match video, a SoccerNet game folder, or a tree of games.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write match_state.json here (a tree: OUT/GAME/match_state.json) instead of beside it."
        ),
    ] = None,
    sound: Annotated[
        bool, typer.Option("--sound/--no-sound", help="Place each goal on the crowd's roar before the new score.")
    ] = True,
    force: ForceOption = False,
) -> None:
    """Read the broadcast's score bug and clock: the score over time, every goal, the match minute.

    Writes match_state.json (beside a game folder's videos, <video>.match_state.json beside a single
    video, or under --out): the score as intervals, each goal with when the ball went in (time_s)
    and when the new score was first shown (shown_s), and clock samples mapping video time to match
    time. What a video's bug says is cached against its content, so a re-run is instant. A video
    without a readable bug says so (readable: false).
    """
    from rich.table import Table

    from soccer_highlights.api import open_match
    from soccer_highlights.detectors import get_detector
    from soccer_highlights.fileio import refuse_overwrite
    from soccer_highlights.soccernet.layout import find_games

    sources = [source] if source.is_file() or (source / "Labels-v2.json").exists() else None
    if sources is None:
        games = find_games(source)
        sources = [g.path for g in games if g.videos] or [source]
    for item in sources:  # before any reading: an existing match_state.json is replaced only with --force
        refuse_overwrite(_state_path(item, source, out), force)
    failures = []
    with progress_bars() as bar:
        task = bar.add_task("reading score bugs", total=len(sources))
        for item in sources:
            try:
                match = open_match(item, find_damage=False)  # nothing is cut
                match.require_videos()
                detector = get_detector("scoreboard", sound="audio-excitement" if sound else None)
                for half in match.halves.values():
                    detector.read(half)
                state = detector.match_state()
                dest = _state_path(item, source, out)
                dest.parent.mkdir(parents=True, exist_ok=True)
                state.write(dest)
            except SoccerHighlightsError as exc:
                bar.console.print(f"[red]{escape(str(item))}: failed: {escape(str(exc))}", soft_wrap=True)
                failures.append((str(item), str(exc)))
                bar.advance(task)
                continue
            table = Table(title=f"{escape(str(dest))}: {' - '.join(state.teams) if state.teams else 'teams unread'}")
            for col in ("half", "readable", "score", "goals (minute, score, when shown)"):
                table.add_column(col)
            for half in state.halves:
                final = half.bug.spans[-1] if half.bug.spans else None
                goals = ", ".join(_goal_text(half, g) for g in half.goals) or "-"
                score = f"{final.home}-{final.away}" if final else "-"
                table.add_row(str(half.half), "yes" if half.readable else "no", score, goals)
            bar.console.print(table)
            print(dest)
            bar.advance(task)
    report_failures(failures, len(sources), "videos or games")


def _goal_text(half, goal) -> str:
    minute = half.match_s(goal.time_s)
    where = f"{int(minute // 60)}'" if minute is not None else f"{goal.time_s:.0f} s"
    return f"{where} {goal.label} (shown at {goal.shown_s:.0f} s)"


def _state_path(item: Path, root: Path, out: Path | None) -> Path:
    from soccer_highlights.output import MATCH_STATE_FILE

    if item.is_file():
        return (out / MATCH_STATE_FILE) if out else item.with_name(f"{item.stem}.{MATCH_STATE_FILE}")
    if out is None:
        return item / MATCH_STATE_FILE
    try:
        return out / item.relative_to(root) / MATCH_STATE_FILE
    except ValueError:
        return out / MATCH_STATE_FILE

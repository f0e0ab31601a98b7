"""Many games at once: a SoccerNet tree in, one folder of outputs per game (``plan``, ``detect``), or
the feature cache of every half (``features``); serially or as Ray tasks (``cluster``).

For each game ``plan`` writes ``OUT/GAME/segments.json``, ``timeline.png`` and ``review.html``;
with our own detectors also ``curves.json`` and ``results_spotting.json`` (each peak once per
highlight class), so the tree can be scored by ``evaluate`` like any SoccerNet spotter's output.
A game that fails is reported and the others go on. The task functions below are what runs,
serially or on a Ray worker: the same code, the same caches, the same files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soccer_highlights.audiovisual.config import VideoFeatureSettings
from soccer_highlights.cluster import ClusterConfig, TaskOutcome, run_tasks
from soccer_highlights.core import Detector
from soccer_highlights.detectors import DetectorSpec
from soccer_highlights.detectors.fusion import fuse_predictions
from soccer_highlights.errors import InputError, SoccerHighlightsError
from soccer_highlights.fileio import atomic_write_json, refuse_overwrite
from soccer_highlights.output import SEGMENTS_FILE
from soccer_highlights.soccernet.layout import find_games, half_videos
from soccer_highlights.soccernet.predictions import RESULTS_FILE, load_predictions, write_predictions

if TYPE_CHECKING:
    from soccer_highlights.commentary.transcribe import TranscriptResult

CURVES_FILE = "curves.json"


@dataclass(frozen=True)
class GameResult:
    game: str
    """The ``league/season/game`` key."""
    out_dir: Path
    segments: int | None = None
    """How many segments were planned (None when the game was not planned)."""
    empty_reason: str | None = None
    """Why nothing was planned, when nothing was."""
    skipped: str | None = None
    """Why the game was not planned (no predictions file for it), or None."""
    failed: str | None = None
    """The error that stopped this game (the others go on), or None."""


@dataclass(frozen=True)
class VideoResult:
    video: str
    frames: int | None = None
    cached: bool = False
    failed: str | None = None


def plan_tree(
    root: str | Path,
    out: str | Path,
    spec: DetectorSpec | None = None,
    predictions_root: str | Path | None = None,
    budget: dict[str, Any] | None = None,
    force: bool = False,
    on_game: Callable[[GameResult], None] | None = None,
    cluster: ClusterConfig | None = None,
    transcripts_root: str | Path | None = None,
    fuse_with: str | Path | None = None,
) -> list[GameResult]:
    """Plan every game under ``root`` with the detector ``spec`` (built where the work runs; the
    crowd's by default), or with each game's ``results_spotting.json`` under ``predictions_root``;
    ``budget`` holds segment overrides for the reel's length (see ``config.budget_overrides``).
    The commentary detector reads each game's transcripts under ``transcripts_root`` (default:
    beside its labels) and, with ``fuse_with``, fuses its predictions with the other spotter's
    ``GAME/results_spotting.json`` there. With ``cluster``, each game is a Ray task."""
    root, out = Path(root), Path(out)
    games = find_games(root)
    if not games:
        raise InputError(f"{root}: no SoccerNet games found")
    spec = spec if spec is not None or predictions_root is not None else DetectorSpec("audio-excitement")
    calls = []
    for game in games:
        key = game.relative_to(root)
        job = GameJob(
            str(game.path), key, str(out / key), spec,
            str(Path(predictions_root) / key / RESULTS_FILE) if predictions_root is not None else None,
            str(Path(transcripts_root) / key) if transcripts_root is not None else str(game.path),
            str(Path(fuse_with) / key / RESULTS_FILE) if fuse_with is not None else None,
            budget or {}, force,
        )  # fmt: skip
        calls.append((key, (job,)))
    return _run(plan_game, calls, cluster, on_game, _game_failure(out))


def features_tree(
    root: str | Path,
    settings: VideoFeatureSettings,
    device: str = "cpu",
    cache_root: str | Path | None = None,
    on_video: Callable[[VideoResult], None] | None = None,
    cluster: ClusterConfig | None = None,
    on_seconds: Callable[[str, float, float], None] | None = None,
) -> list[VideoResult]:
    """The feature cache of every half video under ``root`` (or of ``root`` itself, one video).
    Serially, ``on_seconds(video, done_s, length_s)`` follows each video as it is worked through."""
    videos = half_videos(root)
    cache = str(cache_root) if cache_root is not None else None
    calls = [(str(v), (str(v), asdict(settings), device, cache)) for v in videos]
    if cluster is None and on_seconds is not None:
        calls = [(name, (*args, partial(on_seconds, name))) for name, args in calls]
    return _run(video_features, calls, cluster, on_video, lambda name, error: VideoResult(name, failed=error))


def transcribe_tree(
    root: str | Path,
    model: str = "base",
    language: str | None = None,
    force: bool = False,
    on_video: Callable[[TranscriptResult], None] | None = None,
    cluster: ClusterConfig | None = None,
    on_seconds: Callable[[str, float, float], None] | None = None,
    audio_track: int | str | None = None,
) -> list[TranscriptResult]:
    """``{1,2}_asr.json`` beside every half video under ``root`` (or one video), cached against it;
    ``audio_track`` picks the commentary's track where a video has several."""
    from soccer_highlights.commentary.transcribe import transcribe_one

    def report(name: str) -> Callable[[float, float], None] | None:
        return partial(on_seconds, name) if cluster is None and on_seconds is not None else None

    calls = [(str(v), (str(v), model, language, force, report(str(v)), audio_track)) for v in half_videos(root)]
    return _run(transcribe_one, calls, cluster, on_video, lambda name, error: TranscriptResult(name, failed=error))


def _run(task, calls, cluster, on_result, failure):
    """Each call serially, or as Ray tasks; a call that fails becomes ``failure(name, error)``."""
    results = []
    if cluster is not None:

        def done(outcome: TaskOutcome) -> None:
            result = outcome.result if outcome.error is None else failure(outcome.name, outcome.error)
            if on_result:
                on_result(result)

        outcomes = run_tasks(task, calls, cluster, done)
        return [o.result if o.error is None else failure(o.name, o.error) for o in outcomes]
    for name, args in calls:
        try:
            result = task(*args)
        except (SoccerHighlightsError, OSError) as exc:  # one bad game must not stop a tree
            result = failure(name, str(exc))
        results.append(result)
        if on_result:
            on_result(result)
    return results


def _game_failure(out: Path) -> Callable[[str, str], GameResult]:
    return lambda key, error: GameResult(key, out / key, failed=error)


# ------------------------------------------------------------------------- the tasks themselves
@dataclass(frozen=True)
class GameJob:
    """One game to plan, as plain data (it travels to a Ray worker)."""

    path: str
    key: str
    """The ``league/season/game`` key."""
    out: str
    spec: DetectorSpec | None
    """Our own detector; None to plan from ``predictions_file``."""
    predictions_file: str | None
    transcripts_dir: str
    """Where the commentary detector finds this game's ``{1,2}_asr.json``."""
    fuse_with: str | None
    """Another spotter's ``results_spotting.json`` for this game, fused with the commentary's."""
    budget: dict[str, Any]
    force: bool


_detectors: dict[str, Detector] = {}
"""Detectors built in this process, by their spec: a Ray worker that runs many games of one
model loads it once."""


def _detector(spec: DetectorSpec) -> Detector:
    key = repr(spec)
    if key not in _detectors:
        _detectors[key] = spec.build()
    return _detectors[key]


def plan_game(job: GameJob) -> GameResult:
    """Plan one game: ``segments.json``, ``timeline.png``, ``review.html`` and, for our own
    detectors, ``results_spotting.json`` and ``curves.json``."""
    from soccer_highlights.api import highlights
    from soccer_highlights.detectors.imported import PredictionsDetector

    out_dir = Path(job.out)
    if (out_dir / SEGMENTS_FILE).is_file() and not job.force:  # a re-run after fixing another game
        return GameResult(job.key, out_dir, skipped="already planned (--force plans it again)")
    if job.spec is None:
        if not Path(job.predictions_file).is_file():
            return GameResult(job.key, out_dir, skipped=f"no {RESULTS_FILE} under {Path(job.predictions_file).parent}")
        chosen = PredictionsDetector.from_file(job.predictions_file)
    else:
        spec = job.spec
        if spec.name == "commentary":
            spec = DetectorSpec("commentary", {**spec.options, "transcripts_dir": job.transcripts_dir})
        chosen = _detector(spec)
        for name in (RESULTS_FILE, CURVES_FILE):
            refuse_overwrite(out_dir / name, job.force)
    found = highlights(job.path, chosen, **job.budget)
    found.write(out_dir, force=job.force, plan_only=True)
    if job.spec is not None:
        spot = getattr(chosen, "spot", None)  # a detector that tells classes apart spots each one
        predictions = [p for h in found.match.halves.values() for p in spot(h)] if spot else found.predictions()
        if job.fuse_with is not None:  # another spotter's predictions for this game, fused with ours
            other = Path(job.fuse_with)
            predictions = fuse_predictions(load_predictions(other) if other.is_file() else [], predictions)
        write_predictions(out_dir / RESULTS_FILE, job.key, predictions)
        atomic_write_json(out_dir / CURVES_FILE, {"curves": [c.to_json() for c in found.curves]})
    return GameResult(job.key, out_dir, len(found.segments), None if found.segments else found.why_empty())


def video_features(
    video: str,
    settings: dict[str, Any],
    device: str,
    cache_root: str | None,
    on_seconds: Callable[[float, float], None] | None = None,
) -> VideoResult:
    """One half video's frame embeddings and spectrogram, through the content-keyed cache."""
    from soccer_highlights.audiovisual.features import FeatureExtractor
    from soccer_highlights.media.probe import probe

    extractor = FeatureExtractor(
        VideoFeatureSettings(**settings), device=device, cache_root=Path(cache_root) if cache_root else None
    )
    cached = extractor.is_cached(Path(video))
    length = probe(video).duration_s
    features = extractor.ensure(Path(video), (lambda t: on_seconds(t, length)) if on_seconds else None)
    return VideoResult(video, len(features.video), cached)

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
from typing import Any

from soccer_highlights.cluster import ClusterConfig, TaskOutcome, run_tasks
from soccer_highlights.config import VideoFeatureSettings
from soccer_highlights.detectors import Detector, get_detector
from soccer_highlights.errors import InputError, SoccerHighlightsError
from soccer_highlights.fileio import atomic_write_json, refuse_overwrite
from soccer_highlights.soccernet.layout import find_games
from soccer_highlights.soccernet.predictions import RESULTS_FILE, write_predictions

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
class TranscriptResult:
    video: str
    transcript: str | None = None
    lines: int | None = None
    cached: bool = False
    failed: str | None = None


@dataclass(frozen=True)
class VideoResult:
    video: str
    frames: int | None = None
    cached: bool = False
    failed: str | None = None


def plan_tree(
    root: str | Path,
    out: str | Path,
    detector: str = "audio",
    detector_options: dict[str, Any] | None = None,
    predictions_root: str | Path | None = None,
    budget: dict[str, Any] | None = None,
    force: bool = False,
    on_game: Callable[[GameResult], None] | None = None,
    cluster: ClusterConfig | None = None,
) -> list[GameResult]:
    """Plan every game under ``root`` with the detector ``detector`` (a name for ``get_detector``,
    built with ``detector_options`` where the work runs), or with each game's
    ``results_spotting.json`` under ``predictions_root``; ``budget`` holds segment overrides for the
    reel's length (see ``config.budget_overrides``). With ``cluster``, each game is a Ray task."""
    root, out = Path(root), Path(out)
    games = find_games(root)
    if not games:
        raise InputError(f"{root}: no SoccerNet games found")
    calls = []
    for game in games:
        key = game.relative_to(root)
        pred_file = str(Path(predictions_root) / key / RESULTS_FILE) if predictions_root is not None else None
        args = (str(game.path), key, str(out / key), detector, detector_options or {}, pred_file, budget, force)
        calls.append((key, args))
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
    root = Path(root)
    videos = [root] if root.is_file() else [v for g in find_games(root) for v in g.videos.values()]
    if not videos:
        raise InputError(f"{root}: no half videos found")
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
) -> list[TranscriptResult]:
    """``{1,2}_asr.json`` beside every half video under ``root`` (or one video), cached against it."""
    root = Path(root)
    videos = [root] if root.is_file() else [v for g in find_games(root) for v in g.videos.values()]
    if not videos:
        raise InputError(f"{root}: no half videos found")
    calls = [(str(v), (str(v), model, language, force)) for v in videos]
    if cluster is None and on_seconds is not None:
        calls = [(name, (*args, partial(on_seconds, name))) for name, args in calls]
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
_detectors: dict[str, Detector] = {}
"""Detectors built in this process, by their spec: a Ray worker that runs many games of one
model loads it once."""


def _detector(name: str, options: dict[str, Any]) -> Detector:
    key = repr((name, sorted(options.items())))
    if key not in _detectors:
        _detectors[key] = get_detector(name, **options)
    return _detectors[key]


def plan_game(
    path: str,
    key: str,
    out: str,
    detector: str,
    options: dict[str, Any],
    predictions_file: str | None,
    budget: dict[str, Any] | None,
    force: bool,
) -> GameResult:
    """Plan one game: ``segments.json``, ``timeline.png``, ``review.html`` and, for our own
    detectors, ``results_spotting.json`` and ``curves.json``."""
    from soccer_highlights.api import highlights
    from soccer_highlights.detectors.imported import PredictionsDetector

    out_dir = Path(out)
    own = predictions_file is None
    fuse_root = None
    if own and detector == "commentary":
        transcripts = Path(options.get("transcripts_root") or Path(path).parent.parent.parent) / key
        fuse_root = options.get("fuse_with")
        extra = ("transcripts_root", "fuse_with")
        options = {k: v for k, v in options.items() if k not in extra} | {"transcripts_dir": str(transcripts)}
    if own:
        chosen = _detector(detector, options)
    elif not Path(predictions_file).is_file():
        return GameResult(key, out_dir, skipped=f"no {RESULTS_FILE} under {Path(predictions_file).parents[0]}")
    else:
        chosen = PredictionsDetector.from_file(predictions_file)
    if own:
        for name in (RESULTS_FILE, CURVES_FILE):
            refuse_overwrite(out_dir / name, force)
    found = highlights(path, chosen, **(budget or {}))
    found.write(out_dir, force=force, plan_only=True)
    if own:
        spot = getattr(chosen, "spot", None)  # a detector that tells classes apart spots each one
        predictions = [p for h in found.match.halves.values() for p in spot(h)] if spot else found.predictions()
        if fuse_root is not None:  # another spotter's predictions for this game, fused with ours
            from soccer_highlights.evaluation.fusion import fuse_predictions
            from soccer_highlights.soccernet.predictions import load_predictions

            other = Path(fuse_root) / key / RESULTS_FILE
            predictions = fuse_predictions(load_predictions(other) if other.is_file() else [], predictions)
        write_predictions(out_dir / RESULTS_FILE, key, predictions)
        atomic_write_json(out_dir / CURVES_FILE, {"curves": [c.to_json() for c in found.curves]})
    return GameResult(key, out_dir, len(found.segments), None if found.segments else found.why_empty())


def video_features(
    video: str,
    settings: dict[str, Any],
    device: str,
    cache_root: str | None,
    on_seconds: Callable[[float, float], None] | None = None,
) -> VideoResult:
    """One half video's frame embeddings and spectrogram, through the content-keyed cache."""
    from soccer_highlights.features.extract import FeatureExtractor
    from soccer_highlights.media.probe import probe

    extractor = FeatureExtractor(
        VideoFeatureSettings(**settings), device=device, cache_root=Path(cache_root) if cache_root else None
    )
    cached = extractor.is_cached(Path(video))
    length = probe(video).duration_s
    features = extractor.ensure(Path(video), (lambda t: on_seconds(t, length)) if on_seconds else None)
    return VideoResult(video, len(features.video), cached)


def transcribe_one(
    video: str,
    model: str,
    language: str | None,
    force: bool,
    on_seconds: Callable[[float, float], None] | None = None,
) -> TranscriptResult:
    """One half video's transcript, beside it; kept when it was made from this very video and model
    (or came from elsewhere, as SoccerNet-Echoes' do), made again only with ``force`` otherwise."""
    from soccer_highlights.fileio import file_identity
    from soccer_highlights.media.probe import probe
    from soccer_highlights.media.speech import transcribe_video
    from soccer_highlights.soccernet.transcripts import transcript_path, write_transcript

    path = Path(video)
    half = int(path.name[0]) if path.name[:2] in ("1_", "2_") else 1
    dest = transcript_path(path.parent, half)
    source = dest.with_name(f".{dest.stem}.source.json")
    wanted = {"video": path.name, "identity": file_identity(path), "model": model, "language": language}
    if dest.is_file() and not force:
        if not source.is_file():  # a transcript from elsewhere (SoccerNet-Echoes): used as it is
            return TranscriptResult(video, str(dest), None, cached=True)
        import json

        if json.loads(source.read_text(encoding="utf-8")) == wanted:
            return TranscriptResult(video, str(dest), None, cached=True)
        refuse_overwrite(dest, force)  # made from another video or model: the user decides
    length = probe(path).duration_s
    lines = transcribe_video(path, model, language, (lambda t: on_seconds(t, length)) if on_seconds else None)
    write_transcript(dest, lines)
    atomic_write_json(source, wanted)
    return TranscriptResult(video, str(dest), len(lines))

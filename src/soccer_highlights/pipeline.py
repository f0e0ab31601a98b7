"""The main job, video (or game folder) to reel, as a library call the CLI and the demo share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from soccer_highlights import __version__
from soccer_highlights.atomic import atomic_write_json, refuse_overwrite
from soccer_highlights.config import Settings
from soccer_highlights.detectors.base import Detector, HalfSource, ScoreCurve
from soccer_highlights.evaluation.plots import plot_timeline
from soccer_highlights.evaluation.predictions import Prediction
from soccer_highlights.media.errors import MediaError
from soccer_highlights.media.probe import probe
from soccer_highlights.reel import HalfVideo, ReelResult, write_reel
from soccer_highlights.segments import Segment, plan_segments, total_duration_s
from soccer_highlights.soccernet.labels import GameLabels, load_labels
from soccer_highlights.soccernet.layout import LABELS_FILE, game_from_dir

REEL_FILE, SEGMENTS_FILE, TIMELINE_FILE, CURVES_FILE = "reel.mp4", "segments.json", "timeline.png", "curves.json"


class NothingToCutError(RuntimeError):
    """No segment scored above the threshold: there is no reel to write."""


@dataclass(frozen=True)
class HalfInfo:
    half: int
    duration_s: float
    video: Path | None
    has_audio: bool = False


@dataclass(frozen=True)
class MatchInput:
    """What the user pointed at: one video (taken as half 1) or a game folder's halves."""

    source: Path
    halves: dict[int, HalfInfo]
    labels: GameLabels | None

    def videos(self) -> dict[int, HalfVideo]:
        missing = [h.half for h in self.halves.values() if h.video is None]
        if missing:
            raise MediaError(f"{self.source}: no video for half {missing}; use --plan-only to plan without video")
        return {h.half: HalfVideo(h.half, h.video, h.duration_s, h.has_audio) for h in self.halves.values()}


@dataclass(frozen=True)
class ReelOutcome:
    out_dir: Path
    segments: list[Segment]
    curves: list[ScoreCurve]
    reel: ReelResult | None
    match_duration_s: float


LENGTH_MARGIN_S = 30.0
"""Without a video, a half is taken to end this long after its last labelled or predicted event."""


def resolve_input(source: Path, labels_path: Path | None = None, predictions: Sequence[Prediction] = ()) -> MatchInput:
    """A video file, or a SoccerNet game folder whose halves are joined in order into one reel.

    A game folder without videos (a label tree) still resolves when labels or predictions say which
    halves exist; each half's length then comes from its last event, for planning without video.
    """
    source = Path(source)
    if source.is_dir():
        game = game_from_dir(source)
        videos: dict[int, Path] = dict(game.videos)
        labels_path = labels_path or game.labels_path
    elif source.is_file():
        videos = {1: source}
        sibling = source.parent / LABELS_FILE
        if source.name[:2] in ("1_", "2_"):
            videos = {int(source.name[0]): source}
            labels_path = labels_path or (sibling if sibling.is_file() else None)
    else:
        raise MediaError(f"{source}: no such file or folder")
    labels = load_labels(labels_path) if labels_path else None
    halves: dict[int, HalfInfo] = {}
    for half, path in sorted(videos.items()):
        info = probe(path)
        halves[half] = HalfInfo(half, info.duration_s, path, info.has_audio)
    if not halves:
        known = {e.half for e in labels.events} if labels else set()
        known |= {p.half for p in predictions}
        for half in sorted(known):
            last = max(
                [e.time_s for e in (labels.of_half(half) if labels else [])]
                + [p.time_s for p in predictions if p.half == half]
            )
            halves[half] = HalfInfo(half, last + LENGTH_MARGIN_S, None)
    if not halves:
        raise MediaError(f"{source}: no half videos found (expected 1_224p.mkv, 2_224p.mkv or similar)")
    return MatchInput(source, halves, labels)


def make_reel(
    match: MatchInput,
    out_dir: Path,
    detector: Detector,
    settings: Settings,
    force: bool = False,
    plan_only: bool = False,
    on_progress: Callable[[str, float, float], None] | None = None,
) -> ReelOutcome:
    """Score each half, plan segments, write ``segments.json``, ``timeline.png`` and ``reel.mp4``.

    ``on_progress(stage, done, total)`` is called as work advances (decoding in seconds, cutting in
    clips). Existing outputs are refused unless ``force``; each is written atomically.
    """
    out_dir = Path(out_dir)
    reel_path = out_dir / REEL_FILE
    if not plan_only:
        match.videos()  # fail before the long scoring pass, not after it
    for name in (SEGMENTS_FILE, TIMELINE_FILE) + (() if plan_only else (REEL_FILE,)):
        refuse_overwrite(out_dir / name, force)
    out_dir.mkdir(parents=True, exist_ok=True)
    match_duration = sum(h.duration_s for h in match.halves.values())

    curves = []
    done_before = 0.0
    for half in match.halves.values():

        def progress(t: float, base: float = done_before) -> None:
            if on_progress:
                on_progress("scoring", base + t, match_duration)

        curves.append(detector.score_half(HalfSource(half.half, half.duration_s, half.video), progress))
        done_before += half.duration_s
    segments = plan_segments(curves, settings.segments)

    reel = None
    if segments and not plan_only:

        def clip_progress(n: int) -> None:
            if on_progress:
                on_progress("cutting", n, len(segments))

        reel = write_reel(segments, match.videos(), reel_path, settings.reel, clip_progress)
    # Written last, so an interrupted run leaves nothing that a re-run would refuse to replace.
    events = list(match.labels.events) if match.labels else []
    plot_timeline(
        curves, segments, events, out_dir / TIMELINE_FILE, settings.segments.threshold, str(match.source.name)
    )
    atomic_write_json(
        out_dir / SEGMENTS_FILE, _segments_document(match, detector, settings, segments, reel, match_duration)
    )
    if not segments:
        raise NothingToCutError(
            f"no moment of {match.source} scored above the threshold {settings.segments.threshold}; "
            f"see {out_dir / TIMELINE_FILE} and try a lower --threshold"
        )
    return ReelOutcome(out_dir, segments, curves, reel, match_duration)


def _segments_document(
    match: MatchInput,
    detector: Detector,
    settings: Settings,
    segments: list[Segment],
    reel: ReelResult | None,
    match_duration: float,
) -> dict:
    reel_s = total_duration_s(segments)
    return {
        "tool": f"soccer-highlights {__version__}",
        "source": str(match.source),
        "detector": detector.name,
        "halves": [
            {"half": h.half, "video": str(h.video) if h.video else None, "duration_s": round(h.duration_s, 3)}
            for h in match.halves.values()
        ],
        "segments": [s.to_json() for s in segments],
        "reel": {
            "path": REEL_FILE if reel else None,
            "duration_s": round(reel.duration_s if reel else reel_s, 3),
            "share_of_match": round(reel_s / match_duration, 4) if match_duration else 0.0,
        },
        "settings": settings.to_dict(),
    }

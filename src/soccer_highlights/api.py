"""The front door: from a match to its highlights in one call, and each output when asked for.

    >>> import soccer_highlights as sh
    >>> result = sh.highlights("match.mkv")            # score, plan: nothing is written
    >>> result.segments[0]                             # Segment(half=1, start_s=..., ...)
    >>> result.write("reel_out")                       # reel.mp4, segments.json, timeline.png

``highlights`` takes a video or a SoccerNet game folder and a detector (a name such as
``"audio"``, or any object with the :class:`~soccer_highlights.core.Detector` interface);
segment settings default to the detector's own and can be overridden by name (``threshold=0.6``,
``budget_s=240``). Scoring and planning are pure; :class:`Highlights` writes the reel, the
segments document and the timeline, each on its own or all together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from soccer_highlights.config import (
    EDGE_TOLERANCE_S,
    LENGTH_MARGIN_S,
    ExportConfig,
    ReelConfig,
    SegmentConfig,
    Settings,
    segment_overrides,
)
from soccer_highlights.core import Detector, Half, Plan, ScoreCurve, Segment, half_length_from_events, total_duration_s
from soccer_highlights.detectors import DetectorSpec, get_detector
from soccer_highlights.errors import ConfigError, InputError, MediaError
from soccer_highlights.evaluation.coverage import Coverage, event_coverage
from soccer_highlights.fileio import (
    OutputLock,
    atomic_write_json,
    clean_stale_partials,
    quick_identity,
    refuse_overwrite,
)
from soccer_highlights.media.damage import damaged_stretches
from soccer_highlights.media.probe import probe
from soccer_highlights.output import MATCH_STATE_FILE, REEL_FILE, REVIEW_FILE, SEGMENTS_FILE, TIMELINE_FILE
from soccer_highlights.output.chapters import CHAPTERS_FILE, chapters, write_youtube_chapters
from soccer_highlights.output.document import segments_document
from soccer_highlights.output.editorial import check_formats, segment_title
from soccer_highlights.output.reel import ReelResult, reel_problem, write_reel
from soccer_highlights.output.results_spotting import predictions_from_curves
from soccer_highlights.output.resume import RunRecord, plan_key, reel_from_record, reel_record, unfinished_outputs
from soccer_highlights.segments import outside_damage, plan_reel
from soccer_highlights.soccernet.classes import DEFAULT_HIGHLIGHT_CLASSES
from soccer_highlights.soccernet.labels import GameLabels, load_labels
from soccer_highlights.soccernet.layout import LABELS_FILE, game_from_dir, half_of_video
from soccer_highlights.soccernet.predictions import Prediction
from soccer_highlights.soccernet.transcripts import lines_beside

ProgressCallback = Callable[[str, float, float], None]
"""``(stage, done, total)``: ``scoring`` in seconds of match, ``cutting`` in clips."""


@dataclass(frozen=True)
class Match:
    """What the user pointed at: one video (taken as half 1, or as half 2 when named ``2_*``) or a
    game folder's halves, with the game's labels where there are some."""

    source: Path
    halves: dict[int, Half]
    labels: GameLabels | None

    @property
    def notes(self) -> list[str]:
        """Damaged stretches of the videos, and labelled events that the videos cannot show (past a
        half's end): reported, not cut."""
        notes = [
            f"{half.video}: damaged from {a:.1f} s to {b:.1f} s (no picture or sound could be read there): "
            "scored as silence, and no segment is cut across it"
            for half in self.halves.values()
            for a, b in half.damaged
        ]
        for half in self.halves.values() if self.labels is not None else ():
            late = [e for e in self.labels.of_half(half.half) if e.time_s > half.duration_s + EDGE_TOLERANCE_S]
            if late:
                notes.append(
                    f"half {half.half}: {len(late)} labelled event(s) lie past the end of its "
                    f"{half.duration_s:.1f} s video (first at {late[0].time_s:.1f} s): are these the right labels?"
                )
        return notes

    @property
    def duration_s(self) -> float:
        return sum(h.duration_s for h in self.halves.values())

    def require_videos(self) -> None:
        missing = [h.half for h in self.halves.values() if h.video is None]
        if missing:
            raise MediaError(f"{self.source}: no video for half {missing}; plan without video (plan_only) instead")


def open_match(
    source: str | Path,
    labels: str | Path | None = None,
    predictions: Sequence[Prediction] = (),
    audio_track: int | str | None = None,
    find_damage: bool = True,
) -> Match:
    """A video file, or a SoccerNet game folder whose halves are joined in order into one reel.

    ``audio_track`` names the match's sound where a file has several (a number from 0, or a
    language tag such as ``eng``); by default the first, which a broadcast capture puts first. The
    detectors score it, the transcriber hears it and the cuts keep it. ``find_damage`` scans every
    packet for damaged stretches (about a second for a 45-minute half), which reels are cut around;
    a caller that cuts nothing (reading the score bug) can skip it.

    A game folder without videos (a label tree) still opens when labels or predictions say which
    halves exist; each half's length then comes from its last event, for planning without video.
    """
    _check_inputs(source=source, labels=labels, audio_track=audio_track, reel=None, matches=False)
    source = Path(source)
    labels_path = Path(labels) if labels is not None else None
    if source.is_dir():
        game = game_from_dir(source)
        videos: dict[int, Path] = dict(game.videos)
        labels_path = labels_path or game.labels_path
    elif source.is_file():
        videos = {1: source}
        if (number := half_of_video(source)) is not None:
            videos = {number: source}
            sibling = source.parent / LABELS_FILE
            labels_path = labels_path or (sibling if sibling.is_file() else None)
    else:
        raise InputError(f"{source}: no such file or folder")
    game_labels = load_labels(labels_path) if labels_path else None
    halves: dict[int, Half] = {}
    for number, path in sorted(videos.items()):
        info = probe(path)
        track = info.audio_track(audio_track) if info.has_audio else 0
        halves[number] = Half(
            number, info.duration_s, path, info.has_audio, info.width, info.height, info.fps, info.interlaced, track,
            damaged_stretches(path) if find_damage else (),
        )  # fmt: skip
    if not halves:
        events = list(game_labels.events) if game_labels else []
        times: dict[int, list[float]] = {}
        for half, time_s in [(e.half, e.time_s) for e in events] + [(p.half, p.time_s) for p in predictions]:
            times.setdefault(half, []).append(time_s)
        for number in sorted(times):
            halves[number] = Half(number, half_length_from_events(times[number], LENGTH_MARGIN_S))
    if not halves:
        raise InputError(f"{source}: no half videos found (expected 1_224p.mkv, 2_224p.mkv or similar)")
    return Match(source, halves, game_labels)


def _check_inputs(source: Any, labels: Any, audio_track: Any, reel: Any, matches: bool = True) -> None:
    """The arguments every front door shares, checked before any work."""
    check_argument("source", source, str, Path, *((Match,) if matches else ()))
    check_argument("labels", labels, str, Path, type(None))
    check_argument("audio_track", audio_track, int, str, type(None))
    check_argument("reel", reel, ReelConfig, type(None))


def reel_spec(reel: ReelConfig | None, match: Match) -> ReelConfig:
    """The reel's spec with the source's picture where it leaves it open: the first half with a
    video sets the size and rate (halves of other sizes are scaled and padded to it)."""
    first = next((h for h in match.halves.values() if h.video is not None), None)
    spec = reel or ReelConfig()
    if first is None:  # a label tree: planned as SoccerNet's 224p videos would be cut
        return spec.for_source(None, None, None)
    deinterlace = spec.deinterlace if spec.deinterlace is not None else first.interlaced
    return replace(spec.for_source(first.width, first.height, first.fps), deinterlace=deinterlace)


def check_outputs(out_dir: str | Path, force: bool = False, plan_only: bool = False) -> None:
    """Refuse (before any work) to replace the outputs of an earlier run without ``force``; those
    of a run that did not finish (see :mod:`soccer_highlights.output.resume`) are finished instead."""
    names = (SEGMENTS_FILE, TIMELINE_FILE, REVIEW_FILE, MATCH_STATE_FILE)
    names += () if plan_only else (REEL_FILE, CHAPTERS_FILE)
    unfinished = unfinished_outputs(out_dir)
    for name in names:
        refuse_overwrite(Path(out_dir) / name, force or name in unfinished)


def check_argument(name: str, value: Any, *types: type) -> None:
    """A public entry's argument of the wrong type is the tool's error, said before any work."""
    if not isinstance(value, types):
        allowed = " or ".join("None" if t is type(None) else t.__name__ for t in types)
        raise ConfigError(f"{name} must be {allowed}, not {type(value).__name__} ({value!r:.60})")


@dataclass(frozen=True)
class Outputs:
    """The files one :meth:`Highlights.write` made (``reel`` is None when nothing was cut)."""

    out_dir: Path
    segments: Path
    timeline: Path
    review: Path
    reel: ReelResult | None


@dataclass(frozen=True)
class Highlights:
    """A match's score curves and the segments planned from them, with the settings that made them."""

    match: Match
    curves: list[ScoreCurve]
    segments: list[Segment]
    description: dict[str, Any]
    """The detector's description (its ``describe()``): name, settings, checkpoint or predictions file."""
    settings: Settings
    left_out: list[Segment] = field(default_factory=list)
    """Segments over the threshold that the length budget had no room for."""
    budget_s: float | None = None
    """The reel's length limit that was applied (None: none)."""
    detector: Detector | None = None
    """The detector that scored the match (None for an edited list of segments)."""
    notes: list[str] = field(default_factory=list)
    """What planning noticed that a user should hear (an edited list's overlaps merged)."""

    @cached_property
    def plan(self) -> Plan:
        """The plan as plain data, what every writer takes (commentary lines read once, here)."""
        halves = tuple(self.match.halves.values())
        events = tuple(e for e in self.match.labels.events if e.half in self.match.halves) if self.match.labels else ()
        words = tuple(w for h in halves for w in lines_beside(h.video, h.half))
        board = self.scoreboard()
        spans = tuple(
            {"half": h, **asdict(span)}
            for h, state in (board.states.items() if board else ())
            for span in state.bug.spans
        )
        return Plan(
            self.match.source, halves, tuple(self.curves), tuple(self.segments), self.description, self.settings,
            tuple(self.left_out), self.budget_s, events, tuple(self.warnings), words, spans,
        )  # fmt: skip

    @property
    def warnings(self) -> list[str]:
        """What the detector noticed that a user should hear (see ``ScoreCurve.notes``)."""
        return self.match.notes + [note for curve in self.curves for note in curve.notes] + self.notes

    def scoreboard(self) -> Any:
        """The scoreboard detector that read this match (alone or among fused parts), or None."""
        parts = [self.detector, *getattr(self.detector, "detectors", ())]
        return next((p for p in parts if p is not None and getattr(p, "name", None) == "scoreboard"), None)

    def why_empty(self) -> str:
        """Why nothing was planned, in words a user can act on."""
        predictions = self.description.get("n_predictions")
        if predictions == 0:
            return f"{self.description.get('predictions_file', 'the predictions')} has no predictions"
        if not self.curves:
            return "the list of segments is empty"
        if self.left_out:  # moments were found: the length limit had room for none of them
            shortest = min(s.duration_s for s in self.left_out)
            return (
                f"{len(self.left_out)} segment(s) scored over the threshold, but the shortest ({shortest:.1f} s) is "
                f"longer than the reel's budget of {self.budget_s:.1f} s: give a larger --budget (or none), or "
                "shorter --pad-before/--pad-after, and --force"
            )
        best = max((float(c.scores.max()) for c in self.curves if len(c.scores)), default=0.0)
        threshold = self.settings.segments.threshold
        if predictions is not None and best == 0.0:
            return "none of its predictions is of a class with a weight above 0, inside the video (--class-weights)"
        return (
            f"no moment scored above the threshold {threshold}: the highest score was {best:.2f}; see the "
            "timeline, then re-run with a lower --threshold and --force"
        )

    @property
    def duration_s(self) -> float:
        """The reel's length: the sum of its segments."""
        return total_duration_s(self.segments)

    @property
    def share_of_match(self) -> float:
        return self.duration_s / self.match.duration_s if self.match.duration_s else 0.0

    def coverage(
        self, classes: frozenset[str] = DEFAULT_HIGHLIGHT_CLASSES, with_left_out: bool = False
    ) -> Coverage | None:
        """Which labelled highlight events of the halves at hand lie inside the reel (None without
        labels); ``with_left_out`` also counts the segments the budget left out: what the detector
        found, as against what the reel has room for."""
        if self.match.labels is None:
            return None
        events = [e for e in self.match.labels.events if e.half in self.match.halves]
        segments = self.segments + self.left_out if with_left_out else self.segments
        return event_coverage(segments, events, classes)

    def predictions(
        self, classes: frozenset[str] = DEFAULT_HIGHLIGHT_CLASSES, config: ExportConfig | None = None
    ) -> list[Prediction]:
        """The curves' peaks as SoccerNet predictions (for ``results_spotting.json`` and ``evaluate``)."""
        return predictions_from_curves(self.curves, classes, config)

    def to_json(
        self, reel_file: str | None = None, reel_duration_s: float | None = None, cuts: list[dict] | None = None
    ) -> dict[str, Any]:
        """The ``segments.json`` document (``cuts``: how each segment was cut, see :class:`ReelResult`)."""
        return segments_document(self.plan, reel_file, reel_duration_s, cuts)

    def write_segments(self, path: str | Path, force: bool = False) -> Path:
        path = Path(path)
        refuse_overwrite(path, force)
        atomic_write_json(path, self.to_json())
        return path

    def plot_timeline(self, path: str | Path, force: bool = False) -> Path:
        from soccer_highlights.output.timeline import plot_timeline

        path = Path(path)
        refuse_overwrite(path, force)
        plot_timeline(self.plan, path)
        return path

    def write_review(self, out_dir: str | Path, reel_file: str | None = None, thumbnails: bool = True) -> Path:
        """``out_dir/review.html``: the page to check, keep, drop and nudge segments (see ``output.review``)."""
        from soccer_highlights.output.review import write_review

        return write_review(self.plan, Path(out_dir), reel_file, thumbnails)

    def titles(self) -> list[str]:
        """What each segment is called in chapters, clips and timelines: ``28' Goal (2-0)``, ``Highlight 3``."""
        return [segment_title(s, i) for i, s in enumerate(self.segments)]

    def clip_names(self) -> list[str]:
        """File names of the segments as clips of their own: ``01_28m_goal_2-0.mp4``, ``02_highlight.mp4``."""
        names = []
        for i, seg in enumerate(self.segments):
            minute = f"_{seg.minute}m" if seg.minute is not None else ""
            slug = re.sub(r"[^a-z0-9-]+", "_", seg.label.lower())[:60].strip("_") or "highlight"  # a safe name
            names.append(f"{i + 1:02d}{minute}_{slug}.mp4")
        return names

    def write_reel(
        self,
        path: str | Path,
        force: bool = False,
        progress: ProgressCallback | None = None,
        clips: bool = False,
        titles: bool = False,
        cut_cache: str | Path | None = None,
    ) -> ReelResult:
        """Cut every segment and join the cuts into one MP4 with a chapter per segment (raises
        NothingToCutError without segments); ``clips`` also writes each segment as an MP4 of its
        own beside it (``01_28m_goal_2-0.mp4``, ...); ``titles`` burns each segment's title into its
        picture as a lower third (``28' Goal (2-0)``). ``cut_cache``: a folder where the cuts are
        kept for the next reel of the same match (an edit re-cuts only the segments it changed)."""
        check_argument("path", path, str, Path)
        if cut_cache is not None:
            check_argument("cut_cache", cut_cache, str, Path)
        path = Path(path)
        self.match.require_videos()
        refuse_overwrite(path, force)
        names = self.clip_names() if clips else None
        for name in names or ():
            refuse_overwrite(path.parent / name, force)

        def on_clip(n: int) -> None:
            if progress:
                progress("cutting", n, len(self.segments))

        shown = self.titles() if titles else None
        return write_reel(
            self.segments, self.match.halves, path, self.settings.reel, on_clip, self.titles(), names, shown,
            Path(cut_cache) if cut_cache is not None else None,
        )  # fmt: skip

    def write_timelines(
        self, out_dir: str | Path, formats: Sequence[str] = ("otio",), force: bool = False
    ) -> list[Path]:
        """The cut as timelines for editing applications (``otio``, ``edl``, ``fcpxml``, ``fcp7xml``):
        one clip per segment at its exact source range; see :mod:`soccer_highlights.output.editorial`."""
        from soccer_highlights.output.editorial import FORMATS, TIMELINE_STEM, write_timelines

        check_argument("out_dir", out_dir, str, Path)
        formats = check_formats(formats)
        self.match.require_videos()
        for name in formats:
            refuse_overwrite(Path(out_dir) / f"{TIMELINE_STEM}{FORMATS[name][1]}", force)
        return write_timelines(self.plan, Path(out_dir), formats)

    def write(
        self,
        out_dir: str | Path,
        force: bool = False,
        plan_only: bool = False,
        progress: ProgressCallback | None = None,
        exports: Sequence[str] = (),
        clips: bool = False,
        titles: bool = False,
        cut_cache: str | Path | None = None,
    ) -> Outputs:
        """``reel.mp4`` with its chapters and ``chapters.txt`` (unless ``plan_only`` or nothing was
        planned), ``timeline.png``, ``review.html`` and ``segments.json`` in ``out_dir``, as one set;
        ``exports`` adds timelines for editors (plan-only runs too), ``clips`` each segment as an MP4;
        ``cut_cache`` keeps the cuts in a folder of the caller's for the next reel (see ``write_reel``).
        Nothing is replaced without ``force``, and with it a stale reel is removed when this plan cuts nothing.
        Every argument is checked before any work (an unknown export is an error before cutting)."""
        check_argument("out_dir", out_dir, str, Path)
        exports = check_formats(exports)
        for name, flag in (("force", force), ("plan_only", plan_only), ("clips", clips), ("titles", titles)):
            check_argument(name, flag, bool)
        if cut_cache is not None:
            check_argument("cut_cache", cut_cache, str, Path)
        if progress is not None and not callable(progress):
            raise ConfigError(f"progress must be a function (stage, done, total), not {type(progress).__name__}")
        out_dir = Path(out_dir)
        with OutputLock(out_dir):
            clean_stale_partials(out_dir)
            return self._write(out_dir, force, plan_only, progress, exports, clips, titles, cut_cache)

    def _write(
        self,
        out_dir: Path,
        force: bool,
        plan_only: bool,
        progress: ProgressCallback | None,
        exports: Sequence[str],
        clips: bool,
        titles: bool = False,
        cut_cache: str | Path | None = None,
    ) -> Outputs:
        cut = bool(self.segments) and not plan_only
        if cut or (exports and self.segments):
            self.match.require_videos()  # fail before any work, not after it
        check_outputs(out_dir, force, plan_only)
        out_dir.mkdir(parents=True, exist_ok=True)
        record = RunRecord(out_dir, self._run_key(plan_only, clips, titles))  # a re-run finishes what this one leaves
        reel = None
        if cut:
            reel = self._finished_reel(record, out_dir) or self.write_reel(
                out_dir / REEL_FILE, force=True, progress=progress, clips=clips, titles=titles, cut_cache=cut_cache
            )
            record.done(REEL_FILE, reel_record(reel))
        if not cut and not plan_only:
            (out_dir / REEL_FILE).unlink(missing_ok=True)
        if reel is not None:
            marks = chapters(self.plan, self.settings.reel.fps or 25.0)
            write_youtube_chapters(marks, out_dir / CHAPTERS_FILE)
            record.done(CHAPTERS_FILE)
        if exports and self.segments:
            self.write_timelines(out_dir, exports, force=True)
        if (board := self.scoreboard()) is not None and board.states:
            board.match_state().write(out_dir / MATCH_STATE_FILE)
            record.done(MATCH_STATE_FILE)
        # Written last: until segments.json is there, the run's record lets a re-run finish the set.
        self.plot_timeline(out_dir / TIMELINE_FILE, force=True)
        record.done(TIMELINE_FILE)
        self.write_review(out_dir, REEL_FILE if reel else None)
        record.done(REVIEW_FILE)
        atomic_write_json(
            out_dir / SEGMENTS_FILE,
            self.to_json(REEL_FILE if reel else None, reel.duration_s if reel else None, reel.cuts if reel else None),
        )
        record.finish()
        return Outputs(out_dir, out_dir / SEGMENTS_FILE, out_dir / TIMELINE_FILE, out_dir / REVIEW_FILE, reel)

    def _run_key(self, plan_only: bool, clips: bool, titles: bool) -> str:
        """What makes this run's outputs: the segments, the reel's settings, the videos' content."""
        videos = [(h.half, str(h.video), quick_identity(h.video)) for h in self.match.halves.values() if h.video]
        segments = [s.to_json() for s in self.segments]
        return plan_key([segments, asdict(self.settings.reel), videos, plan_only, clips, titles])

    def _finished_reel(self, record: RunRecord, out_dir: Path) -> ReelResult | None:
        """The reel an interrupted run of this same plan joined, where it still holds its plan."""
        found = record.reusable(REEL_FILE)
        reel = reel_from_record(found, out_dir, ReelResult) if isinstance(found, dict) else None
        if reel is None or reel_problem(reel.path, reel.duration_s, self.settings.reel.fps or 25.0) is not None:
            return None
        return reel


def highlights(
    source: str | Path | Match,
    detector: str | DetectorSpec | Detector = "audio",
    *,
    labels: str | Path | None = None,
    segments: SegmentConfig | None = None,
    reel: ReelConfig | None = None,
    progress: ProgressCallback | None = None,
    audio_track: int | str | None = None,
    **overrides: Any,
) -> Highlights:
    """Score every half of ``source`` with ``detector`` and plan the reel's segments; writes nothing.

    ``segments`` replaces the detector's default segment settings; keyword ``overrides`` change
    single ones by name (``threshold``, ``pad_before_s``, ``pad_after_s``, ``nms_window_s``,
    ``merge_gap_s``, ``budget_s``, ``auto_budget``, ...), checked like every setting. By default the
    reel is held to four minutes per 45 minutes of match (``auto_budget=False`` keeps every segment).
    ``audio_track`` picks the match's sound where the video has several (see :func:`open_match`).
    """
    _check_inputs(source=source, labels=labels, audio_track=audio_track, reel=reel)
    check_argument("segments", segments, SegmentConfig, type(None))
    if progress is not None and not callable(progress):
        raise ConfigError(f"progress must be a function (stage, done, total), not {type(progress).__name__}")
    if not isinstance(detector, str | DetectorSpec | Detector):
        raise ConfigError(f"detector must be a name, a DetectorSpec or a Detector, not {type(detector).__name__}")
    if isinstance(detector, str | DetectorSpec):
        detector = get_detector(detector)
    segment_config = segment_overrides(segments or detector.segment_defaults, **overrides)  # checked before any work
    if isinstance(source, Match):
        match = source
        if labels is not None:
            match = replace(match, labels=load_labels(labels))
    else:
        predictions = getattr(detector, "predictions", ())
        match = open_match(source, labels, predictions, audio_track)
    settings = Settings(segments=segment_config, reel=reel_spec(reel, match))
    curves = []
    done_before = 0.0
    for half in match.halves.values():

        def on_seconds(t: float, base: float = done_before) -> None:
            if progress:
                progress("scoring", base + t, match.duration_s)

        curves.append(detector.score_half(half, on_seconds))
        done_before += half.duration_s
    plan = plan_reel(curves, segment_config)
    kept, notes = outside_damage(plan.segments, match.halves)
    return Highlights(
        match, curves, kept, detector.describe(), settings, plan.left_out, plan.budget_s, detector, notes=notes
    )


def highlights_from_segments(
    source: str | Path,
    segments_file: str | Path,
    labels: str | Path | None = None,
    reel: ReelConfig | None = None,
    audio_track: int | str | None = None,
) -> Highlights:
    """Exactly the segments of an edited ``segments.json`` (as ``review.html`` saves it), checked
    against the halves and lengths of ``source``; nothing is scored, nothing is left out."""
    _check_inputs(source=source, labels=labels, audio_track=audio_track, reel=reel, matches=False)
    check_argument("segments_file", segments_file, str, Path)
    from soccer_highlights.output.document import read_segments_document

    document = read_segments_document(segments_file)
    match = open_match(source, labels, audio_track=audio_track)
    for i, seg in enumerate(document.segments):
        where = f"{document.path}: segment {i} (half {seg.half}, {seg.start_s:.2f}-{seg.end_s:.2f} s)"
        if seg.half not in match.halves:
            raise InputError(f"{where}: {match.source} has no half {seg.half} (halves: {sorted(match.halves)})")
        length = match.halves[seg.half].duration_s
        if not 0.0 <= seg.start_s < seg.end_s <= length + EDGE_TOLERANCE_S:
            raise InputError(f"{where}: outside the half's 0-{length:.2f} s, or not start < end")
    clipped = [replace(s, end_s=min(s.end_s, match.halves[s.half].duration_s)) for s in document.segments]
    segments, notes = normalise_segments(clipped, str(document.path))
    segments, damage_notes = outside_damage(segments, match.halves)
    notes += damage_notes
    detector = {"name": "edited", "segments_file": str(document.path), "edited_from": document.detector}
    return Highlights(match, [], segments, detector, Settings(reel=reel_spec(reel, match)), notes=notes)


def normalise_segments(segments: Sequence[Segment], source: str) -> tuple[list[Segment], list[str]]:
    """An edited list made playable: in time order, each moment once. A segment listed twice is
    kept once; segments that overlap or nest are merged into one (the reel would otherwise play the
    overlap twice), each with a note naming them."""
    notes: list[str] = []
    unique = sorted(set(segments), key=lambda s: (s.half, s.start_s, s.end_s))
    if len(unique) < len(segments):
        notes.append(f"{source}: {len(segments) - len(unique)} segment(s) listed twice, kept once")
    merged: list[Segment] = []
    for seg in unique:
        last = merged[-1] if merged else None
        if last is not None and last.half == seg.half and seg.start_s < last.end_s:
            notes.append(
                f"{source}: half {seg.half} {seg.start_s:.2f}-{seg.end_s:.2f} s overlaps "
                f"{last.start_s:.2f}-{last.end_s:.2f} s: merged into one segment"
            )
            best = last if last.score >= seg.score else seg
            merged[-1] = replace(
                best, start_s=last.start_s, end_s=max(last.end_s, seg.end_s), keep=last.keep or seg.keep
            )
        else:
            merged.append(seg)
    return merged, notes

"""``reel.mp4``: cut every segment, join the cuts.

Cuts are cached under ``OUT/.clips`` by their half, times and spec, so a run that is interrupted
(or re-run with a changed threshold) re-encodes only the cuts it has not made yet; the cache is
removed once the reel is written, unless the caller names a cache of its own to keep (the web app
re-cutting an edit of the same match cuts only the segments the edit changed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from soccer_highlights.config import ReelConfig
from soccer_highlights.core import Half, Segment, frame_aligned
from soccer_highlights.errors import MediaError, NothingToCutError
from soccer_highlights.fileio import atomic_path, clean_stale_partials, quick_identity
from soccer_highlights.media.cut import concat_clips, cut_clip
from soccer_highlights.media.ffmpeg import ffmpeg_path, run_ffmpeg, stop_ffmpeg
from soccer_highlights.media.probe import probe
from soccer_highlights.media.reframe import follow_play
from soccer_highlights.media.smartcut import REENCODE, SourceStream, copy_problem, smart_cut_clip
from soccer_highlights.media.smartcut import source_stream as read_source_stream
from soccer_highlights.media.verify import frames_problem, luma_frames, stream_counts
from soccer_highlights.output.chapters import ffmetadata

CLIP_CACHE = ".clips"
RESUMED = "cut by an earlier run, which did not record how"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReelResult:
    path: Path
    duration_s: float
    """The sum of the frame-aligned segment lengths: what the reel's own duration should be."""
    clips: list[Path] = field(default_factory=list)
    """Each segment as an MP4 of its own (with ``clip_names``), in reel order."""
    cuts: list[dict[str, str]] = field(default_factory=list)
    """How each segment's picture was cut, in reel order: ``{"method": "copy"}`` (the source's
    own frames between keyframes, the rest encoded to match) or ``{"method": "reencode", "note":
    why}`` (:mod:`soccer_highlights.media.smartcut`)."""


def clip_name(
    seg: Segment,
    source: Path,
    spec: ReelConfig,
    identity: str | None = None,
    title: str | None = None,
    audio_track: int = 0,
) -> str:
    """A cut's name in the clip cache: its half and times, and a digest of everything that makes it
    (the source's path and content identity, the times, the spec), so a replaced video never
    lends its cuts to another."""
    identity = identity or quick_identity(source)
    key = json.dumps(
        [str(source.resolve()), identity, seg.half, seg.start_s, seg.end_s, asdict(spec)]
        + ([title] if title else [])
        + ([f"audio track {audio_track}"] if audio_track else [])
    )
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return f"h{seg.half}_{seg.start_s:09.2f}_{seg.end_s:09.2f}_{digest}.mkv"


def write_reel(
    segments: Sequence[Segment],
    halves: Mapping[int, Half],
    dest: Path,
    spec: ReelConfig,
    on_clip: Callable[[int], None] | None = None,
    chapter_titles: Sequence[str] | None = None,
    clip_names: Sequence[str] | None = None,
    burnt_titles: Sequence[str] | None = None,
    cut_cache: Path | None = None,
) -> ReelResult:
    """Cut and join ``segments`` (already in reel order) into ``dest``; with ``chapter_titles``
    (one per segment) the MP4 gets a chapter at each segment's start in it; with ``clip_names``
    each segment is also written beside the reel as an MP4 of its own, checked like the reel; with
    ``burnt_titles`` each segment shows its title as a lower third. Cuts are made in ``cut_cache``
    and kept there for the next reel of the same source (by default in ``OUT/.clips``, removed
    once the reel is whole)."""
    if not segments:
        raise NothingToCutError(f"{dest}: no segments to put in a reel")
    for i, seg in enumerate(segments):
        if seg.half not in halves or halves[seg.half].video is None:
            raise MediaError(f"segment {i} is in half {seg.half}, for which no video was given")
    videos = {h: half.video for h, half in halves.items() if half.video is not None}
    cache = cut_cache or dest.parent / CLIP_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(cache)
    identities = {h: quick_identity(v) for h, v in videos.items()}  # read once per video, not per cut
    infos = {h: probe(v) for h, v in videos.items()}
    exact = {h: info.seeks_exactly for h, info in infos.items()}
    if not spec.resolved:  # the first half's picture, as Highlights does (see api.reel_spec)
        first = infos[min(infos)]
        spec = spec.for_source(first.width, first.height, first.fps)
    shown = list(burnt_titles) if burnt_titles is not None else [None] * len(segments)
    streams, why_not = _copyable(videos, infos, spec, burnt_titles is not None)
    cuts: list[dict[str, str]] = [{"method": REENCODE, "note": why_not or ""} for _ in segments]
    ends: list[dict[int, np.ndarray]] = [{} for _ in segments]  # each cut's first and last frames
    clips = [
        cache / clip_name(seg, videos[seg.half], spec, identities[seg.half], title, halves[seg.half].audio_track)
        for seg, title in zip(segments, shown, strict=True)
    ]
    durations = [end - start for start, end in (frame_aligned(s.start_s, s.end_s, spec.fps) for s in segments)]

    def cut(i: int) -> None:
        if clips[i].exists():
            problem = _clip_problem(clips[i], durations[i], spec.fps)
            if problem is None:  # a finished cut is taken back, with how it was cut where that is recorded
                cuts[i] = (_cut_record(clips[i]) or {"method": REENCODE, "note": RESUMED}) if streams else cuts[i]
                if streams:
                    n = round(durations[i] * spec.fps)
                    ends[i] = _ends(luma_frames(clips[i], _end_places(n), spec.fps), n)
                return
            log.warning("%s: a cached cut is damaged (%s); cutting it again", clips[i], problem)
            clips[i].unlink()
        half = halves[segments[i].half]
        if streams:  # the source's own picture between keyframes
            cuts[i], ends[i] = _copy_cut(videos[half.half], segments[i], clips[i], spec, streams[half.half], half)
            return
        crop = None
        commands = clips[i].with_name(f".{clips[i].stem}.crop.txt")
        if spec.aspect != "source":  # a window that follows the play, found on this segment's own frames
            info = infos[half.half]
            path = follow_play(videos[half.half], segments[i].start_s, segments[i].end_s,
                               (info.width or spec.width, info.height or spec.height), spec.aspect)  # fmt: skip
            commands.write_text(path.commands(durations[i], spec.fps), encoding="utf-8")
            crop = path.ffmpeg_filter(info.height or spec.height, commands)
        try:
            cut_clip(
                videos[half.half], segments[i].start_s, segments[i].end_s, clips[i], spec, half.has_audio,
                exact[half.half], shown[i], crop, half.audio_track,
            )  # fmt: skip
        finally:
            commands.unlink(missing_ok=True)
        problem = _clip_problem(clips[i], durations[i], spec.fps)
        if problem is not None:
            clips[i].unlink(missing_ok=True)
            raise MediaError(
                f"cutting {videos[half.half]} [{segments[i].start_s:.2f}-{segments[i].end_s:.2f} s]: {problem}"
            )

    with ThreadPoolExecutor(max_workers=max(1, spec.parallel_cuts)) as pool:
        pending = [pool.submit(cut, i) for i in range(len(segments))]
        try:
            for done, future in enumerate(as_completed(pending), start=1):
                future.result()
                if on_clip:
                    on_clip(done)
        except BaseException:
            for future in pending:
                future.cancel()
            stop_ffmpeg()  # the cuts in flight: a finished cut is kept, a half-made one is not
            raise
    metadata = None
    if chapter_titles is not None:
        starts = [sum(durations[:i]) for i in range(len(durations))]
        marks = [(s, s + d, title) for s, d, title in zip(starts, durations, chapter_titles, strict=True)]
        metadata = ffmetadata(marks)
    concat_clips(clips, dest, durations, spec.audio_bitrate, spec.aac_coder, metadata)
    problem = reel_problem(dest, sum(durations), spec.fps)
    if problem is None and streams:
        problem = _joins_problem(dest, ends, [round(d * spec.fps) for d in durations], spec.fps)
    if problem is not None and streams:
        # a copied reel whose pictures do not match the source (a damaged or truncated source can
        # decode differently from a copied keyframe on): cut it again, every segment re-encoded
        log.warning("%s: %s; cutting every segment again, re-encoded", dest, problem)
        dest.unlink(missing_ok=True)
        shutil.rmtree(cache, ignore_errors=True)
        again = write_reel(
            segments, halves, dest, replace(spec, reencode=True), on_clip, chapter_titles, clip_names, burnt_titles,
            cut_cache,
        )  # fmt: skip
        note = f"the copied reel did not match the source ({problem}): re-encoded"
        return replace(again, cuts=[{"method": REENCODE, "note": note} for _ in segments])
    if problem is not None:
        dest.unlink(missing_ok=True)
        raise MediaError(f"{dest}: {problem}; the cuts are kept in {cache} and a re-run checks them again")
    clips_kept = []
    for clip, name, duration in zip(clips, clip_names or (), durations, strict=False):
        clips_kept.append(write_single_clip(clip, dest.parent / name, duration, spec))
    if cut_cache is None:
        shutil.rmtree(cache, ignore_errors=True)
    return ReelResult(
        dest, sum(durations), clips_kept, [{k: c[k] for k in ("method", "note") if c.get(k)} for c in cuts]
    )


def _copyable(
    videos: Mapping[int, Path], infos: Mapping[int, Any], spec: ReelConfig, titles: bool
) -> tuple[dict[int, SourceStream], str | None]:
    """Each half's stream where every half's picture can be copied into a reel of ``spec`` (one
    stream shape for all: the reel is one H.264 stream), else none and why not."""
    streams: dict[int, SourceStream] = {}
    for half, video in videos.items():
        stream = read_source_stream(video) if not (spec.reencode or titles or spec.aspect != "source") else ""
        problem = copy_problem(infos[half], stream, spec, titles)
        if problem is not None:
            return {}, problem if len(videos) == 1 else f"half {half}: {problem}"
        assert isinstance(stream, SourceStream)
        streams[half] = stream
    shapes = {replace(s, delay=0) for s in streams.values()}
    if len(shapes) > 1 or len({s.delay for s in streams.values()}) > 1:
        return {}, "the halves' pictures are encoded differently"
    return streams, None


def _copy_cut(
    video: Path, seg: Segment, clip: Path, spec: ReelConfig, stream: SourceStream, half: Half
) -> tuple[dict, dict[int, np.ndarray]]:
    """Cut one segment by copying its whole GOPs (:func:`smart_cut_clip`), check it on its streams
    and on its decoded frames at every join (against the source's pictures there), and record how
    it was cut beside it (a resumed run reads it back); returns the record and the clip's first two
    and last frames (:func:`_ends`)."""
    cut = smart_cut_clip(video, seg.start_s, seg.end_s, clip, spec, stream, half.has_audio, half.audio_track)
    plan = cut.plan
    n = plan.end - plan.start
    problem = _clip_problem(clip, n / float(stream.rate), spec.fps)
    frames: dict[int, np.ndarray] = {}
    if problem is None:
        frames = luma_frames(clip, sorted(set(cut.expected) | set(_end_places(n))), spec.fps)
        problem = frames_problem(frames, cut.expected)
    if problem is not None:
        clip.unlink(missing_ok=True)
        raise MediaError(f"cutting {video} [{seg.start_s:.2f}-{seg.end_s:.2f} s] ({plan.method}): {problem}")
    record = {"method": plan.method, "note": plan.note or ""}
    clip.with_suffix(".cut.json").write_text(json.dumps(record), encoding="utf-8")
    return record, _ends(frames, n)


def _cut_record(clip: Path) -> dict | None:
    try:
        return json.loads(clip.with_suffix(".cut.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _end_places(n: int) -> list[int]:
    return sorted({i for i in (0, 1, n - 1) if 0 <= i < n})


def _ends(frames: Mapping[int, np.ndarray], n: int) -> dict[int, np.ndarray]:
    """A clip's first two frames (0, 1) and its last (-1), at a sixteenth of their size: what the
    joined reel must show on both sides of each join (kept for every segment: small, so a reel of
    many HD segments holds them in little memory)."""
    return {(-1 if i == n - 1 and i > 1 else i): frames[i][::4, ::4] for i in _end_places(n) if i in frames}


def _joins_problem(
    reel: Path, ends: Sequence[Mapping[int, np.ndarray]], counts: Sequence[int], fps: float
) -> str | None:
    """Why the joined reel's pictures at the joins between segments are not the cuts' own, or None:
    the last frame before each join and the first two after it, decoded from the reel once."""
    starts = [sum(counts[:i]) for i in range(len(counts))]
    wanted: dict[int, np.ndarray] = {}
    for start, n, mine in zip(starts, counts, ends, strict=True):
        for place, frame in mine.items():
            wanted[start + (n - 1 if place == -1 else place)] = frame
    decoded = luma_frames(reel, sorted(wanted), fps)
    return frames_problem({k: v[::4, ::4] for k, v in decoded.items()}, wanted, what="the reel's frame")


def write_single_clip(cut: Path, dest: Path, duration_s: float, spec: ReelConfig) -> Path:
    """One cut as an MP4 of its own (its sound encoded to AAC), atomically, checked on its streams."""
    with atomic_path(dest) as tmp:
        run_ffmpeg(
            ["-i", ffmpeg_path(cut), "-map", "0", "-c:v", "copy", "-c:a", "aac", "-b:a", spec.audio_bitrate,
             "-aac_coder", spec.aac_coder, "-movflags", "+faststart", "-f", "mp4", ffmpeg_path(tmp)],
            what=f"writing the clip {dest}",
        )  # fmt: skip
        problem = stream_counts(tmp).problem(duration_s, spec.fps)
        if problem is not None:
            raise MediaError(f"{dest}: {problem}")
    return dest


def reel_problem(reel: Path, expected_s: float, fps: float, what: str = "the joined reel") -> str | None:
    """Why a reel (or one cut of it) does not hold its plan, or None: checked on its streams, its
    picture counted frame by frame and its sound decoded, each within a frame of ``expected_s``."""
    try:
        if not probe(reel).has_audio:
            return f"{what} has no sound"
        return stream_counts(reel).problem(expected_s, fps)
    except MediaError as exc:
        return str(exc)


def _clip_problem(clip: Path, expected_s: float, fps: float) -> str | None:
    return reel_problem(clip, expected_s, fps, "it")

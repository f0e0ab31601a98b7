"""``reel.mp4``: cut every segment, join the cuts.

Cuts are cached under ``OUT/.clips`` by their half, times and spec, so a run that is interrupted
(or re-run with a changed threshold) re-encodes only the cuts it has not made yet; the cache is
removed once the reel is written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from soccer_highlights.config import ReelConfig
from soccer_highlights.core import Half, Segment
from soccer_highlights.errors import MediaError, NothingToCutError
from soccer_highlights.fileio import clean_stale_partials, file_identity
from soccer_highlights.media.cut import concat_clips, cut_clip, frame_aligned
from soccer_highlights.media.ffmpeg import stop_ffmpeg
from soccer_highlights.media.probe import probe, stream_ends_s

CLIP_CACHE = ".clips"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReelResult:
    path: Path
    duration_s: float
    """The sum of the frame-aligned segment lengths: what the reel's own duration should be."""


def clip_name(seg: Segment, source: Path, spec: ReelConfig, identity: str | None = None) -> str:
    """A cut's name in the clip cache: its half and times, and a digest of everything that makes it
    (the source's path and content identity, the times, the spec), so a replaced video never
    lends its cuts to another."""
    identity = identity or file_identity(source)
    key = json.dumps([str(source.resolve()), identity, seg.half, seg.start_s, seg.end_s, asdict(spec)])
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return f"h{seg.half}_{seg.start_s:09.2f}_{seg.end_s:09.2f}_{digest}.mkv"


def write_reel(
    segments: Sequence[Segment],
    halves: Mapping[int, Half],
    dest: Path,
    spec: ReelConfig,
    on_clip: Callable[[int], None] | None = None,
) -> ReelResult:
    """Cut and join ``segments`` (already in reel order) into ``dest``."""
    if not segments:
        raise NothingToCutError(f"{dest}: no segments to put in a reel")
    for i, seg in enumerate(segments):
        if seg.half not in halves or halves[seg.half].video is None:
            raise MediaError(f"segment {i} is in half {seg.half}, for which no video was given")
    videos = {h: half.video for h, half in halves.items() if half.video is not None}
    cache = dest.parent / CLIP_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(cache)
    identities = {h: file_identity(v) for h, v in videos.items()}  # read once per video, not per cut
    clips = [cache / clip_name(seg, videos[seg.half], spec, identities[seg.half]) for seg in segments]
    durations = [end - start for start, end in (frame_aligned(s.start_s, s.end_s, spec.fps) for s in segments)]

    def cut(i: int) -> None:
        if clips[i].exists():
            problem = _clip_problem(clips[i], durations[i], spec.fps)
            if problem is None:
                return
            log.warning("%s: a cached cut is damaged (%s); cutting it again", clips[i], problem)
            clips[i].unlink()
        half = halves[segments[i].half]
        cut_clip(videos[half.half], segments[i].start_s, segments[i].end_s, clips[i], spec, half.has_audio)
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
    concat_clips(clips, dest, durations, spec.audio_bitrate, spec.aac_coder)
    problem = _reel_problem(dest, sum(durations), len(clips), spec.fps)
    if problem is not None:
        dest.unlink(missing_ok=True)
        raise MediaError(f"{dest}: {problem}; the cuts are kept in {cache} and a re-run checks them again")
    shutil.rmtree(cache, ignore_errors=True)
    return ReelResult(dest, sum(durations))


def _clip_problem(clip: Path, expected_s: float, fps: int) -> str | None:
    """Why a cut cannot go into the reel (unreadable, a stream missing, the wrong length), or None."""
    try:
        if not probe(clip).has_audio:
            return "it has no sound"
        video_end, audio_end = stream_ends_s(clip)
    except MediaError as exc:
        return str(exc)
    tolerance = 2.0 / fps + 0.05
    for what, end in (("picture", video_end), ("sound", audio_end)):
        if abs(end - expected_s) > tolerance:
            return f"its {what} lasts {end:.2f} s instead of {expected_s:.2f} s"
    return None


def _reel_problem(reel: Path, expected_s: float, n_clips: int, fps: int) -> str | None:
    """The joined reel checked against its plan: both streams, and the sum of its segments' lengths."""
    try:
        info = probe(reel)
    except MediaError as exc:
        return str(exc)
    if not info.has_audio:
        return "the joined reel has no sound"
    tolerance = 0.1 + n_clips / fps
    if abs(info.duration_s - expected_s) > tolerance:
        return f"the joined reel lasts {info.duration_s:.2f} s where its segments add up to {expected_s:.2f} s"
    return None

"""Segments to a reel: cut every segment, join the cuts, and describe the result in JSON.

Cuts are cached under ``OUT/.clips`` by their half, times and spec, so a run that is interrupted
(or re-run with a changed threshold) re-encodes only the cuts it has not made yet; the cache is
removed once the reel is written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from soccer_highlights.config import ReelConfig
from soccer_highlights.media.cut import concat_clips, cut_clip, frame_aligned
from soccer_highlights.segments import Segment

CLIP_CACHE = ".clips"


@dataclass(frozen=True)
class HalfVideo:
    half: int
    path: Path
    duration_s: float
    has_audio: bool


@dataclass(frozen=True)
class ReelResult:
    path: Path
    duration_s: float
    """The sum of the frame-aligned segment lengths: what the reel's own duration should be."""
    n_segments: int


def clip_name(seg: Segment, source: Path, spec: ReelConfig) -> str:
    key = json.dumps([str(source.resolve()), seg.half, seg.start_s, seg.end_s, asdict(spec)])
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return f"h{seg.half}_{seg.start_s:09.2f}_{seg.end_s:09.2f}_{digest}.mkv"


def write_reel(
    segments: Sequence[Segment],
    videos: dict[int, HalfVideo],
    dest: Path,
    spec: ReelConfig,
    on_clip: Callable[[int], None] | None = None,
) -> ReelResult:
    """Cut and join ``segments`` (already in reel order) into ``dest``."""
    if not segments:
        raise ValueError("no segments to put in a reel")
    cache = dest.parent / CLIP_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    for i, seg in enumerate(segments):
        if seg.half not in videos:
            raise ValueError(f"segment {i} is in half {seg.half}, for which no video was given")
    clips = [cache / clip_name(seg, videos[seg.half].path, spec) for seg in segments]
    durations = [end - start for start, end in (frame_aligned(s.start_s, s.end_s, spec.fps) for s in segments)]

    def cut(i: int) -> None:
        if not clips[i].exists():
            video = videos[segments[i].half]
            cut_clip(video.path, segments[i].start_s, segments[i].end_s, clips[i], spec, video.has_audio)

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
            raise
    concat_clips(clips, dest, durations, spec.audio_bitrate, spec.aac_coder)
    shutil.rmtree(cache, ignore_errors=True)
    return ReelResult(dest, sum(durations), len(segments))

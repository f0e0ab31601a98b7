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
    clips: list[Path] = []
    durations: list[float] = []
    for i, seg in enumerate(segments):
        if seg.half not in videos:
            raise ValueError(f"segment {i} is in half {seg.half}, for which no video was given")
        video = videos[seg.half]
        clip = cache / clip_name(seg, video.path, spec)
        if not clip.exists():
            cut_clip(video.path, seg.start_s, seg.end_s, clip, spec, video.has_audio)
        start, end = frame_aligned(seg.start_s, seg.end_s, spec.fps)
        durations.append(end - start)
        clips.append(clip)
        if on_clip:
            on_clip(i + 1)
    concat_clips(clips, dest, durations, spec.audio_bitrate)
    shutil.rmtree(cache, ignore_errors=True)
    return ReelResult(dest, sum(durations), len(segments))

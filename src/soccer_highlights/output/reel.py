"""``reel.mp4``: cut every segment, join the cuts.

Cuts are cached under ``OUT/.clips`` by their half, times and spec, so a run that is interrupted
(or re-run with a changed threshold) re-encodes only the cuts it has not made yet; the cache is
removed once the reel is written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from soccer_highlights.config import ReelConfig
from soccer_highlights.core import Half, Segment
from soccer_highlights.errors import MediaError, NothingToCutError
from soccer_highlights.media.cut import concat_clips, cut_clip, frame_aligned

CLIP_CACHE = ".clips"


@dataclass(frozen=True)
class ReelResult:
    path: Path
    duration_s: float
    """The sum of the frame-aligned segment lengths: what the reel's own duration should be."""


def clip_name(seg: Segment, source: Path, spec: ReelConfig) -> str:
    key = json.dumps([str(source.resolve()), seg.half, seg.start_s, seg.end_s, asdict(spec)])
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
    clips = [cache / clip_name(seg, videos[seg.half], spec) for seg in segments]
    durations = [end - start for start, end in (frame_aligned(s.start_s, s.end_s, spec.fps) for s in segments)]

    def cut(i: int) -> None:
        if not clips[i].exists():
            half = halves[segments[i].half]
            cut_clip(videos[half.half], segments[i].start_s, segments[i].end_s, clips[i], spec, half.has_audio)

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
    return ReelResult(dest, sum(durations))

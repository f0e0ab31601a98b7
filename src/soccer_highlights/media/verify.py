"""What a written video really holds, read off its streams: how many pictures at which times, how
much sound. A reel is checked with these, not with its container's stated length, which an
encoder writes whatever the streams hold (a picture at 18 frames a second under a sound that lasts
the planned time still says the planned length)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import av
import numpy as np

from soccer_highlights.errors import MediaError
from soccer_highlights.media.probe import open_container, origin_s, video_stream


@dataclass(frozen=True)
class StreamCounts:
    frames: int
    """Pictures in the video stream (its packets: one picture each in what this tool encodes)."""
    first_frame_s: float
    last_frame_s: float
    largest_gap_s: float
    """The longest wait between consecutive pictures."""
    audio_s: float
    """Seconds of decoded sound (samples over the rate)."""

    def problem(self, expected_s: float, fps: float) -> str | None:
        """Why these streams do not hold ``expected_s`` at ``fps``, or None: the picture count within
        one frame of the plan, no frame missing in between, the sound as long within one frame."""
        frame_s = 1.0 / fps
        want = round(expected_s * fps)
        if abs(self.frames - want) > 1:
            rate = self.frames / expected_s if expected_s else 0.0
            return f"its picture holds {self.frames} frames where {want} were planned ({rate:.1f} a second for {fps:g})"
        if self.largest_gap_s > 1.5 * frame_s + 1e-3:
            return f"its picture stops for {self.largest_gap_s:.2f} s (frames are missing)"
        if abs(self.first_frame_s) > frame_s:
            return f"its picture starts {self.first_frame_s:.2f} s late"
        if abs(self.audio_s - expected_s) > frame_s + 0.03:
            return f"its sound lasts {self.audio_s:.2f} s where the plan holds {expected_s:.2f} s"
        return None


def stream_counts(path: str | Path) -> StreamCounts:
    """Count the pictures (from the video packets' timestamps) and decode the sound of ``path``."""
    path = Path(path)
    times: list[float] = []
    samples = 0
    rate = 0
    with open_container(path) as container:
        origin = origin_s(container)
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        streams = [s for s in (video, audio) if s is not None]
        try:
            for packet in container.demux(*streams):
                if packet.stream is video and packet.pts is not None:
                    times.append(float(packet.pts * packet.time_base) - origin)
                elif packet.stream is audio:
                    for frame in packet.decode():
                        samples += frame.samples
                        rate = frame.sample_rate
        except av.error.FFmpegError as exc:
            raise MediaError(f"{path}: unreadable ({exc})") from None
    times.sort()
    gaps = [b - a for a, b in pairwise(times)]
    return StreamCounts(
        len(times),
        times[0] if times else 0.0,
        times[-1] if times else 0.0,
        max(gaps, default=0.0),
        samples / rate if rate else 0.0,
    )


MIN_JOIN_PSNR_DB = 30.0
"""The least likeness (luma PSNR) of a re-encoded or joined frame to the source's frame at the same
place: an encode at x264's CRF 18 or better gives 35-50 dB on broadcast pictures; a frame decoded
with the wrong parameter sets or references, or one from another moment, gives 10-25 dB."""


DECODE_ON_S = 4.0
"""Wanted pictures this close after the last one are reached by decoding on, not by a seek (which
starts again from the keyframe before them: a GOP of broadcast H.264 is 1-10 s long)."""


def luma_frames(path: str | Path, frames: Sequence[int], fps: float, phase: float = 0.0) -> dict[int, np.ndarray]:
    """The luma planes of the pictures ``frames`` (places on the frame grid from the file's start,
    found through the stretch's ``phase``: see :func:`~soccer_highlights.media.smartcut.grid_place`)
    of ``path``, decoded by seeking to each run of wanted frames and decoding forward from the
    keyframe before it."""
    path = Path(path)
    wanted = sorted(set(frames))
    found: dict[int, np.ndarray] = {}
    runs: list[list[int]] = []
    for frame in wanted:
        if runs and frame - runs[-1][-1] <= round(fps * DECODE_ON_S):  # near the last run: decode on through
            runs[-1].append(frame)
        else:
            runs.append([frame])
    with open_container(path) as container:
        origin = origin_s(container)
        video = video_stream(container, path)
        for run in runs:
            container.seek(int((origin + max(0.0, (run[0] - 0.5) / fps)) / video.time_base), stream=video)
            try:
                for frame in container.decode(video):
                    if frame.pts is None:
                        continue
                    exact = (float(frame.pts * video.time_base) - origin) * fps
                    place = math.floor(exact - phase + 0.5) + math.floor(phase + 0.5)
                    if place in run:
                        found[place] = frame.to_ndarray(format="gray")
                    if place >= run[-1]:
                        break
            except av.error.FFmpegError as exc:
                raise MediaError(f"{path}: unreadable near frame {run[0]} ({exc})") from None
    return found


def psnr_db(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio of two 8-bit pictures (infinite where they are identical)."""
    mse = float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def likeness_problem(
    cut: str | Path,
    cut_frames: Sequence[int],
    source: str | Path,
    source_frames: Sequence[int],
    fps: float,
    min_psnr_db: float = MIN_JOIN_PSNR_DB,
    phase: float = 0.0,
) -> str | None:
    """Why the pictures ``cut_frames`` of ``cut`` are not the source's ``source_frames`` (pair by
    pair; the source's stretch lies ``phase`` off its grid), or None: each decoded and compared on
    its luma; a missing picture or one below ``min_psnr_db`` (corrupt, frozen, or from another
    moment) is named with its place."""
    mine = luma_frames(cut, cut_frames, fps)
    theirs = luma_frames(source, source_frames, fps, phase)
    expected = {a: theirs[b] for a, b in zip(cut_frames, source_frames, strict=True) if b in theirs}
    missing = [b for b in source_frames if b not in theirs]
    if missing:
        return f"the source's frame {missing[0]} could not be decoded"
    return frames_problem(mine, expected, min_psnr_db)


def frames_problem(
    mine: Mapping[int, np.ndarray],
    expected: Mapping[int, np.ndarray],
    min_psnr_db: float = MIN_JOIN_PSNR_DB,
    what: str = "its frame",
) -> str | None:
    """Why decoded pictures (luma, by place) are not the ``expected`` ones, or None: each expected
    picture must have been decoded at its place and be at least ``min_psnr_db`` like it."""
    for place, want in sorted(expected.items()):
        if place not in mine:
            return f"{what} {place} could not be decoded"
        if mine[place].shape != want.shape:
            (h, w), (eh, ew) = mine[place].shape, want.shape
            return f"{what} {place} is {w}x{h} where {ew}x{eh} was expected"
        likeness = psnr_db(mine[place], want)
        if likeness < min_psnr_db:
            return f"{what} {place} is not the source's picture there (PSNR {likeness:.1f} dB, below {min_psnr_db:g})"
    return None

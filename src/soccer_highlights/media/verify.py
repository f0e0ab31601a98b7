"""What a written video really holds, read off its streams: how many pictures at which times, how
much sound. A reel is checked with these, not with its container's stated length, which an
encoder writes whatever the streams hold (a picture at 18 frames a second under a sound that lasts
the planned time still says the planned length)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import av

from soccer_highlights.errors import MediaError
from soccer_highlights.media.probe import open_container, origin_s


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

"""Streaming decode: frames sampled at a target rate and audio in fixed chunks.

Both generators hold only a small buffer, whatever the video's length, and both stamp their
output with seconds measured from the container's origin (see :func:`probe.origin_s`), so a
frame and an audio sample with the same time were shown and heard together.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from soccer_highlights.errors import MediaError
from soccer_highlights.media.probe import open_container, origin_s, video_stream

GAP_TOLERANCE_S = 0.1
"""A jump in audio timestamps larger than this is filled with silence to keep the clock."""


@dataclass(frozen=True)
class SampledFrame:
    time_s: float
    """The sample time this frame stands for: ``k / fps`` from the origin."""
    rgb: np.ndarray
    """``(height, width, 3)`` uint8."""


@dataclass(frozen=True)
class AudioChunk:
    start_s: float
    samples: np.ndarray
    """Mono float32 in [-1, 1]."""
    sample_rate: int

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.samples) / self.sample_rate


def iter_frames(
    path: str | Path,
    fps: float,
    size: tuple[int, int] | None = None,
    start_s: float = 0.0,
    end_s: float | None = None,
    skip_nonref: bool | None = None,
) -> Iterator[SampledFrame]:
    """Yield frames at ``fps`` (the decoded frame nearest to each ``k / fps``), resized to ``(w, h)``.

    The sample grid is fixed in time, not in frame counts, so a 25 fps source sampled at 2 fps gives
    frames at exactly 0.0, 0.5, 1.0 ... seconds, whatever the source's frame rate or its drops.

    ``skip_nonref`` (by default: when sampling at most a quarter of the source's rate) leaves frames
    that no other frame refers to undecoded: broadcast H.264 has about 60% of them, so decoding
    takes about half the time, and the nearest remaining frame is at most a frame or two (40-80 ms
    at 25 fps) from the sample time, a small fraction of the 500 ms between samples at 2 fps.
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    path = Path(path)
    with open_container(path) as container:
        stream = video_stream(container, path)
        origin = origin_s(container)
        rate = stream.average_rate or stream.guessed_rate
        if skip_nonref is None:
            skip_nonref = bool(rate) and fps * 4 <= float(rate)
        if skip_nonref:
            stream.codec_context.skip_frame = "NONREF"
        else:
            stream.thread_type = "AUTO"
        half_frame = 0.5 / float(rate) if rate else 0.02
        k = max(0, int(np.ceil(start_s * fps - 1e-9)))
        if start_s > 0:
            container.seek(int((start_s + origin - 1.0) * av.time_base), backward=True, any_frame=False)
        picker = _NearestFrame(size)
        try:
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                t = frame.time - origin
                while k / fps <= t:
                    if end_s is not None and k / fps >= end_s:
                        return
                    yield picker.sample(k / fps, t, frame)
                    k += 1
                picker.previous = (t, frame)
            # the last frame stands for samples up to half a frame after it
            while picker.previous is not None and k / fps <= picker.previous[0] + half_frame:
                if end_s is not None and k / fps >= end_s:
                    return
                yield picker.sample(k / fps, picker.previous[0], picker.previous[1])
                k += 1
        except av.error.FFmpegError as exc:
            raise MediaError(f"{path}: video decoding failed near {k / fps:.1f} s ({exc})") from None


def iter_keyframes(
    path: str | Path,
    start_s: float = 0.0,
    end_s: float | None = None,
    gray: bool = False,
    region: tuple[int, int, int, int] | None = None,
) -> Iterator[SampledFrame]:
    """Yield the keyframes alone (each at its own time), decoding nothing else.

    Broadcast files have a keyframe every few seconds (SoccerNet's 224p halves about one every
    5 s, never more than 10 s apart), and decoding only those costs a tenth of a full decode or
    less: what a reader of on-screen graphics that change rarely (the score bug) needs. ``gray``
    hands on the luma plane alone (``(h, w)``), which is all an edge or change detector reads;
    ``region`` (top, bottom, left, right) hands on that part of the picture alone, in RGB, and
    converts only that part where it can (8-bit 4:2:0, nearly every broadcast): a score bug is a
    hundredth of an HD picture, and converting whole pictures would cost more than decoding them.
    """
    path = Path(path)
    with open_container(path) as container:
        stream = video_stream(container, path)
        origin = origin_s(container)
        stream.codec_context.skip_frame = "NONKEY"
        if start_s > 0:
            container.seek(int((start_s + origin) * av.time_base), backward=True, any_frame=False)
        try:
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                t = frame.time - origin
                if t < start_s - 1e-6:
                    continue
                if end_s is not None and t >= end_s:
                    return
                if region is not None:
                    yield SampledFrame(t, region_rgb(frame, region))
                else:
                    yield SampledFrame(t, frame.to_ndarray(format="gray" if gray else "rgb24"))
        except av.error.FFmpegError as exc:
            raise MediaError(f"{path}: video decoding failed ({exc})") from None


_YUV_TO_RGB = {  # BT.601, as swscale converts by default: (luma offset, luma gain, matrix on (Cb, Cr))
    "yuv420p": (16.0, 255.0 / 219.0, np.array([[0.0, 1.596], [-0.392, -0.813], [2.017, 0.0]])),
    "yuvj420p": (0.0, 1.0, np.array([[0.0, 1.402], [-0.344136, -0.714136], [1.772, 0.0]])),
}


def region_rgb(frame: av.VideoFrame, region: tuple[int, int, int, int]) -> np.ndarray:
    """One region (top, bottom, left, right) of a frame in RGB, converting that region alone where
    the frame is 8-bit 4:2:0 (chroma taken from its nearest sample), the whole frame otherwise."""
    top, bottom, left, right = region
    coefficients = _YUV_TO_RGB.get(frame.format.name)
    if coefficients is None:
        return frame.to_ndarray(format="rgb24")[top:bottom, left:right]
    offset, gain, matrix = coefficients
    planes = [np.frombuffer(p, np.uint8).reshape(-1, p.line_size) for p in frame.planes[:3]]
    luma = planes[0][top:bottom, left:right].astype(np.float32)
    rows, cols = np.arange(top, bottom)[:, None] // 2, np.arange(left, right)[None, :] // 2
    chroma = np.stack([planes[k][rows, cols].astype(np.float32) - 128.0 for k in (1, 2)], axis=-1)
    rgb = (luma[..., None] - offset) * gain + chroma @ matrix.T
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def keyframes_near(path: str | Path, times_s: Sequence[float], gray: bool = False) -> list[SampledFrame]:
    """For each time, the keyframe at or before it (one seek and one keyframe decoded per time):
    a sample spread over a whole half for the cost of a few dozen frames."""
    path = Path(path)
    found: list[SampledFrame] = []
    with open_container(path) as container:
        stream = video_stream(container, path)
        origin = origin_s(container)
        stream.codec_context.skip_frame = "NONKEY"
        for t in times_s:
            container.seek(int((max(0.0, t) + origin) * av.time_base), backward=True, any_frame=False)
            try:
                frame = next((f for f in container.decode(stream) if f.time is not None), None)
            except av.error.FFmpegError:
                frame = None
            if frame is not None and (not found or frame.time - origin > found[-1].time_s + 1e-6):
                found.append(SampledFrame(frame.time - origin, frame.to_ndarray(format="gray" if gray else "rgb24")))
    return found


class _NearestFrame:
    """Picks, for a sample time, the nearer of the previous decoded frame and the current one, and
    converts each picked frame once."""

    def __init__(self, size: tuple[int, int] | None):
        self.size = size
        self.previous: tuple[float, av.VideoFrame] | None = None
        self._converted: tuple[float, np.ndarray] | None = None

    def sample(self, sample_t: float, t: float, frame: av.VideoFrame) -> SampledFrame:
        if self.previous is not None and sample_t - self.previous[0] < t - sample_t:
            t, frame = self.previous
        if self._converted is None or self._converted[0] != t:
            w, h = self.size if self.size else (frame.width, frame.height)
            self._converted = (t, frame.to_ndarray(width=w, height=h, format="rgb24"))
        return SampledFrame(sample_t, self._converted[1])


def iter_audio(
    path: str | Path,
    sample_rate: int,
    chunk_s: float = 10.0,
    track: int = 0,
) -> Iterator[AudioChunk]:
    """Yield audio track ``track`` (0: the first) as mono float32 chunks of ``chunk_s`` seconds (the
    last shorter).

    Sample ``i`` of the stream is at ``i / sample_rate`` seconds from the origin: a late-starting
    track is padded with silence at the front and any gap in its timestamps is filled, so counting
    samples never drifts away from the video's clock.
    """
    path = Path(path)
    chunk_len = max(1, round(chunk_s * sample_rate))
    with open_container(path) as container:
        if not container.streams.audio:
            raise MediaError(f"{path}: has no audio stream")
        if not 0 <= track < len(container.streams.audio):
            raise MediaError(f"{path}: no audio track {track} (it has {len(container.streams.audio)})")
        stream = container.streams.audio[track]
        origin = origin_s(container)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        pending: list[np.ndarray] = []
        pending_len = 0
        emitted = 0

        def flush(final: bool) -> Iterator[AudioChunk]:
            nonlocal pending, pending_len, emitted
            if not pending:
                return
            buffer = np.concatenate(pending)
            cut = len(buffer) if final else (len(buffer) // chunk_len) * chunk_len
            for offset in range(0, cut, chunk_len):
                piece = buffer[offset : min(offset + chunk_len, cut)]
                yield AudioChunk(emitted / sample_rate, piece, sample_rate)
                emitted += len(piece)
            rest = buffer[cut:]
            pending = [rest] if len(rest) else []
            pending_len = len(rest)

        def push(samples: np.ndarray) -> Iterator[AudioChunk]:
            nonlocal pending_len
            pending.append(samples)
            pending_len += len(samples)
            if pending_len >= chunk_len:
                yield from flush(final=False)

        batch = _FrameBatch()
        in_time_s = 0.0  # where the next decoded sample belongs, from the origin (silence inserted counted)

        def resampled(frame: av.AudioFrame | None, last: bool = False) -> Iterator[AudioChunk]:
            if frame is None and not last:  # an empty batch (None alone would end the resampler's stream)
                return
            for out in resampler.resample(frame):
                yield from push(out.to_ndarray().reshape(-1).astype(np.float32, copy=False))

        try:
            for frame in container.decode(stream):
                if frame.time is not None:
                    gap = (frame.time - origin) - in_time_s
                    if gap > GAP_TOLERANCE_S:
                        yield from resampled(batch.frame())
                        yield from push(np.zeros(round(gap * sample_rate), dtype=np.float32))
                        in_time_s += gap
                in_time_s += frame.samples / frame.sample_rate
                if not batch.add(frame):  # a change of format, layout or rate: what came before goes first
                    yield from resampled(batch.frame())
                    batch.add(frame)
                if batch.samples >= frame.sample_rate * BATCH_S:
                    yield from resampled(batch.frame())
            yield from resampled(batch.frame())
            yield from resampled(None, last=True)
        except av.error.FFmpegError as exc:
            raise MediaError(f"{path}: audio decoding failed near {emitted / sample_rate:.1f} s ({exc})") from None
        yield from flush(final=True)


BATCH_S = 2.0
"""Decoded sound is handed to the resampler this much at a time: a compressed track decodes into
frames of about 21 ms (AAC: 1024 samples), and resampling each on its own cost 45 us of Python a
frame, 6 s of a 45-minute half's 15 s of decoding (measured on the real clips looped)."""

_SAMPLE_TYPES = {
    "u8": np.uint8, "s16": np.int16, "s32": np.int32, "s64": np.int64, "flt": np.float32, "dbl": np.float64,
}  # fmt: skip


class _FrameBatch:
    """Decoded audio frames of one format, layout and rate, joined into one frame for the resampler
    (the samples read straight from the frames' planes, channel by channel, and stacked once)."""

    def __init__(self) -> None:
        self.planes: list[list[np.ndarray]] = []
        self.samples = 0
        self.shape: tuple[str, str, int] | None = None
        self._dtype: type = np.float32
        self._per_plane = 1
        """Samples of one frame's sample in a plane: 1 planar, the channel count packed."""

    def add(self, frame: av.AudioFrame) -> bool:
        """Take ``frame``; False (and nothing taken) where its format, layout or rate differ from the batch's."""
        fmt = frame.format
        shape = (fmt.name, frame.layout.name, frame.sample_rate)
        if shape != self.shape:
            if self.shape is not None:
                return False
            self.shape, self._dtype = shape, _SAMPLE_TYPES[fmt.name.rstrip("p")]
            self._per_plane = 1 if fmt.is_planar else len(frame.layout.channels)
        n = frame.samples
        count = n * self._per_plane
        planes = frame.planes
        if not self.planes:
            self.planes = [[] for _ in planes]
        for kept, plane in zip(self.planes, planes, strict=True):
            kept.append(np.frombuffer(plane, self._dtype, count=count))
        self.samples += n
        return True

    def frame(self) -> av.AudioFrame | None:
        """The batch as one frame (None when empty); the batch is emptied."""
        if not self.samples or self.shape is None:
            return None
        fmt, layout, rate = self.shape
        joined = np.stack([np.concatenate(kept) for kept in self.planes])  # (planes, samples in a plane)
        out = av.AudioFrame.from_ndarray(joined, format=fmt, layout=layout)
        out.sample_rate = rate
        self.planes, self.samples, self.shape = [], 0, None
        return out


def read_stretch(path: str | Path, sample_rate: int, start_s: float, end_s: float, track: int = 0) -> AudioChunk:
    """The sound from ``start_s`` to ``end_s`` (mono float32) read after one seek, not from the
    start of the file: a few short stretches of a long half cost what their own length costs.
    Sample ``i`` is at ``start_s + i / sample_rate`` (the stretch is padded with silence where the
    stream has no sound, as :func:`iter_audio` does)."""
    path = Path(path)
    n = max(0, round((end_s - start_s) * sample_rate))
    out = np.zeros(n, dtype=np.float32)
    with open_container(path) as container:
        if not 0 <= track < len(container.streams.audio):
            raise MediaError(f"{path}: no audio track {track} (it has {len(container.streams.audio)})")
        stream = container.streams.audio[track]
        origin = origin_s(container)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        container.seek(int((max(0.0, start_s - 1.0) + origin) * av.time_base), backward=True, any_frame=False)
        at: int | None = None  # the next resampled sample's index, counted from start_s
        try:
            for frame in container.decode(stream):
                if frame.time is not None and (
                    at is None or frame.time - origin - start_s > at / sample_rate + GAP_TOLERANCE_S
                ):
                    at = round((frame.time - origin - start_s) * sample_rate)
                if at is None:
                    continue
                for piece in resampler.resample(frame):
                    samples = piece.to_ndarray().reshape(-1)
                    lo, hi = max(0, at), min(n, at + len(samples))
                    if hi > lo:
                        out[lo:hi] = samples[lo - at : hi - at]
                    at += len(samples)
                if at >= n:
                    break
        except av.error.FFmpegError as exc:
            raise MediaError(
                f"{path}: audio decoding failed near {start_s + (at or 0) / sample_rate:.1f} s ({exc})"
            ) from None
    return AudioChunk(start_s, out, sample_rate)


def read_audio(
    path: str | Path, sample_rate: int, start_s: float = 0.0, end_s: float | None = None, track: int = 0
) -> np.ndarray:
    """A short stretch of audio as one array (for tests and short windows, not whole halves)."""
    parts = []
    for chunk in iter_audio(path, sample_rate, track=track):
        if end_s is not None and chunk.start_s >= end_s:
            break
        if chunk.end_s <= start_s:
            continue
        lo = max(0, round((start_s - chunk.start_s) * sample_rate))
        hi = (
            len(chunk.samples)
            if end_s is None
            else min(len(chunk.samples), round((end_s - chunk.start_s) * sample_rate))
        )
        parts.append(chunk.samples[lo:hi])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

"""Cut without re-encoding where the picture allows ("smart cut").

A segment's picture is the source's own compressed frames for every whole group of pictures (GOP)
inside it, copied packet for packet; only the frames before its first keyframe (the *head*) and
after its last whole GOP (the *tail*) are decoded and encoded again, by an encoder set to the
source stream's own shape (:class:`SourceStream`: codec, profile, level, size, pixel format,
aspect, field order, colour, frame rate and B-frame delay), so the three pieces are one valid
stream. Each piece starts on an IDR picture that carries its own parameter sets in band (the
concat demuxer's ``h264_mp4toannexb``), so a decoder switches from the encoder's SPS/PPS to the
source's and back exactly at the joins, where a new coded video sequence starts anyway.

A keyframe is a cut point only where the picture can be decoded from it alone: an IDR picture
(not a recovery-point I picture) heading a closed GOP, which is checked on the packets (no picture
decoded after the keyframe is shown before it). The B-frame delay (the packets' decode-time lead)
is matched by the encoder, so decode times run on evenly over the joins: x264 holds a delay of 0,
1 or 2 frames; a source with more falls back to re-encoding.

Where no whole GOP lies inside a segment (a short segment, a long-GOP broadcast) the whole segment
is encoded by the matched encoder; where the source cannot be matched at all (another codec, a
pixel format other than 8-bit 4:2:0, a container without a seek index) :func:`copy_problem` says
why and the reel is cut by :func:`soccer_highlights.media.cut.cut_clip` as before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from soccer_highlights.config import ReelConfig
from soccer_highlights.core import frame_aligned
from soccer_highlights.fileio import atomic_path
from soccer_highlights.media.cut import audio_cut_args, cut_clip
from soccer_highlights.media.ffmpeg import ffmpeg_path, run_ffmpeg
from soccer_highlights.media.probe import MediaInfo, open_container, origin_s, video_stream

COPY, REENCODE = "copy", "reencode"
"""How a segment's picture was cut: its GOPs copied (heads and tails bridged), or all encoded again."""

MAX_DELAY = 2
"""The largest B-frame delay (frames by which decoding runs ahead of display) x264 can match."""

PROFILES = {"Baseline": "baseline", "Constrained Baseline": "baseline", "Main": "main", "High": "high"}
"""H.264 profiles of 8-bit 4:2:0 streams, as x264 is told them."""

PIXEL_FORMATS = ("yuv420p", "yuvj420p")

OFF_GRID = "its frames are off the frame grid here (timestamps shifted at a join in the source?)"


@dataclass(frozen=True)
class SourceStream:
    """What the bridge encoder must match in the source's video stream."""

    codec: str
    profile: str
    level: int
    pix_fmt: str
    width: int
    height: int
    rate: Fraction
    sar: Fraction | None
    field_order: str
    """``progressive``, or FFmpeg's field order, the field coded then the one shown first: ``tt`` and
    ``bt`` show the top field first, ``bb`` and ``tb`` the bottom."""
    colour: tuple[str, ...]
    """ffmpeg output options for the colour description the stream states (none where unstated)."""
    delay: int
    """Frames by which decoding runs ahead of display (B-frames): 0, 1 or 2 (x264's range)."""

    @property
    def interlaced(self) -> bool:
        return self.field_order != "progressive"

    @property
    def top_first(self) -> bool:
        """An interlaced picture's top field is shown first (the order an encoder is told)."""
        return self.field_order in ("tt", "bt")

    def encoder_args(self, crf: int, preset: str) -> list[str]:
        """libx264 set to this stream's shape, its B-frame delay included."""
        bframes = {0: "bframes=0", 1: "bframes=1:b-pyramid=none", 2: "bframes=3:b-pyramid=normal"}[self.delay]
        level = f"{self.level // 10}.{self.level % 10}"
        args = ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", self.pix_fmt,
                "-profile:v", PROFILES[self.profile], "-level", level, "-x264-params", bframes,
                *self.colour]  # fmt: skip
        if self.interlaced:  # coded as fields, in the order :meth:`filters` marks the frames with
            args += ["-flags", "+ildct+ilme", "-field_order", self.field_order]
        return args

    def filters(self) -> str:
        """The filters that give the encoder's frames this stream's aspect and field order."""
        sar = f"setsar={self.sar.numerator}/{self.sar.denominator}," if self.sar else ""
        if not self.interlaced:
            return sar
        return f"{sar}setfield={'tff' if self.top_first else 'bff'},"


def _field_order(value: object) -> str:
    names = {0: "progressive", 1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}
    if isinstance(value, int):
        return names.get(value, "progressive")
    text = str(value or "").lower()
    return text if text in ("tt", "bb", "tb", "bt") else "progressive"


def _colour(cc: av.video.codeccontext.VideoCodecContext) -> tuple[str, ...]:
    """The colour description the stream states, as ffmpeg output options (unstated values left out)."""
    args: list[str] = []
    for option, value in (("-color_primaries", cc.color_primaries), ("-color_trc", cc.color_trc),
                          ("-colorspace", cc.colorspace)):  # fmt: skip
        if isinstance(value, int) and value not in (2, 0):  # 2: unspecified, 0: reserved
            args += [option, str(value)]
    if cc.color_range in (1, 2):
        args += ["-color_range", {1: "tv", 2: "pc"}[int(cc.color_range)]]
    return tuple(args)


def source_stream(path: Path) -> SourceStream | str:
    """The source's video stream as the bridge encoder must match it, or why it cannot be matched."""
    with open_container(path) as container:
        video = video_stream(container, path)
        cc = video.codec_context
        if cc.name != "h264":
            return f"its picture is {cc.name}, not H.264: a copy could not be joined to a matched encode"
        profile = str(cc.profile or "")
        if profile not in PROFILES or cc.pix_fmt not in PIXEL_FORMATS:
            return f"its H.264 is {profile or 'an unknown profile'} in {cc.pix_fmt}, not 8-bit 4:2:0"
        rate = video.average_rate or video.guessed_rate
        if not rate or not cc.level:
            return "its stream states no frame rate or level"
        delay = _delay(container, video)
        if delay > MAX_DELAY:
            return f"its B-frames run {delay} frames ahead of display (x264 matches up to {MAX_DELAY})"
        sar = cc.sample_aspect_ratio
        return SourceStream(
            codec=cc.name,
            profile=profile,
            level=int(cc.level),
            pix_fmt=str(cc.pix_fmt),
            width=cc.width,
            height=cc.height,
            rate=Fraction(rate).limit_denominator(1001),
            sar=Fraction(sar) if sar else None,
            field_order=_field_order(cc.field_order),
            colour=_colour(cc),
            delay=delay,
        )


def _delay(container: av.container.InputContainer, video: av.video.stream.VideoStream) -> int:
    """The stream's B-frame delay: by how many frames its first keyframe is decoded before it is shown."""
    rate = video.average_rate or video.guessed_rate or 25
    for n, packet in enumerate(container.demux(video)):
        if packet.is_keyframe and packet.pts is not None and packet.dts is not None:
            return round(float((packet.pts - packet.dts) * video.time_base * rate))
        if n > 500:
            break
    return int(video.codec_context.has_b_frames)


def copy_problem(info: MediaInfo, stream: SourceStream | str, spec: ReelConfig, titles: bool = False) -> str | None:
    """Why this source's segments cannot be copied into a reel of ``spec``, or None."""
    if spec.reencode:
        return "re-encoding was asked for"
    if titles:
        return "titles are burnt into the picture"
    if spec.aspect != "source":
        return f"the picture is reframed to {spec.aspect}"
    if isinstance(stream, str):
        return stream
    if (spec.width, spec.height) != (stream.width, stream.height):
        return f"the reel is {spec.width}x{spec.height}, the source {stream.width}x{stream.height}"
    if spec.fps is None or abs(spec.fps - float(stream.rate)) > 1e-3:
        return f"the reel runs at {spec.fps:g} fps, the source at {float(stream.rate):g}"
    if spec.deinterlace and stream.interlaced:
        return "the interlaced picture is deinterlaced"
    if not info.seeks_exactly:
        return f"its container ({info.container}) has no index to find keyframes by"
    return None


@dataclass(frozen=True)
class _Packet:
    frame: int
    """The picture's place on the frame grid, from the container's start."""
    keyframe: bool
    idr: bool
    packet: av.Packet


@dataclass(frozen=True)
class CutPlan:
    """Where a segment is copied and where bridged: frames ``[start, copy_start)`` encoded (the
    head), ``[copy_start, copy_end)`` copied, ``[copy_end, end)`` encoded (the tail)."""

    start: int
    copy_start: int
    copy_end: int
    end: int
    packets: tuple[av.Packet, ...] = ()
    """The copied packets, in decode order."""
    note: str | None = None
    """Why nothing is copied (the whole segment encoded), or None."""
    phase: float = 0.0
    """Where this stretch's frames lie between the file's grid points (0: on them; 0.5: halfway,
    where a join in the source shifted them), as :func:`grid_place` takes it."""
    times: dict[int, float] = field(default_factory=dict)
    """Each frame's time (s from the file's start) by its place: where an encode is sought to."""
    even: bool = True
    """Its frames lie one a frame on the source's frame grid; where they do not (a join in the source
    that shifted the timestamps, a variable frame rate) the segment is cut as a re-encode takes the
    frames, by their times, and its frames are not compared place for place."""

    @property
    def method(self) -> str:
        return COPY if self.copy_end > self.copy_start else REENCODE


def _nal_types(data: bytes, length_size: int) -> list[int]:
    types, i = [], 0
    while i + length_size <= len(data):
        size = int.from_bytes(data[i : i + length_size], "big")
        i += length_size
        if size <= 0 or i + size > len(data):
            break
        types.append(data[i] & 0x1F)
        i += size
    return types


def plan_cut(source: Path, start: int, end: int, stream: SourceStream) -> CutPlan:
    """Find the whole GOPs of frames ``[start, end)`` whose packets can be copied.

    The packets are read (not decoded) from the keyframe before ``start`` to the first keyframe at
    or after ``end``; a keyframe is a cut point where it is an IDR picture and nothing decoded after
    it is shown before it; the segment's frames must lie on the frame grid, one packet each."""
    fps = float(stream.rate)
    with open_container(source) as container:
        video = video_stream(container, source)
        extradata = video.codec_context.extradata or b""
        if len(extradata) < 5 or extradata[0] != 1:
            return CutPlan(start, start, start, end, note="its H.264 has no avcC header")
        length_size = (extradata[4] & 3) + 1
        origin = origin_s(container)
        tb = video.time_base
        seek = int((origin + max(0.0, (start - 0.5) / fps)) / tb)
        container.seek(seek, stream=video, backward=True, any_frame=False)
        packets: list[_Packet] = []
        delay: int | None = None
        off_grid = False
        phase: float | None = None
        for packet in container.demux(video):
            if packet.pts is None or packet.size == 0:
                continue
            exact = (float(packet.pts * tb) - origin) * fps
            if phase is None:  # where this stretch's frames lie between the file's grid points
                phase = exact - math.floor(exact)
            frame = grid_place(exact, phase)
            if abs(exact - phase - math.floor(exact - phase + 0.5)) > 0.25 and start - 1 <= frame <= end:
                off_grid = True
            if packet.is_keyframe and packet.dts is not None:  # a keyframe is decoded first: its lead is the delay
                delay = max(delay or 0, round(float((packet.pts - packet.dts) * tb) * fps))
            if packet.is_keyframe and frame >= end and packets:
                packets.append(_Packet(frame, True, False, packet))
                break
            idr = packet.is_keyframe and 5 in _nal_types(bytes(packet), length_size)
            packets.append(_Packet(frame, packet.is_keyframe, idr, packet))
    if off_grid or sorted(p.frame for p in packets if start <= p.frame < end) != list(range(start, end)):
        return CutPlan(start, start, start, end, note=OFF_GRID, even=False)
    phase = phase or 0.0
    times = {p.frame: float(p.packet.pts * tb) - origin for p in packets}
    if delay is not None and delay != stream.delay:
        note = f"its B-frame delay here ({delay}) is not the stream's"
        return CutPlan(start, start, start, end, note=note, phase=phase, times=times)
    run = _copyable_run(packets, start, end)
    if run is None:
        note = "no whole GOP inside it can be copied"
        return CutPlan(start, start, start, end, note=note, phase=phase, times=times)
    first, last, copy_start, copy_end = run
    copied = tuple(p.packet for p in packets[first:last])
    return CutPlan(start, copy_start, copy_end, end, copied, phase=phase, times=times)


def grid_place(exact: float, phase: float) -> int:
    """A picture's place on the frame grid from its time in frames: the nearest grid point, found
    through the stretch's own ``phase`` (where its frames lie between grid points), so a stretch whose
    frames all lie half a frame off the grid (a join that shifted them) keeps one place per frame
    however its timestamps were rounded."""
    return math.floor(exact - phase + 0.5) + math.floor(phase + 0.5)


def _copyable_run(packets: Sequence[_Packet], start: int, end: int) -> tuple[int, int, int, int] | None:
    """The longest run of GOPs inside ``[start, end)`` that can be copied, as (first packet, packet
    after the last, first frame, frame after the last), or None. A GOP can be copied where its
    keyframe is an IDR picture and its pictures are exactly the frames up to the next keyframe (a
    closed GOP, one packet a frame); the last GOP read ends at the stream's end or the keyframe read
    after it."""
    keys = [i for i, p in enumerate(packets) if p.keyframe]
    gops: list[tuple[int, int, int, int, bool]] = []  # (first packet, next, first frame, next frame, copyable)
    for n, i in enumerate(keys):
        following = keys[n + 1] if n + 1 < len(keys) else len(packets)
        frames = sorted(p.frame for p in packets[i:following])
        next_frame = packets[following].frame if following < len(packets) else frames[-1] + 1
        ok = packets[i].idr and frames == list(range(packets[i].frame, next_frame))
        ok = ok and start <= packets[i].frame and next_frame <= end
        gops.append((i, following, packets[i].frame, next_frame, ok))
    best: tuple[int, int, int, int] | None = None
    run: list[tuple[int, int, int, int, bool]] = []
    for gop in [*gops, (0, 0, 0, 0, False)]:
        if gop[4]:
            run.append(gop)
            continue
        if run and (best is None or run[-1][3] - run[0][2] > best[3] - best[2]):
            best = (run[0][0], run[-1][1], run[0][2], run[-1][3])
        run = []
    return best


def write_copy(source: Path, packets: Sequence[av.Packet], dest: Path) -> None:
    """The copied GOPs as a Matroska file of their own, packet for packet, their times from 0."""
    if not packets:
        raise ValueError("no packets to copy")
    first = min(p.pts for p in packets)
    with atomic_path(dest) as tmp, open_container(source) as container:
        template = video_stream(container, source)
        with av.open(str(tmp), "w", format="matroska") as out:
            stream = out.add_stream_from_template(template)
            for packet in packets:
                packet.pts -= first
                if packet.dts is not None:
                    packet.dts -= first
                packet.stream = stream
                out.mux(packet)


@dataclass(frozen=True)
class _Bridge:
    """Frames ``[first, first + frames)`` encoded to match, as the clip's frames from ``at``."""

    first: int
    frames: int
    at: int
    dest: Path

    @property
    def picks(self) -> list[int]:
        """The bridge's frames kept as they were decoded from the source (its first two and its
        last): what the clip's frames at its joins are compared with."""
        return sorted({i for i in (0, 1, self.frames - 1) if 0 <= i < self.frames})


def _bridge_command(source: Path, plan: CutPlan, bridges: Sequence[_Bridge], stream: SourceStream, spec: ReelConfig):
    """One ffmpeg command that encodes every bridge to match the source and writes, beside each,
    the luma of its :attr:`_Bridge.picks` as the source decoded them (a raw ``.gray`` file).

    Each input is sought to a quarter frame before the bridge's first frame's own time, so the seek
    decodes from the keyframe before it and drops what comes before (a Matroska file's cues may not
    list every keyframe: a seek without that trim can land a GOP early)."""
    fps = float(stream.rate)
    setpts = f"setpts=N*{stream.rate.denominator}/({stream.rate.numerator}*TB)"
    inputs: list[str] = []
    graph: list[str] = []
    outputs: list[str] = []
    for k, bridge in enumerate(bridges):
        at = plan.times.get(bridge.first, bridge.first / fps) - 0.25 / fps
        inputs += ["-ss", f"{max(0.0, at):.6f}", "-i", ffmpeg_path(source)]
        picks = "+".join(f"eq(n,{i})" for i in bridge.picks)  # quoted: no commas to escape
        graph.append(
            f"[{k}:v:0]{stream.filters()}{setpts},split=2[e{k}][p{k}];[p{k}]select='{picks}',format=gray[r{k}]"
        )
        outputs += ["-map", f"[e{k}]", "-frames:v", str(bridge.frames), "-r", str(stream.rate),
                    *stream.encoder_args(min(spec.crf, 18), spec.preset), "-f", "matroska", ffmpeg_path(bridge.dest),
                    "-map", f"[r{k}]", "-frames:v", str(len(bridge.picks)), "-fps_mode", "passthrough",
                    "-f", "rawvideo", ffmpeg_path(bridge.dest.with_suffix(".gray"))]  # fmt: skip
    return [*inputs, "-filter_complex", ";".join(graph), *outputs]


def _bridge_frames(bridge: _Bridge, stream: SourceStream) -> dict[int, np.ndarray]:
    """The luma of a bridge's picks as the source decoded them, by their place in the clip."""
    raw = np.fromfile(bridge.dest.with_suffix(".gray"), np.uint8)
    frames = raw.reshape(-1, stream.height, stream.width)
    return {bridge.at + i: frame for i, frame in zip(bridge.picks, frames, strict=False)}


def _copied_frames(source: Path, plan: CutPlan, at: int, count: int = 2) -> dict[int, np.ndarray]:
    """The luma of the first ``count`` copied frames, decoded from the copied packets themselves (a
    closed GOP starting on an IDR picture needs nothing before it), by their place in the clip."""
    with open_container(source) as container:
        template = video_stream(container, source)
        codec = av.CodecContext.create(template.codec_context.name, "r")
        codec.extradata = template.codec_context.extradata
        frames = []
        for packet in plan.packets[: count + 6]:
            frames += codec.decode(packet)
        frames += codec.decode(None)
    frames.sort(key=lambda f: f.pts if f.pts is not None else 0)
    return {at + i: f.to_ndarray(format="gray") for i, f in enumerate(frames[:count])}


@dataclass(frozen=True)
class SmartCut:
    """What :func:`smart_cut_clip` did: its plan, and the source's pictures (luma) that the clip's
    frames at each join must show, by their place in the clip (none where it cut by time)."""

    plan: CutPlan
    expected: dict[int, np.ndarray] = field(default_factory=dict)


def smart_cut_clip(
    source: Path,
    start_s: float,
    end_s: float,
    dest: Path,
    spec: ReelConfig,
    stream: SourceStream,
    has_audio: bool,
    audio_track: int = 0,
) -> SmartCut:
    """Write ``source[start_s:end_s]`` to ``dest`` (Matroska: H.264 and PCM, as
    :func:`~soccer_highlights.media.cut.cut_clip` writes) with its whole GOPs copied and its head and
    tail encoded to match; returns the plan it followed (``method``: ``copy`` or ``reencode``) and
    the source's pictures at the clip's joins."""
    rate = stream.rate
    fps = float(rate)
    start_s, end_s = frame_aligned(start_s, end_s, fps)
    start, end = round(start_s * fps), round(end_s * fps)
    plan = plan_cut(source, start, end, stream)
    if not plan.even:  # picked by their times, as a re-encode does, by the encoder set to match
        sar = f"{stream.sar.numerator}/{stream.sar.denominator}" if stream.sar else "1"
        encoder = stream.encoder_args(min(spec.crf, 18), spec.preset)
        cut_clip(source, start_s, end_s, dest, spec, has_audio, audio_track=audio_track, encoder=encoder, sar=sar)
        return SmartCut(plan)
    work = dest.with_name(f".{dest.stem}.pieces")
    work.mkdir(parents=True, exist_ok=True)
    expected: dict[int, np.ndarray] = {}
    try:
        head, tail, copy = work / "head.mkv", work / "tail.mkv", work / "copy.mkv"
        bridges: list[_Bridge] = []
        pieces: list[tuple[Path, int]] = []  # (file, frames)
        if plan.method == COPY:
            if plan.copy_start > start:
                bridges.append(_Bridge(start, plan.copy_start - start, 0, head))
                pieces.append((head, plan.copy_start - start))
            write_copy(source, plan.packets, copy)
            expected |= _copied_frames(source, plan, plan.copy_start - start)
            pieces.append((copy, plan.copy_end - plan.copy_start))
            if plan.copy_end < end:
                bridges.append(_Bridge(plan.copy_end, end - plan.copy_end, plan.copy_end - start, tail))
                pieces.append((tail, end - plan.copy_end))
        else:
            bridges.append(_Bridge(start, end - start, 0, head))
            pieces.append((head, end - start))
        if bridges:
            what = f"encoding the bridges of {source} [{start_s:.2f}s-{end_s:.2f}s]"
            run_ffmpeg(_bridge_command(source, plan, bridges, stream, spec), what=what)
            for bridge in bridges:
                expected |= _bridge_frames(bridge, stream)
        _assemble(source, pieces, fps, start_s, end_s, dest, spec, has_audio, audio_track, work)
    finally:
        for path in work.glob("*"):
            path.unlink(missing_ok=True)
        work.rmdir()
    return SmartCut(plan, expected)


def _assemble(
    source: Path,
    pieces: Sequence[tuple[Path, int]],
    fps: float,
    start_s: float,
    end_s: float,
    dest: Path,
    spec: ReelConfig,
    has_audio: bool,
    audio_track: int,
    work: Path,
) -> None:
    """Join the pieces' picture by stream copy (the concat demuxer puts each piece's parameter sets
    in band) under the source's sound cut at the same frames, into ``dest`` atomically."""
    listing = work / "pieces.txt"
    listing.write_text(
        "".join(f"file '{p.resolve()!s}'\nduration {n / fps:.6f}\n" for p, n in pieces), encoding="utf-8"
    )
    audio_inputs, audio_map, audio_out = audio_cut_args(source, start_s, end_s, spec, has_audio, audio_track, 1)
    with atomic_path(dest) as tmp:
        run_ffmpeg(
            ["-f", "concat", "-safe", "0", "-i", ffmpeg_path(listing), *audio_inputs,
             "-map", "0:v:0", "-map", audio_map, "-c:v", "copy", *audio_out, "-f", "matroska", ffmpeg_path(tmp)],
            what=f"joining the copied and encoded pieces of {source} [{start_s:.2f}s-{end_s:.2f}s]",
        )  # fmt: skip

"""What a media file holds, read from its headers with PyAV (no full decode)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from soccer_highlights.errors import MediaError


@dataclass(frozen=True)
class AudioTrack:
    """One audio stream of a file: its place among the audio streams, language tag and layout."""

    index: int
    language: str | None
    channels: int
    codec: str
    title: str | None = None

    def describe(self) -> str:
        what = ", ".join(x for x in (self.language, self.title) if x)
        return f"{self.index} ({self.codec}, {self.channels} ch{', ' + what if what else ''})"


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    duration_s: float
    fps: float
    width: int
    height: int
    has_audio: bool
    sample_rate: int | None
    channels: int | None
    video_codec: str
    audio_codec: str | None
    interlaced: bool = False
    """The stream says its pictures are interlaced fields (``tt``, ``bb``, ``tb``, ``bt``)."""
    container: str = ""
    """The demuxer's name (``matroska,webm``, ``mov,mp4,m4a,3gp,3g2,mj2``, ``mpegts``, ...)."""
    audio_tracks: tuple[AudioTrack, ...] = ()
    """Every audio stream, in the file's order (``sample_rate`` and ``channels`` above are the first's)."""

    def audio_track(self, want: int | str | None) -> int:
        """The index (among the audio streams) of the track ``want`` names: a number from 0, or a
        language tag as the file writes it (``eng``, ``spa``; ``en`` matches ``eng``). None is the
        first track, the broadcast's main sound in nearly every capture."""
        if want is None or (isinstance(want, str) and want.strip() == ""):
            return 0
        if not self.audio_tracks:
            raise MediaError(f"{self.path}: has no audio track to choose from")
        listed = ", ".join(t.describe() for t in self.audio_tracks)
        text = str(want).strip()
        if text.isdigit():
            index = int(text)
            if index >= len(self.audio_tracks):
                raise MediaError(f"{self.path}: no audio track {index} (it has {listed})")
            return index
        code = text.lower()
        for track in self.audio_tracks:
            language = (track.language or "").lower()
            if language and (language == code or language.startswith(code) or code.startswith(language)):
                return track.index
        raise MediaError(f"{self.path}: no audio track in language {text!r} (it has {listed})")

    @property
    def seeks_exactly(self) -> bool:
        """Whether the container has an index that lands an input-side seek on the keyframe before
        the time asked for (Matroska, MP4/MOV). Elsewhere (MPEG-TS, AVI, ...) a seek can land past
        that keyframe and the first pictures after it are lost: a cut must start decoding earlier."""
        return any(name in self.container.split(",") for name in ("matroska", "mov", "mp4"))


def open_container(path: str | Path) -> av.container.InputContainer:
    """Open a media file for reading, turning PyAV's errors into one that names the file."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: no such file")
    try:  # "file:" and an absolute path: a name holding ':' ("2:1.mkv") is not read as a protocol
        return av.open(f"file:{path.resolve()}", mode="r")
    except av.error.FFmpegError as exc:
        raise MediaError(f"{path}: not a readable media file ({exc})") from None


def video_stream(container: av.container.InputContainer, path: Path) -> av.video.stream.VideoStream:
    """The first real video stream: cover art (an MP3's attached picture) is not a video."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    what = "only a still picture (cover art)" if container.streams.video else "no video stream"
    raise MediaError(f"{path}: has no video stream, {what}: give a match video")


def probe(path: str | Path) -> MediaInfo:
    path = Path(path)
    with open_container(path) as container:
        video = video_stream(container, path)
        audio = container.streams.audio[0] if container.streams.audio else None
        duration_s = _duration_s(container, video)
        if duration_s <= 0:
            raise MediaError(f"{path}: its duration cannot be read from the headers")
        rate = video.average_rate or video.guessed_rate or video.base_rate
        return MediaInfo(
            path=path,
            duration_s=duration_s,
            fps=float(rate) if rate else 25.0,
            width=video.codec_context.width,
            height=video.codec_context.height,
            has_audio=audio is not None,
            sample_rate=audio.codec_context.sample_rate if audio else None,
            channels=audio.codec_context.channels if audio else None,
            video_codec=video.codec_context.name,
            audio_codec=audio.codec_context.name if audio else None,
            container=container.format.name,
            interlaced=_interlaced(video),
            audio_tracks=tuple(
                AudioTrack(i, _tag(a, "language"), a.codec_context.channels, a.codec_context.name, _tag(a, "title"))
                for i, a in enumerate(container.streams.audio)
            ),
        )


def _tag(stream: av.stream.Stream, name: str) -> str | None:
    value = (stream.metadata or {}).get(name) or (stream.metadata or {}).get(name.upper())
    return None if value in (None, "", "und") else str(value)


def _interlaced(video: av.video.stream.VideoStream) -> bool:
    order = getattr(video.codec_context, "field_order", None)
    if isinstance(order, int):  # FFmpeg's AVFieldOrder: 0 unknown, 1 progressive, 2-5 tt, bb, tb, bt
        return 2 <= order <= 5
    return str(order or "").lower() in ("tt", "bb", "tb", "bt")


def _duration_s(container: av.container.InputContainer, video: av.video.stream.VideoStream) -> float:
    if container.duration is not None:
        return container.duration / av.time_base
    if video.duration is not None and video.time_base is not None:
        return float(video.duration * video.time_base)
    return 0.0


def origin_s(container: av.container.InputContainer) -> float:
    """The container's start time: the zero of every timestamp we hand on.

    Audio and video are both measured from this one origin, which is what keeps them in sync
    (the seed counted samples and frames from their own starts and drifted apart).
    """
    start = container.start_time
    return start / av.time_base if start is not None else 0.0

"""Cut segments out of a video and join them, with the ffmpeg binary.

Every cut is re-encoded to one uniform spec (H.264 at one size, frame rate and pixel format;
PCM audio at one rate and layout), which is what lets the concat demuxer join them. Seeking is on
the input side (``-ss`` before ``-i``): ffmpeg jumps to the keyframe before the start and decodes
from there, discarding frames before it, so cuts are fast and frame-accurate. A cut's length is a
whole number of frames and its audio is padded or trimmed to match.

The cuts keep their audio as PCM and the join encodes it to AAC once: AAC's encoder delay
(1024 samples per stream) would otherwise be counted again at every join and push the sound a
frame later after each cut, where one encode of the whole reel keeps it sample-exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from soccer_highlights.config import ReelConfig
from soccer_highlights.core import frame_aligned
from soccer_highlights.fileio import atomic_path
from soccer_highlights.media.ffmpeg import ffmpeg_path, run_ffmpeg
from soccer_highlights.media.probe import probe

SEEK_PREROLL_S = 15.0
"""Where a container has no index to seek by (MPEG-TS, AVI), a cut starts decoding this long before
its start (longer than any broadcast's keyframe interval) and trims to the frame after decoding."""


def title_font() -> Path:
    """The title's typeface: DejaVu Sans Bold, from Debian's ``fonts-dejavu-core`` where installed,
    else the copy matplotlib ships in its wheel (a dependency already): titles need nothing more."""
    system = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    if system.is_file():
        return system
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"


def fit_title(text: str, size: int, max_width: int) -> tuple[str, int]:
    """A title that fits ``max_width`` pixels (measured in :func:`title_font`): its font shrunk to
    as little as two thirds of ``size``, then the text cut with an ellipsis (drawtext does not wrap)."""
    from PIL import ImageFont

    smallest = max(8, size * 2 // 3)
    font = ImageFont.truetype(str(title_font()), smallest)
    for candidate in range(size, smallest - 1, -1):
        if ImageFont.truetype(str(title_font()), candidate).getlength(text) <= max_width:
            return text, candidate
    while len(text) > 1 and font.getlength(text + "\u2026") > max_width:
        shorter = len(text) * max_width // max(1, int(font.getlength(text + "\u2026")))
        text = text[: max(1, min(len(text) - 1, shorter))].rstrip()
    return text + "\u2026", smallest


def _filter_path(path: Path) -> str:
    """A path as a filter option's value: ``\\``, ``:``, ``'``, ``,``, ``[`` and ``]`` escaped twice
    (once for the option, once for the filter graph)."""
    text = str(path.resolve())
    for char in "\\:'":
        text = text.replace(char, "\\\\" + char)
    for char in ",[];":
        text = text.replace(char, "\\" + char)
    return text


def cut_clip(
    source: Path,
    start_s: float,
    end_s: float,
    dest: Path,
    spec: ReelConfig,
    has_audio: bool,
    exact_seek: bool = True,
    title: str | None = None,
    crop: str | None = None,
    audio_track: int = 0,
    encoder: Sequence[str] | None = None,
    sar: str = "1",
) -> None:
    """Write ``source[start_s:end_s]`` to ``dest`` (Matroska: H.264 and PCM), re-encoded to ``spec``,
    atomically. ``exact_seek`` says the container's index lands a seek on the keyframe before the
    start (see :attr:`MediaInfo.seeks_exactly`); without it the cut decodes from
    :data:`SEEK_PREROLL_S` earlier and trims after decoding, so no picture at its start is lost.
    ``title`` is burnt in as a lower third (white on a dark box, a twentieth of the picture high);
    ``crop`` (an ffmpeg ``crop`` filter, times from the cut's start: see
    :meth:`soccer_highlights.media.reframe.CropPath.ffmpeg_filter`) is applied before scaling;
    ``audio_track`` picks the sound among the source's audio streams (0: the first); ``encoder`` and
    ``sar`` replace the encoder's options and the pictures' aspect (a reel of copied segments encodes
    a segment whose frames are off the grid to match the source: see :mod:`.smartcut`)."""
    if not spec.resolved:
        info = probe(source)
        spec = spec.for_source(info.width, info.height, info.fps)
    start_s, end_s = frame_aligned(start_s, end_s, spec.fps)
    duration = end_s - start_s
    w, h = spec.width, spec.height
    deinterlace = "yadif=mode=send_frame:deint=interlaced," if spec.deinterlace else ""
    seek_s = start_s if exact_seek else max(0.0, start_s - SEEK_PREROLL_S)
    # decoded pictures and sound before the cut's start (the pre-roll) are trimmed in the filters
    lead = start_s - seek_s
    trim_v = f"trim=start={lead:.6f},setpts=PTS-STARTPTS," if lead > 0 else ""
    trim_a = f"atrim=start={lead:.6f},asetpts=PTS-STARTPTS," if lead > 0 else ""
    title_file = dest.with_name(f".{dest.stem}.title.txt")
    lower_third = ""
    if title:
        size = max(10, h // 20)
        title, size = fit_title(title, size, w * 9 // 10)
        title_file.write_text(title, encoding="utf-8")
        # read from a file with expansion off: '%', '%{localtime}', '\', ':' and quotes are shown as written
        lower_third = (
            f",drawtext=fontfile={_filter_path(title_font())}:textfile={_filter_path(title_file)}:expansion=none:"
            f"fontsize={size}:fontcolor=white:box=1:boxcolor=black@0.65:boxborderw={max(2, size // 3)}:"
            f"x=w/20:y=h-h/8-th"
        )
    video_filter = (
        f"{trim_v}{deinterlace}{crop + ',' if crop else ''}"
        f"scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,"
        f"setsar={sar},fps={spec.rate}:start_time=0,tpad=stop_mode=clone:stop_duration={duration:.6f}{lower_third}"
    )
    audio_filter = f"{trim_a}{_audio_filter(duration, spec)}"
    inputs = ["-ss", f"{seek_s:.6f}", "-i", ffmpeg_path(source)]
    if has_audio:
        audio_map = f"0:a:{audio_track}"
    else:  # a silent track, so every clip of the reel has the same streams
        inputs += _silence(spec)
        audio_map = "1:a:0"
    with atomic_path(dest) as tmp:
        run_ffmpeg(
            [
                *inputs,
                "-map", "0:v:0", "-map", audio_map,
                "-t", f"{duration:.6f}",
                "-vf", video_filter,
                "-af", audio_filter,
                *(encoder or ["-c:v", "libx264", "-preset", spec.preset, "-crf", str(spec.crf),
                              "-pix_fmt", "yuv420p", "-g", str(round(spec.fps * 2))]),
                "-c:a", "pcm_s16le", "-ar", str(spec.sample_rate), "-ac", str(spec.channels),
                "-f", "matroska", ffmpeg_path(tmp),
            ],
            what=f"cutting {source} [{start_s:.2f}s-{end_s:.2f}s]",
        )  # fmt: skip
    title_file.unlink(missing_ok=True)


def _audio_filter(duration_s: float, spec: ReelConfig) -> str:
    """The sound resampled to the reel's rate from the cut's first frame, padded or trimmed to its length."""
    return f"aresample={spec.sample_rate}:async=1:first_pts=0,apad,atrim=duration={duration_s:.6f}"


def _silence(spec: ReelConfig) -> list[str]:
    layout = "stereo" if spec.channels == 2 else "mono"
    return ["-f", "lavfi", "-i", f"anullsrc=r={spec.sample_rate}:cl={layout}"]


def audio_cut_args(
    source: Path, start_s: float, end_s: float, spec: ReelConfig, has_audio: bool, audio_track: int, index: int
) -> tuple[list[str], str, list[str]]:
    """ffmpeg's input options, stream map and output options for the sound of ``source[start_s:end_s]``
    as a cut holds it (PCM at the reel's rate and layout, exactly as long as the picture), read as
    input ``index`` of the command (a silent track where the source has no sound)."""
    inputs = ["-ss", f"{start_s:.6f}", "-i", ffmpeg_path(source)] if has_audio else _silence(spec)
    audio_map = f"{index}:a:{audio_track}" if has_audio else f"{index}:a:0"
    outputs = ["-af", _audio_filter(end_s - start_s, spec), "-c:a", "pcm_s16le", "-ar", str(spec.sample_rate),
               "-ac", str(spec.channels)]  # fmt: skip
    return inputs, audio_map, outputs


def concat_clips(
    clips: Sequence[Path],
    dest: Path,
    durations_s: Sequence[float] | None = None,
    audio_bitrate: str = "128k",
    aac_coder: str = "fast",
    metadata: str | None = None,
) -> None:
    """Join clips of one spec into an MP4 by stream copy (the concat demuxer), atomically.

    ``durations_s`` (each clip's frame-aligned length) tells the demuxer where the next clip starts;
    without it the encoder's audio priming would push every later clip back by a frame or two.
    ``metadata`` is an ffmpeg metadata file's text (its chapters go into the MP4).
    """
    if not clips:
        raise ValueError("nothing to join: the list of clips is empty")
    list_file = dest.with_name(f".{dest.stem}.concat.txt")
    lines = []
    for i, clip in enumerate(clips):
        escaped = str(clip.resolve()).replace("'", "'\\''")
        lines.append(f"file '{escaped}'")
        if durations_s is not None:
            lines.append(f"duration {durations_s[i]:.6f}")
    list_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta_file = dest.with_name(f".{dest.stem}.chapters.txt")
    chapters: list[str] = []
    if metadata is not None:
        meta_file.write_text(metadata, encoding="utf-8")
        chapters = ["-i", ffmpeg_path(meta_file), "-map", "0:v", "-map", "0:a"]
        chapters += ["-map_metadata", "1", "-map_chapters", "1"]
    try:
        with atomic_path(dest) as tmp:
            run_ffmpeg(
                ["-f", "concat", "-safe", "0", "-i", ffmpeg_path(list_file), *chapters, "-c:v", "copy",
                 "-c:a", "aac", "-b:a", audio_bitrate, "-aac_coder", aac_coder,
                 "-movflags", "+faststart", "-f", "mp4", ffmpeg_path(tmp)],
                what=f"joining {len(clips)} clips into {dest}",
            )  # fmt: skip
    finally:
        list_file.unlink(missing_ok=True)
        meta_file.unlink(missing_ok=True)


def concat_copy(sources: Sequence[Path], dest: Path) -> None:
    """Join files of one encoding end to end without re-encoding (ffmpeg's concat demuxer, stream
    copy), atomically: real broadcast clips of one match become one longer real stream."""
    if not sources:
        raise ValueError("nothing to join: the list of files is empty")
    list_file = dest.with_name(f".{dest.stem}.concat.txt")
    escaped = (str(Path(s).resolve()).replace("'", "'\\''") for s in sources)
    list_file.write_text("".join(f"file '{e}'\n" for e in escaped), encoding="utf-8")
    try:
        with atomic_path(dest) as tmp:
            run_ffmpeg(
                [
                    "-f",
                    "concat",
                    "-safe",
                    "0",
                    "-i",
                    ffmpeg_path(list_file),
                    "-map",
                    "0",
                    "-c",
                    "copy",
                    ffmpeg_path(tmp),
                ],
                what=f"joining {len(sources)} files into {dest}",
            )
    finally:
        list_file.unlink(missing_ok=True)

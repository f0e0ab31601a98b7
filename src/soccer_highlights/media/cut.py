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
from soccer_highlights.fileio import atomic_path
from soccer_highlights.media.ffmpeg import ffmpeg_path, run_ffmpeg


def frame_aligned(start_s: float, end_s: float, fps: int) -> tuple[float, float]:
    """Snap a cut to the output frame grid so its length is exactly ``n / fps``."""
    start_f = round(start_s * fps)
    end_f = max(start_f + 1, round(end_s * fps))
    return start_f / fps, end_f / fps


def cut_clip(source: Path, start_s: float, end_s: float, dest: Path, spec: ReelConfig, has_audio: bool) -> None:
    """Write ``source[start_s:end_s]`` to ``dest`` (MPEG-TS), re-encoded to ``spec``, atomically."""
    start_s, end_s = frame_aligned(start_s, end_s, spec.fps)
    duration = end_s - start_s
    w, h = spec.width, spec.height
    video_filter = (
        f"scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={spec.fps}"
    )
    layout = "stereo" if spec.channels == 2 else "mono"
    audio_filter = f"aresample={spec.sample_rate}:async=1:first_pts=0,apad,atrim=duration={duration:.6f}"
    inputs = ["-ss", f"{start_s:.6f}", "-i", ffmpeg_path(source)]
    if has_audio:
        audio_map = "0:a:0"
    else:  # a silent track, so every clip of the reel has the same streams
        inputs += ["-f", "lavfi", "-i", f"anullsrc=r={spec.sample_rate}:cl={layout}"]
        audio_map = "1:a:0"
    with atomic_path(dest) as tmp:
        run_ffmpeg(
            [
                *inputs,
                "-map", "0:v:0", "-map", audio_map,
                "-t", f"{duration:.6f}",
                "-vf", video_filter,
                "-af", audio_filter,
                "-c:v", "libx264", "-preset", spec.preset, "-crf", str(spec.crf),
                "-pix_fmt", "yuv420p", "-g", str(spec.fps * 2),
                "-c:a", "pcm_s16le", "-ar", str(spec.sample_rate), "-ac", str(spec.channels),
                "-f", "matroska", ffmpeg_path(tmp),
            ],
            what=f"cutting {source} [{start_s:.2f}s-{end_s:.2f}s]",
        )  # fmt: skip


def concat_clips(
    clips: Sequence[Path],
    dest: Path,
    durations_s: Sequence[float] | None = None,
    audio_bitrate: str = "128k",
    aac_coder: str = "fast",
) -> None:
    """Join clips of one spec into an MP4 by stream copy (the concat demuxer), atomically.

    ``durations_s`` (each clip's frame-aligned length) tells the demuxer where the next clip starts;
    without it the encoder's audio priming would push every later clip back by a frame or two.
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
    try:
        with atomic_path(dest) as tmp:
            run_ffmpeg(
                ["-f", "concat", "-safe", "0", "-i", ffmpeg_path(list_file), "-c:v", "copy",
                 "-c:a", "aac", "-b:a", audio_bitrate, "-aac_coder", aac_coder,
                 "-movflags", "+faststart", "-f", "mp4", ffmpeg_path(tmp)],
                what=f"joining {len(clips)} clips into {dest}",
            )  # fmt: skip
    finally:
        list_file.unlink(missing_ok=True)


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

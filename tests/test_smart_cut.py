"""The smart cut: a reel whose picture is the source's own compressed frames between keyframes,
with only the frames before a segment's first keyframe and after its last whole GOP encoded again.

Checked on real broadcast clips and on copies of them made with the ffmpeg binary (an HD copy at
29.97 fps in MP4, an interlaced-coded PAL copy, MPEG-4 part 2, MPEG-TS), on decoded frames: the
copied packets are the source's bit for bit, every frame is the source's frame at the same place,
and the pictures on both sides of every join decode cleanly.
"""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from soccer_highlights.config import ReelConfig
from soccer_highlights.core import Half, Segment
from soccer_highlights.media.ffmpeg import ffmpeg_exe
from soccer_highlights.media.probe import probe
from soccer_highlights.media.smartcut import SourceStream, plan_cut, source_stream
from soccer_highlights.media.verify import luma_frames, psnr_db, stream_counts
from soccer_highlights.output.reel import write_reel

CLIP29 = "arsenal-anderlecht-2014-h1-clip29.mkv"
"""42 s of real play, keyframes at 0, 5.52, 15.52, 18.88, 23.84, 28.84, 32.92 and 39.2 s (25 fps)."""
PARAMETER_SETS = {7, 8, 9}
"""NAL unit types the join puts in band (SPS, PPS) or a muxer may add (access unit delimiter)."""


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def clip29(real_clips: Path) -> Path:
    return real_clips / CLIP29


@pytest.fixture(scope="module")
def hd_ntsc(clip29: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 s of the real clip at 1280x720, 29.97 fps, H.264 with B-frames in MP4 (a keyframe every 50
    frames, as the benchmark's HD input): an editor's broadcast."""
    dest = tmp_path_factory.mktemp("hd") / "hd_2997.mp4"
    _ffmpeg("-t", "10", "-i", str(clip29), "-vf", "scale=1280:720", "-r", "30000/1001", "-c:v", "libx264",
            "-preset", "veryfast", "-g", "50", "-c:a", "aac", str(dest))  # fmt: skip
    return dest


@pytest.fixture(scope="module")
def interlaced(clip29: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s of the real clip at 720x576, 25 fps, coded interlaced (top field first), in Matroska."""
    dest = tmp_path_factory.mktemp("pal") / "pal_tff.mkv"
    _ffmpeg("-t", "12", "-i", str(clip29), "-vf", "scale=720:576,setsar=16/15,setfield=tff", "-c:v", "libx264",
            "-preset", "veryfast", "-g", "40", "-flags", "+ildct+ilme", "-c:a", "copy", str(dest))  # fmt: skip
    return dest


def _reel(source: Path, spans: list[tuple[float, float]], out: Path, **spec: object):
    info = probe(source)
    segments = [Segment(1, a, b, a, 1.0, "test") for a, b in spans]
    config = ReelConfig(**spec).for_source(info.width, info.height, info.fps)  # type: ignore[arg-type]
    return write_reel(segments, {1: Half(1, info.duration_s, source, info.has_audio)}, out / "reel.mp4", config)


def _units(data: bytes, size: int) -> list[bytes]:
    """A length-prefixed access unit's NAL units, parameter sets and delimiters left out."""
    units, i = [], 0
    while i + size <= len(data):
        n = int.from_bytes(data[i : i + size], "big")
        unit = data[i + size : i + size + n]
        if unit and unit[0] & 0x1F not in PARAMETER_SETS:
            units.append(unit)
        i += size + n
    return units


def _access_units(path: Path) -> dict[int, list[bytes]]:
    """Every picture's NAL units by its place on the frame grid."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        size = (video.codec_context.extradata[4] & 3) + 1
        fps = float(video.average_rate or video.guessed_rate)
        origin = (container.start_time or 0) / av.time_base
        return {
            round((float(p.pts * video.time_base) - origin) * fps): _units(bytes(p), size)
            for p in container.demux(video)
            if p.pts is not None and p.size
        }


def _compare_all(reel: Path, source: Path, spans: list[tuple[int, int]], fps: float) -> list[float]:
    """Every decoded frame of the reel against the source's frame at the same place (luma PSNR)."""
    scores, at = [], 0
    for start, end in spans:
        mine = luma_frames(reel, range(at, at + end - start), fps)
        theirs = luma_frames(source, range(start, end), fps)
        scores += [psnr_db(mine[at + i], theirs[start + i]) for i in range(end - start)]
        at += end - start
    return scores


def test_copied_gops_are_the_source_packets_and_every_frame_is_the_sources(clip29: Path, tmp_path: Path) -> None:
    spans = [(3.0, 20.0), (24.0, 41.0)]
    result = _reel(clip29, spans, tmp_path)
    assert [c["method"] for c in result.cuts] == ["copy", "copy"]
    stream = source_stream(clip29)
    assert isinstance(stream, SourceStream) and stream.delay == 2
    source_units, reel_units = _access_units(clip29), _access_units(result.path)
    at, copied = 0, 0
    for a, b in spans:
        start, end = round(a * 25), round(b * 25)
        plan = plan_cut(clip29, start, end, stream)
        assert start < plan.copy_start < plan.copy_end < end, "a head and a tail are encoded, whole GOPs copied"
        for frame in range(plan.copy_start, plan.copy_end):
            assert reel_units[at + frame - start] == source_units[frame], f"copied frame {frame} differs"
            copied += 1
        at += end - start
    assert copied > 500
    counts = stream_counts(result.path)
    assert counts.problem(sum(b - a for a, b in spans), 25.0) is None
    assert abs(counts.frames - (17 + 17) * 25) <= 1
    scores = np.array(_compare_all(result.path, clip29, [(round(a * 25), round(b * 25)) for a, b in spans], 25.0))
    assert np.isinf(scores).sum() == copied, "the copied frames decode to the source's pictures exactly"
    assert scores.min() > 35, "the encoded heads and tails are the source's frames, none frozen or corrupt"


def test_segments_shorter_than_a_gop_are_encoded_to_match_and_join_cleanly(clip29: Path, tmp_path: Path) -> None:
    spans = [(1.0, 5.0), (15.0, 19.5), (6.0, 16.0)]  # inside one GOP; around one (15.52-18.88); over a GOP end
    result = _reel(clip29, spans, tmp_path)
    methods = [c["method"] for c in result.cuts]
    assert methods == ["reencode", "copy", "reencode"]
    assert "no whole GOP" in result.cuts[0]["note"]
    frames = [(round(a * 25), round(b * 25)) for a, b in spans]
    scores = _compare_all(result.path, clip29, frames, 25.0)
    assert len(scores) == sum(e - s for s, e in frames) and min(scores) > 35


def test_an_hd_ntsc_mp4_copy_joins_cleanly(hd_ntsc: Path, tmp_path: Path) -> None:
    fps = 30000 / 1001
    spans = [(1.0, 4.5), (5.2, 9.5)]
    result = _reel(hd_ntsc, spans, tmp_path)
    assert [c["method"] for c in result.cuts] == ["copy", "copy"]
    frames = [(round(a * fps), round(b * fps)) for a, b in spans]
    counts = stream_counts(result.path)
    assert abs(counts.frames - sum(e - s for s, e in frames)) <= 1 and counts.problem(result.duration_s, fps) is None
    scores = np.array(_compare_all(result.path, hd_ntsc, frames, fps))
    assert np.isinf(scores).sum() > 100 and scores.min() > 35
    assert probe(result.path).width == 1280


def test_an_interlaced_source_is_copied_with_its_fields_or_reencoded_when_deinterlaced(
    interlaced: Path, tmp_path: Path
) -> None:
    stream = source_stream(interlaced)
    assert isinstance(stream, SourceStream) and stream.interlaced and stream.sar == Fraction(16, 15)
    spans = [(0.5, 5.0), (5.5, 11.0)]
    kept = _reel(interlaced, spans, tmp_path / "kept", deinterlace=False)
    assert [c["method"] for c in kept.cuts] == ["copy", "copy"]
    reel = source_stream(kept.path)
    assert isinstance(reel, SourceStream) and reel.interlaced and reel.top_first, "the reel keeps the fields"
    frames = [(round(a * 25), round(b * 25)) for a, b in spans]
    assert min(_compare_all(kept.path, interlaced, frames, 25.0)) > 35
    flat = _reel(interlaced, spans, tmp_path / "flat", deinterlace=True)
    assert all(c["method"] == "reencode" and "deinterlaced" in c["note"] for c in flat.cuts)


@pytest.mark.parametrize(
    ("codec", "container", "why"),
    [(["-c:v", "mpeg4", "-q:v", "3"], "mkv", "mpeg4"), (["-c:v", "copy"], "ts", "no index")],
)
def test_a_source_that_cannot_be_matched_is_reencoded_with_a_note(
    clip29: Path, tmp_path: Path, codec: list[str], container: str, why: str
) -> None:
    source = tmp_path / f"source.{container}"
    _ffmpeg("-t", "12", "-i", str(clip29), *codec, "-c:a", "aac", str(source))
    result = _reel(source, [(2.0, 10.0)], tmp_path)
    assert result.cuts[0]["method"] == "reencode" and why in result.cuts[0]["note"]
    assert stream_counts(result.path).problem(8.0, 25.0) is None


def test_reencode_forces_a_full_encode_and_segments_json_says_how(clip29: Path, tmp_path: Path) -> None:
    forced = _reel(clip29, [(3.0, 20.0)], tmp_path, reencode=True)
    assert forced.cuts == [{"method": "reencode", "note": "re-encoding was asked for"}]
    from cli_helpers import run_cli

    listing = tmp_path / "segments.edited.json"
    listing.write_text(json.dumps({"segments": [Segment(1, 3.0, 20.0, 10.0, 1.0, "Highlight").to_json()]}))
    out = tmp_path / "out"
    result = run_cli("reel", str(clip29), "--segments", str(listing), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "segments.json").read_text())["segments"][0]["cut"] == {"method": "copy"}
    assert "1 of 1 segment(s) copied" in result.stderr

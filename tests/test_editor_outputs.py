"""What an editor takes away from a run: a reel at the source's own picture, timelines for editing
applications that reference the source frame-exactly, chapters, and each moment as its own clip."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import av
import pytest
from cli_helpers import run_cli

import soccer_highlights as sh
from soccer_highlights.core import frame_aligned
from soccer_highlights.media.ffmpeg import ffmpeg_exe
from soccer_highlights.media.probe import probe
from soccer_highlights.media.verify import stream_counts
from soccer_highlights.output.editorial import read_timeline

pytest.importorskip("opentimelineio", reason="timelines need pip install opentimelineio and its adapters")
NTSC = 30000 / 1001


@pytest.fixture(scope="module")
def hd_clip(real_clips: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real goal clip scaled up to 1280x720 at 29.97 fps, as an editor's broadcast would be."""
    import subprocess

    dest = tmp_path_factory.mktemp("hd") / "goal_720p.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-i", str(real_clips / "arsenal-anderlecht-2014-h1-clip30.mkv"),
         "-vf", "scale=1280:720", "-r", "30000/1001", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60",
         "-c:a", "aac", str(dest)],
        check=True,
    )  # fmt: skip
    return dest


def _frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_an_hd_source_gives_an_hd_reel_frame_exact(hd_clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("reel", str(hd_clip), "--out", str(out), "--threshold", "0.3", "--clips", "--export", "otio")
    assert result.returncode == 0, result.stderr
    info = probe(out / "reel.mp4")
    assert (info.width, info.height) == (1280, 720) and abs(info.fps - NTSC) < 0.01
    doc = json.loads((out / "segments.json").read_text())
    planned = sum(round(e * NTSC) - round(s * NTSC) for s, e in ((x["start_s"], x["end_s"]) for x in doc["segments"]))
    assert abs(_frames(out / "reel.mp4") - planned) <= 1, "the reel's length is the sum of its segments, to the frame"
    assert abs(stream_counts(out / "reel.mp4").audio_s - planned / NTSC) <= 1 / NTSC + 0.03
    goal = next(s for s in doc["segments"] if s["label"] == "Goal (2-0)")  # the HD bug read, 5x larger
    assert abs(goal["match_clock_s"] - 1684) <= 5, "the clock read off the HD bug: 28:04 at the goal"
    clips = sorted(out.glob("[0-9][0-9]_*.mp4"))
    assert len(clips) == len(doc["segments"]) and "goal" in clips[0].name
    for clip, seg in zip(clips, doc["segments"], strict=True):
        start, end = frame_aligned(seg["start_s"], seg["end_s"], NTSC)
        assert abs(_frames(clip) - round((end - start) * NTSC)) <= 1


def test_chapters_mark_every_segment_in_the_reel(joined_real_clips, tmp_path: Path) -> None:
    joined, _ = joined_real_clips
    out = tmp_path / "out"
    result = run_cli("reel", str(joined), "--out", str(out), "--budget", "none", "--threshold", "0.3")
    assert result.returncode == 0, result.stderr
    found = json.loads((out / "segments.json").read_text())["segments"]
    with av.open(str(out / "reel.mp4")) as container:
        chapters = container.chapters()
    assert len(chapters) == len(found) >= 2
    at = 0.0
    for chapter, seg in zip(chapters, found, strict=True):
        start = float(chapter["start"] * chapter["time_base"])
        assert abs(start - at) <= 1 / 25 + 1e-3
        assert seg["label"] in chapter["metadata"]["title"] or chapter["metadata"]["title"].startswith("Highlight")
        s, e = frame_aligned(seg["start_s"], seg["end_s"], 25)
        at += e - s
    lines = (out / "chapters.txt").read_text().splitlines()
    assert len(lines) == len(found) and lines[0].startswith("00:00 ")
    assert any("Goal (2-0)" in line for line in lines), "the goal's chapter is named after it"


@pytest.mark.parametrize("rate", [25.0, NTSC])
def test_timelines_reference_the_source_frame_exactly(real_clips: Path, hd_clip: Path, tmp_path: Path, rate) -> None:
    source = hd_clip if rate == NTSC else real_clips / "arsenal-anderlecht-2014-h1-clip30.mkv"
    reader = sh.get_detector("fusion", parts=["audio-excitement", "scoreboard"])  # what the default reel uses
    found = sh.highlights(source, reader, threshold=0.3, auto_budget=False)
    assert found.segments
    written = found.write_timelines(tmp_path, ["otio", "edl", "fcpxml", "fcp7xml"])
    assert [p.suffix for p in written] == [".otio", ".edl", ".fcpxml", ".xml"]
    want = [(round(s.start_s * rate), round(s.end_s * rate) - round(s.start_s * rate)) for s in found.segments]
    for path in written:
        if path.suffix == ".fcpxml":  # the file's own rational seconds, as well as read back below
            clips = [e for e in ET.parse(path).find(".//spine") if e.tag in ("asset-clip", "clip")]
            got = [(_frames_at(c.get("start", "0s"), rate), _frames_at(c.get("duration"), rate)) for c in clips]
            assert got == want, path
        timeline = read_timeline(path, rate)
        video = [c for c in timeline.find_clips() if c.parent().kind == "Video"]
        got = [(round(c.source_range.start_time.value), round(c.source_range.duration.value)) for c in video]
        assert got == want, path
        assert all(abs(c.source_range.start_time.rate - rate) < 0.01 for c in video)
        if path.suffix in (".otio", ".xml"):
            goal = next(c for c in video if "Goal (2-0)" in c.name)
            assert goal.markers and "Goal (2-0)" in goal.markers[0].name, "named and marked as what it is"
            if path.suffix == ".otio":
                assert goal.markers[0].metadata["soccer_highlights"]["label"] == "Goal (2-0)"


def _frames_at(rational: str, rate: float) -> int:
    """FCP X's rational seconds (``376/25s``) in frames at ``rate``."""
    return round(float(Fraction(rational.rstrip("s"))) * rate) if rational and rational != "0s" else 0


def test_titles_are_burnt_in_and_read_back(joined_real_clips, tmp_path: Path) -> None:
    """The goal's lower third, read off a frame of the reel by the OCR model: its minute and label."""
    pytest.importorskip("rapidocr")
    from rapidocr import RapidOCR

    from soccer_highlights.scoreboard.ocr import model_files

    joined, _ = joined_real_clips
    out = tmp_path / "out"
    result = run_cli("reel", str(joined), "--out", str(out), "--titles", "--budget", "30")
    assert result.returncode == 0, result.stderr
    segments = json.loads((out / "segments.json").read_text())["segments"]
    index = next(i for i, s in enumerate(segments) if s["label"] == "Goal (2-0)")
    at = sum(frame_aligned(s["start_s"], s["end_s"], 25)[1] - frame_aligned(s["start_s"], s["end_s"], 25)[0]
             for s in segments[:index]) + 2.0  # fmt: skip
    with av.open(str(out / "reel.mp4")) as container:
        frame = next(f for f in container.decode(video=0) if f.time >= at).to_ndarray(format="rgb24")
    h = frame.shape[0]
    lower_third = frame[h // 2 :, : frame.shape[1] // 2]
    from PIL import Image

    big = Image.fromarray(lower_third).resize((lower_third.shape[1] * 3, lower_third.shape[0] * 3))
    import numpy as np

    files = model_files()  # the wheel's whole pipeline: text found anywhere, then read
    engine = RapidOCR(
        params={"Global.log_level": "error", **{f"{k.title()}.model_path": str(v) for k, v in files.items()}}
    )
    read = engine(np.asarray(big), use_det=True, use_cls=False, use_rec=True).txts or ()
    text = " ".join(read)
    assert "Goal" in text and "28" in text, text


def test_the_vertical_crop_follows_the_play_on_a_synthetic_hd_match(tmp_path: Path) -> None:
    """The generator knows where the ball is; the crop window must hold it in 95% of the wide shot's
    frames and pan no faster than its limit (no jump)."""
    import numpy as np

    from soccer_highlights.config import ReframeConfig
    from soccer_highlights.media.reframe import follow_play
    from soccer_highlights.synth import PictureMaker, SynthConfig, plan_half, write_half_video

    cfg = SynthConfig(minutes=0.75, width=1280, height=720, fps=25, highlights_per_half=2)
    plan = plan_half(np.random.default_rng(3), 1, cfg, ())
    video = tmp_path / "hd.mkv"
    write_half_video(video, plan, cfg, seed=7)
    path = follow_play(video, 0.0, plan.duration_s, (1280, 720), "9:16")
    assert (path.crop_w, path.crop_h) == (404, 720)
    truth = PictureMaker(plan, cfg, np.random.default_rng(0))
    frames = np.arange(0, plan.duration_s - 0.5, 1 / cfg.fps)
    left = np.interp(frames, path.times_s, path.x)
    wide = [i for i, t in enumerate(frames) if not truth.in_closeup(t)]
    ball = np.array([truth.ball(t)[0] for t in frames[wide]])
    inside = (left[wide] <= ball) & (ball + 13 <= left[wide] + path.crop_w)
    assert len(wide) > 500 and inside.mean() >= 0.95, f"the ball is in the crop in {inside.mean():.1%} of frames"
    fastest = ReframeConfig().max_pan_per_s * 1280 / cfg.fps
    assert np.abs(np.diff(left)).max() <= fastest + 1e-6, "the crop pans, never jumps"
    assert left.min() >= 0 and left.max() + path.crop_w <= 1280


def test_a_vertical_reel_keeps_an_hd_source_sharp_and_frame_exact(hd_clip: Path, tmp_path: Path) -> None:
    from soccer_highlights.config import ReelConfig

    out = tmp_path / "out"
    result = run_cli("reel", str(hd_clip), "--out", str(out), "--threshold", "0.3", "--aspect", "9:16", "--clips")
    assert result.returncode == 0, result.stderr
    info = probe(out / "reel.mp4")
    assert (info.width, info.height) == (404, 720), "a 720p source's 9:16 window, at its own resolution"
    doc = json.loads((out / "segments.json").read_text())
    planned = sum(round(e * NTSC) - round(s * NTSC) for s, e in ((x["start_s"], x["end_s"]) for x in doc["segments"]))
    assert abs(_frames(out / "reel.mp4") - planned) <= 1
    assert all(probe(c).width == 404 for c in out.glob("[0-9][0-9]_*.mp4"))
    # a 1080p source's window is raised to the phones' 720x1280; a 224p one keeps its own size
    assert ReelConfig(aspect="9:16").for_source(1920, 1080, 25.0).width == 720
    assert (ReelConfig(aspect="9:16").for_source(1920, 1080, 25.0).height) == 1280
    assert (ReelConfig(aspect="1:1").for_source(398, 224, 25.0).width) == 224

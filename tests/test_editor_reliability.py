"""Editor outputs that never break (issue 30): vertical cuts of any length, any label in every
output, FCP X timelines exact at every broadcast rate, spotters' classes as names, interrupted runs
that finish, and public entries that check their arguments before any work.

Inputs are the real clips (scaled to 1280x720 at 29.97 fps with the ffmpeg binary, as a broadcast
editor's source would be) and, for timelines, plans built without cutting."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from cli_helpers import CLI, run_cli

import soccer_highlights as sh
from soccer_highlights.api import highlights_from_segments
from soccer_highlights.config import IMPORTED_SEGMENTS, ReelConfig, Settings
from soccer_highlights.core import LABEL_MAX_CHARS, Half, Plan, Segment, clean_label, frame_aligned
from soccer_highlights.errors import ConfigError, InputError
from soccer_highlights.media.cut import concat_copy
from soccer_highlights.media.ffmpeg import ffmpeg_exe
from soccer_highlights.media.verify import luma_frames, stream_counts
from soccer_highlights.output.editorial import read_timeline, segment_title, source_frames

pytest.importorskip("opentimelineio", reason="timelines need pip install opentimelineio and its adapters")
NTSC = 30000 / 1001
CLIPS = ("arsenal-anderlecht-2014-h1-clip29.mkv", "arsenal-anderlecht-2014-h1-clip30.mkv")


@pytest.fixture(scope="module")
def hd_match(real_clips: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real build-up and goal clips joined and scaled to 1280x720 at 29.97 fps (about 60 s)."""
    folder = tmp_path_factory.mktemp("hd")
    listing = folder / "list.txt"
    listing.write_text("".join(f"file '{real_clips / name}'\n" for name in CLIPS))
    dest = folder / "match_720p.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-vf", "scale=1280:720", "-r", "30000/1001", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60",
         "-c:a", "aac", str(dest)],
        check=True,
    )  # fmt: skip
    return dest


@pytest.fixture(scope="module")
def hd_long(hd_match: Path) -> Path:
    """Four copies of the HD match end to end (stream copy): over three and a half minutes of 720p."""
    dest = hd_match.with_name("long_720p.mp4")
    concat_copy([hd_match] * 4, dest)
    return dest


def _segments_file(path: Path, spans: list[tuple[float, float]], labels: list[object]) -> Path:
    rows = [
        {"half": 1, "start_s": a, "end_s": b, "peak_s": (a + b) / 2, "score": 1.0, "detector": "edited", "label": label}
        for (a, b), label in zip(spans, labels, strict=True)
    ]
    path.write_text(json.dumps({"segments": rows}), encoding="utf-8")
    return path


def _decoded(path: Path) -> tuple[int, set[tuple[int, int]]]:
    """Frames decoded from ``path`` and every picture size among them."""
    sizes, n = set(), 0
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            sizes.add((frame.width, frame.height))
            n += 1
    return n, sizes


def _sound_level(path: Path) -> float:
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray().astype(np.float64).ravel() for f in container.decode(audio=0)]
    samples = np.concatenate(chunks) if chunks else np.zeros(1)
    return float(np.sqrt(np.mean(samples**2)))


def _check_vertical(out: Path, segments: list[dict]) -> None:
    """Every clip of a 9:16 reel from a 720p source: 404x720 on every decoded frame, its frame count
    within one of its plan, its sound as long and not silent."""
    clips = sorted(out.glob("[0-9][0-9]_*.mp4"))
    assert len(clips) == len(segments)
    for clip, seg in zip(clips, segments, strict=True):
        start, end = frame_aligned(seg["start_s"], seg["end_s"], NTSC)
        planned = round((end - start) * NTSC)
        frames, sizes = _decoded(clip)
        assert sizes == {(404, 720)}, f"{clip.name}: every frame 9:16 ({sizes})"
        assert abs(frames - planned) <= 1, f"{clip.name}: {frames} frames where {planned} were planned"
        assert abs(stream_counts(clip).audio_s - planned / NTSC) <= 1 / NTSC + 0.03
        assert _sound_level(clip) > 1e-4, f"{clip.name}: sound present"
    total = sum(round((e - s) * NTSC) for s, e in (frame_aligned(x["start_s"], x["end_s"], NTSC) for x in segments))
    counted = stream_counts(out / "reel.mp4")  # the reel's pictures counted from its packets (its clips were decoded)
    assert abs(counted.frames - total) <= 1 and _sound_level(out / "reel.mp4") > 1e-4


def test_the_vertical_reel_of_a_720p_match_from_the_real_clips_holds_its_plan(hd_match: Path, tmp_path: Path) -> None:
    """Acceptance: ``reel --aspect 9:16`` with default settings on a 1280x720 29.97 fps match."""
    out = tmp_path / "out"
    result = run_cli("reel", str(hd_match), "--out", str(out), "--aspect", "9:16", "--clips")
    assert result.returncode == 0, result.stderr
    _check_vertical(out, json.loads((out / "segments.json").read_text())["segments"])


def test_vertical_cuts_of_twenty_seconds_and_three_minutes_follow_the_play(hd_long: Path, tmp_path: Path) -> None:
    """The crop path reaches ffmpeg as commands over time: a 20 s and a 180 s segment (the old
    piecewise expression failed past 12.4 s), each frame cropped where the path says."""
    from soccer_highlights.media.reframe import follow_play

    spans = [(2.0, 22.0), (30.0, 210.0)]
    listed = _segments_file(tmp_path / "segments.json", spans, ["twenty seconds", "three minutes"])
    out = tmp_path / "out"
    result = run_cli(
        "reel", str(hd_long), "--segments", str(listed), "--out", str(out), "--aspect", "9:16", "--clips",
        "--preset", "ultrafast",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    segments = json.loads((out / "segments.json").read_text())["segments"]
    assert [(s["start_s"], s["end_s"]) for s in segments] == spans
    _check_vertical(out, segments)
    # the picture is the source's window at the path's place, not a window that stayed where it began
    path = follow_play(hd_long, *spans[0], (1280, 720), "9:16")
    times = np.arange(0, 19.5, 1 / NTSC)
    planned_x = path.x_at(times)
    assert planned_x.max() - planned_x.min() > 40, "the play moves in this stretch: the check means something"
    picks = sorted({int(np.argmin(planned_x)), int(np.argmax(planned_x)), len(times) // 2})
    first = round(spans[0][0] * NTSC)
    mine = luma_frames(sorted(out.glob("01_*.mp4"))[0], picks, NTSC)
    theirs = luma_frames(hd_long, [first + k for k in picks], NTSC)
    for k in picks:
        crop, whole = mine[k].astype(np.float32)[::4, ::2], theirs[first + k].astype(np.float32)[::4, ::2]
        width = crop.shape[1]
        costs = [np.mean(np.abs(whole[:, x : x + width] - crop)) for x in range(whole.shape[1] - width + 1)]
        found = 2 * int(np.argmin(costs))
        assert abs(found - planned_x[k]) <= 6, f"frame {k}: cropped at {found} px, the path says {planned_x[k]:.0f}"


AWKWARD = [
    "Goal: 50% 'it''s in' \\ \"x\"",
    "%{localtime}",
    "first line\nsecond line",
    "bell\x07 esc\x1b[31m nul\x00 rlo\u202eend",
    "<script>alert(1)</script>",
    "long " * 1000,
]


def test_the_label_policy() -> None:
    assert clean_label("first line\nsecond\tline\r\n") == "first line second line"
    assert clean_label("bell\x07 esc\x1b[31m nul\x00 rlo\u202eend\u2029x") == "bell esc[31m nul rloend x"
    long = clean_label("long " * 1000)
    assert len(long) == LABEL_MAX_CHARS and long.endswith("\u2026") and long.startswith("long long")
    assert clean_label("  \n\x00 ") == "Highlight"
    assert clean_label("Goal: 50% 'it''s in' \\ \"x\"") == "Goal: 50% 'it''s in' \\ \"x\""
    with pytest.raises(ConfigError, match=r"half 2 at 1\.00-2\.00 s: its label must be text, not int"):
        Segment(2, 1.0, 2.0, 1.5, 1.0, "edited", 5)  # type: ignore[arg-type]
    assert Segment(1, 0.0, 1.0, 0.5, 1.0, "x", "a\nb").label == "a b", "every segment passes through it"


def test_a_label_that_looks_like_mathtext_is_drawn_as_written_on_the_timeline(tmp_path: Path) -> None:
    """matplotlib reads text between two '$' as mathtext: ``$\\frac$`` failed the whole run's timeline.png."""
    from soccer_highlights.output.timeline import plot_timeline

    segments = (Segment(1, 10.0, 20.0, 15.0, 0.9, "x", r"Goal $\frac$ 100"),)
    plan = Plan(tmp_path / "a $\frac$.mp4", (Half(1, 100.0),), (), segments, {}, Settings())
    plot_timeline(plan, tmp_path / "timeline.png")
    assert (tmp_path / "timeline.png").stat().st_size > 1000


def _safe_for_a_terminal(text: str) -> bool:
    return all(c == "\n" or unicodedata.category(c) not in ("Cc", "Cf") for c in text)


def test_any_label_reaches_every_output_as_one_line_shown_as_written(hd_match: Path, tmp_path: Path) -> None:
    """Acceptance: awkward labels with --titles --clips --export otio,edl,fcpxml,fcp7xml."""
    pytest.importorskip("rapidocr")
    spans = [(1.0 + 6 * i, 4.0 + 6 * i) for i in range(len(AWKWARD))]
    listed = _segments_file(tmp_path / "segments.json", spans, AWKWARD)
    out = tmp_path / "out"
    result = run_cli(
        "reel", str(hd_match), "--segments", str(listed), "--out", str(out), "--titles", "--clips",
        "--export", "otio,edl,fcpxml,fcp7xml", "--preset", "ultrafast",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _safe_for_a_terminal(result.stdout + result.stderr), "no control character reaches the terminal"
    labels = [clean_label(x) for x in AWKWARD]
    found = json.loads((out / "segments.json").read_text())["segments"]
    assert [s["label"] for s in found] == labels
    made = [Segment(1, a, b, a, 1.0, "edited", x) for (a, b), x in zip(spans, labels, strict=True)]
    titles = [segment_title(seg, i) for i, seg in enumerate(made)]
    lines = (out / "chapters.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == titles, "one line per segment, the title as written"
    names = sorted(p.name for p in out.glob("[0-9][0-9]_*.mp4"))
    assert len(names) == len(spans) and all(len(n) <= 80 for n in names)
    assert all(set(n[:-4]) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-") for n in names), names
    want = [source_frames(Segment(1, a, b, a, 1.0, "x"), NTSC) for a, b in spans]
    for suffix in (".otio", ".edl", ".fcpxml", ".xml"):
        timeline = read_timeline(out / f"reel_timeline{suffix}", NTSC)
        video = [c for c in timeline.find_clips() if c.parent().kind == "Video"]
        got = [(round(c.source_range.start_time.value), round(c.source_range.duration.value)) for c in video]
        assert got == want, suffix
        assert all(abs(c.source_range.start_time.rate - NTSC) < 1e-3 for c in video), suffix
        assert [c.name for c in video] == titles, suffix
    edl = (out / "reel_timeline.edl").read_text(encoding="utf-8").splitlines()
    assert all(not line or line[0] in "0123456789*" or line.startswith(("TITLE:", "FCM:")) for line in edl), edl
    template = (Path(sh.__file__).parent / "output" / "review_page.html").read_text()
    assert (out / "review.html").read_text().count("<script") == template.count("<script"), "labels stay data"
    # the titles read back off the picture by the OCR model: the text as written ('%{localtime}', not a
    # date; the backslash and quotes kept), a long one fitted with an ellipsis. The model reads two
    # apostrophes side by side as one: that much is compared without them.
    reads = [_title_text(out / "reel.mp4", 1.5 + 3 * i) for i in range(len(spans))]
    for read, title in zip(reads[:-1], titles[:-1], strict=True):
        assert read.replace("''", "'") == title.replace("''", "'"), (read, title)
    assert reads[-1].startswith("long long long") and reads[-1].endswith(("\u2026", "...")), reads[-1]


def _title_text(reel: Path, at_s: float) -> str:
    """The lower third of the reel's frame at ``at_s``, read by the OCR pipeline the title tests use."""
    from PIL import Image
    from rapidocr import RapidOCR

    from soccer_highlights.scoreboard.ocr import model_files

    global _ENGINE
    with av.open(str(reel)) as container:
        frame = next(f for f in container.decode(video=0) if f.time >= at_s).to_ndarray(format="rgb24")
    lower = frame[frame.shape[0] * 3 // 4 :, :]
    big = np.asarray(Image.fromarray(lower).resize((lower.shape[1] * 2, lower.shape[0] * 2)))
    _ENGINE = _ENGINE or RapidOCR(
        params={"Global.log_level": "error", **{f"{k.title()}.model_path": str(v) for k, v in model_files().items()}}
    )
    return " ".join(_ENGINE(big, use_det=True, use_cls=False, use_rec=True).txts or ())


_ENGINE = None


def test_a_label_that_is_not_text_is_one_line_naming_the_segment_before_any_cutting(
    real_clips: Path, tmp_path: Path
) -> None:
    listed = _segments_file(tmp_path / "segments.json", [(1.0, 3.0), (5.0, 7.0)], ["fine", ["not", "text"]])
    out = tmp_path / "out"
    result = run_cli("reel", str(real_clips / CLIPS[1]), "--segments", str(listed), "--out", str(out), "--titles")
    assert result.returncode == 2
    assert "segment 1" in result.stderr and "label must be text, not list" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (out / "reel.mp4").exists() and not (out / ".clips").exists()
    with pytest.raises(InputError, match="segment 1"):
        highlights_from_segments(real_clips / CLIPS[1], listed)


@pytest.mark.parametrize("rate", [24000 / 1001, 25.0, NTSC, 50.0, 60000 / 1001], ids=lambda r: f"{r:.3f}")
def test_fcpx_timelines_are_exact_at_every_broadcast_rate(tmp_path: Path, rate: float) -> None:
    """Every offset, start and duration on the frame grid (1001/30000 s at 29.97); read back at the
    rate with every clip its segment in frames. Built from a plan, without cutting."""
    from soccer_highlights.output.editorial import write_timelines

    video = tmp_path / "source.mp4"
    spans = [(10.0, 22.5), (38.21, 51.03), (100.5, 130.77), (400.04, 433.3)]
    segments = tuple(Segment(1, a, b, a + 2, 0.9, "x", label) for (a, b), label in zip(spans, "GABC", strict=True))
    plan = Plan(
        video, (Half(1, 600.0, video, True, 1280, 720, rate),), (), segments, {},
        Settings(reel=ReelConfig(fps=rate, width=1280, height=720)),
    )  # fmt: skip
    (path,) = write_timelines(plan, tmp_path, ["fcpxml"])
    frame = 1 / Fraction(rate).limit_denominator(1001)
    root = ET.parse(path).getroot()
    assert {f.get("frameDuration") for f in root.iter("format")} == {f"{frame.numerator}/{frame.denominator}s"}
    times = [(e.tag, k, e.get(k)) for e in root.iter() for k in ("offset", "start", "duration") if e.get(k)]
    assert times and all(Fraction(v.rstrip("s")) % frame == 0 for _, _, v in times), [
        t for t in times if Fraction(t[2].rstrip("s")) % frame
    ]
    timeline = read_timeline(path)
    clips = list(timeline.find_clips())
    assert [(round(c.source_range.start_time.value), round(c.source_range.duration.value)) for c in clips] == [
        source_frames(s, rate) for s in segments
    ]
    assert all(abs(c.source_range.start_time.rate - rate) < 1e-3 for c in clips)
    spine = root.find(".//spine")
    offsets = [Fraction(e.get("offset").rstrip("s")) / frame for e in spine]
    assert offsets == np.cumsum([0] + [source_frames(s, rate)[1] for s in segments[:-1]]).tolist()


def test_imported_predictions_name_their_segments_by_the_spotters_class() -> None:
    from soccer_highlights.detectors.imported import PredictionsDetector
    from soccer_highlights.segments import plan_reel
    from soccer_highlights.soccernet.predictions import Prediction

    predictions = [
        Prediction(1, 100.0, "Shots on target", 0.95),  # weighs 0.475: the goal at the peak outweighs it
        Prediction(1, 101.0, "Goal", 0.9),
        Prediction(1, 400.0, "Shots on target", 0.9),
        Prediction(1, 700.0, "Corner", 0.99),  # a class of no weight names nothing
        Prediction(1, 701.0, "Yellow card", 0.8),
    ]
    weights = {"Goal": 1.0, "Shots on target": 0.5, "Yellow card": 0.6}
    detector = PredictionsDetector(predictions, weights)
    curve = detector.score_half(Half(1, 900.0))
    plan = plan_reel([curve], IMPORTED_SEGMENTS)
    assert [(round(s.peak_s), s.label) for s in plan.segments] == [
        (101, "Goal"), (400, "Shots on target"), (701, "Yellow card"),
    ]  # fmt: skip


INTERRUPT_AFTER_THE_REEL = """
import sys
import soccer_highlights.api as api
def interrupted(*args, **kwargs):
    raise KeyboardInterrupt  # Ctrl-C after reel.mp4 is joined, before segments.json
api.write_youtube_chapters = interrupted
from soccer_highlights.cli import main
sys.argv = ["soccer-highlights", *sys.argv[1:]]
main()
"""


def test_an_interrupted_run_is_finished_by_the_same_command(real_clips: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["reel", str(real_clips / CLIPS[1]), "--out", str(out), "--threshold", "0.3", "--clips"]
    first = subprocess.run(
        [sys.executable, "-c", INTERRUPT_AFTER_THE_REEL, *args], capture_output=True, text=True, check=False
    )
    assert first.returncode == 130, first.stderr
    assert "the same command again resumes" in first.stdout + first.stderr
    reel = out / "reel.mp4"
    assert reel.is_file() and not (out / "segments.json").exists()
    before = reel.stat()
    again = subprocess.run([*CLI, *args], capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert (out / "segments.json").is_file() and (out / "chapters.txt").is_file()
    after = reel.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), "the joined reel is kept"
    assert not (out / ".soccer-highlights.run.json").exists()
    refused = run_cli(*args)  # a finished set is the user's: replaced only with --force
    assert refused.returncode == 2 and "--force" in refused.stderr


def test_public_entries_check_their_arguments_before_any_work(real_clips: Path, tmp_path: Path) -> None:
    clip = real_clips / CLIPS[1]
    listed = _segments_file(tmp_path / "segments.json", [(1.0, 3.0)], ["Goal"])
    found = highlights_from_segments(clip, listed)
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="unknown export format"):
        found.write(out, exports=["xyz"])
    assert not out.exists(), "refused before any cutting"
    with pytest.raises(ConfigError, match="exports must be names"):
        found.write(out, exports=[3])
    with pytest.raises(ConfigError, match="clips must be bool"):
        found.write(out, clips="yes")
    with pytest.raises(ConfigError, match="reel must be ReelConfig or None, not str"):
        sh.highlights(clip, reel="1280x720")
    with pytest.raises(ConfigError, match="segments must be SegmentConfig or None"):
        sh.highlights(clip, segments={"threshold": 0.5})
    with pytest.raises(ConfigError, match="source must be"):
        sh.highlights(42)
    with pytest.raises(ConfigError, match="detector must be"):
        sh.highlights(clip, detector=3.5)
    with pytest.raises(ConfigError, match="source must be str or Path"):
        highlights_from_segments(None, listed)
    with pytest.raises(ConfigError, match="segments_file must be"):
        highlights_from_segments(clip, {"segments": []})
    with pytest.raises(ConfigError, match="unknown export format"):
        found.write_timelines(tmp_path, ["otio", "mp4"])


def test_scoreboard_keeps_an_existing_match_state_without_force(real_clips: Path, tmp_path: Path) -> None:
    state = tmp_path / "match_state.json"
    state.write_text("{}")
    result = run_cli("scoreboard", str(real_clips / CLIPS[1]), "--out", str(tmp_path))
    assert result.returncode == 2 and "--force" in result.stderr and state.read_text() == "{}"
    forced = run_cli("scoreboard", str(real_clips / CLIPS[1]), "--out", str(tmp_path), "--force")
    assert forced.returncode == 0, forced.stderr
    assert json.loads(state.read_text()).get("halves") or state.read_text() != "{}"


@pytest.mark.parametrize(
    ("segment", "said"),
    [
        ({"half": 2, "start_s": 10.0, "end_s": 20.0}, "has no half 2"),
        ({"half": 1, "start_s": 10.0, "end_s": 300.0}, "past the end"),
    ],
    ids=["a-half-that-does-not-exist", "past-the-end"],
)
def test_reel_metrics_refuses_segments_outside_the_videos_halves(
    labels_root: Path, tmp_path: Path, segment: dict, said: str
) -> None:
    bad = tmp_path / "segments.json"
    row = segment | {"peak_s": segment["start_s"] + 1, "score": 1}
    bad.write_text(json.dumps({"segments": [row], "halves": [{"half": 1, "video": None, "duration_s": 100.0}]}))
    game = next(p for p in labels_root.rglob("Labels-v2.json")).parent
    result = run_cli("reel-metrics", str(game), "--segments", str(bad))
    assert result.returncode == 2 and "segment 0" in result.stderr and said in result.stderr, result.stderr

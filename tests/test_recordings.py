"""Real recordings as users bring them, made at test time from the real clips with the ffmpeg
binary: an MPEG-TS capture whose clock starts at an hour, a file named after a score ("2:1"), and
the last bad inputs of the reliability probe: every case a right result or one clear error."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import run_cli

from soccer_highlights.core import frame_aligned
from soccer_highlights.media.ffmpeg import ffmpeg_exe
from soccer_highlights.media.probe import probe
from soccer_highlights.media.verify import stream_counts
from soccer_highlights.soccernet.predictions import Prediction, write_predictions

CLIP30 = "arsenal-anderlecht-2014-h1-clip30.mkv"


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def _planned_frames(out: Path, fps: float) -> int:
    doc = json.loads((out / "segments.json").read_text())
    return sum(round((e - s) * fps) for s, e in (frame_aligned(x["start_s"], x["end_s"], fps) for x in doc["segments"]))


@pytest.mark.parametrize("offset_s", [3600.0, 2**33 / 90_000 - 50.0], ids=["late-clock", "clock-wraps"])
def test_an_mpeg_ts_capture_with_a_late_clock_gives_every_frame(joined_real_clips, tmp_path: Path, offset_s) -> None:
    """Timestamps that start at an hour (or so late that TS's 33-bit clock wraps to 0 fifty
    seconds in) and a keyframe only every 10 s: seeking in TS lands past the keyframe before a
    cut, and the picture used to lose its first seconds (368 frames for 600)."""
    joined, _ = joined_real_clips
    capture = tmp_path / "capture.ts"
    _ffmpeg("-i", str(joined), "-c:v", "libx264", "-preset", "ultrafast", "-g", "250", "-c:a", "aac",
            "-output_ts_offset", str(offset_s), "-f", "mpegts", str(capture))  # fmt: skip
    out = tmp_path / "out"
    result = run_cli(
        "reel", str(capture), "--out", str(out), "--no-scoreboard", "--budget", "none", "--threshold", "0.3"
    )
    assert result.returncode == 0, result.stderr
    counts = stream_counts(out / "reel.mp4")
    planned = _planned_frames(out, 25.0)
    assert planned >= 2 * 25 and abs(counts.frames - planned) <= 1
    assert abs(counts.audio_s - planned / 25.0) <= 1 / 25 + 0.03 and counts.largest_gap_s < 0.05


def test_a_file_named_after_a_score_is_read_by_its_bare_name(real_clips: Path, tmp_path: Path) -> None:
    """``2:1.mkv`` in the working folder: PyAV must not take ``2:`` for a protocol."""
    (tmp_path / "2:1.mkv").write_bytes((real_clips / CLIP30).read_bytes())
    result = run_cli("reel", "2:1.mkv", "--out", "out", "--threshold", "0.3", "--no-scoreboard", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert probe(tmp_path / "out" / "reel.mp4").has_audio


def test_an_edited_list_with_overlaps_and_duplicates_plays_each_moment_once(real_clips: Path, tmp_path: Path) -> None:
    video = real_clips / CLIP30
    edited = tmp_path / "edited.json"
    segments = [
        {"half": 1, "start_s": 6.0, "end_s": 10.0, "peak_s": 8.0, "score": 0.5},
        {"half": 1, "start_s": 1.0, "end_s": 5.0, "peak_s": 2.0, "score": 0.9},
        {"half": 1, "start_s": 1.0, "end_s": 5.0, "peak_s": 2.0, "score": 0.9},  # the same twice
        {"half": 1, "start_s": 4.0, "end_s": 7.0, "peak_s": 5.0, "score": 0.4},  # overlaps both
    ]
    edited.write_text(json.dumps({"segments": segments}))
    out = tmp_path / "out"
    result = run_cli("reel", str(video), "--segments", str(edited), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "listed twice" in result.stderr and "merged" in result.stderr
    doc = json.loads((out / "segments.json").read_text())
    assert [(s["start_s"], s["end_s"]) for s in doc["segments"]] == [(1.0, 10.0)]
    assert abs(stream_counts(out / "reel.mp4").frames - 9 * 25) <= 1, "no moment twice"


def test_evaluate_reads_labels_whatever_their_case_and_names_unknown_ones(labels_root: Path, tmp_path: Path) -> None:
    from soccer_highlights.soccernet.labels import load_labels
    from soccer_highlights.soccernet.layout import find_games

    game = find_games(labels_root)[0]
    key = game.relative_to(labels_root)
    events = [e for e in load_labels(game.labels_path).events if e.label == "Goal"]
    tree = tmp_path / "labels" / key
    tree.mkdir(parents=True)
    (tree / "Labels-v2.json").write_text(game.labels_path.read_text())
    scores = {}
    for name, label in (("exact", "Goal"), ("lower", "goal")):
        preds = tmp_path / name / key
        preds.mkdir(parents=True)
        found = [Prediction(e.half, e.time_s, label, 0.9) for e in events]
        found.append(Prediction(1, 10.0, "Hat-trick", 0.5))
        write_predictions(preds / "results_spotting.json", key, found)
        result = run_cli("evaluate", str(tmp_path / "labels"), "--predictions", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        scores[name] = float(result.stdout.strip().splitlines()[-1])
        assert "'Hat-trick' x1" in result.stderr
    assert scores["lower"] == scores["exact"] > 0


def test_positions_written_as_floats_are_read(tmp_path: Path) -> None:
    from soccer_highlights.soccernet.predictions import load_predictions

    path = tmp_path / "results_spotting.json"
    path.write_text(
        json.dumps({"predictions": [{"half": "1", "position": "30800.0", "label": "Goal", "confidence": "0.5"}]})
    )
    (pred,) = load_predictions(path)
    assert pred.time_s == pytest.approx(30.8) and pred.label == "Goal"


def test_a_segment_that_ends_before_it_starts_is_refused(labels_root: Path, tmp_path: Path) -> None:
    bad = tmp_path / "segments.json"
    bad.write_text(json.dumps({"segments": [{"half": 1, "start_s": 20.0, "end_s": 15.0, "peak_s": 16.0, "score": 1}]}))
    game = next(p for p in labels_root.rglob("Labels-v2.json")).parent
    result = run_cli("reel-metrics", str(game), "--segments", str(bad))
    assert result.returncode == 2 and "does not start before it ends" in result.stderr


def test_a_budget_too_small_for_any_segment_says_so(real_clips: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("reel", str(real_clips / CLIP30), "--out", str(out), "--threshold", "0.3", "--budget", "3")
    assert result.returncode == 2
    assert "budget of 3.0 s" in result.stderr and "lower --threshold" not in result.stderr


def test_a_bad_input_leaves_no_empty_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(b"not a video at all")
    result = run_cli("reel", str(broken), "--out", str(out))
    assert result.returncode == 2 and "broken.mkv" in result.stderr
    assert not out.exists(), "a run that wrote nothing leaves no empty folder behind"


def test_an_output_taken_by_a_folder_is_refused_before_any_work(real_clips: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "reel.mp4").mkdir(parents=True)
    result = run_cli("reel", str(real_clips / CLIP30), "--out", str(out), "--threshold", "0.3", "--force")
    assert result.returncode == 2 and "reel.mp4 is a folder" in result.stderr
    assert not (out / "segments.json").exists() and not (out / ".clips").exists()


def test_a_re_run_of_plan_keeps_finished_games(synthetic_games, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    (root / "league" / "season").mkdir(parents=True)
    shutil.copytree(synthetic_games[0].path, root / "league" / "season" / "game")
    out = tmp_path / "plans"
    assert run_cli("plan", str(root), "--out", str(out)).returncode == 0
    again = run_cli("plan", str(root), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "already planned" in again.stderr


def test_single_clips_in_one_folder_keep_a_transcript_each(tmp_path: Path) -> None:
    from soccer_highlights.soccernet.transcripts import find_transcript, transcript_for

    first, second, soccernet = tmp_path / "goal.mkv", tmp_path / "save.mp4", tmp_path / "2_224p.mkv"
    assert transcript_for(first, 1) != transcript_for(second, 1)
    assert transcript_for(first, 1).name == "goal_asr.json" and transcript_for(soccernet, 2).name == "2_asr.json"
    (tmp_path / "1_asr.json").write_text("{}")  # SoccerNet-Echoes' name beside a clip is still found
    assert find_transcript(first, 1).name == "1_asr.json"
    transcript_for(first, 1).write_text("{}")
    assert find_transcript(first, 1).name == "goal_asr.json", "its own transcript first"


def test_the_chosen_audio_track_is_scored_and_cut(real_clips: Path, tmp_path: Path) -> None:
    """A capture with two audio tracks: a tone first (another feed), the real commentary second,
    tagged English. ``--audio-track eng`` scores and cuts the commentary; the default is the first."""
    import numpy as np

    import soccer_highlights as sh
    from soccer_highlights.errors import MediaError
    from soccer_highlights.media.decode import read_audio

    clip = real_clips / CLIP30
    video = tmp_path / "two_tracks.mkv"
    _ffmpeg("-i", str(clip), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=30",
            "-map", "0:v", "-map", "1:a", "-map", "0:a", "-c:v", "copy", "-c:a", "aac", "-shortest",
            "-metadata:s:a:0", "language=fra", "-metadata:s:a:1", "language=eng", str(video))  # fmt: skip
    info = probe(video)
    assert [t.language for t in info.audio_tracks] == ["fra", "eng"]
    assert info.audio_track("eng") == 1 and info.audio_track("en") == 1 and info.audio_track(None) == 0
    with pytest.raises(MediaError, match=r"no audio track in language 'spa'.*fra.*eng"):
        info.audio_track("spa")

    original = sh.highlights(clip, threshold=0.3).curves[0].scores
    chosen = sh.highlights(video, threshold=0.3, audio_track="eng").curves[0].scores
    first = sh.highlights(video, threshold=0.3).curves[0].scores
    n = min(len(original), len(chosen))
    assert np.corrcoef(original[:n], chosen[:n])[0, 1] > 0.95, "the commentary track is what was scored"
    assert np.abs(first[:n] - original[:n]).max() > 0.1, "the default, the first track, is another sound"

    out = tmp_path / "out"
    result = run_cli("reel", str(video), "--out", str(out), "--audio-track", "eng", "--threshold", "0.3",
                     "--no-scoreboard")  # fmt: skip
    assert result.returncode == 0, result.stderr
    sound = read_audio(out / "reel.mp4", 16000)
    spectrum = np.abs(np.fft.rfft(sound)) ** 2
    tone = spectrum[np.abs(np.fft.rfftfreq(len(sound), 1 / 16000) - 440) < 5].sum() / spectrum.sum()
    assert len(sound) > 16000 and tone < 0.05, "the reel carries the commentary, not the tone"
    counts = stream_counts(out / "reel.mp4")
    assert abs(counts.frames - _planned_frames(out, 25.0)) <= 1
    assert abs(counts.audio_s - _planned_frames(out, 25.0) / 25.0) <= 1 / 25 + 0.03
    assert run_cli("reel", str(video), "--out", str(tmp_path / "x"), "--audio-track", "3").returncode != 0


def test_a_damaged_stretch_is_named_scored_around_and_never_cut(joined_real_clips, tmp_path: Path) -> None:
    """300 kB overwritten in the middle of the joined real clips: the run names the stretch, the
    reel is right to the frame, and an edited segment across the stretch is dropped with a line."""
    import random

    from soccer_highlights.media.damage import damaged_stretches

    joined, _ = joined_real_clips
    data = bytearray(joined.read_bytes())
    middle = int(len(data) * 0.45)
    data[middle : middle + 300_000] = random.Random(1).randbytes(300_000)
    video = tmp_path / "damaged.mkv"
    video.write_bytes(bytes(data))
    (stretch,) = damaged_stretches(video)
    assert 2.0 < stretch[1] - stretch[0] < 20.0 and damaged_stretches(joined) == ()
    out = tmp_path / "out"
    result = run_cli("reel", str(video), "--out", str(out), "--budget", "none", "--threshold", "0.3")
    assert result.returncode == 0, result.stderr
    assert f"damaged from {stretch[0]:.1f} s to {stretch[1]:.1f} s" in " ".join(result.stderr.split())
    counts = stream_counts(out / "reel.mp4")
    assert abs(counts.frames - _planned_frames(out, 25.0)) <= 1
    assert abs(counts.audio_s - _planned_frames(out, 25.0) / 25.0) <= 1 / 25 + 0.03
    segments = json.loads((out / "segments.json").read_text())
    across = {"half": 1, "start_s": stretch[0] - 3, "end_s": stretch[1] + 3, "peak_s": stretch[0], "score": 1.0}
    segments["segments"].append(across)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(segments))
    again = run_cli("reel", str(video), "--segments", str(edited), "--out", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    assert "falls in the damaged stretch" in " ".join(again.stderr.split())
    kept = json.loads((tmp_path / "again" / "segments.json").read_text())["segments"]
    assert len(kept) == len(segments["segments"]) - 1
    assert abs(stream_counts(tmp_path / "again" / "reel.mp4").frames - _planned_frames(tmp_path / "again", 25.0)) <= 1


def _combing(frames) -> float:
    """How much neighbouring lines disagree beyond what lines two apart do: interlaced fields of a
    moving picture comb every edge (ratio well above 1); a progressive picture does not."""
    import numpy as np

    ratios = []
    for frame in frames:
        luma = frame.to_ndarray(format="gray").astype(np.float32)
        near = np.abs(luma[1:-1] - luma[:-2]).mean()
        apart = np.abs(luma[2:] - luma[:-2]).mean()
        ratios.append(near / max(apart, 1e-6))
    return float(np.median(ratios))


def test_an_interlaced_1080i_capture_gives_a_progressive_reel_of_every_frame(real_clips: Path, tmp_path: Path) -> None:
    """Real play at 50 pictures a second woven into 25 interlaced frames of 1920x1080 (top field
    first), as a 1080i broadcast is: the reel is deinterlaced, full size, every frame there."""
    import av

    capture = tmp_path / "capture_1080i.ts"
    _ffmpeg("-t", "10", "-i", str(real_clips / CLIP30),
            "-vf", "setpts=0.5*PTS,scale=1920:1080,fps=50,tinterlace=interleave_top,setfield=tff",
            "-af", "atempo=2.0", "-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme",
            "-x264opts", "tff=1", "-r", "25", "-c:a", "aac", "-f", "mpegts", str(capture))  # fmt: skip
    info = probe(capture)
    assert info.interlaced and (info.width, info.height) == (1920, 1080)
    with av.open(str(capture)) as container:
        source_comb = _combing([f for i, f in enumerate(container.decode(video=0)) if 25 <= i < 35])
    segments = tmp_path / "segments.json"
    moment = {"half": 1, "start_s": 1.0, "end_s": 4.0, "peak_s": 2.0, "score": 1}
    segments.write_text(json.dumps({"segments": [moment]}))
    out = tmp_path / "out"
    result = run_cli("reel", str(capture), "--segments", str(segments), "--out", str(out))
    assert result.returncode == 0, result.stderr
    reel = probe(out / "reel.mp4")
    assert (reel.width, reel.height) == (1920, 1080) and not reel.interlaced
    counts = stream_counts(out / "reel.mp4")
    assert abs(counts.frames - 75) <= 1 and abs(counts.audio_s - 3.0) <= 1 / 25 + 0.03
    with av.open(str(out / "reel.mp4")) as container:
        reel_comb = _combing([f for i, f in enumerate(container.decode(video=0)) if 10 <= i < 20])
    assert source_comb > 1.15 and reel_comb < 0.9 * source_comb, (source_comb, reel_comb)

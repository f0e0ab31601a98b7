"""Never a wrong reel, never a lost file: damaged caches, replaced inputs, concurrent runs, bad
inputs and options. Each test backs a row of docs/reliability.md."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_helpers import run_cli
from media_helpers import write_marked_video

import soccer_highlights as sh
from soccer_highlights.config import ReelConfig
from soccer_highlights.core import Half, Segment
from soccer_highlights.media import probe
from soccer_highlights.media.cut import cut_clip
from soccer_highlights.output.reel import CLIP_CACHE, clip_name, write_reel


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reliability") / "marked.mkv"
    write_marked_video(path, 30.0, [5.0, 15.0, 25.0])
    return path


SEGMENTS = [Segment(1, 2.0, 8.0, 5.0, 0.9, "t"), Segment(1, 12.0, 18.0, 15.0, 0.8, "t")]


@pytest.mark.parametrize("damage", ["empty", "truncated", "garbage"])
def test_a_damaged_cut_in_the_clip_cache_is_cut_again(marked: Path, tmp_path: Path, damage: str) -> None:
    spec = ReelConfig()
    half = {1: Half(1, probe(marked).duration_s, marked, True)}
    cached = tmp_path / CLIP_CACHE / clip_name(SEGMENTS[1], marked, spec)
    cut_clip(marked, 12.0, 18.0, cached, spec, has_audio=True)
    data = cached.read_bytes()
    cached.write_bytes({"empty": b"", "truncated": data[: len(data) // 3], "garbage": os.urandom(5000)}[damage])
    result = write_reel(SEGMENTS, half, tmp_path / "reel.mp4", spec)
    assert abs(probe(tmp_path / "reel.mp4").duration_s - 12.0) < 0.15 and result.duration_s == pytest.approx(12.0)


def test_a_cut_cached_for_a_replaced_video_is_not_reused(marked: Path, tmp_path: Path) -> None:
    spec = ReelConfig()
    video = tmp_path / "match.mkv"
    video.write_bytes(marked.read_bytes())
    before = clip_name(SEGMENTS[0], video, spec)
    write_marked_video(video, 30.0, [6.0])  # a new video at the same path
    assert clip_name(SEGMENTS[0], video, spec) != before


def test_the_feature_cache_follows_the_content_not_the_name(tmp_path: Path) -> None:
    from soccer_highlights.audiovisual.features import FeatureExtractor

    extractor = FeatureExtractor(cache_root=tmp_path / "cache")
    video = tmp_path / "clip.mkv"
    write_marked_video(video, 6.0, [2.0])
    first = [e.array_path.name for e in extractor.entries(video)]
    sibling = tmp_path / "clip.mp4"
    sibling.write_bytes(video.read_bytes())
    assert [e.array_path.name for e in extractor.entries(sibling)] != first, "clip.mkv and clip.mp4 apart"
    write_marked_video(video, 6.0, [4.0])  # replaced in place, as synth does
    assert [e.array_path.name for e in extractor.entries(video)] != first


def test_a_corrupt_feature_cache_entry_is_named_discarded_and_recomputed(tmp_path: Path, caplog) -> None:
    from soccer_highlights.audiovisual.features import FeatureExtractor

    video = tmp_path / "1_224p.mkv"
    write_marked_video(video, 6.0, [2.0])
    extractor = FeatureExtractor(cache_root=tmp_path / "cache")
    good = extractor.ensure(video, with_video=False)
    _, audio_entry = extractor.entries(video)
    audio_entry.array_path.write_bytes(audio_entry.array_path.read_bytes()[:200])  # truncated
    again = extractor.ensure(video, with_video=False)
    assert again.audio.shape == good.audio.shape
    assert audio_entry.array_path.name in caplog.text and "recomputed" in caplog.text
    audio_entry.meta_path.write_text("{not json")
    assert extractor.ensure(video, with_video=False).audio.shape == good.audio.shape


def test_a_second_run_on_the_same_video_waits_for_its_features(tmp_path: Path, caplog) -> None:
    """Two runs that need one video's features (two output folders, or `features` twice): the
    second waits for the first's lock and then goes on, instead of being refused."""
    import subprocess
    import sys
    import time

    from soccer_highlights.audiovisual.features import FeatureExtractor

    video = tmp_path / "1_224p.mkv"
    write_marked_video(video, 6.0, [2.0])
    extractor = FeatureExtractor(cache_root=tmp_path / "cache")
    _, audio_entry = extractor.entries(video)
    lock = audio_entry.array_path.parent / f".{video.name}.lock"
    holder = subprocess.Popen(  # another run, holding the cache's lock for two seconds
        [sys.executable, "-c", "import sys, time; from soccer_highlights.fileio import OutputLock\n"
         "with OutputLock(sys.argv[1], sys.argv[2]):\n    print('held', flush=True); time.sleep(2)",
         str(lock.parent), lock.name], stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    features = extractor.ensure(video, with_video=False)
    assert time.monotonic() - started >= 1.0 and holder.wait(10) == 0
    assert features.audio.shape[0] > 0 and "waiting" in caplog.text and not lock.exists()


def test_two_runs_into_one_output_folder_cannot_interleave(marked: Path, tmp_path: Path) -> None:
    from soccer_highlights.fileio import OutputLock

    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(out):
        result = run_cli("reel", str(marked), "--out", str(out), "--threshold", "0")
        assert result.returncode == 2 and "another run" in result.stderr and str(os.getpid()) in result.stderr
    (out / ".soccer-highlights.lock").write_text("999999999")  # left by a process that is gone
    stale = out / ".reel.partial-999999999.mp4"  # half a reel from a run that was killed
    stale.write_bytes(b"half a reel")
    assert run_cli("reel", str(marked), "--out", str(out), "--threshold", "0").returncode == 0
    assert not (out / ".soccer-highlights.lock").exists() and not stale.exists()


def test_an_audio_only_file_with_cover_art_is_not_a_video(tmp_path: Path) -> None:
    import av
    import numpy as np

    song = tmp_path / "song.mp3"
    cover = tmp_path / "cover.png"
    from PIL import Image

    Image.fromarray(np.full((64, 64, 3), 200, np.uint8)).save(cover)
    from soccer_highlights.media.ffmpeg import run_ffmpeg

    wav = tmp_path / "tone.wav"
    with av.open(str(wav), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray((np.sin(np.arange(48000) / 5) * 3000).astype(np.int16)[None], layout="mono")
        frame.sample_rate = 16000
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    run_ffmpeg(["-i", str(wav), "-i", str(cover), "-map", "0", "-map", "1", "-disposition:v", "attached_pic",
                "-c:a", "libmp3lame", str(song)], "making an mp3 with cover art")  # fmt: skip
    result = run_cli("reel", str(song), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "song.mp3" in result.stderr and "no video stream" in result.stderr


@pytest.mark.parametrize("name", ["with space.mkv", "ünïcødé.mkv", "time 12:30.mkv", "-dash.mkv"])
def test_awkward_file_and_folder_names(marked: Path, tmp_path: Path, name: str) -> None:
    video = tmp_path / name
    video.write_bytes(marked.read_bytes())
    out = tmp_path / f"-out {name}"
    result = run_cli("reel", f"./{name}", "--out", f"./{out.name}", "--threshold", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert probe(out / "reel.mp4").has_audio


def test_writes_that_fail_are_one_line_errors_naming_the_path(marked: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("mine")
    result = run_cli("reel", str(marked), "--out", str(a_file), "--threshold", "0")
    assert result.returncode == 2 and "not-a-folder" in result.stderr and "Traceback" not in result.stderr
    assert a_file.read_text() == "mine"
    folder = tmp_path / "predictions"
    folder.mkdir()
    result = run_cli("reel", str(marked), "--out", str(tmp_path / "o"), "--predictions", str(folder))
    assert result.returncode == 2 and "predictions" in result.stderr and "Traceback" not in result.stderr


def test_nothing_to_cut_names_the_cause_and_the_advice_can_be_followed(marked: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    empty = tmp_path / "results_spotting.json"
    empty.write_text(json.dumps({"predictions": []}))
    result = run_cli("reel", str(marked), "--out", str(out), "--predictions", str(empty))
    assert result.returncode == 2 and "no predictions" in result.stderr
    result = run_cli("reel", str(marked), "--out", str(out), "--threshold", "0.99", "--force")
    assert result.returncode == 2 and "highest score" in result.stderr and "--force" in result.stderr
    again = run_cli("reel", str(marked), "--out", str(out), "--threshold", "0", "--force")
    assert again.returncode == 0, again.stderr
    zero = run_cli("reel", str(marked), "--out", str(out), "--budget", "0", "--force")
    assert zero.returncode == 2 and "budget_s must be in (0, inf]" in zero.stderr


def test_predictions_outside_the_video_are_dropped_with_a_warning(marked: Path) -> None:
    from soccer_highlights.detectors.imported import PredictionsDetector
    from soccer_highlights.soccernet import Prediction

    length = probe(marked).duration_s
    preds = [Prediction(1, -5.0, "Goal", 0.9), Prediction(1, length + 100, "Goal", 0.9), Prediction(1, 15, "Goal", 0.9)]
    found = sh.highlights(marked, PredictionsDetector(preds))
    assert [s.peak_s for s in found.segments] == [pytest.approx(15.25, abs=0.3)]
    assert any("outside" in w for w in found.warnings)


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def test_sigterm_stops_ffmpeg_keeps_finished_cuts_and_a_rerun_resumes(synthetic_games, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "soccer_highlights.cli", "reel", str(synthetic_games[0].path), "--out", str(out),
           "--threshold", "0", "--budget", "none"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    clips = out / CLIP_CACHE

    def finished() -> set[str]:  # pathlib's glob also matches the hidden half-made ones
        return {p.name for p in clips.glob("*.mkv") if not p.name.startswith(".")}

    deadline = time.time() + 120
    while time.time() < deadline and not finished():
        time.sleep(0.05)
    assert finished(), "the run reached the cutting stage"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert "a re-run resumes" in stderr or "again resumes" in stderr
    time.sleep(0.2)
    assert _processes_mentioning(str(clips)) == [], "no ffmpeg left writing into the output"
    assert finished() and not list(clips.glob(".*.partial-*")), "finished cuts kept, half-made ones gone"
    assert not (out / "reel.mp4").exists() and not (out / ".soccer-highlights.lock").exists()
    rerun = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert probe(out / "reel.mp4").duration_s > 0 and not clips.exists()


def test_every_command_that_writes_refuses_to_replace_without_force(synthetic_games, tmp_path: Path) -> None:
    game = synthetic_games[1].path
    labels = game / "Labels-v2.json"
    before = labels.read_bytes()
    preds = tmp_path / "preds"
    evaluate = run_cli("evaluate", str(game), "--predictions", str(preds), "--out", str(labels))
    assert evaluate.returncode == 2 and "--force" in evaluate.stderr and labels.read_bytes() == before
    video = game / "1_224p.mkv"
    plot = run_cli("evaluate", str(game), "--predictions", str(preds), "--plot", str(video), "--force")
    assert plot.returncode == 2 and "ending in .png" in plot.stderr
    metrics = run_cli("reel-metrics", str(game), "--segments", str(tmp_path), "--out", str(labels))
    assert metrics.returncode == 2 and labels.read_bytes() == before
    root = tmp_path / "synth"
    assert run_cli("synth", str(root), "--minutes", "0.5").returncode == 0
    again = run_cli("synth", str(root), "--minutes", "0.5")  # the same seed names the same game
    assert again.returncode == 2 and "--force" in again.stderr
    assert run_cli("synth", str(root), "--minutes", "0.5", "--force").returncode == 0
    bad_value = run_cli("synth", str(root), "--minutes", "-1")
    assert bad_value.returncode == 2 and "minutes must be in [0.5, 120]" in bad_value.stderr
    broken = tmp_path / "labels-tree" / "g"
    broken.mkdir(parents=True)
    (broken / "Labels-v2.json").write_text('{"annotations": [{"gameTime": "3 - 00:10", "label": "Goal"}]}')
    malformed = run_cli("evaluate", str(broken), "--predictions", str(tmp_path))
    assert malformed.returncode == 2 and "Labels-v2.json: annotation 0" in malformed.stderr


def test_a_batch_goes_on_past_a_bad_game_and_lists_it(synthetic_games, tmp_path: Path) -> None:
    import shutil

    tree = tmp_path / "tree"
    good = tree / "league" / "season" / "good"
    shutil.copytree(synthetic_games[0].path, good)
    bad = tree / "league" / "season" / "broken"
    bad.mkdir(parents=True)
    (bad / "1_224p.mkv").write_bytes(b"\x1aE\xdf\xa3" + os.urandom(3000))
    (bad / "Labels-v2.json").write_text('{"annotations": []}')
    result = run_cli("plan", str(tree), "--out", str(tmp_path / "plans"))
    assert result.returncode == 1, result.stderr
    assert "1 of 2 games failed" in result.stderr and "broken" in result.stderr
    assert (tmp_path / "plans" / "league" / "season" / "good" / "segments.json").is_file()
    features = run_cli("features", str(tree), "--weights", "random")
    assert features.returncode == 1 and "1 of 3 half videos failed" in features.stderr
    again = run_cli("plan", str(tree), "--out", str(tmp_path / "plans"))
    assert again.returncode == 1 and "--force" in again.stderr, "another run's results_spotting.json is kept"


def _encode(path: Path, size: tuple[int, int], fps: int, seconds: float, rate: int, layout: str, vfr=False) -> None:
    """A small real H.264 (+ AAC) file with a loud stretch in the middle, made with PyAV's encoders."""
    from fractions import Fraction

    import av
    import numpy as np

    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        video.options = {"preset": "ultrafast"}
        video.time_base = Fraction(1, 1000)
        audio = out.add_stream("aac", rate=rate, layout=layout) if layout else None
        t_ms = 0.0
        for i in range(int(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(np.full((size[1], size[0], 3), (i * 7) % 255, np.uint8), format="rgb24")
            frame.pts, frame.time_base = int(t_ms), Fraction(1, 1000)
            out.mux(video.encode(frame))
            t_ms += 1000 / fps * (1.6 if vfr and i % 3 == 0 else 0.7 if vfr else 1.0)
        out.mux(video.encode(None))
        if audio is not None:
            n = int(seconds * rate)
            t = np.arange(n) / rate
            sound = (0.02 + 0.4 * ((t > seconds / 2 - 1) & (t < seconds / 2 + 1))) * np.random.default_rng(0).normal(
                size=n
            )
            channels = 1 if layout == "mono" else 2
            data = np.tile(sound.astype(np.float32), (channels, 1))
            for start in range(0, n, 1024):
                frame = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(data[:, start : start + 1024]), format="fltp", layout=layout
                )
                frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
                out.mux(audio.encode(frame))
            out.mux(audio.encode(None))


@pytest.mark.parametrize(
    "size, fps, rate, layout, vfr",
    [((320, 180), 30, 44_100, "mono", False), ((180, 320), 60, 48_000, "stereo", False),
     ((1920, 1080), 50, 48_000, "stereo", False), ((398, 224), 25, 22_050, "mono", True)],
    ids=["320x180-30fps-mono-44k", "portrait-60fps", "1080p-50fps", "vfr-22k-mono"],
)  # fmt: skip
def test_odd_videos_make_reels_of_their_own_picture(tmp_path: Path, size, fps, rate, layout, vfr) -> None:
    """Any size, rate and sound layout: the reel keeps the source's picture (its size and frame rate)
    with its sound at 48 kHz stereo, and holds every planned frame."""
    from soccer_highlights.media.verify import stream_counts

    video = tmp_path / "odd.mkv"
    _encode(video, size, fps, 12.0, rate, layout, vfr)
    result = run_cli("reel", str(video), "--out", str(tmp_path / "out"), "--threshold", "0")
    assert result.returncode == 0, result.stderr
    info = probe(tmp_path / "out" / "reel.mp4")
    source = probe(video)
    assert (info.width, info.height) == size and abs(info.fps - source.fps) < 0.5
    assert (info.sample_rate, info.channels) == (48_000, 2)
    doc = json.loads((tmp_path / "out" / "segments.json").read_text())
    reel_fps = doc["settings"]["reel"]["fps"]
    planned = sum(round(s["end_s"] * reel_fps) - round(s["start_s"] * reel_fps) for s in doc["segments"])
    assert abs(stream_counts(tmp_path / "out" / "reel.mp4").frames - planned) <= 1


def test_a_video_without_sound_or_a_file_without_bytes_is_a_clear_error(tmp_path: Path) -> None:
    mute = tmp_path / "mute.mkv"
    _encode(mute, (320, 180), 25, 4.0, 48_000, "")
    result = run_cli("reel", str(mute), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "mute.mkv" in result.stderr and "no audio" in result.stderr
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    result = run_cli("reel", str(empty), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "empty.mkv" in result.stderr and "Traceback" not in result.stderr


def test_a_read_only_video_folder_keeps_its_features_in_the_user_cache(tmp_path: Path, monkeypatch) -> None:
    from soccer_highlights.audiovisual.cache import CACHE_DIR, cache_folder

    game = tmp_path / "game"
    game.mkdir()
    (game / CACHE_DIR).write_text("a file where the cache folder would go")  # the folder cannot be made
    monkeypatch.setenv("SOCCER_HIGHLIGHTS_CACHE", str(tmp_path / "user-cache"))
    folder = cache_folder(game / "1_224p.mkv")
    assert folder.is_relative_to(tmp_path / "user-cache") and folder.name.startswith("game-")


def test_a_truncated_file_is_reported_and_its_reel_holds_only_what_is_there(tmp_path: Path) -> None:
    whole = tmp_path / "whole.mkv"
    _encode(whole, (320, 180), 25, 30.0, 48_000, "stereo")
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    found = sh.highlights(cut, threshold=0)
    assert any("truncated" in w and "cut.mkv" in w for w in found.warnings), found.warnings
    heard_s = len(found.curves[0].scores) * found.curves[0].hop_s
    assert heard_s < 0.8 * probe(cut).duration_s
    assert all(s.peak_s <= heard_s for s in found.segments)
    result = run_cli("reel", str(cut), "--out", str(tmp_path / "out"), "--threshold", "0")
    assert "warning:" in result.stderr and "truncated" in result.stderr


def test_labels_past_the_end_of_the_video_are_reported(marked: Path, tmp_path: Path) -> None:
    labels = tmp_path / "Labels-v2.json"
    labels.write_text(json.dumps({"annotations": [
        {"gameTime": "1 - 00:05", "label": "Goal", "position": "5000"},
        {"gameTime": "1 - 40:00", "label": "Goal", "position": "2400000"},
    ]}))  # fmt: skip
    found = sh.highlights(marked, labels=labels, threshold=0)
    assert any("past the end" in w and "first at 2400.0 s" in w for w in found.warnings)


def test_weights_that_are_not_weights_are_a_clear_error(marked: Path, tmp_path: Path) -> None:
    from soccer_highlights.audiovisual.backbones import get_backbone
    from soccer_highlights.errors import BackboneWeightsError

    notes = tmp_path / "weights.pth"
    notes.write_text("not a tensor")
    with pytest.raises(BackboneWeightsError, match=r"weights\.pth: not usable weights"):
        get_backbone("efficientnet_lite0", weights=str(notes))
    result = run_cli("features", str(marked), "--weights", str(notes))
    assert result.returncode != 0 and "not usable weights" in result.stderr and "Traceback" not in result.stderr


def test_a_joined_reel_that_does_not_match_its_plan_is_caught(marked: Path, tmp_path: Path) -> None:
    from soccer_highlights.output.reel import reel_problem

    spec = ReelConfig(width=398, height=224, fps=25)
    reel = tmp_path / "reel.mp4"
    write_reel(SEGMENTS, {1: Half(1, probe(marked).duration_s, marked, True)}, reel, spec)
    assert reel_problem(reel, 12.0, spec.fps) is None
    assert "300 frames where 600 were planned" in reel_problem(reel, 24.0, spec.fps), "a missing clip shows"
    silent = tmp_path / "silent.mkv"
    write_marked_video(silent, 3.0, [], with_audio=False)
    assert reel_problem(silent, 3.0, spec.fps) == "the joined reel has no sound"


def test_an_interrupt_that_reaches_only_ffmpeg_is_named(tmp_path: Path) -> None:
    """A SIGINT sent to the ffmpeg child alone (a process-group signal a shell or job control sends)
    made "ffmpeg exited with 255:" and nothing else; the error must say what happened."""
    import contextlib
    import signal
    import threading
    import time

    from soccer_highlights.errors import MediaError
    from soccer_highlights.media.ffmpeg import run_ffmpeg

    def interrupt_ffmpeg() -> None:
        for _ in range(100):
            for proc in Path("/proc").glob("[0-9]*"):
                with contextlib.suppress(OSError):
                    if b"anoisesrc=d=600" in (proc / "cmdline").read_bytes():
                        os.kill(int(proc.name), signal.SIGINT)
                        return
            time.sleep(0.05)

    threading.Thread(target=interrupt_ffmpeg, daemon=True).start()
    with pytest.raises(MediaError, match="stopped by a signal") as error:  # ten minutes of noise, encoded slowly
        run_ffmpeg(["-re", "-f", "lavfi", "-i", "anoisesrc=d=600", "-f", "null", "-"], what="cutting a test")
    assert "cutting a test" in str(error.value) and "run the command again" in str(error.value)

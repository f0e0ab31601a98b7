"""The main job as a user runs it: `soccer-highlights reel` on synthetic matches and real clips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run_cli

from soccer_highlights.api import highlights
from soccer_highlights.core import Segment
from soccer_highlights.media import probe


def test_reel_on_a_game_folder_writes_reel_segments_and_timeline(synthetic_games, tmp_path: Path) -> None:
    game = synthetic_games[0]
    out = tmp_path / "out"
    result = run_cli("reel", str(game.path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    doc = json.loads((out / "segments.json").read_text())
    segments = [Segment.from_json(s) for s in doc["segments"]]
    assert segments and {s.half for s in segments} == {1, 2}
    assert [(s.half, s.start_s) for s in segments] == sorted((s.half, s.start_s) for s in segments)
    assert all("audio-excitement" in s.detector and s.start_s <= s.peak_s <= s.end_s for s in segments)
    info = probe(out / "reel.mp4")
    assert info.has_audio and (info.width, info.height) == (398, 224)
    assert abs(info.duration_s - sum(s.duration_s for s in segments)) <= 0.2 * len(segments)
    assert (out / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "highlight events covered" in result.stderr


def test_synthetic_reels_cover_90_percent_of_highlights_in_a_quarter_of_the_match(synthetic_games, tmp_path) -> None:
    covered = total = 0
    reel_s = match_s = 0.0
    for game in synthetic_games:
        found = highlights(game.path, auto_budget=False)  # detection quality, not the length policy
        cov = found.coverage()
        covered, total = covered + cov.covered, total + cov.total
        reel_s += found.duration_s
        match_s += found.match.duration_s
    assert total >= 8
    assert covered / total >= 0.9
    assert reel_s / match_s <= 0.25


def test_outputs_are_not_overwritten_without_force(synthetic_games, tmp_path: Path) -> None:
    video = synthetic_games[1].path / "1_224p.mkv"
    out = tmp_path / "out"
    out.mkdir()
    (out / "segments.json").write_text("mine")
    refused = run_cli("reel", str(video), "--out", str(out), "--plan-only")
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert (out / "segments.json").read_text() == "mine"
    forced = run_cli("reel", str(video), "--out", str(out), "--plan-only", "--force")
    assert forced.returncode == 0, forced.stderr
    assert json.loads((out / "segments.json").read_text())["reel"]["path"] is None
    assert not (out / "reel.mp4").exists()


def test_budget_caps_the_reel_length(synthetic_games, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("reel", str(synthetic_games[1].path), "--out", str(out), "--budget", "30", "--plan-only")
    assert result.returncode == 0, result.stderr
    segments = json.loads((out / "segments.json").read_text())["segments"]
    assert 0 < sum(s["end_s"] - s["start_s"] for s in segments) <= 30.0


def test_clear_errors_for_bad_input(tmp_path: Path) -> None:
    missing = run_cli("reel", str(tmp_path / "nope.mkv"), "--out", str(tmp_path / "o"))
    assert missing.returncode == 2 and "nope.mkv" in missing.stderr and "Traceback" not in missing.stderr
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(b"\x00" * 1000)
    bad = run_cli("reel", str(broken), "--out", str(tmp_path / "o"))
    assert bad.returncode == 2 and "broken.mkv" in bad.stderr and "Traceback" not in bad.stderr
    empty_game = tmp_path / "league" / "season" / "game"
    empty_game.mkdir(parents=True)
    (empty_game / "Labels-v2.json").write_text('{"annotations": []}')
    no_video = run_cli("reel", str(empty_game), "--out", str(tmp_path / "o"))
    assert no_video.returncode == 2 and "no half videos" in no_video.stderr


def test_help_explains_every_command() -> None:
    """Every command listed by --help explains itself: a description and every option with help text."""
    import re

    top = run_cli("--help")
    assert top.returncode == 0
    commands = re.findall(r"^  ([a-z][a-z-]+)\s", top.stdout.split("Commands:")[1], re.M)
    assert {"reel", "plan", "detect", "evaluate", "transcribe", "train", "train-commentary"} <= set(commands)
    for command in commands:
        result = run_cli(command, "--help")
        assert result.returncode == 0, command
        body = result.stdout.split("Options:")[0].split("\n", 2)[-1]
        assert len(body.strip()) > 10, f"{command} --help has no description"
        options = re.findall(r"^\s+(--[a-z-]+)[^\n]*\n?([^\n]*)", result.stdout.split("Options:")[-1], re.M)
        assert options, command
    assert "--budget" in run_cli("reel", "--help").stdout


@pytest.mark.parametrize(
    "clip",
    [
        "arsenal-anderlecht-2014-h1-clip0.mkv",
        "arsenal-anderlecht-2014-h1-clip12.mkv",
        "arsenal-anderlecht-2014-h1-clip26.mkv",
        "arsenal-anderlecht-2014-h1-clip29.mkv",
        "arsenal-anderlecht-2014-h1-clip30.mkv",
        "westbrom-chelsea-2015-h1-clip.mp4",
    ],
)
def test_reel_works_on_every_real_clip(real_clips: Path, clip: str, tmp_path: Path) -> None:
    """Decoding, cutting and joining every real file (H.264 with AAC or MP3): threshold 0 makes sure
    each has something to cut, since a lone clip of ordinary play rightly has no highlight."""
    out = tmp_path / "out"
    result = run_cli("reel", str(real_clips / clip), "--out", str(out), "--threshold", "0")
    assert result.returncode == 0, result.stderr
    info = probe(out / "reel.mp4")
    segments = json.loads((out / "segments.json").read_text())["segments"]
    assert info.has_audio and info.sample_rate == 48_000
    assert abs(info.duration_s - sum(s["end_s"] - s["start_s"] for s in segments)) <= 0.2 * len(segments)

"""The library's front door: ``soccer_highlights.highlights`` and what it returns, the settings it
checks, the errors it raises, and what importing it costs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from cli_helpers import run_cli
from conftest import REPO

import soccer_highlights as sh
from soccer_highlights.audiovisual.config import TrainConfig
from soccer_highlights.config import IMPORTED_SEGMENTS, SegmentConfig
from soccer_highlights.detectors.imported import PredictionsDetector
from soccer_highlights.errors import ConfigError, SoccerHighlightsError
from soccer_highlights.soccernet import DEFAULT_HIGHLIGHT_CLASSES, Prediction, load_labels

CLIP30 = "arsenal-anderlecht-2014-h1-clip30.mkv"
HEAVY = ("torch", "onnxruntime", "lightning", "torchvision")


def readme_python_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README has a Python example"
    return match.group(1)


def test_the_readme_python_example_runs_as_written_on_the_real_goal_clip(real_clips: Path, tmp_path: Path) -> None:
    """Run from a folder laid out like the repository's, so ``../shared/...`` in the example resolves."""
    work = tmp_path / "repo"
    work.mkdir()
    (tmp_path / "shared").symlink_to(REPO.parent / "shared", target_is_directory=True)
    result = subprocess.run(
        [sys.executable, "-c", readme_python_example()], cwd=work, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"half 1: \d+\.\d-\d+\.\d s, score", result.stdout)
    out = work / "clip30_reel"
    assert {p.name for p in out.iterdir()} >= {"reel.mp4", "segments.json", "timeline.png"}
    doc = json.loads((out / "segments.json").read_text())
    assert doc["detector"]["name"] == "audio-excitement"
    assert doc["settings"]["segments"]["threshold"] == 0.3
    goal_s = 1.0  # the ball crosses the line 0.5-1.5 s into the clip
    assert any(s["start_s"] <= goal_s <= s["end_s"] for s in doc["segments"]), "the goal is in the reel"


def test_highlights_plans_without_writing_and_writes_on_request(real_clips: Path, tmp_path: Path) -> None:
    video = real_clips / CLIP30
    before = sorted(p.name for p in real_clips.iterdir())
    result = sh.highlights(video, threshold=0.3)  # a lone clip of roar: see the README example
    assert sorted(p.name for p in real_clips.iterdir()) == before, "nothing written beside the video"
    assert isinstance(result, sh.Highlights) and result.segments
    assert [c.half for c in result.curves] == [1] and result.curves[0].duration_s == result.match.duration_s
    assert result.settings.segments == replace(sh.get_detector("audio").segment_defaults, threshold=0.3)
    assert result.duration_s == pytest.approx(sum(s.duration_s for s in result.segments))
    assert result.coverage() is None, "no labels, no coverage"
    timeline = result.plot_timeline(tmp_path / "t.png")
    assert timeline.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(FileExistsError):
        result.plot_timeline(timeline)
    reel = result.write_reel(tmp_path / "reel.mp4")
    assert reel.duration_s == pytest.approx(result.duration_s, abs=0.05)
    assert [p.half for p in result.predictions({"Goal"})] == [1] * len(result.predictions({"Goal"}))


def test_each_detector_brings_its_own_segment_defaults_and_overrides_change_one_setting(synthetic_games) -> None:
    game = synthetic_games[0].path
    events = load_labels(game / "Labels-v2.json").events
    spotter = PredictionsDetector([Prediction(e.half, e.time_s, e.label, 0.9) for e in events])
    imported = sh.highlights(game, spotter, auto_budget=False)
    assert imported.settings.segments == replace(IMPORTED_SEGMENTS, auto_budget=False)
    assert imported.description["name"] == "imported-predictions"
    stricter = sh.highlights(game, spotter, threshold=0.85, budget_s=60)
    assert stricter.settings.segments == replace(IMPORTED_SEGMENTS, threshold=0.85, budget_s=60)
    assert stricter.duration_s <= 60
    short = sh.highlights(game, spotter, budget_s=30)
    assert short.duration_s <= 30 and short.left_out, "the budget leaves perfect predictions out"
    in_reel, found = short.coverage(), short.coverage(with_left_out=True)
    assert in_reel.covered < found.covered == found.total, "what the detector found, not what fits"
    covered = imported.coverage(DEFAULT_HIGHLIGHT_CLASSES)
    assert covered.covered == covered.total > 0, "perfect predictions cover every highlight"


def test_coverage_counts_only_the_halves_at_hand(synthetic_games) -> None:
    game = synthetic_games[0]
    found = sh.highlights(game.path / "1_224p.mkv", labels=game.path / "Labels-v2.json")
    in_half_1 = game.plans[0].highlights
    assert list(found.match.halves) == [1]
    assert found.coverage().total == len(in_half_1)


def test_settings_are_checked_when_made_and_name_their_range() -> None:
    with pytest.raises(ConfigError, match=r"threshold must be in \[0, 1\], got 1.5"):
        SegmentConfig(threshold=1.5)
    with pytest.raises(ConfigError, match="finite"):
        SegmentConfig(pad_before_s=float("nan"))
    with pytest.raises(ConfigError, match="budget_s"):
        SegmentConfig(budget_s=0)
    with pytest.raises(ConfigError, match="mode must be one of seed, short"):
        TrainConfig(mode="long")
    with pytest.raises(ConfigError, match="unknown segment setting"):
        sh.highlights("anything.mkv", tresh=0.2)
    with pytest.raises(ConfigError, match="needs a checkpoint"):
        sh.get_detector("model")
    with pytest.raises(ConfigError, match="unknown detector 'spotter'; known: audio-excitement, audio-visual-model"):
        sh.get_detector("spotter")
    assert issubclass(ConfigError, SoccerHighlightsError) and issubclass(ConfigError, ValueError)


def test_the_command_line_prints_the_tools_errors_as_one_line(real_clips: Path, tmp_path: Path) -> None:
    video = str(real_clips / CLIP30)
    bad = run_cli("reel", video, "--out", str(tmp_path / "o"), "--threshold", "1.5")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: SegmentConfig.threshold must be in [0, 1], got 1.5"
    verbose = run_cli("-v", "reel", video, "--out", str(tmp_path / "o"), "--threshold", "nan")
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr and "finite number" in verbose.stderr
    weights = run_cli("reel", video, "--out", str(tmp_path / "o"), "--class-weights", "Goal=1")
    assert weights.returncode == 2 and "needs --predictions" in weights.stderr


def test_a_stale_reel_is_removed_when_a_forced_plan_cuts_nothing(real_clips: Path, tmp_path: Path) -> None:
    video = real_clips / CLIP30
    out = tmp_path / "out"
    sh.highlights(video, threshold=0.3).write(out)
    assert (out / "reel.mp4").is_file()
    nothing = sh.highlights(video, PredictionsDetector([]))
    assert nothing.segments == []
    with pytest.raises(FileExistsError):
        nothing.write(out)
    outputs = nothing.write(out, force=True)
    assert outputs.reel is None and not (out / "reel.mp4").exists()
    assert json.loads((out / "segments.json").read_text())["segments"] == []


def imported_modules(
    *args: str, cwd: Path | None = None, cache: Path | None = None
) -> tuple[set[str], subprocess.CompletedProcess]:
    """Top-level packages a real run of the command imports, read from ``-X importtime`` (with a
    cold user cache in ``cache``, so nothing is skipped because an earlier run cached it)."""
    env = os.environ | ({"SOCCER_HIGHLIGHTS_CACHE": str(cache)} if cache else {})
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "soccer_highlights.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
    )
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, result


def test_help_and_the_training_free_reel_import_no_deep_learning_stack(real_clips: Path, tmp_path: Path) -> None:
    names, result = imported_modules("--help")
    assert result.returncode == 0 and "Usage" in result.stdout
    assert not names & set(HEAVY), sorted(names & set(HEAVY))
    assert "matplotlib" not in names and "av" not in names, "--help needs neither plots nor decoding"
    names, result = imported_modules(
        "reel", str(real_clips / CLIP30), "--out", str(tmp_path / "out"), "--threshold", "0.3", "--no-scoreboard"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "out" / "reel.mp4").is_file()
    assert not names & set(HEAVY), sorted(names & set(HEAVY))
    # reading the score bug runs its OCR model on ONNX Runtime, and still no deep-learning framework
    names, result = imported_modules(
        "reel", str(real_clips / CLIP30), "--out", str(tmp_path / "board"), cache=tmp_path / "cache"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "onnxruntime" in names and not names & {"torch", "lightning", "torchvision"}


def test_plotting_leaves_the_host_programs_matplotlib_backend_alone(real_clips: Path, tmp_path: Path) -> None:
    code = f"""
import matplotlib
matplotlib.use("svg")
import soccer_highlights as sh
sh.highlights({str(real_clips / CLIP30)!r}).plot_timeline({str(tmp_path / "t.png")!r})
print(matplotlib.get_backend())
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "svg"
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"


def test_train_flags_read_without_double_negatives() -> None:
    result = run_cli("train", "--help")
    assert result.returncode == 0
    assert "--audio / --no-audio" in result.stdout and "--video / --no-video" in result.stdout
    assert "no-no-" not in result.stdout
    for flag in ("--devices", "--strategy", "--num-nodes", "--precision"):
        assert flag in result.stdout, "Lightning's distribution settings pass through"
    assert TrainConfig(devices="0,2").lightning_devices == [0, 2] and TrainConfig(devices="-1").lightning_devices == -1
    with pytest.raises(ConfigError, match="precision must be one of"):
        TrainConfig(precision="fp8")
    with pytest.raises(ConfigError, match="devices must be"):
        TrainConfig(devices="two")

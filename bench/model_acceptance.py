"""The learned model against the training-free detector on held-out synthetic games, and the
modality ablation. Writes ``bench/model_acceptance.json``.

    python bench/model_acceptance.py                          # builds its data, then measures
    python bench/model_acceptance.py TRAIN_ROOT TEST_ROOT [OUT_DIR]

Without roots it makes its own data under ``bench/work/acceptance/`` (once): six training games
(seed 21) and two held-out games (seed 22), 3-minute halves, as ``soccer-highlights synth`` makes
them. Synthetic games are fixtures: these numbers say the model learns what the generator puts
in, not how it does on real football.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from soccer_highlights.api import highlights, open_match
from soccer_highlights.audiovisual.config import TrainConfig
from soccer_highlights.audiovisual.detector import LearnedDetector
from soccer_highlights.audiovisual.train import train
from soccer_highlights.detectors import AudioExcitementDetector
from soccer_highlights.soccernet import DEFAULT_HIGHLIGHT_CLASSES, find_games

HERE = Path(__file__).resolve().parent


def peak_errors(curves, events, radius_s: float = 8.0) -> list[float]:
    errors = []
    for e in events:
        curve = next(c for c in curves if c.half == e.half)
        t = curve.times_s()
        near = np.abs(t - e.time_s) <= radius_s
        errors.append(float(t[near][np.argmax(curve.scores[near])] - e.time_s))
    return errors


def event_ap(checkpoint: Path, test_root: Path) -> dict:
    """AP of the model's score on a window centred on every labelled event of the held-out games:
    highlights against every other event, look-alikes (a card's close-up, a foul's roar) included."""
    import torch
    from torchmetrics.functional.classification import binary_average_precision

    from soccer_highlights.audiovisual.config import WindowSpec
    from soccer_highlights.audiovisual.detector import load_module
    from soccer_highlights.audiovisual.features import FeatureExtractor, cut_window
    from soccer_highlights.audiovisual.windows import clamp_start

    module = load_module(checkpoint).eval()
    spec = WindowSpec(**module.hparams["window"])
    extractor = FeatureExtractor()
    scores, labels = [], []
    for game in find_games(test_root):
        match = open_match(game.path)
        for half in match.halves.values():
            feats = extractor.ensure(half.video)
            for e in match.labels.of_half(half.half):
                audio, video = cut_window(feats, clamp_start(e.time_s, spec, feats.duration_s), spec.length_s)
                with torch.no_grad():
                    p = module.highlight_probability(torch.from_numpy(audio)[None], torch.from_numpy(video)[None])
                scores.append(float(p[0]))
                labels.append(int(e.label in DEFAULT_HIGHLIGHT_CLASSES))
    ap = binary_average_precision(torch.tensor(scores), torch.tensor(labels))
    return {"event_ap": round(float(ap), 4), "events": len(labels), "highlights": sum(labels)}


def score(detector, test_root: Path, out_dir: Path) -> dict:
    covered = total = 0
    reel_s = match_s = 0.0
    errors: list[float] = []
    for game in find_games(test_root):
        found = highlights(game.path, detector)
        found.write(out_dir / game.name, force=True, plan_only=True)
        cov = found.coverage()
        covered, total = covered + cov.covered, total + cov.total
        reel_s += found.duration_s
        match_s += found.match.duration_s
        errors += peak_errors(found.curves, found.match.labels.highlights())
    return {
        "coverage": round(covered / total, 4),
        "events": total,
        "share_of_match": round(reel_s / match_s, 4),
        "peak_error_abs_median_s": round(float(np.median(np.abs(errors))), 2),
        "peak_error_abs_max_s": round(float(np.max(np.abs(errors))), 2),
    }


def main(train_root: Path, test_root: Path, out_dir: Path) -> dict:
    report: dict = {"train_root": str(train_root), "test_root": str(test_root)}
    ablation = {}
    for name, cfg in {
        "audio+video": TrainConfig(),
        "audio only": TrainConfig(use_video=False),
        "video only": TrainConfig(use_audio=False),
    }.items():
        t0 = time.time()
        result = train(train_root, out_dir / f"{name.replace(' ', '_').replace('+', '_')}.ckpt", cfg, force=True)
        ablation[name] = {"val_ap": round(result.best_val_ap, 4), "train_s": round(time.time() - t0, 1)}
        ablation[name]["held_out"] = event_ap(result.checkpoint, test_root)
        if name == "audio+video":
            best = result.checkpoint
            report["train_games"], report["val_games"] = result.train_games, result.val_games
        print(name, ablation[name])
    report["ablation"] = ablation
    report["learned"] = score(LearnedDetector(best), test_root, out_dir / "learned")
    report["training_free"] = score(AudioExcitementDetector(), test_root, out_dir / "excitement")
    print(json.dumps(report, indent=2))
    (HERE / "model_acceptance.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


TRAIN_GAMES, TEST_GAMES, MINUTES = 6, 2, 3.0
TRAIN_SEED, TEST_SEED = 21, 22


def build_data(root: Path) -> tuple[Path, Path]:
    """The training and held-out games, made once with fixed seeds."""
    from soccer_highlights.synth import SynthConfig, synth_games

    train_root, test_root = root / "train", root / "test"
    for folder, games, seed in ((train_root, TRAIN_GAMES, TRAIN_SEED), (test_root, TEST_GAMES, TEST_SEED)):
        if len(find_games(folder) if folder.exists() else []) < games:
            for game in synth_games(folder, games, SynthConfig(minutes=MINUTES), seed):
                print("made", game.path)
    return train_root, test_root


if __name__ == "__main__":
    if len(sys.argv) >= 3:
        train_root, test_root = Path(sys.argv[1]), Path(sys.argv[2])
    else:
        train_root, test_root = build_data(HERE / "work" / "acceptance")
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else HERE / "work" / "model"
    main(train_root, test_root, out)

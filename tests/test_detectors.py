"""The registry, detector specs and fusion: how a user names, records and combines detectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import soccer_highlights as sh
from soccer_highlights.core import Half, ScoreCurve
from soccer_highlights.detectors import ALIASES, DetectorSpec, list_detectors
from soccer_highlights.errors import ConfigError
from soccer_highlights.soccernet.predictions import Prediction, write_predictions


def test_fusion_is_a_noisy_or_of_the_detectors_curves() -> None:

    class Fixed:
        segment_defaults = sh.SegmentConfig()

        def __init__(self, name: str, value: float):
            self.name, self.value = name, value

        def describe(self) -> dict:
            return {"name": self.name}

        def score_half(self, half: Half, progress=None) -> ScoreCurve:
            return ScoreCurve(
                half.half, 1.0, np.full(int(half.duration_s), self.value, np.float32), half.duration_s, self.name
            )

    curve = sh.get_detector("fusion", parts=[Fixed("crowd", 0.5), Fixed("words", 0.6)]).score_half(Half(1, 20.0))
    assert np.allclose(curve.scores[2:-2], 1 - 0.5 * 0.4) and curve.detector == "crowd+words"
    assert [c.detector for c in curve.components] == ["crowd", "words"]


def test_fusion_scores_its_parts_side_by_side_reports_from_the_callers_thread_and_stops_on_a_failure() -> None:
    """The parts run at once (the default reel's crowd and score bug: 17 s and 5 s one after the
    other on a real 45-minute half); a caller's progress callback runs on its own thread only, and
    a failing part stops the others at their next progress report, its error raised."""
    import threading
    import time

    from soccer_highlights.errors import InputError

    class Steps:
        segment_defaults = sh.SegmentConfig()

        def __init__(self, name: str, steps: int, fail_at: int | None = None):
            self.name, self.steps, self.fail_at, self.done, self.threads = name, steps, fail_at, 0, set()

        def describe(self) -> dict:
            return {"name": self.name}

        def score_half(self, half: Half, progress=None) -> ScoreCurve:
            self.threads.add(threading.get_ident())
            for step in range(self.steps):
                if step == self.fail_at:
                    raise InputError(f"{self.name}: a bad stretch")
                time.sleep(0.02)
                self.done = step + 1
                progress(half.duration_s * (step + 1) / self.steps)
            scores = np.full(int(half.duration_s), 0.5, np.float32)
            return ScoreCurve(half.half, 1.0, scores, half.duration_s, self.name)

    seen: list[tuple[int, float]] = []
    parts = [Steps("crowd", 25), Steps("board", 25)]
    started = time.perf_counter()
    curve = sh.get_detector("fusion", parts=parts).score_half(
        Half(1, 20.0), lambda t: seen.append((threading.get_ident(), t))
    )
    assert time.perf_counter() - started < 0.02 * 25 * 2 * 0.9, "side by side, not one after the other"
    assert [c.detector for c in curve.components] == ["crowd", "board"] and parts[0].threads != parts[1].threads
    assert {thread for thread, _ in seen} == {threading.get_ident()}, "progress only on the caller's thread"
    assert [t for _, t in seen] == sorted(t for _, t in seen) and seen[-1][1] == 20.0

    slow, failing = Steps("crowd", 500), Steps("board", 10, fail_at=3)
    with pytest.raises(InputError, match="board: a bad stretch"):
        sh.get_detector("fusion", parts=[slow, failing]).score_half(Half(1, 20.0), lambda t: None)
    assert slow.done < 100, f"the other part stopped at its next report ({slow.done} of 500 steps)"


def test_recorded_names_build_the_same_detector_again(tmp_path: Path) -> None:
    """What segments.json records as ``detector.name`` is a name ``get_detector`` takes."""
    predictions = tmp_path / "results_spotting.json"
    write_predictions(predictions, "g", [Prediction(1, 30.0, "Goal", 0.9)])
    built = {
        "audio-excitement": sh.get_detector("audio"),
        "imported-predictions": sh.get_detector("predictions", path=predictions),
        "commentary": sh.get_detector("commentary"),
    }
    for name, detector in built.items():
        recorded = detector.describe()["name"]
        assert recorded == name == detector.name
        assert (
            sh.get_detector(recorded, **({"path": predictions} if recorded == "imported-predictions" else {})).name
            == name
        )
    assert set(ALIASES.values()) <= set(list_detectors())


def test_a_spec_is_checked_once_and_fuses_by_adding_a_part(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="takes no option"):
        DetectorSpec("audio", {"checkpoint": "x.ckpt"})
    with pytest.raises(ConfigError, match="unknown detector"):
        DetectorSpec("crowd-noise")
    with pytest.raises(ConfigError, match="--class-weights weighs imported predictions"):
        DetectorSpec.choose(class_weights={"Goal": 1.0})
    with pytest.raises(ConfigError, match="choose one"):
        DetectorSpec.choose(model="m.ckpt", predictions="p.json")
    spec = DetectorSpec.choose()
    assert spec == DetectorSpec("audio-excitement")
    fused = spec.with_part(DetectorSpec("commentary"))
    assert fused.name == "fusion" and [p.name for p in fused.options["parts"]] == ["audio-excitement", "commentary"]
    detector = fused.build()
    assert detector.describe()["detectors"][1]["name"] == "commentary"
    assert json.loads(json.dumps(detector.describe()))["name"] == "fusion"
    with pytest.raises(ConfigError, match="at least two"):
        sh.get_detector("fusion", parts=["audio"])

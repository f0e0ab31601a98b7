"""The commentary detector: what the commentators say, from a transcript beside the video.

It reads ``{half}_asr.json`` (SoccerNet-Echoes' format) beside the half's video (or in
``transcripts_dir`` for a label tree without videos) and scores every second per class with the
spotter trained on real SoccerNet commentary (:mod:`soccer_highlights.model.commentary`; its
weights ship with the package). For reels the curve is the highest class-weighted probability of
a highlight class; for SoccerNet's metric, :meth:`spot` gives each class's peaks as predictions.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from soccer_highlights.config import DEFAULT_CLASS_WEIGHTS, SegmentConfig
from soccer_highlights.core import Half, ProgressFn, ScoreCurve
from soccer_highlights.errors import InputError
from soccer_highlights.fileio import file_digest
from soccer_highlights.model.commentary import CLASSES, CommentaryWeights, HalfText
from soccer_highlights.model.commentary_rerank import candidates
from soccer_highlights.soccernet.predictions import Prediction
from soccer_highlights.soccernet.transcripts import load_transcript, transcript_path

SHIPPED_WEIGHTS = "commentary_spotter.npz"
SPOT_NMS_S = 20.0
SPOT_MIN_P = 0.01
PEAK_WIDTH_S = 4.0
"""Standard deviation of the bump an event makes in the reel's score curve: about the spread of
the commentary's lag behind the action."""


@cache
def shipped_weights() -> CommentaryWeights:
    with resources.as_file(resources.files("soccer_highlights.model").joinpath(SHIPPED_WEIGHTS)) as path:
        return CommentaryWeights.load(Path(path))


class CommentaryDetector:
    name = "commentary"
    segment_defaults = SegmentConfig(threshold=0.3, nms_window_s=20.0, pad_before_s=12.0, pad_after_s=6.0)
    """The spotter places an event within a few seconds; commentary lags the action, so the cut
    keeps more before the peak than the crowd detector does."""

    def __init__(
        self,
        weights: str | Path | None = None,
        transcripts_dir: str | Path | None = None,
        class_weights: Mapping[str, float] | None = None,
    ):
        self.weights_path = Path(weights) if weights else None
        self.weights = CommentaryWeights.load(self.weights_path) if self.weights_path else shipped_weights()
        self.transcripts_dir = Path(transcripts_dir) if transcripts_dir else None
        self.class_weights = dict(class_weights or DEFAULT_CLASS_WEIGHTS)

    def describe(self) -> dict[str, Any]:
        path = self.weights_path
        return {
            "name": self.name,
            "weights": str(path) if path else f"shipped:{SHIPPED_WEIGHTS}",
            "weights_sha1": file_digest(path) if path else None,
            "trained_on_games": len(self.weights.meta.get("games", [])),
            "class_weights": self.class_weights,
        }

    def transcript(self, half: Half) -> Path:
        folder = half.video.parent if half.video is not None else self.transcripts_dir
        if folder is None:
            raise InputError(f"half {half.half}: no video or transcripts folder to find {half.half}_asr.json in")
        path = transcript_path(folder, half.half)
        if not path.is_file():
            raise InputError(f"{path}: no transcript (run soccer-highlights transcribe, or use SoccerNet-Echoes')")
        return path

    def text(self, half: Half) -> HalfText:
        return HalfText.build("", half.half, load_transcript(self.transcript(half)))

    def peaks(self, half: Half) -> dict[str, list[tuple[int, float]]]:
        """Per class: the spotter's (second, confidence) events, best first."""
        return self.weights.peaks(self.text(half), SPOT_NMS_S)

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        """The highest class-weighted event confidence near each second (a bump of ``PEAK_WIDTH_S``
        around each event), so the reel is planned on the second stage's ranking."""
        n = int(np.ceil(half.duration_s))
        scores = np.zeros(n, np.float64)
        t = np.arange(n)
        for label, peaks in self.peaks(half).items():
            weight = self.class_weights.get(label, 0.0)
            for second, confidence in peaks if weight > 0 else ():
                bump = weight * confidence * np.exp(-0.5 * ((t - second) / PEAK_WIDTH_S) ** 2)
                np.maximum(scores, bump, out=scores)
        if progress:
            progress(half.duration_s)
        return ScoreCurve(half.half, 1.0, np.clip(scores, 0.0, 1.0).astype(np.float32), half.duration_s, self.name)

    def spot(self, half: Half) -> list[Prediction]:
        """Each class's events (one per ``SPOT_NMS_S``) as SoccerNet predictions."""
        return self.weights.spot(self.text(half), SPOT_NMS_S)


def spot_probabilities(probs: np.ndarray, half: int) -> list[Prediction]:
    """Per class of :data:`CLASSES` (the columns of ``probs``), greedy peaks at least ``SPOT_NMS_S``
    apart, each with its probability."""
    return [
        Prediction(half, float(t), label, float(probs[t, c]))
        for c, label in enumerate(CLASSES)
        for t in candidates(probs[:, c], int(SPOT_NMS_S), SPOT_MIN_P)
    ]

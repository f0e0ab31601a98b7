"""The commentary detector: what the commentators say, from a transcript beside the video.

It reads ``{half}_asr.json`` (SoccerNet-Echoes' format) beside the half's video (or in
``transcripts_dir`` for a label tree without videos) and scores every second per class with the
spotter trained on real SoccerNet commentary (:mod:`soccer_highlights.commentary.model`; its
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

from soccer_highlights.commentary.config import CommentaryConfig
from soccer_highlights.commentary.model import HalfLines, SpotterWeights
from soccer_highlights.config import DEFAULT_CLASS_WEIGHTS, SegmentConfig
from soccer_highlights.core import Half, ProgressFn, ScoreCurve
from soccer_highlights.errors import InputError
from soccer_highlights.fileio import sha1_of_file
from soccer_highlights.soccernet.predictions import Prediction
from soccer_highlights.soccernet.transcripts import find_transcript, load_transcript, transcript_path

SHIPPED_WEIGHTS = "commentary_spotter.npz"


@cache
def shipped_weights() -> SpotterWeights:
    with resources.as_file(resources.files("soccer_highlights.commentary").joinpath(SHIPPED_WEIGHTS)) as path:
        return SpotterWeights.load(Path(path))


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
        config: CommentaryConfig | None = None,
    ):
        self.config = config or CommentaryConfig()
        self.weights_path = Path(weights) if weights else None
        self.weights = SpotterWeights.load(self.weights_path) if self.weights_path else shipped_weights()
        self.transcripts_dir = Path(transcripts_dir) if transcripts_dir else None
        self.class_weights = dict(class_weights or DEFAULT_CLASS_WEIGHTS)

    def describe(self) -> dict[str, Any]:
        path = self.weights_path
        return {
            "name": self.name,
            "weights": str(path) if path else f"shipped:{SHIPPED_WEIGHTS}",
            "weights_sha1": sha1_of_file(path) if path else None,
            "trained_on_games": len(self.weights.meta.get("games", [])),
            "class_weights": self.class_weights,
            "settings": self.config.to_dict(),
        }

    def transcript(self, half: Half) -> Path:
        if half.video is not None:
            path = find_transcript(half.video, half.half)
        elif self.transcripts_dir is not None:
            path = transcript_path(self.transcripts_dir, half.half)
        else:
            raise InputError(f"half {half.half}: no video or transcripts folder to find {half.half}_asr.json in")
        if not path.is_file():
            raise InputError(f"{path}: no transcript (run soccer-highlights transcribe, or use SoccerNet-Echoes')")
        return path

    def text(self, half: Half) -> HalfLines:
        return HalfLines.build("", half.half, load_transcript(self.transcript(half)))

    def peaks(self, half: Half) -> dict[str, list[tuple[int, float]]]:
        """Per class: the spotter's (second, confidence) events, best first."""
        return self.weights.peaks(self.text(half), self.config.spot_nms_s)

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        """The highest class-weighted event confidence near each second (a bump of ``config.peak_width_s``
        around each event), so the reel is planned on the spotter's ranking."""
        n = int(np.ceil(half.duration_s))
        scores = np.zeros(n, np.float64)
        t = np.arange(n)
        for label, peaks in self.peaks(half).items():
            weight = self.class_weights.get(label, 0.0)
            for second, confidence in peaks if weight > 0 else ():
                bump = weight * confidence * np.exp(-0.5 * ((t - second) / self.config.peak_width_s) ** 2)
                np.maximum(scores, bump, out=scores)
        if progress:
            progress(half.duration_s)
        return ScoreCurve(half.half, 1.0, np.clip(scores, 0.0, 1.0).astype(np.float32), half.duration_s, self.name)

    def spot(self, half: Half) -> list[Prediction]:
        """Each class's events (one per ``config.spot_nms_s``) as SoccerNet predictions."""
        return self.weights.spot(self.text(half), self.config.spot_nms_s)

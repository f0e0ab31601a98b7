"""Several ways of seeing the match as one: curves for reels, predictions for SoccerNet's metric.

**Curves** (:class:`FusionDetector`, ``get_detector("fusion", parts=[...])``): each part's score is
read as the probability that the moment is a highlight by its own evidence (the crowd's roar, what
the commentators say, what the pictures show, the score bug); a moment is a highlight unless every
part says it is not, a noisy-OR: ``1 - prod(1 - s_i)`` on one time grid. No part's output is needed
to train the rule, a strong call from any one part carries the moment, and weak signals from several
add up. The part curves stay with the fused one, for the plots. ``reel --commentary`` is this
detector over the chosen detector and the commentary spotter.

**Predictions** (:func:`fuse_predictions`, ``detect --detector commentary --predictions``):
The rule needs neither spotter's outputs to train: a linear opinion pool. Per class, each source's
confidence is read as its probability that an event lies there, a source that says nothing within
``tolerance_s`` counting as 0; the fused confidence is ``w a + (1 - w) b``. An event both sources
report outranks one only one of them reports, which is what average precision rewards, and neither
source's scale has to be calibrated against the other's: a spotter whose false alarms reach 0.7
cannot bury what the commentary alone is sure of, as it can under a noisy-OR (``1 - (1 - a)(1 - b)``
keeps every lone prediction at full strength). Pairs are suppressed to one prediction per event,
keeping the time of the ``primary`` source (a video spotter places the action more tightly than the
commentary does).

Measured on the real valid labels with out-of-fold commentary and three simulated video spotters
(``bench/commentary_fusion.py``): the pool beat both inputs at both tolerances for all three; the
noisy-OR, with or without halving lone commentary, fell below the commentary alone for the spotter
weaker than it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

import numpy as np

from soccer_highlights.core import Detector, Half, ProgressFn, ScoreCurve
from soccer_highlights.errors import ConfigError
from soccer_highlights.segments import greedy_nms
from soccer_highlights.soccernet.predictions import Prediction


class FusionDetector:
    name = "fusion"

    def __init__(self, parts: Sequence[Detector], hop_s: float = 0.5):
        if len(parts) < 2:
            raise ConfigError("a fusion needs at least two detectors (parts=[...])")
        self.detectors = list(parts)
        self.hop_s = hop_s
        self.segment_defaults = self.detectors[0].segment_defaults

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "rule": "noisy-or", "detectors": [d.describe() for d in self.detectors]}

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        components = score_parts(self.detectors, half, progress)
        grid = (np.arange(int(np.ceil(half.duration_s / self.hop_s))) + 0.5) * self.hop_s
        miss = np.ones_like(grid)
        for curve in components:
            miss *= 1.0 - np.clip(np.interp(grid, curve.times_s(), curve.scores, left=0.0, right=0.0), 0.0, 1.0)
        if progress:
            progress(half.duration_s)
        notes = tuple(note for c in components for note in c.notes)
        name = "+".join(d.name for d in self.detectors)
        moments = tuple(m for c in components for m in c.moments)
        clock = next((c.clock for c in components if c.clock), ())
        play = next((c.play for c in components if c.play), ())
        fused = (1.0 - miss).astype(np.float32)
        return ScoreCurve(half.half, self.hop_s, fused, half.duration_s, name, notes, components, moments, clock, play)


POLL_S = 0.25
"""How often the calling thread reports the parts' progress while they run."""


class _Stopped(Exception):
    """Raised in a part's progress report once another part failed: it stops at its next report."""


def score_parts(
    detectors: Sequence[Detector], half: Half, progress: ProgressFn | None = None
) -> tuple[ScoreCurve, ...]:
    """Every detector's curve of ``half``, the parts scored side by side: on the default reel the
    crowd's sound (decoding, Python-bound) and the score bug (keyframes and the OCR model, which
    leave the interpreter lock free) of a real 45-minute half took 17 s and 5 s one after the other.
    Progress (the parts' shares summed, 0 to the end once) is reported from the calling thread only,
    so a caller's progress callback never runs on another thread; when a part fails, the others
    stop at their next progress report and the first failure is raised."""
    n = len(detectors)
    done = [0.0] * n
    failed = threading.Event()

    def report(i: int) -> ProgressFn:
        def mark(t: float) -> None:
            if failed.is_set():
                raise _Stopped
            done[i] = min(max(t, 0.0), half.duration_s)

        return mark

    def run(i: int) -> ScoreCurve:
        try:
            return detectors[i].score_half(half, report(i))
        except BaseException:
            failed.set()
            raise

    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="fusion-part") as pool:
        futures = [pool.submit(run, i) for i in range(n)]
        try:
            pending = set(futures)
            while pending and not failed.is_set():
                pending = wait(pending, timeout=POLL_S).not_done
                if progress:
                    progress(sum(done) / n)
        except BaseException:  # Ctrl-C in the caller, or its progress failing: the parts stop at their next report
            failed.set()
            raise
    errors = [e for e in (f.exception() for f in futures) if e is not None]
    if errors:  # the first real failure, not a part that stopped because of it
        raise next((e for e in errors if not isinstance(e, _Stopped)), errors[0])
    return tuple(f.result() for f in futures)


TOLERANCE_S = 10.0
"""Commentary describes an action within seconds of it, a goal's call about 3 s after it."""
PRIMARY_WEIGHT = 0.5
"""Equal trust: no outputs of the user's spotter are here to weigh it against the commentary."""


def fuse_predictions(
    primary: Sequence[Prediction],
    secondary: Sequence[Prediction],
    tolerance_s: float = TOLERANCE_S,
    primary_weight: float = PRIMARY_WEIGHT,
) -> list[Prediction]:
    fused: list[Prediction] = []
    keys = {(p.half, p.label) for p in [*primary, *secondary]}
    for half, label in sorted(keys):
        a = [p for p in primary if p.half == half and p.label == label]
        b = [p for p in secondary if p.half == half and p.label == label]
        candidates = [
            (primary_weight * _confidence(p) + (1 - primary_weight) * _nearest(p, b, tolerance_s), 0, p) for p in a
        ] + [(primary_weight * _nearest(p, a, tolerance_s) + (1 - primary_weight) * _confidence(p), 1, p) for p in b]
        candidates.sort(key=lambda c: (c[1], c[2].time_s))  # equal confidences: the primary's time first
        kept = greedy_nms([c[2].time_s for c in candidates], [c[0] for c in candidates], tolerance_s, keep_at_gap=False)
        fused.extend(Prediction(half, candidates[i][2].time_s, label, float(candidates[i][0])) for i in kept)
    return sorted(fused, key=lambda p: (p.half, p.time_s, p.label))


def _confidence(p: Prediction) -> float:
    return min(max(p.confidence, 0.0), 1.0)


def _nearest(p: Prediction, others: Sequence[Prediction], tolerance_s: float) -> float:
    """The other source's best confidence within ``tolerance_s`` of ``p`` (0 if it says nothing)."""
    return max((_confidence(o) for o in others if abs(o.time_s - p.time_s) <= tolerance_s), default=0.0)

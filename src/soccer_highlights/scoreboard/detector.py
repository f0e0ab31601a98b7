"""The ``scoreboard`` detector: a sharp peak at every goal read off the score bug.

Each goal's peak is a narrow bump of height 1 at the moment the ball went in (see ``goals.py``),
named ``Goal (2-0)`` and marked to be kept, so a reel planned on it (alone, or fused with the
crowd as the default ``reel`` does) has a segment for every goal, inside the budget first. Its
curve also carries the match clock read off the screen, which names every segment's minute. A
half with no readable bug gives a flat curve and says so; nothing else changes.

The goals are placed on the curve of ``sound`` (the crowd's by default): give the same detector
object that is fused beside it and its curve is computed once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from soccer_highlights.config import SegmentConfig
from soccer_highlights.core import Detector, Half, Moment, ProgressFn, ScoreCurve, StretchScorer
from soccer_highlights.scoreboard.config import ScoreboardConfig
from soccer_highlights.scoreboard.goals import goal_windows
from soccer_highlights.scoreboard.ocr import MODELS
from soccer_highlights.scoreboard.state import BugState, HalfState, MatchState, half_state, read_bug

PEAK_WIDTH_S = 1.0
"""Standard deviation of a goal's bump: the goal's place is known to a second or two."""
HOP_S = 0.5
SOUND_MARGIN_S = 10.0
"""The sound is read this far before each goal window too: the crowd's curve is smoothed over a few
seconds, and its values inside the window must not depend on where the reading began."""


class ScoreboardDetector:
    name = "scoreboard"
    segment_defaults = SegmentConfig(threshold=0.5, nms_window_s=20.0, pad_before_s=15.0, pad_after_s=10.0)
    """A goal's segment keeps the build-up before it and the celebration after it."""

    def __init__(self, config: ScoreboardConfig | None = None, sound: Detector | None = None):
        self.config = config or ScoreboardConfig()
        self.sound = sound
        self.states: dict[int, HalfState] = {}
        """The last state read of each half (``match_state()`` assembles them)."""

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "settings": self.config.to_dict(),
            "ocr_models": {task: {"file": name, "sha256": digest} for task, (name, digest) in MODELS.items()},
            "goals_placed_on": self.sound.name if self.sound is not None else None,
        }

    def read(self, half: Half, progress: ProgressFn | None = None) -> HalfState:
        """The half's score, goals and clock (cached per video)."""
        if half.video is None:
            return HalfState(half.half, None, BugState(half.duration_s, None), [])
        bug = read_bug(Path(half.video), self.config, progress)
        curve = None
        if self.sound is not None and half.has_audio and bug.changes:
            if isinstance(self.sound, StretchScorer):  # the goal windows' sound alone
                windows = goal_windows(bug.changes, bug.clock.cuts_s, self.config.goal_window_s)
                curve = self.sound.score_around(half, [(a - SOUND_MARGIN_S, b + HOP_S) for a, b in windows])
            else:
                curve = self.sound.score_half(half)
        state = half_state(half.half, half.video, bug, curve, self.config)
        self.states[half.half] = state
        return state

    def score_half(self, half: Half, progress: ProgressFn | None = None) -> ScoreCurve:
        state = self.read(half, progress)
        n = max(1, int(np.ceil(half.duration_s / HOP_S)))
        t = (np.arange(n) + 0.5) * HOP_S
        scores = np.zeros(n, np.float64)
        for goal in state.goals:
            height = 0.8 if goal.taken_back else 1.0
            np.maximum(scores, height * np.exp(-0.5 * ((t - goal.time_s) / PEAK_WIDTH_S) ** 2), out=scores)
        moments = tuple(Moment(half.half, g.time_s, g.label, g.confidence, keep=not g.taken_back) for g in state.goals)
        clock = tuple((v, m + state.match_offset_s) for v, m in state.bug.clock.samples)
        notes: tuple[str, ...] = ()
        if half.video is not None and not state.readable:
            why = state.bug.note or "no score read"
            notes = (f"{half.video}: no readable score bug ({why}), so no goals or match clock from the screen",)
        periods = state.play_periods()
        if periods:
            spans = ", ".join(f"half {h} {a / 60:.1f}-{b / 60:.1f} min" for h, a, b in periods)
            notes += (
                f"{half.video}: the clock shows the match's halves at {spans}; moments outside them are left out",
            )
        play = tuple((a, b) for _, a, b in periods)
        return ScoreCurve(
            half.half, HOP_S, scores.astype(np.float32), half.duration_s, self.name, notes, (), moments, clock, play
        )

    def match_state(self) -> MatchState:
        return MatchState([self.states[h] for h in sorted(self.states)])

"""When each goal went in: before its new score was first shown.

The bug shows the new score seconds to minutes after the ball crossed the line (after the
celebration, sometimes after a replay), and the old score is still on screen at the goal itself
(clip30 of the real Arsenal footage: the ball in the net at about 1 s, the bug changing at about
3-4 s). So a goal is placed at the strongest moment of the match's sound (or of any other curve
given, such as the commentary's) in the window before the new score first appeared: at most
``goal_window_s`` back, and never before the previous change of score or a cut in the video (the
clock's jumps), since the goal cannot lie there. Where that window holds no excitement (the new
score appears just after a cut: the goal itself is not in the video), the goal is placed at the cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from soccer_highlights.core import ScoreCurve
from soccer_highlights.scoreboard.vote import Change

EXCITED = 0.3
"""A window whose curve never reaches this holds nothing that sounds like a goal (0.3 on the
crowd's calibrated scale is about 3 dB over the half's typical level)."""


@dataclass(frozen=True)
class Goal:
    time_s: float
    """When the ball went in (seconds from the start of the half's video), as well as it can be placed."""
    shown_s: float
    """When the new score was first read on the bug."""
    team: str
    """``home`` or ``away``: the side whose score went up (for a goal taken back: whose went down)."""
    score: tuple[int, int]
    """The score after it."""
    confidence: float
    placed_by: str
    """``sound`` (the window's strongest moment), ``cut`` (the video cut there) or ``shown`` (no curve)."""
    taken_back: bool = False

    @property
    def label(self) -> str:
        score = f"{self.score[0]}-{self.score[1]}"
        return f"Goal taken back ({score})" if self.taken_back else f"Goal ({score})"

    def to_json(self) -> dict:
        return {
            "time_s": round(self.time_s, 2),
            "shown_s": round(self.shown_s, 2),
            "team": self.team,
            "score": list(self.score),
            "confidence": round(self.confidence, 3),
            "placed_by": self.placed_by,
            "taken_back": self.taken_back,
        }


def place_goals(
    changes: Sequence[Change],
    cuts_s: Sequence[float],
    curve: ScoreCurve | None,
    window_s: float,
    hold: int,
) -> list[Goal]:
    goals = []
    for change, (lower, _) in zip(changes, goal_windows(changes, cuts_s, window_s), strict=True):
        steps = _steps(change)
        cut_bounded = any(abs(lower - c) < 1e-6 for c in cuts_s)
        time_s, placed_by = change.shown_s, "shown"
        if curve is not None and len(curve.scores):
            times = curve.times_s()
            inside = (times >= lower) & (times <= change.shown_s)
            if inside.any() and float(curve.scores[inside].max()) >= EXCITED:
                time_s, placed_by = float(times[inside][np.argmax(curve.scores[inside])]), "sound"
            elif cut_bounded:
                time_s, placed_by = lower, "cut"
        elif cut_bounded:
            time_s, placed_by = lower, "cut"
        confidence = min(1.0, change.reads / (2.0 * hold))
        for team, score in steps:
            goals.append(Goal(time_s, change.shown_s, team, score, confidence, placed_by, change.kind == "taken back"))
    return goals


def goal_windows(changes: Sequence[Change], cuts_s: Sequence[float], window_s: float) -> list[tuple[float, float]]:
    """``(lower, shown_s)`` of each change: where its goal can be, from ``window_s`` before the new
    score was shown, but never before the previous change or the last cut in the video before it
    (the goal cannot lie in other footage). Only these stretches' sound is needed."""
    windows = []
    previous_s = 0.0
    for change in changes:
        lower = max(previous_s, change.shown_s - window_s, *(c for c in cuts_s if c <= change.shown_s + 1e-6))
        windows.append((lower, change.shown_s))
        previous_s = change.shown_s
    return windows


def _steps(change: Change) -> list[tuple[str, tuple[int, int]]]:
    """One entry per goal in a change (two for a jump of two goals), each with the score after it."""
    (h0, a0), (h1, a1) = change.before, change.after
    if change.kind == "taken back":
        return [("home" if h1 < h0 else "away", change.after)]
    steps = []
    h, a = h0, a0
    for _ in range(h1 - h0):
        h += 1
        steps.append(("home", (h, a)))
    for _ in range(a1 - a0):
        a += 1
        steps.append(("away", (h, a)))
    return steps

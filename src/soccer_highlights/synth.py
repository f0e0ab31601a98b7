"""Synthetic SoccerNet-style matches, encoded with real encoders (libx264 + AAC in Matroska).

No full match video can be shipped or downloaded, so tests, the demo and the benchmark build
their own. The generator is a fair test rather than a trivial one:

* highlight events (Goal, Penalty, Shots on/off target) carry a crowd roar that builds up before
  the event and decays after it, louder commentary, a camera move towards the goal before and a
  cut to a close-up after;
* other events carry weaker cues (a referee's whistle and a short medium shot);
* distractors have no event at all: loud chants (tonal, low-pitched) and close-ups.

A detector that only looks at loudness is fooled by chants, one that only looks at close-ups is
fooled by the distractor close-ups; both branches of an audio-visual model have something to learn.
Everything is drawn from a seeded generator, so a seed gives the same labels and pictures.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from soccer_highlights.config import BROADCAST_SAMPLE_RATE, SOCCERNET_224P, Checked, choice, non_negative, number
from soccer_highlights.errors import ConfigError
from soccer_highlights.fileio import atomic_path, atomic_write_text, refuse_overwrite
from soccer_highlights.soccernet.classes import DEFAULT_HIGHLIGHT_CLASSES
from soccer_highlights.soccernet.labels import Event, events_to_json
from soccer_highlights.synth_bugs import (
    BUG_NAMES,
    LEGACY_LAYOUTS,
    BugState,
    RenderedBug,
    classic_style,
    draw_bug,
    family_of,
)


@dataclass(frozen=True)
class SynthConfig(Checked):
    """Synthetic SoccerNet-style matches for tests, the demo and the benchmark."""

    minutes: float = number(3.0, 0.5, 120.0)
    """Length of each half."""
    width: int = SOCCERNET_224P[0]
    height: int = SOCCERNET_224P[1]
    fps: int = number(SOCCERNET_224P[2], 1, 120)
    sample_rate: int = BROADCAST_SAMPLE_RATE
    highlights_per_half: float | None = None
    """Highlight events per half; by default the real rate (about 13 per 45 minutes), at least 2."""
    other_events_per_minute: float = non_negative(2.0)
    """Other SoccerNet events (throw-ins, fouls, ...), each with a weak cue."""
    distractors_per_half: float | None = None
    """Chants and close-ups with no event; by default one per 4 minutes, at least 1 of each."""
    score_bug: str = choice("none", ("none", "top", "bottom", *BUG_NAMES))
    """A broadcast's score bug drawn over the picture: ``top`` (``RED 1-0 BLU 12:34`` in the top-left
    corner, the layout of the real clips) or ``bottom`` (``12:34  RED 1 - 0 BLU`` centred low: clock
    first), or one of the layout families of :mod:`soccer_highlights.synth_bugs` (``sky``,
    ``boxed-digits``, ``cup-aggregate``, ``two-rows``, ...: each like one kind of real bug, its teams,
    look and place drawn from the seed), with the match clock running, each goal's new score shown
    ``SCORE_BUG_DELAY_S`` after it, and the bug hidden during close-ups as broadcasters hide it in
    replays. It tests the reading's mechanics at any size and layout; it is no evidence of how well
    real bugs are read."""
    encoding: str = choice("quick", ("quick", "broadcast"))
    """``quick`` (x264 ultrafast: no B-frames, cheap to make and to decode; tests and the demo) or
    ``broadcast`` (like SoccerNet's 224p files: H.264 High with B-frames at about 500 kb/s, which
    decode about four times slower; the benchmark)."""


HIGHLIGHT_MIX = {"Shots on target": 0.45, "Shots off target": 0.37, "Goal": 0.15, "Penalty": 0.03}
OTHER_MIX = {
    "Ball out of play": 6253,
    "Throw-in": 3718,
    "Foul": 2176,
    "Indirect free-kick": 1907,
    "Clearance": 1516,
    "Corner": 953,
    "Substitution": 560,
    "Direct free-kick": 439,
    "Offside": 417,
    "Yellow card": 378,
}
"""Relative frequencies of the other classes in SoccerNet-v2's validation labels."""

SURGE_CLASSES = frozenset({"Foul", "Direct free-kick", "Corner"})
CLOSEUP_CLASSES = frozenset({"Yellow card", "Substitution", "Offside", "Clearance", "Indirect free-kick"})
REAL_HIGHLIGHTS_PER_45_MIN = 13.0
HIGHLIGHT_SPACING_S = 30.0
EDGE_MARGIN_S = 12.0
BUILDUP_S = 3.0
"""Seconds before a highlight during which the camera moves towards the goal."""
CLOSEUP_START_S, CLOSEUP_END_S = 1.0, 6.0
"""Close-up after a highlight, relative to the event."""
MEDIUM_SHOT_S = 1.5
AUDIO_LOOKAHEAD_S = 3
"""Seconds of audio encoded ahead of the video, enough to keep both cores busy and memory flat."""

ENCODINGS = {
    "quick": {"preset": "ultrafast", "crf": "26"},
    "broadcast": {
        "preset": "veryfast",
        "profile": "high",
        "bframes": "3",
        "b": "500k",
        "maxrate": "700k",
        "bufsize": "1400k",
    },
}
"""x264 options per ``SynthConfig.encoding``: the real 224p files (High profile, about 60% B-frames,
500 kb/s) cost as much to decode as ``broadcast``, several times what ``quick`` costs."""

SCORE_BUG_DELAY_S = 20.0
"""A goal's new score is shown this long after it (broadcasts show the celebration first)."""
SCORE_BUG_TEAMS = ("RED", "BLU")
"""The home and away teams' codes on the synthetic score bug (their shirts are red and blue)."""

PITCH_WORLD_W = 1200
STAND_H = 34
TEAM_COLOURS = ((200, 30, 30), (30, 60, 200))


@dataclass(frozen=True)
class Distractor:
    kind: str
    """``chant`` (loud, tonal, no event), ``closeup`` (a close-up with no event), ``event-closeup`` (the
    camera goes to the goal and then to a close-up, as for a highlight, at a corner, card, substitution
    or offside) or ``surge`` (a crowd roar with no highlight, at a foul)."""
    start_s: float
    end_s: float


@dataclass(frozen=True)
class HalfPlan:
    """Everything that happens in one synthetic half."""

    half: int
    duration_s: float
    events: list[Event]
    distractors: list[Distractor]

    @property
    def highlights(self) -> list[Event]:
        return [e for e in self.events if e.label in DEFAULT_HIGHLIGHT_CLASSES]


# --------------------------------------------------------------------------------------- planning
def _place(rng: np.random.Generator, n: int, lo: float, hi: float, taken: list[float], spacing: float) -> list[float]:
    """Up to ``n`` times in ``[lo, hi]``, each at least ``spacing`` from the others and from ``taken``."""
    placed: list[float] = []
    for _ in range(n * 200):
        if len(placed) == n or hi <= lo:
            break
        t = float(rng.uniform(lo, hi))
        if all(abs(t - u) >= spacing for u in taken + placed):
            placed.append(t)
    return sorted(placed)


def plan_half(
    rng: np.random.Generator, half: int, cfg: SynthConfig, extra_highlights_s: tuple[float, ...] = ()
) -> HalfPlan:
    duration = cfg.minutes * 60.0
    n_high = cfg.highlights_per_half
    if n_high is None:
        n_high = max(2.0, REAL_HIGHLIGHTS_PER_45_MIN * duration / 2700.0)
    high_times = sorted(
        list(extra_highlights_s)
        + _place(
            rng,
            round(n_high),
            EDGE_MARGIN_S,
            duration - EDGE_MARGIN_S,
            list(extra_highlights_s),
            HIGHLIGHT_SPACING_S,
        )
    )
    names, weights = zip(*HIGHLIGHT_MIX.items(), strict=True)
    events = [
        Event(
            half,
            round(t, 1),
            str(rng.choice(names, p=np.array(weights) / sum(weights))),
            _team(rng),
            "visible",
        )
        for t in high_times
    ]
    other_names, other_w = zip(*OTHER_MIX.items(), strict=True)
    p_other = np.array(other_w, dtype=float) / sum(other_w)
    n_other = round(cfg.other_events_per_minute * cfg.minutes)
    for t in _place(rng, n_other, 2.0, duration - 2.0, [*high_times], 4.0):
        events.append(Event(half, round(t, 1), str(rng.choice(other_names, p=p_other)), _team(rng), "visible"))
    events.append(Event(half, 0.5, "Kick-off", _team(rng), "visible"))
    # Some ordinary events look or sound like highlights, as in real broadcasts: the crowd surges at a
    # bad foul, the director cuts to a close-up for a card or a substitution. A model that listens
    # only, or only looks, is fooled by one kind; one that does both is not.
    cues: list[Distractor] = []
    for e in events:
        apart = all(abs(e.time_s - t) > HIGHLIGHT_SPACING_S / 2 for t in high_times)
        if e.label in SURGE_CLASSES and apart and rng.random() < 0.8:
            cues.append(Distractor("surge", e.time_s, e.time_s + 8.0))
        elif e.label in CLOSEUP_CLASSES:
            cues.append(Distractor("event-closeup", e.time_s + CLOSEUP_START_S, e.time_s + CLOSEUP_END_S))
    n_dis = cfg.distractors_per_half
    if n_dis is None:
        n_dis = max(1.0, duration / 240.0)
    distractors: list[Distractor] = []
    busy = [*high_times]
    for t in _place(rng, round(n_dis), 20.0, duration - 40.0, busy, HIGHLIGHT_SPACING_S):
        length = float(rng.uniform(12.0, 20.0))
        distractors.append(Distractor("chant", t, t + length))
        busy.append(t)
        busy.append(t + length)
    for t in _place(rng, round(n_dis), 10.0, duration - 10.0, busy, HIGHLIGHT_SPACING_S):
        distractors.append(Distractor("closeup", t, t + float(rng.uniform(4.0, 6.0))))
    events.sort(key=lambda e: e.time_s)
    distractors = sorted(distractors + cues, key=lambda d: d.start_s)
    return HalfPlan(half, duration, events, distractors)


def _team(rng: np.random.Generator) -> str:
    return "home" if rng.random() < 0.5 else "away"


# --------------------------------------------------------------------------------------- pictures
class PictureMaker:
    """Draws frames of a half: a panning wide shot, medium shots and close-ups."""

    def __init__(
        self,
        plan: HalfPlan,
        cfg: SynthConfig,
        rng: np.random.Generator,
        kickoff_score: tuple[int, int] = (0, 0),
        bug_seed: int | None = None,
    ):
        self.plan, self.w, self.h = plan, cfg.width, cfg.height
        bug_rng = np.random.default_rng(bug_seed) if bug_seed is not None else rng.spawn(1)[0]
        self.bug = ScoreBug(plan, cfg, kickoff_score, bug_rng) if cfg.score_bug != "none" else None
        """The bug's look and teams come from the game's seed (both halves alike) where given,
        else from a child of ``rng``; either way the picture's own draws are untouched."""
        self.world_w = max(PITCH_WORLD_W, 3 * self.w)
        """The pitch is three pictures wide (1200 px at 224p), so the camera pans at any size."""
        self.scale = self.w / SOCCERNET_224P[0]
        self.world = self._draw_world(rng)
        self.closeups = [self._draw_closeup(rng, i) for i in range(4)]
        n_players = 20
        self.player_x = rng.uniform(100, self.world_w - 100, n_players)
        self.player_y = rng.uniform(STAND_H + 20, self.h - 20, n_players)
        self.player_freq = rng.uniform(0.02, 0.08, (n_players, 2))
        self.player_phase = rng.uniform(0, 2 * np.pi, (n_players, 2))
        self.highlight_times = np.array(
            sorted(
                [e.time_s for e in plan.highlights]
                + [d.start_s - CLOSEUP_START_S for d in plan.distractors if d.kind == "event-closeup"]
            )
        )
        self.highlight_side = rng.integers(0, 2, len(self.highlight_times))
        look_alikes = {round(d.start_s - CLOSEUP_START_S, 3) for d in plan.distractors if d.kind == "event-closeup"}
        self.other_times = np.array(
            [
                e.time_s
                for e in plan.events
                if e.label not in DEFAULT_HIGHLIGHT_CLASSES and round(e.time_s, 3) not in look_alikes
            ]
        )
        self.closeup_spans = [(t + CLOSEUP_START_S, t + CLOSEUP_END_S) for t in self.highlight_times] + [
            (d.start_s, d.end_s) for d in plan.distractors if d.kind == "closeup"
        ]
        """Highlights and event close-ups share one look on purpose: only the sound tells them apart."""

    def _draw_world(self, rng: np.random.Generator) -> np.ndarray:
        world = np.zeros((self.h, self.world_w, 3), np.uint8)
        stripes = (np.arange(self.world_w) // 60) % 2
        world[:, :] = np.where(stripes[:, None], [40, 150, 40], [34, 128, 34]).astype(np.uint8)
        crowd = rng.integers(40, 120, (STAND_H, self.world_w, 1)).astype(np.uint8)
        world[:STAND_H] = np.repeat(crowd, 3, axis=2)
        world[STAND_H : STAND_H + 2] = 255
        world[self.h - 4 : self.h - 2] = 255
        world[STAND_H:, self.world_w // 2 : self.world_w // 2 + 2] = 255
        for x0 in (40, self.world_w - 130):
            world[70:72, x0 : x0 + 90] = 255
            world[self.h - 50 : self.h - 48, x0 : x0 + 90] = 255
            world[70 : self.h - 48, x0 : x0 + 2] = 255
            world[70 : self.h - 48, x0 + 88 : x0 + 90] = 255
        for x0 in (8, self.world_w - 14):  # goal posts and net
            world[95 : self.h - 75, x0 : x0 + 6] = 235
        return world

    def _draw_closeup(self, rng: np.random.Generator, variant: int) -> np.ndarray:
        img = np.zeros((self.h, self.w, 3), np.uint8)
        img[:] = rng.integers(30, 90, 3).astype(np.uint8)
        colour = np.array(TEAM_COLOURS[variant % 2], np.uint8)
        cx = self.w // 2 + int(rng.integers(-60, 60))
        img[self.h // 2 :, max(0, cx - 90) : cx + 90] = colour
        yy, xx = np.mgrid[0 : self.h, 0 : self.w]
        head = (yy - self.h // 3) ** 2 + (xx - cx) ** 2 < 45**2
        img[head] = (224, 172, 140)
        return img

    def _camera_x(self, t: float) -> float:
        span = self.world_w - self.w
        x = span / 2 + span / 2 * 0.8 * math.sin(2 * math.pi * t / 70.0)
        if len(self.highlight_times):
            i = int(np.argmin(np.abs(self.highlight_times - t)))
            dt = self.highlight_times[i] - t
            if -CLOSEUP_START_S <= dt <= BUILDUP_S:
                goal_x = 0.0 if self.highlight_side[i] == 0 else float(span)
                mix = min(1.0, (BUILDUP_S - dt) / 1.5)
                x = (1 - mix) * x + mix * goal_x
        return float(np.clip(x, 0, span))

    def ball(self, t: float) -> tuple[int, int]:
        """Where the ball is drawn in the wide shot (pixels of the picture): the action's ground truth
        for tests of anything that follows the play (at 224p, 120 px either side of the centre)."""
        x = self.w / 2 + 120 * self.scale * math.sin(t * 0.9)
        return int(x), int(self.h / 2 + 40 * self.scale * math.sin(t * 1.3))

    def in_closeup(self, t: float) -> bool:
        return any(a <= t < b for a, b in self.closeup_spans)

    def frame(self, t: float) -> np.ndarray:
        for i, (a, b) in enumerate(self.closeup_spans):
            if a <= t < b:  # the score bug is hidden in close-ups, as in a broadcast's replays
                img = self.closeups[i % len(self.closeups)]
                return np.roll(img, int(4 * math.sin(t * 3.0)), axis=1)
        view = self._wide(t)
        if self.bug is not None:
            self.bug.draw(view, t)
        return view

    def _wide(self, t: float) -> np.ndarray:
        cam = self._camera_x(t)
        x0 = int(cam)
        view = self.world[:, x0 : x0 + self.w].copy()
        px = self.player_x + 80 * np.sin(2 * np.pi * self.player_freq[:, 0] * t + self.player_phase[:, 0]) - x0
        py = self.player_y + 20 * np.sin(2 * np.pi * self.player_freq[:, 1] * t + self.player_phase[:, 1])
        for j, (x, y) in enumerate(zip(px.astype(int), py.astype(int), strict=True)):
            if 0 <= x < self.w - 6 and STAND_H <= y < self.h - 14:
                view[y : y + 14, x : x + 6] = TEAM_COLOURS[j % 2]
        ball_x, ball_y = self.ball(t)
        size = max(4, round(4 * self.scale))
        view[ball_y : ball_y + size, ball_x : ball_x + size] = 255
        if len(self.other_times) and np.min(np.abs(self.other_times - t)) < MEDIUM_SHOT_S / 2:
            crop = view[self.h // 4 : self.h // 4 + self.h // 2, self.w // 4 : self.w // 4 + self.w // 2]
            view = np.repeat(np.repeat(crop, 2, axis=0), 2, axis=1)
            view = np.pad(view, ((0, self.h - view.shape[0]), (0, self.w - view.shape[1]), (0, 0)), mode="edge")
        return view


class ScoreBug:
    """The score bug of one half, drawn in one of the layout families of :mod:`synth_bugs`: its
    score from the plan's goals (and the score at kick-off), its clock from the half's start (45:00
    at the second half's; past 45 minutes of a half, stoppage time ``+N`` beside it), hidden where
    the family shows the bug only a while after the start. ``top`` and ``bottom`` are the first
    synthetic bug, unchanged (``RED``/``BLU``, white on navy); every other family draws its teams,
    look and place from ``rng`` (the bug's own: one game's halves share a seed, so look alike)."""

    def __init__(
        self,
        plan: HalfPlan,
        cfg: SynthConfig,
        kickoff_score: tuple[int, int],
        rng: np.random.Generator | None = None,
    ):
        self.layout, self.w, self.h = cfg.score_bug, cfg.width, cfg.height
        self.half, self.kickoff_score = plan.half, kickoff_score
        self.duration_s = plan.duration_s
        self.shown = sorted((e.time_s + SCORE_BUG_DELAY_S, e.team) for e in plan.events if e.label == "Goal")
        self.family = family_of(self.layout)
        self.first_leg: tuple[int, int] | None = None
        self.appears_s, self.frozen = 0.0, False
        if self.layout in LEGACY_LAYOUTS:
            self.style, self.teams = classic_style(self.layout, self.w, self.h), SCORE_BUG_TEAMS
        else:
            bug_rng = rng if rng is not None else np.random.default_rng(plan.half)
            self.style = self.family.style(self.w, self.h, bug_rng)
            self.teams = self.family.teams(bug_rng)
            self.appears_s = float(bug_rng.uniform(*self.family.appears_after_s))
            if self.family.name == "cup-aggregate":
                self.first_leg = (int(bug_rng.integers(0, 4)), int(bug_rng.integers(0, 4)))
            # in stoppage time some broadcasters stop the clock at 45:00 (``45:00 +2``), others run on
            self.frozen = bool(bug_rng.random() < 0.5)
        self._drawn: tuple[BugState, RenderedBug] | None = None

    def score(self, t: float) -> tuple[int, int]:
        home, away = self.kickoff_score
        for shown_s, team in self.shown:
            if shown_s <= t:
                home, away = (home + 1, away) if team == "home" else (home, away + 1)
        return home, away

    def state(self, t: float) -> BugState:
        """What the bug shows at ``t`` seconds into the half (the truth for tests of a reader)."""
        (home, away), half_s = self.score(t), 45 * 60
        clock_s: float | None = (self.half - 1) * half_s + int(t) if self.family.shows_clock else None
        added = 0
        if self.layout not in ("top", "bottom") and clock_s is not None and t >= half_s:
            added = math.ceil((self.duration_s - half_s) / 60)
            clock_s = self.half * half_s if self.frozen else clock_s
        aggregate = None
        if self.first_leg is not None:
            aggregate = (home + self.first_leg[0], away + self.first_leg[1])
        return BugState(self.teams[0], self.teams[1], home, away, clock_s, added, self.half, aggregate)

    def render(self, t: float) -> RenderedBug | None:
        """The bug as drawn at ``t`` (its patch, place and parts), or ``None`` before it appears."""
        if t < self.appears_s:
            return None
        state = self.state(t)
        if self._drawn is None or self._drawn[0] != state:
            bug = draw_bug(self.family, self.style, state)
            self.style = bug.style or self.style  # fitted once: the next seconds need not shrink it again
            self._drawn = (state, bug)
        return self._drawn[1]

    def text(self, t: float) -> str:
        """The bug's text in reading order (the parts' texts, left to right, top to bottom)."""
        bug = self.render(t)
        if bug is None:
            return ""
        rows: list[list] = []  # parts whose middles lie within a row's height read as one line
        for p in sorted((p for p in bug.parts.values() if p.text), key=lambda p: p.box[1] + p.box[3]):
            if rows and (p.box[1] + p.box[3]) / 2 < max(q.box[3] for q in rows[-1]):
                rows[-1].append(p)
            else:
                rows.append([p])
        words = []
        for row in rows:
            row.sort(key=lambda p: p.box[0])
            line = row[0].text
            for before, p in itertools.pairwise(row):
                line += (" " if p.box[0] - before.box[2] > 0.2 * self.style.size else "") + p.text
            words.append(line)
        text = " ".join(words)
        return text

    def draw(self, view: np.ndarray, t: float) -> None:
        bug = self.render(t)
        if bug is not None:
            bug.paste(view)

    def truth(self) -> dict:
        """The bug's truth for ``synth_truth.json``: family, teams, when it appears, its first look."""
        first = self.render(self.appears_s)
        return {
            "family": self.family.name,
            "layout": self.layout,
            "teams": list(self.teams),
            "appears_s": self.appears_s,
            "first_leg": list(self.first_leg) if self.first_leg else None,
            "shown_goals": [{"shown_s": s, "team": team} for s, team in self.shown],
            "parts_at_appearance": {k: {"box": list(p.box), "text": p.text} for k, p in first.parts.items()}
            if first is not None
            else {},
        }


# ----------------------------------------------------------------------------------------- sound
class SoundMaker:
    """Renders a half's audio one block at a time: murmur, commentary, roars, chants, whistles."""

    def __init__(self, plan: HalfPlan, sample_rate: int, rng: np.random.Generator):
        self.sr = sample_rate
        self.rng = rng
        self.roars = [(e.time_s, 1.0 if e.label in ("Goal", "Penalty") else 0.6) for e in plan.highlights]
        self.roars += [(d.start_s, 0.6) for d in plan.distractors if d.kind == "surge"]
        self.chants = [
            (d.start_s, d.end_s, float(rng.uniform(180, 300))) for d in plan.distractors if d.kind == "chant"
        ]
        self.whistles = [e.time_s for e in plan.events if e.label not in DEFAULT_HIGHLIGHT_CLASSES]

    def _shaped_noise(self, n: int, lo_hz: float, hi_hz: float) -> np.ndarray:
        spectrum = self.rng.standard_normal(n // 2 + 1) + 1j * self.rng.standard_normal(n // 2 + 1)
        freqs = np.fft.rfftfreq(n, 1.0 / self.sr)
        spectrum *= (freqs >= lo_hz) & (freqs <= hi_hz)
        noise = np.fft.irfft(spectrum, n)
        return (noise / (np.std(noise) + 1e-12)).astype(np.float32)

    def roar_envelope(self, t: np.ndarray) -> np.ndarray:
        env = np.zeros_like(t)
        for t0, gain in self.roars:
            rise = np.clip((t - (t0 - 2.0)) / 3.0, 0.0, 1.0)
            decay = np.where(t > t0 + 1.0, np.exp(-(t - t0 - 1.0) / 4.0), 1.0)
            env = np.maximum(env, gain * rise * decay * (t >= t0 - 2.0))
        return env

    def block(self, start_s: float, n: int) -> np.ndarray:
        t = start_s + np.arange(n) / self.sr
        roar = self.roar_envelope(t)
        murmur = 0.03 * self._shaped_noise(n, 100, 2_500)
        crowd = 0.45 * roar * self._shaped_noise(n, 300, 6_000)
        syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * t + 2.0 * np.sin(2 * np.pi * 0.3 * t))
        voice_gain = 0.04 * (1.0 + 2.0 * roar)
        voice = voice_gain * syllables * np.sin(2 * np.pi * (140 + 30 * np.sin(2 * np.pi * 0.7 * t)) * t)
        out = murmur + crowd + voice.astype(np.float32)
        for a, b, f0 in self.chants:
            inside = (t >= a) & (t < b)
            if inside.any():
                fade = np.clip(np.minimum(t - a, b - t) / 1.5, 0, 1)
                pulse = 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * 1.0 * t))
                tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in (1, 2, 3))
                out += (0.35 * fade * pulse * tone * inside).astype(np.float32)
        for tw in self.whistles:
            inside = (t >= tw) & (t < tw + 0.35)
            if inside.any():
                out += (0.12 * np.sin(2 * np.pi * 3_000 * t) * inside).astype(np.float32)
        return np.clip(out, -1.0, 1.0).astype(np.float32)


# -------------------------------------------------------------------------------------- encoding
def write_half_video(
    path: Path,
    plan: HalfPlan,
    cfg: SynthConfig,
    seed: int,
    progress: Callable[[float], None] | None = None,
    kickoff_score: tuple[int, int] = (0, 0),
    bug_seed: int | None = None,
) -> dict | None:
    """Encode one half as H.264 + AAC stereo Matroska, streaming one second at a time; return the
    score bug's truth (:meth:`ScoreBug.truth`), ``None`` without a bug. ``bug_seed`` (the game's
    seed) gives the bug's look and teams, the same in both halves."""
    rng = np.random.default_rng(seed)
    pictures = PictureMaker(plan, cfg, rng, kickoff_score, bug_seed)
    sound = SoundMaker(plan, cfg.sample_rate, rng)
    with atomic_path(path) as tmp, av.open(str(tmp), mode="w", format="matroska") as out:
        video = out.add_stream("libx264", rate=cfg.fps)
        video.width, video.height, video.pix_fmt = cfg.width, cfg.height, "yuv420p"
        if cfg.encoding not in ENCODINGS:
            raise ConfigError(f"unknown synthetic encoding {cfg.encoding!r}; choose one of {', '.join(ENCODINGS)}")
        video.options = {**ENCODINGS[cfg.encoding], "g": str(cfg.fps * 2)}
        audio = out.add_stream("aac", rate=cfg.sample_rate, layout="stereo")
        audio.bit_rate = 96_000
        seconds = math.ceil(plan.duration_s)
        # The AAC encoder costs about as much as x264 here: it runs in a thread of its own (PyAV
        # releases the GIL while encoding) and hands finished packets back for muxing.
        with ThreadPoolExecutor(max_workers=1) as pool:

            def submit(second: int) -> Future | None:
                if second >= seconds:
                    return None
                return pool.submit(_encode_audio_second, audio, sound, second, plan.duration_s, cfg.sample_rate)

            audio_jobs = deque(submit(s) for s in range(AUDIO_LOOKAHEAD_S))
            n_frames = round(plan.duration_s * cfg.fps)
            for second in range(seconds):
                for frame_index in range(second * cfg.fps, min(n_frames, (second + 1) * cfg.fps)):
                    vf = av.VideoFrame.from_ndarray(pictures.frame(frame_index / cfg.fps), format="rgb24")
                    vf.pts, vf.time_base = frame_index, Fraction(1, cfg.fps)
                    out.mux(video.encode(vf))
                out.mux(audio_jobs.popleft().result())
                audio_jobs.append(submit(second + AUDIO_LOOKAHEAD_S))
                if progress:
                    progress(min(1.0, (second + 1) / plan.duration_s))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))
    return pictures.bug.truth() if pictures.bug is not None else None


def _encode_audio_second(
    audio: av.audio.stream.AudioStream, sound: SoundMaker, second: int, duration_s: float, sr: int
) -> list:
    n_samples = round(min(1.0, duration_s - second) * sr)
    mono = sound.block(float(second), n_samples)
    frame = av.AudioFrame.from_ndarray(np.stack([mono, mono]), format="fltp", layout="stereo")
    frame.sample_rate, frame.pts, frame.time_base = sr, second * sr, Fraction(1, sr)
    return audio.encode(frame)


@dataclass(frozen=True)
class SynthGame:
    path: Path
    plans: tuple[HalfPlan, ...]


def synth_game(
    game_dir: Path,
    cfg: SynthConfig,
    seed: int,
    halves: tuple[int, ...] = (1, 2),
    extra_highlights_s: dict[int, tuple[float, ...]] | None = None,
    progress: Callable[[float], None] | None = None,
    force: bool = False,
) -> SynthGame:
    """Write one game folder: ``{half}_224p.mkv`` per half, ``Labels-v2.json`` and ``synth_truth.json``
    (an existing game is replaced only with ``force``)."""
    if cfg.minutes <= 0:
        raise ConfigError(f"a synthetic half needs a positive length in minutes, got {cfg.minutes}")
    for name in ("Labels-v2.json", *(f"{h}_224p.mkv" for h in halves)):
        refuse_overwrite(game_dir / name, force)
    game_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    plans = tuple(plan_half(rng, h, cfg, (extra_highlights_s or {}).get(h, ())) for h in halves)
    score = (0, 0)
    bugs: dict[int, dict | None] = {}
    for i, plan in enumerate(plans):

        def half_progress(f: float, i: int = i) -> None:
            if progress:
                progress((i + f) / len(plans))

        path = game_dir / f"{plan.half}_224p.mkv"
        bugs[plan.half] = write_half_video(
            path, plan, cfg, seed * 10 + plan.half, half_progress, kickoff_score=score, bug_seed=seed
        )
        goals = [e.team for e in plan.events if e.label == "Goal"]
        score = (score[0] + goals.count("home"), score[1] + goals.count("away"))
    labels = events_to_json(e for p in plans for e in p.events)
    labels["UrlLocal"] = game_dir.name
    atomic_write_text(game_dir / "Labels-v2.json", json.dumps(labels, indent=1))
    truth = {
        "seed": seed,
        "halves": {
            str(p.half): {
                "duration_s": p.duration_s,
                "distractors": [d.__dict__ for d in p.distractors],
                **({"score_bug": bugs[p.half]} if bugs[p.half] is not None else {}),
            }
            for p in plans
        },
    }
    atomic_write_text(game_dir / "synth_truth.json", json.dumps(truth, indent=1))
    return SynthGame(game_dir, plans)


def synth_games(root: Path, n_games: int, cfg: SynthConfig, seed: int, force: bool = False) -> Iterator[SynthGame]:
    """Games in SoccerNet's ``league/season/game`` layout under ``root``."""
    for g in range(n_games):
        game_dir = root / "synthetic-league" / "2026-2027" / f"game-{g:03d}-seed{seed}"
        yield synth_game(game_dir, cfg, seed=seed * 1000 + g, force=force)

"""What the score bug says about a match: ``match_state.json``, and the per-video cache behind it.

Schema (times in seconds; ``time_s``/``shown_s``/``video_s`` from the start of that half's video,
``match_s`` since the kick-off of the match, so 45:00 and more in the second half)::

    {"teams": ["ARL", "AND"] | null,
     "halves": [{"half": 1, "video": "...", "readable": true, "box": [top, bottom, left, right],
                 "note": null | why the score is unknown,
                 "score": [{"start_s", "end_s", "home", "away", "reads", "confidence"}, ...],
                 "goals": [{"time_s", "shown_s", "team", "score", "confidence", "placed_by", "taken_back"}, ...],
                 "clock": [{"video_s", "match_s"}, ...], "cuts_s": [...], "reads": n, "ocr_calls": n}]}

Reading a half costs seconds, so what its bug says (the voted scores, changes, clock and teams) is
cached beside its video (``scoreboard/``, or the user cache where that folder cannot be written),
keyed by the video's content identity and the reader's settings; placing the goals, which needs the
sound's curve, is redone each time (milliseconds).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from soccer_highlights.core import ProgressFn, ScoreCurve
from soccer_highlights.fileio import atomic_write_json, cache_folder_beside, quick_identity
from soccer_highlights.scoreboard.config import ScoreboardConfig
from soccer_highlights.scoreboard.goals import Goal, place_goals
from soccer_highlights.scoreboard.locate import Box
from soccer_highlights.scoreboard.vote import Change, Clock, ScoreSpan, vote_clock, vote_scores

log = logging.getLogger(__name__)
CACHE_DIR = "scoreboard"
FORMAT = 11
"""Bumped whenever reading or voting changes, so no cached reading outlives the code that made it."""
SECOND_HALF_S = 45 * 60.0
RESTART_S = 10.0
"""Where the video runs on by more than this while the clock does not, a new half begins: the
clock went back (45:00 after 47:12), or stopped at 45:00 for stoppage time and half-time and ran
again from 45:00. A football clock never stops in play; misreads were dropped by the vote."""
END_MARGIN_S = 30.0
"""Play is taken to go on this long after the last read of its clock (the bug is often hidden at
the whistle)."""
STOPPAGE_GAP_S = 150.0
"""Reads showing added time (``45:00 +2``) after a half's running clock extend its play while each
follows the one before within this (the clock is read every minute; a stray misread in half-time,
far from the others, does not stretch the half)."""


@dataclass(frozen=True)
class BugState:
    """What one half video's bug says, before goals are placed: the cached part."""

    duration_s: float
    box: Box | None
    spans: list[ScoreSpan] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    clock: Clock = field(default_factory=lambda: Clock([], []))
    teams: tuple[str, str] | None = None
    reads: int = 0
    ocr_calls: int = 0
    why: str | None = None
    """Why no bug was read, where the reader could tell (text too small, a score never read)."""

    @property
    def readable(self) -> bool:
        return self.box is not None and bool(self.spans)

    @property
    def note(self) -> str | None:
        """Why the half's score is not known, where it is not."""
        if self.box is None and self.why:
            return self.why
        if self.box is None:
            return "no text that stays put on the picture reads as a score bug"
        if not self.spans:
            return "a bug was found, but no score was read on it often enough to be trusted"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "duration_s": self.duration_s,
            "box": self.box.to_json() if self.box else None,
            "spans": [asdict(s) for s in self.spans],
            "changes": [asdict(c) for c in self.changes],
            "clock": {"samples": self.clock.samples, "cuts_s": self.clock.cuts_s, "added_s": self.clock.added_s},
            "teams": list(self.teams) if self.teams else None,
            "reads": self.reads,
            "ocr_calls": self.ocr_calls,
            "why": self.why,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BugState:
        return cls(
            float(data["duration_s"]),
            Box(*data["box"]) if data.get("box") else None,
            [ScoreSpan(**s) for s in data["spans"]],
            [Change(**{**c, "before": tuple(c["before"]), "after": tuple(c["after"])}) for c in data["changes"]],
            Clock(
                [tuple(p) for p in data["clock"]["samples"]],
                list(data["clock"]["cuts_s"]),
                list(data["clock"].get("added_s", [])),
            ),
            tuple(data["teams"]) if data.get("teams") else None,
            int(data.get("reads", 0)),
            int(data.get("ocr_calls", 0)),
            data.get("why"),
        )


def read_bug(video: Path, config: ScoreboardConfig, progress: ProgressFn | None = None, reader: Any = None) -> BugState:
    """What ``video``'s score bug says, from the cache when the same video was read with the same
    settings, else read now (and cached)."""
    cache = _cache_path(video)
    settings = {k: v for k, v in config.to_dict().items() if k != "ocr_threads"}  # how fast, not what
    key = {"format": FORMAT, "identity": quick_identity(video), "settings": settings}
    if cache.is_file():
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("key") == key:
                return BugState.from_json(data["state"])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("%s: a damaged scoreboard cache (%s); reading the video again", cache, exc)
    from soccer_highlights.scoreboard.reader import BugReader

    reading = (reader or BugReader(config)).read_half(video, progress)
    spans, changes = vote_scores(reading.reads, config.hold_reads, reading.duration_s)
    teams = voted_teams([r.read.teams for r in reading.reads if r.fresh and r.read.teams])
    state = BugState(
        reading.duration_s,
        reading.box,
        spans,
        changes,
        vote_clock(reading.reads, config.clock_tolerance_s),
        teams,
        len(reading.reads),
        reading.ocr_calls,
        reading.why,
    )
    try:
        atomic_write_json(cache, {"key": key, "state": state.to_json()})
    except OSError as exc:  # a cache that cannot be written costs time, not the result
        log.warning("%s: could not cache the scoreboard (%s)", cache, exc)
    return state


TEAM_SHARE = 0.5
"""A team's name is given where at least half of the reads of its side agree on it (and two at
least): on a bug too small to read well the letters vary read by read ("ANL", "XXC" for "ARL"), and
a wrong name is worse than none."""


def voted_teams(reads: list[tuple[str, str]]) -> tuple[str, str] | None:
    """Both teams' names from the reads that showed them, each side voted on its own."""
    sides = []
    for side in (0, 1):
        votes = Counter(teams[side] for teams in reads).most_common(1)
        if not votes or votes[0][1] < max(2, TEAM_SHARE * len(reads)):
            return None
        sides.append(votes[0][0])
    return sides[0], sides[1]


def _cache_path(video: Path) -> Path:
    return cache_folder_beside(video, CACHE_DIR) / f"{video.name}.json"


@dataclass(frozen=True)
class HalfState:
    """One half's score, goals and clock, as ``match_state.json`` records it."""

    half: int
    video: Path | None
    bug: BugState
    goals: list[Goal]
    match_offset_s: float = 0.0
    """Added to the clock's reading to get match time (45:00 where a second half's clock restarts at 0)."""

    @property
    def readable(self) -> bool:
        return self.bug.readable

    def play_periods(self) -> list[tuple[int, float, float]]:
        """``(half, start_s, end_s)`` of each half of play in this video, where the clock shows more
        than one half or shows where play begins (a recording of the whole match with its pre-match
        talk and half-time): play starts at the kick-off the clock counts from and ends at the last
        read of that half's clock. Empty where the clock shows nothing of the kind."""
        samples = self.bug.clock.samples
        if len(samples) < 2:
            return []
        runs: list[list[tuple[float, float]]] = [[samples[0]]]
        for t, m in samples[1:]:
            before_t, before_m = runs[-1][-1]
            if m - t < before_m - before_t - RESTART_S:  # the video ran on, the clock did not: a new half
                runs.append([])
            runs[-1].append((t, m))
        if len(runs) > 4 or any(run[0][1] < SECOND_HALF_S - 300 for run in runs[1:]):
            return []  # not halves (45:00 and later after the first): edits, or a loop of clips
        periods = []
        for k, run in enumerate(runs):
            (t0, m0), (t1, _) = run[0], run[-1]
            kickoff_m = SECOND_HALF_S if (k > 0 or m0 >= SECOND_HALF_S) else 0.0
            for added_s in self.bug.clock.added_s:  # stoppage time: the clock stopped, play goes on
                if t1 < added_s <= t1 + STOPPAGE_GAP_S:
                    t1 = added_s
            periods.append((k + 1, max(0.0, t0 - (m0 - kickoff_m)), t1 + END_MARGIN_S))
        pre_match = periods[0][1] > END_MARGIN_S
        return periods if len(periods) > 1 or pre_match else []

    def match_s(self, video_s: float) -> float | None:
        """Match time (seconds since kick-off of the match) at a video time, where the clock was read."""
        m = self.bug.clock.match_s(video_s)
        return None if m is None else m + self.match_offset_s

    def to_json(self) -> dict[str, Any]:
        return {
            "half": self.half,
            "video": str(self.video) if self.video else None,
            "readable": self.readable,
            "note": self.bug.note,
            "box": self.bug.box.to_json() if self.bug.box else None,
            "score": [asdict(s) for s in self.bug.spans],
            "goals": [g.to_json() for g in self.goals],
            "clock": [
                {"video_s": round(t, 2), "match_s": round(m + self.match_offset_s, 2)}
                for t, m in self.bug.clock.samples
            ],
            "cuts_s": [round(c, 2) for c in self.bug.clock.cuts_s],
            "play": [{"half": h, "start_s": round(a, 2), "end_s": round(b, 2)} for h, a, b in self.play_periods()],
            "reads": self.bug.reads,
            "ocr_calls": self.bug.ocr_calls,
        }


def half_state(
    half: int, video: Path | None, bug: BugState, curve: ScoreCurve | None, config: ScoreboardConfig
) -> HalfState:
    """A half's state: its bug's reading with the goals placed on ``curve`` (the sound's, or any)."""
    goals = place_goals(bug.changes, bug.clock.cuts_s, curve, config.goal_window_s, config.hold_reads)
    offset = 0.0
    clock = [m for _, m in bug.clock.samples]
    if half == 2 and clock and sorted(clock)[len(clock) // 2] < SECOND_HALF_S - 600:
        offset = SECOND_HALF_S  # this broadcaster's clock restarts at 0:00 for the second half
    return HalfState(half, video, bug, goals, offset)


@dataclass(frozen=True)
class MatchState:
    halves: list[HalfState]

    @property
    def teams(self) -> tuple[str, str] | None:
        votes = Counter(h.bug.teams for h in self.halves if h.bug.teams)
        return votes.most_common(1)[0][0] if votes else None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "teams": list(self.teams) if self.teams else None,
            "halves": [h.to_json() for h in self.halves],
        }

    def write(self, path: str | Path) -> Path:
        atomic_write_json(path, self.to_json())
        return Path(path)

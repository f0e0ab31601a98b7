"""Reads voted over time: the score as intervals, each change of it, and the clock's mapping from
video time to match time. Pure: reads in, decisions out.

* A score only moves one goal at a time, and a change must hold: the new score has to be read
  ``hold`` times before any read of another score (a misread, a replay's graphic, a close-up
  hiding the bug is one read or none). A change of more than one goal (two goals while the bug was
  off screen) needs twice the evidence. A score that goes back by one is a goal taken back (after
  a review) and is reported as such.
* The clock: each read gives an offset, match time minus video time. Reads whose offset disagrees
  with their neighbours' are misreads; a lasting jump of the offset is a cut in the video (an edit,
  half-time, a join of two clips), which also bounds where a goal can be looked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from soccer_highlights.scoreboard.parse import Read


@dataclass(frozen=True)
class TimedRead:
    time_s: float
    """Seconds from the start of the half's video."""
    read: Read
    fresh: bool = True
    """False for a keyframe whose bug looked the same as at the last read (its score carried over)."""


@dataclass(frozen=True)
class ScoreSpan:
    start_s: float
    end_s: float
    home: int
    away: int
    reads: int = 0
    """Fresh reads of a score within the span."""
    confidence: float = 1.0
    """The share of them that read this score (the others: misreads, a replay's graphic)."""


@dataclass(frozen=True)
class Change:
    before: tuple[int, int]
    after: tuple[int, int]
    last_before_s: float
    """The last read of the old score."""
    shown_s: float
    """The first read of the new one: when the new score was first shown."""
    kind: str
    """``goal``, ``taken back`` (the score went back by one) or ``jump`` (more than one goal at once)."""
    reads: int
    """Reads of the new score before it was accepted."""


def vote_scores(reads: Sequence[TimedRead], hold: int, duration_s: float) -> tuple[list[ScoreSpan], list[Change]]:
    """The score over the half and its changes (see the module's docstring).

    The first score is the first one read ``hold`` times, from its first read (what the bug showed
    before any read is not known, and a wrong score is worse than none); after it, a new score is accepted when it
    is read ``hold`` times (twice that for a jump of several goals) before the current score is read
    again. Reads of any third score (misreads) neither count for it nor stop it. Where the input
    ends first, a goal read twice with nothing else read after it counts."""
    scored = sorted((r for r in reads if r.read.score is not None), key=lambda r: r.time_s)
    current: tuple[int, int] | None = None
    current_last_s = 0.0
    start_s = 0.0
    spans: list[ScoreSpan] = []
    changes: list[Change] = []
    first: Counter[tuple[int, int]] = Counter()
    seen_s: dict[tuple[int, int], float] = {}
    last_seen_s: dict[tuple[int, int], float] = {}
    pending: dict[tuple[int, int], list] = {}  # score -> [count, first_s, last_before_s]
    for r in scored:
        score = r.read.score
        if current is None:
            first[score] += 1
            seen_s.setdefault(score, r.time_s)
            last_seen_s[score] = r.time_s
            if first[score] >= hold:
                # a score read (twice or more) before this one, one goal short of it, was on screen first
                earlier = [p for p in first if p != score and first[p] >= 2 and seen_s[p] < seen_s[score]]
                earlier = [p for p in earlier if _kind(p, score) == "goal"]
                start_s = seen_s[score]
                if earlier:
                    before = max(earlier, key=lambda p: first[p])
                    spans.append(ScoreSpan(seen_s[before], seen_s[score], *before))
                    changes.append(Change(before, score, last_seen_s[before], seen_s[score], "goal", first[score]))
                current, current_last_s = score, r.time_s
            continue
        if score == current:
            pending, current_last_s = {}, r.time_s
            continue
        entry = pending.setdefault(score, [0, r.time_s, current_last_s])
        entry[0] += 1
        kind = _kind(current, score)
        if kind is not None and entry[0] >= (2 * hold if kind == "jump" else hold):
            spans.append(ScoreSpan(start_s, entry[1], *current))
            changes.append(Change(current, score, entry[2], entry[1], kind, entry[0]))
            start_s, current, current_last_s, pending = entry[1], score, r.time_s, {}
    if current is None and first:
        counts = first.most_common(2)
        if len(counts) == 1 or counts[0][1] > counts[1][1]:  # a short input: fewer than ``hold`` reads in all
            current = counts[0][0]
            start_s = seen_s[current]
    elif len(pending) == 1:  # the input ends before a new score could be read ``hold`` times
        (score, entry), kind = next(iter(pending.items())), _kind(current, next(iter(pending)))
        if kind in ("goal", "taken back") and entry[0] >= 2:
            spans.append(ScoreSpan(start_s, entry[1], *current))
            changes.append(Change(current, score, entry[2], entry[1], kind, entry[0]))
            start_s, current = entry[1], score
    if current is not None:
        spans.append(ScoreSpan(start_s, duration_s, *current))
    return [_with_confidence(span, scored) for span in spans], changes


def _with_confidence(span: ScoreSpan, scored: Sequence[TimedRead]) -> ScoreSpan:
    """``span`` with how many fresh reads fall in it and the share that agree with it."""
    inside = [r.read.score for r in scored if r.fresh and span.start_s <= r.time_s < span.end_s]
    agree = sum(score == (span.home, span.away) for score in inside)
    return replace(span, reads=len(inside), confidence=round(agree / len(inside), 3) if inside else 0.0)


def _kind(before: tuple[int, int] | None, after: tuple[int, int]) -> str | None:
    """What a change of score is; None where it cannot be one (a side's score falling by more
    than one, or both sides moving at once the wrong way)."""
    if before is None:
        return "first"
    dh, da = after[0] - before[0], after[1] - before[1]
    if (dh, da) in ((1, 0), (0, 1)):
        return "goal"
    if (dh, da) in ((-1, 0), (0, -1)):
        return "taken back"
    if dh >= 0 and da >= 0 and dh + da <= 3:
        return "jump"
    return None


@dataclass(frozen=True)
class Clock:
    """The clock's mapping from video time to match time, and the cuts it shows."""

    samples: list[tuple[float, float]]
    """``(video_s, match_s)`` at the reads kept."""
    cuts_s: list[float]
    """Video times where the offset jumped: the first kept read after each jump."""
    added_s: list[float] = field(default_factory=list)
    """Video times of reads showing added time (``45:00 +2``): a stopped clock maps no time, but
    play goes on there (see ``HalfState.play_periods``)."""

    def match_s(self, video_s: float) -> float | None:
        """Match time at a video time: the offset of the nearest run of reads before it (or the
        first run), since the clock runs with the video between reads."""
        if not self.samples:
            return None
        times = [t for t, _ in self.samples]
        i = max(0, int(np.searchsorted(times, video_s, side="right")) - 1)
        t, m = self.samples[i]
        return m + (video_s - t)


def vote_clock(reads: Sequence[TimedRead], tolerance_s: float, neighbours: int = 3) -> Clock:
    """The clock reads that agree with their neighbours, their offsets settled per run, and the cuts."""
    points = sorted(
        (r.time_s, r.read.clock_s) for r in reads if r.fresh and r.read.clock_s is not None and r.read.added_min is None
    )
    added = sorted(r.time_s for r in reads if r.fresh and r.read.added_min is not None)
    if not points:
        return Clock([], [], added)
    t = np.array([p[0] for p in points])
    offset = np.array([p[1] for p in points]) - t
    keep = np.zeros(len(t), bool)
    for i in range(len(t)):
        lo, hi = max(0, i - neighbours), min(len(t), i + neighbours + 1)
        others = np.delete(offset[lo:hi], i - lo)
        agreeing = np.abs(others - offset[i]) <= tolerance_s
        # a read stands when a neighbour agrees with it (or it is alone at the edge of a short input)
        keep[i] = agreeing.any() if len(others) else True
    t, offset = t[keep], offset[keep]
    if not len(t):
        return Clock([], [], added)
    runs = np.split(np.arange(len(t)), np.flatnonzero(np.abs(np.diff(offset)) > tolerance_s) + 1)
    samples: list[tuple[float, float]] = []
    cuts: list[float] = []
    for k, run in enumerate(runs):
        # the clock shows whole seconds: at a read, the true time is half a second past what it shows
        settled = float(np.median(offset[run])) + 0.5
        samples.extend((float(t[i]), float(t[i] + settled)) for i in run)
        if k > 0:
            cuts.append(float(t[run[0]]))
    return Clock(samples, cuts, added)

"""What a transcript says beyond its words, per second of a half: cues a bag of n-grams misses.

A commentator calls a goal; so do the pre-match talk, statistics and replays. What sets the call
apart is often not a word but a pattern: the score said for the first time ("2-1"), the goal word
shouted in a burst ("¡Gol! ¡Gol! ¡Gol!"), Whisper repeating a line when the crowd drowns the speech,
a change in how fast the commentators talk. These counts feed the commentary
spotter's grid (:mod:`soccer_highlights.commentary.grid`), which reads them in windows from 40 s
before to 150 s after every second.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from soccer_highlights.soccernet.transcripts import Line

GOAL_WORDS = re.compile(r"\b(goals?|gol(es|azo)?|go+l+|tore?|buts?|rete|goool+)\b|гол", re.IGNORECASE)
"""Goal in the commentary's languages (English, Spanish, Italian, German, French, Russian)."""

SCORE = re.compile(r"(?<![\d.,:])(\d{1,2})\s*(?:-|–|:|a|à|zu|to|на)\s*(\d{1,2})(?!\d|[.,:]\d|%)")
"""A score as commentators and Whisper write it: "2-1", "2:1", "2 a 1", "2 zu 1", "2 to 1"."""
MAX_GOALS_PER_SIDE = 9
"""Larger numbers beside a dash are minutes, shirt numbers or dates, not a score."""

CUES: tuple[str, ...] = (
    "score_mentions",
    "goal_words",
    "repeated_lines",
    "empty_lines",
    "exclamations",
    "new_score_totals",
    "speech",
    "words",
)
"""Column names of :func:`transcript_cues`. ``new_score_totals`` counts scores whose total of goals
is higher than any said before in the half (the first "2-1" after "1-1"); ``speech`` is 1 while a
line is being spoken."""


def transcript_cues(lines: Sequence[Line], n_seconds: int) -> np.ndarray:
    """``(n_seconds, len(CUES))`` counts, each line's at the second it starts."""
    cues = np.zeros((n_seconds, len(CUES)), np.float32)
    column = {name: i for i, name in enumerate(CUES)}
    highest_total, previous = -1, None
    for line in lines:
        second = int(line.start_s)
        if not 0 <= second < n_seconds:
            continue
        text = line.text.strip().lower()
        scores = [
            (int(a), int(b))
            for a, b in SCORE.findall(text)
            if int(a) <= MAX_GOALS_PER_SIDE and int(b) <= MAX_GOALS_PER_SIDE
        ]
        row = cues[second]
        row[column["score_mentions"]] += len(scores)
        row[column["goal_words"]] += len(GOAL_WORDS.findall(text))
        row[column["repeated_lines"]] += text == previous
        row[column["empty_lines"]] += text.strip(". ") == ""
        row[column["exclamations"]] += text.count("!")
        row[column["words"]] += len(text.split())
        for a, b in scores:
            if a + b > highest_total:
                row[column["new_score_totals"]] += 1
                highest_total = a + b
        cues[second : min(math.ceil(line.end_s), n_seconds), column["speech"]] = 1.0
        previous = text
    return cues

"""What one read of a score bug says: the text an OCR model saw, turned into a score, team codes
and a clock, or nothing where the text is not a score bug.

Pure string work, so every layout and every misread can be tested without a video. The layouts
broadcasters use: ``ARL 2-0 AND 28:03`` (teams around the score, clock after), ``28:03 ARL 2-0
AND`` (clock first), ``ARL 2 0 AND`` (score in separate boxes), ``2:0`` (separator ``-``, ``:``,
``–``, or a box edge read as ``+`` or ``|``), and stoppage time (``45:00 +2``, ``45+2``, ``90:00+4``).
The OCR model confuses a few letters and digits in this tiny type (``O``/``D`` for 0, ``I``/``l``
for 1, ``Z`` for 2, ``S`` for 5); they are read as digits only where a score digit must stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

AS_DIGIT = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "l": "1", "|": "1", "Z": "2", "S": "5"}
)
"""Letters the recogniser reads for digits in a score bug's small type."""
AS_DIGIT_CHARS = "ODQUoIlZS|"
DIGITISH = "0-9" + AS_DIGIT_CHARS
SEPARATORS = r"[-–—:+.|=°~*·•]"

_CLOCK = re.compile(r"(?<![0-9])(\d{1,3})\s?[:.]\s?([0-5]\d)(?![0-9])")
_ADDED = re.compile(r"(?:^|\s)\+\s?(\d{1,2})(?![0-9:.])")
_SIDE = rf"([{DIGITISH}]{{1,2}})"
_SCORE = re.compile(rf"(?<![A-Za-z0-9]){_SIDE}\s?({SEPARATORS}|\s)\s?{_SIDE}(?![A-Za-z0-9])")
_TEAM = re.compile(r"^[A-Z][A-Z0-9]{1,3}$")
_CODE = re.compile(r"^[A-Z][A-Z0-9]{2}$")
"""A broadcast's three-letter team code: the stricter test for a score whose separator was lost."""
_GLUED = re.compile(rf"(?<![A-Za-z0-9])([{DIGITISH}])([{DIGITISH}])(?![A-Za-z0-9])")
"""Two score digits with the separator between them lost (``ARL 10 AND``): the recogniser drops a
small bug's thin dash often (on the real clips, most misreads of 0-0 and 1-0 were "00" and "10")."""


@dataclass(frozen=True)
class Read:
    """One frame's score bug, as far as it could be read."""

    home: int | None = None
    away: int | None = None
    teams: tuple[str, str] | None = None
    clock_s: float | None = None
    """The clock as shown (minutes and seconds since the kick-off of the match), without added time."""
    added_min: int | None = None
    """Added time shown beside a stopped clock (``45:00 +2``), in minutes."""
    text: str = ""
    confidence: float = 0.0
    score_at: tuple[float, float] | None = None
    """Where the score stands across the bug (0-1, its first and last character), where known."""

    @property
    def score(self) -> tuple[int, int] | None:
        return (self.home, self.away) if self.home is not None and self.away is not None else None


def parse_bug(text: str, confidence: float = 1.0, positions: tuple[float, ...] = ()) -> Read:
    """The score, teams and clock that ``text`` (one OCR line of a score bug) shows; ``positions``
    (each character's place across the bug) tells where the score stands."""
    read = _parse(text, confidence)
    if read.score is None or len(positions) != len(text):
        return read
    return replace(read, score_at=_score_place(text, read, positions))


def _score_place(text: str, read: Read, positions: tuple[float, ...]) -> tuple[float, float] | None:
    """The first and last character of the score in ``text``, as places across the bug: the score's
    digits are the last two digit-like characters outside the clock (before it where it comes
    last) that parse to it, at most a spaced separator apart (``0 - 0``)."""
    clock = _CLOCK.search(text) if read.clock_s is not None else None
    end = clock.start() if clock is not None and clock.start() > 0 else len(text)
    in_clock = range(clock.start(), clock.end()) if clock is not None else range(0)
    digits = [i for i in range(end) if (text[i].isdigit() or text[i] in AS_DIGIT_CHARS) and i not in in_clock]
    want = (str(read.home)[-1:], str(read.away)[:1])
    for a, b in zip(digits[::-1][1:], digits[::-1], strict=False):
        between = text[a + 1 : b]
        if not (b - a <= 4 and all(c == " " or re.match(SEPARATORS, c) for c in between)):
            continue
        if (text[a].translate(AS_DIGIT), text[b].translate(AS_DIGIT)) != want:
            continue
        before, after = text[a - 1 : a] if a else "", text[b + 1 : b + 2]
        if (before.isalpha() and not text[a].isdigit()) or (after.isalpha() and not text[b].isdigit()):
            continue  # the D of "AND" is no zero
        return positions[a], positions[b]
    return None


def _parse(text: str, confidence: float) -> Read:
    rest = " ".join(text.replace("\u3000", " ").split())
    rest = re.sub(r"(?<=[A-Z]{2})(?=[0-9])|(?<=[0-9])(?=[A-Z]{2})", " ", rest)  # "ARL1-0" is "ARL 1-0"
    clock_s = None
    added = None
    clocks = list(_CLOCK.finditer(rest))
    if clocks:
        # of several candidates the clock is the one with the most minutes digits (a score is 1-2 digits
        # a side, a clock's seconds always 2): "2:0 28:03" keeps 28:03
        best = max(clocks, key=lambda m: (len(m.group(1)) + (m.group(1) != "0"), m.start()))
        minutes, seconds = int(best.group(1)), int(best.group(2))
        if _plausible_clock(minutes, best):
            clock_s = minutes * 60.0 + seconds
            rest = (rest[: best.start()] + " " + rest[best.end() :]).strip()
            if plus := _ADDED.search(" " + rest):
                added = int(plus.group(1))
                rest = (" " + rest)[: plus.start()] + (" " + rest)[plus.end() :]
    elif plus := re.search(r"(?<![0-9])(45|90|105|120)\s?\+\s?(\d{1,2})(?![0-9])", rest):
        clock_s, added = int(plus.group(1)) * 60.0, int(plus.group(2))
        rest = rest[: plus.start()] + " " + rest[plus.end() :]
    home = away = None
    teams = None
    for match in _SCORE.finditer(rest):
        a, b = match.group(1).translate(AS_DIGIT), match.group(3).translate(AS_DIGIT)
        if not (a.isdigit() and b.isdigit()):
            continue
        if match.group(2).isspace() and not any(c.isdigit() for c in match.group(1) + match.group(3)):
            continue  # "O D" or "S O" apart is letters, not a score; "O°D" around a dash is one
        home, away = int(a), int(b)
        left = rest[: match.start()].split()
        right = rest[match.end() :].split()
        if left and right and _TEAM.match(left[-1]) and _TEAM.match(right[0]):
            teams = (left[-1], right[0])
        break
    if home is None:
        home, away, teams = _glued_score(rest)
    return Read(home, away, teams, clock_s, added, text, confidence)


def _glued_score(rest: str) -> tuple[int | None, int | None, tuple[str, str] | None]:
    """A two-character token between two team codes, read as one digit a side: no side of a
    football score reaches ten, so between the teams' names "10" is 1-0 with its dash unseen. Only
    there, between three-letter codes: a lone "10" elsewhere may be anything (a shirt number, a
    minute, "NO 10 IN" of a caption)."""
    for match in _GLUED.finditer(rest):
        a, b = match.group(1).translate(AS_DIGIT), match.group(2).translate(AS_DIGIT)
        left, right = rest[: match.start()].split(), rest[match.end() :].split()
        if not (a.isdigit() and b.isdigit() and any(c.isdigit() for c in match.group(0))):
            continue
        if left and right and _CODE.match(left[-1]) and _CODE.match(right[0]):
            return int(a), int(b), (left[-1], right[0])
    return None, None, None


def _plausible_clock(minutes: int, match: re.Match) -> bool:
    """A score such as ``1:00`` never has two-digit seconds, but ``0:45`` of a clock does; a clock
    runs to about 130 minutes (extra time and its stoppage)."""
    return minutes <= 130 and (len(match.group(1)) >= 2 or match.group(2) != "00" or minutes > 9)

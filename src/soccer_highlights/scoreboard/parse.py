"""What one read of a score bug says: the text an OCR model saw, turned into a score, team names
and a clock, or nothing where the text is not a score bug.

Pure string work, so every layout and every misread can be tested without a video. A bug is read as
its parts, not as one string: the text is first cut into tokens where the recogniser's own places of
its characters leave a box-wide gap (a digit in a box of its own, a clock apart), where a name meets
a number, and around brackets; then each token's shape and place decide what it is:

* the **clock** (``28:03``, ``0:08``, stoppage ``45:00 +2``, ``45+2``) and a **half mark** (``1st``,
  ``2H``, ``前半``);
* **ignored**: an aggregate or shoot-out score in brackets (``(1-5)``, ``[4-3]``), ``LIVE``;
* the **score**: two digits with a separator between them however it is drawn (``2-0``, ``2:0``,
  ``2 0``, a slanted bar or a box edge read as ``/``, ``|``, ``I``, ``1`` or ``+``); a side of ten
  goals or more is taken for a misread separator or no score at all (never a wrong score);
* the **teams**: the words (any script: ``ARL``, ``日本``) next to the score on either side.

The OCR model confuses a few letters and digits in small type (``O``/``D`` for 0, ``I``/``l`` for 1,
``Z`` for 2, ``S`` for 5); they are read as digits only where a score digit must stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

AS_DIGIT = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "l": "1", "|": "1", "Z": "2", "S": "5"}
)
"""Letters the recogniser reads for digits in a score bug's small type."""
AS_DIGIT_CHARS = "ODQUoIlZS|"
DIGITISH = "0-9" + AS_DIGIT_CHARS
BARS = "1Il|/\\!"
"""Characters a thin separator (a bar between two digit boxes, a slant) is read as."""
THIN = "Il|/\\!"
"""Of those, the ones that are never a digit beside another digit in one side of a score."""
SEPARATORS = r"[-–—:+.|=°º~*·•/\\]"
BOX_GAP = 2.5
"""Two characters whose places are this many times the line's usual step (its narrower quarter:
letters within a word) apart stand in separate boxes: a token boundary, even where the recogniser
wrote no space (``BBCLIV0OAST`` of a bug in boxes: 24-37 steps within a word, 85-146 between boxes)."""
NOISE = re.compile(r"(?i)(?<![^\W_])(?:LIVE|EN VIVO|DIRECT|DIRETTA|HD)(?![^\W_])")
HALF_MARK = re.compile(r"(?i)(?<![^\W_])(1\s?st|2\s?nd|1\s?H|2\s?H|HT|FT|ET)(?![^\W_])|(前半|後半|延長)")
"""A half shown on the bug (tokens cut "1st" as "1 st"); Japanese writes no space between it and a
team's name (``前半浦和``)."""
BRACKETED = re.compile(
    r"[(\[][^)\]]{0,12}[)\]]"  # (1-5)
    r"|[(\[]\s?[0-9]{1,2}\s?[-:]\s?[0-9]{1,2}"  # (1-5 of a lost closing bracket
    r"|[0-9]{1,2}\s?[-:]\s?[0-9]{1,2}\s?[)\]]"  # 1-5) of a lost opening one
)
"""An aggregate or penalty shoot-out score in brackets (``(1-5)``), or half of one where the
recogniser lost a bracket: never the score."""

_CLOCK = re.compile(r"(?<![0-9])(\d{1,3})\s?[:.]\s?([0-5]\d)(?![0-9])")
_ADDED = re.compile(r"(?:^|\s)\+\s?(\d{1,2})(?![0-9:.])")
_SIDE = rf"([{DIGITISH}/\\!]{{1,2}})"
_SCORE = re.compile(rf"(?<![^\W_]){_SIDE}\s?({SEPARATORS}|\s)\s?{_SIDE}(?![^\W_])")
_BARRED = re.compile(rf"(?<![^\W_])([{DIGITISH}])([{BARS}])([{DIGITISH}])(?![^\W_])")
"""Two digits in boxes of their own with the bar between the boxes read as a character (``0I0``)."""
_SPACED_BAR = re.compile(rf"(?<![^\W_])([{DIGITISH}])\s([{THIN}])\s([{DIGITISH}])(?![^\W_])")
"""The same with the bar read as a token of its own (``FUL O I O WOL`` of the BBC's boxed 0-0): the
lone bar is the separator, never a side (``0 I 0`` is 0-0, not 0-1)."""
_GLUED = re.compile(rf"(?<![^\W_])([{DIGITISH}])([{DIGITISH}])(?![^\W_])")
"""Two score digits with the separator between them lost (``ARL 10 AND``): the recogniser drops a
small bug's thin dash often (on the real clips, most misreads of 0-0 and 1-0 were "00" and "10")."""
_TEAM = re.compile(r"^(?:[A-Z][A-Z0-9]{1,3}|[^\W\d_][^\W_]{1,19})$")
"""A team: a code (``ARL``) or a name in any script (``日本``, ``タジキスタン``, ``Sevilla``)."""
_CODE = re.compile(r"^[A-Z][A-Z0-9]{2}$")
"""A broadcast's three-letter team code: the stricter test for a score whose separator was lost."""


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
    half_mark: str | None = None
    """A half shown on the bug (``1st``, ``2H``, ``前半``), as shown."""
    score_band: tuple[float, float] | None = None
    """Where the row holding the score stands down the bug (0-1), where the bug has several rows."""

    @property
    def score(self) -> tuple[int, int] | None:
        return (self.home, self.away) if self.home is not None and self.away is not None else None


def parse_bug(text: str, confidence: float = 1.0, positions: tuple[float, ...] = ()) -> Read:
    """The score, teams and clock that ``text`` (one OCR line of a score bug) shows; ``positions``
    (each character's place across the bug, from the recogniser) cut it into its boxes and tell
    where the score stands."""
    places = positions if len(positions) == len(text) else ()
    line, source = _tokens(text, places)
    read, digits = _parse(line, text, confidence)
    if read.score is not None and places and digits is not None:
        a, b = source[digits[0]], source[digits[1]]
        if a >= 0 and b >= 0:
            read = replace(read, score_at=(places[a], places[b]))
    return read


def _tokens(text: str, places: tuple[float, ...]) -> tuple[str, list[int]]:
    """``text`` with one space between its tokens, and for each character its index in ``text``
    (-1 for a space put in): spaces where the recogniser's places leave a box-wide gap, where a
    name of two letters or more meets a number, and around brackets."""
    steps = [b - a for (a, b), pair in zip(pairwise(places), pairwise(text), strict=False) if " " not in pair]
    usual = float(np.percentile(steps, 25)) if len(steps) >= 3 else 0.0
    out: list[str] = []
    source: list[int] = []

    def put(c: str, i: int) -> None:
        if c.isspace() or c == "\u3000":
            if out and out[-1] != " ":
                out.append(" ")
                source.append(-1)
            return
        out.append(c)
        source.append(i)

    for i, c in enumerate(text):
        if i and usual > 0 and places[i] - places[i - 1] > BOX_GAP * usual:
            put(" ", -1)
        prev = text[i - 1] if i else " "
        if c in "([" or (prev in ")]"):
            put(" ", -1)
        elif (prev.isdigit() and c.isalpha() and c not in AS_DIGIT_CHARS) or (
            c.isdigit() and i >= 2 and text[i - 1].isalpha() and text[i - 2].isalpha()
        ):
            put(" ", -1)  # "ARL1-0" is "ARL 1-0", "0タジ" is "0 タジ"
        put(c, i)
    while out and out[-1] == " ":
        out.pop()
        source.pop()
    return "".join(out), source


def _blank(line: str, start: int, end: int) -> str:
    """``line`` with ``[start, end)`` replaced by spaces: what was read there is used up, and every
    other character keeps its index."""
    return line[:start] + " " * (end - start) + line[end:]


def _parse(line: str, text: str, confidence: float) -> tuple[Read, tuple[int, int] | None]:
    rest = line
    for pattern in (BRACKETED, NOISE):
        for m in pattern.finditer(rest):
            rest = _blank(rest, m.start(), m.end())
    half_mark = None
    if mark := HALF_MARK.search(rest):
        half_mark = mark.group(1) or mark.group(2)
        rest = _blank(rest, mark.start(), mark.end())
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
            rest = _blank(rest, best.start(), best.end())
            if plus := _ADDED.search(rest):
                added = int(plus.group(1))
                rest = _blank(rest, plus.start(), plus.end())
    elif plus := re.search(r"(?<![0-9])(45|90|105|120)\s?\+\s?(\d{1,2})(?![0-9])", rest):
        clock_s, added = int(plus.group(1)) * 60.0, int(plus.group(2))
        rest = _blank(rest, plus.start(), plus.end())
    found = _score(rest)
    if found is None:
        return Read(clock_s=clock_s, added_min=added, text=text, confidence=confidence, half_mark=half_mark), None
    (home, away), (a, b), (start, end) = found
    teams = _teams(rest, start, end)
    read = Read(home, away, teams, clock_s, added, text, confidence, None, half_mark)
    return read, (a, b)


def _score(rest: str) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]] | None:
    """The score in ``rest`` (the clock and brackets blanked out): its two sides, the indices of
    their digits, and its span; None where nothing there is a score."""
    if barred := _between_codes(rest, [_SPACED_BAR]):
        return barred
    for match in _SCORE.finditer(rest):
        home, i = _side(match.group(1), match.start(1), inner_last=True)
        away, j = _side(match.group(3), match.start(3), inner_last=False)
        if home is None or away is None or _lone_bar(rest, match):
            continue
        if match.group(2).isspace() and not any(c.isdigit() for c in match.group(1) + match.group(3)):
            # "O D" or "S O" apart is letters, not a score ("O°D" around a dash is one), but
            # between two team codes "O O" is 0-0 in boxes of their own
            left, right = rest[: match.start()].split(), rest[match.end() :].split()
            if not (left and right and _CODE.match(left[-1]) and _CODE.match(right[0])):
                continue
        return (home, away), (i, j), (match.start(), match.end())
    return _between_codes(rest, [_BARRED, _GLUED])


def _between_codes(
    rest: str, patterns: list[re.Pattern]
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]] | None:
    """A score of two digits around a bar (or glued: ``_GLUED``, always strict) that stands between
    two team names; letters alone ("OIO", "O I O") stand for digits only between two three-letter codes."""
    for pattern in patterns:
        for match in pattern.finditer(rest):
            first, last = match.group(1), match.group(match.lastindex)
            a, b = first.translate(AS_DIGIT), last.translate(AS_DIGIT)
            if not (a.isdigit() and b.isdigit()):
                continue
            strict = pattern is _GLUED or not any(c.isdigit() for c in match.group(0))
            left, right = rest[: match.start()].split(), rest[match.end() :].split()
            code = _CODE if strict else _TEAM
            if left and right and code.match(left[-1]) and code.match(right[0]):
                return (int(a), int(b)), (match.start(1), match.start(match.lastindex)), (match.start(), match.end())
    return None


def _lone_bar(rest: str, match: re.Match) -> bool:
    """Whether a side of this score is a bar standing alone between two digits (``0 I 0``): the
    separator of digits in boxes, read as a token, not a side of ``0 I`` or ``I 0``."""
    after = re.match(rf"\s([{DIGITISH}])(?![^\W_])", rest[match.end() :])
    before = re.search(rf"(?<![^\W_])([{DIGITISH}])\s$", rest[: match.start()])
    return (match.group(3) in THIN and after is not None) or (match.group(1) in THIN and before is not None)


def _side(chars: str, at: int, inner_last: bool) -> tuple[int | None, int]:
    """One side of a score and the index of its digit: one digit-like character, or two of which
    one is a thin bar read as a character (``/0`` of a slanted separator, ``I0`` of a box edge): no
    side of a football score reaches ten, and a wrong score is worse than none."""
    if len(chars) == 2:
        # a "1" is never dropped: "15 0" is 1-0 with its dash read as a 5, not 5-0
        bars = [k for k, c in enumerate(chars) if c in THIN]
        if len(bars) != 1:
            return None, at
        k = 1 - bars[0]
        chars, at = chars[k], at + k
    digit = chars.translate(AS_DIGIT)
    if chars in "/\\!" or not digit.isdigit():
        return None, at
    return int(digit), at


def _teams(rest: str, start: int, end: int) -> tuple[str, str] | None:
    """The words on either side of the score, where both look like a team's code or name."""
    left, right = rest[:start].split(), rest[end:].split()
    if left and right and _TEAM.match(left[-1]) and _TEAM.match(right[0]):
        return left[-1], right[0]
    return None


def _plausible_clock(minutes: int, match: re.Match) -> bool:
    """A score such as ``1:00`` never has two-digit seconds, but ``0:45`` of a clock does; a clock
    runs to about 130 minutes (extra time and its stoppage)."""
    return minutes <= 130 and (len(match.group(1)) >= 2 or match.group(2) != "00" or minutes > 9)

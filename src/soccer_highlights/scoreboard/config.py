"""The scoreboard's settings: where to look for the bug, how often to read it, and how reads are
voted into scores, goals and a clock."""

from __future__ import annotations

from dataclasses import dataclass

from soccer_highlights.config import Checked, non_negative, number, positive


@dataclass(frozen=True)
class ScoreboardConfig(Checked):
    band: float = number(0.3, 0.05, 0.5)
    """The bug is looked for in the top and bottom ``band`` of the picture (broadcasters keep it there)."""
    locate_frames: int = number(40, 4, 400)
    """Keyframes, spread over the half, whose lasting edges show where the overlays are."""
    persistence: float = number(0.6, 0.1, 1.0)
    """A pixel belongs to an overlay when it is an edge in at least this share of those keyframes
    (text that stays put while the pitch moves; the clock's digits change, their box does not)."""
    min_read_confidence: float = number(0.5, 0.0, 1.0)
    """OCR lines the recogniser is less sure of than this are no read."""
    change_threshold: float = number(0.08, 0.0, 1.0)
    """The bug is read again only when, where the score's digits are (placed by the recogniser's own
    alignment of the last read), a digit-wide window of its text mask changed by this share of its
    pixels: most keyframes show the same score and are not read. On the real 224p clips a new
    digit changed 0.14-0.22 and compression noise mostly stayed under 0.06 (0.11-0.14 at worst);
    on the BBC's bug laid over real play at 720p (a digit in a tall white box) a new digit changed
    0.09 and noise 0.003."""
    unlike_threshold: float = number(0.12, 0.0, 2.0)
    """The bug is also read again when its score's grey picture is this unlike the last read one
    (1 - normalised cross-correlation): on the real clips a new digit gave 0.22-0.35, a steady bug
    mostly under 0.1 at 224p (an HD copy of them is noisier, which costs reads, not goals)."""
    clock_every_s: float = positive(60.0)
    """The clock is read at least this often even when the score part did not change."""
    hold_reads: int = number(3, 1, 20)
    """A new score counts when this many reads show it before any other score is read (a misread
    or a replay's graphic is one read, a goal holds)."""
    refine_fps: float = positive(4.0)
    """Between the last read of the old score and the first of the new, frames are decoded at this
    rate to find the moment the bug changed."""
    goal_window_s: float = positive(90.0)
    """How far before the new score first appears the goal is looked for (celebrations and replays
    come first; the new score is usually shown within a minute)."""
    ocr_threads: int = number(2, 1, 64)
    """Threads for each OCR call: the recogniser runs alone while the bug is read, and two threads
    take a read from 26 to 15 ms on two cores."""
    clock_tolerance_s: float = non_negative(3.0)
    """Clock reads that disagree with their neighbours' video-to-match offset by more than this are
    misreads; a lasting change of offset is a cut in the video (or a stopped clock)."""

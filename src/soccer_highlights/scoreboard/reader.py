"""Reading a half's score bug from its video: find the bug, read keyframes, look closer at changes.

1. **Find**: keyframes spread over the half (a seek and one keyframe each) show where text stays
   put (``locate.py``); each candidate box is read on a few of them, and the one that reads as a
   score is the bug. No candidate that reads as a score: the half has no readable bug.
2. **Read keyframes only**: every keyframe's bug is turned into a text mask and compared with
   the last one read: a bug whose fixed parts (team names, the box) do not match is hidden (a
   replay) and not read; where the steady part (not the running seconds) changed in one place, by
   a digit's width, the bug is read again; otherwise the last read carries over (and the clock is
   read at least every ``clock_every_s``). A read whose score differs from the one before is
   checked by fresh reads of the next keyframes, so a misread is never carried over. The
   keyframes are decoded in a thread ahead of the reads.
3. **Look closer** at each change the reads vote for: where the video was cut in the window before
   it (found by halves on the clock), and, between the last read of another score and the first
   read of the new one, the frame where the bug changed (frames decoded at ``refine_fps`` and
   searched by halves with the recogniser), to a fraction of a second instead of a keyframe interval.

The whole reading costs the keyframes' decode, a few seconds of full decode around each change,
and one OCR call (about 14 ms on two cores) per read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from soccer_highlights.core import ProgressFn
from soccer_highlights.media.background import in_background
from soccer_highlights.media.decode import SampledFrame, iter_frames, iter_keyframes, keyframes_near
from soccer_highlights.media.probe import probe
from soccer_highlights.scoreboard.config import ScoreboardConfig
from soccer_highlights.scoreboard.locate import (
    Box,
    BugLayout,
    candidate_boxes,
    edge_persistence,
    same_line,
    text_mask,
    text_rows,
)
from soccer_highlights.scoreboard.ocr import LINE_HEIGHT
from soccer_highlights.scoreboard.parse import Read, parse_bug
from soccer_highlights.scoreboard.vote import Change, TimedRead, vote_scores

log = logging.getLogger(__name__)
MAX_REFINED = 40
"""At most this many changes are looked at closely per half (a half of misreads must stay cheap)."""


@dataclass(frozen=True)
class BugReading:
    """What reading one half's video gave."""

    duration_s: float
    box: Box | None
    """Where the bug is (None: no readable bug)."""
    reads: list[TimedRead]
    ocr_calls: int = 0
    why: str | None = None
    """Why no bug was read, where none was and the reason is more than "none found"."""


def downscale(image: np.ndarray, factor: int) -> np.ndarray:
    """``image`` shrunk by an integer ``factor`` (block means)."""
    if factor <= 1:
        return image
    h, w = (image.shape[0] // factor) * factor, (image.shape[1] // factor) * factor
    return image[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3)).astype(np.uint8)


def grey(rgb: np.ndarray) -> np.ndarray:
    """The luma of an RGB picture. Changes are told apart in grey, but the keyframe pass reads the
    colour crop: in grey the recogniser read 1-0 as 1-8 on the real clips."""
    return (rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114).astype(np.uint8)


REREAD_EVERY_S = 4.0
"""A cut before a change of score is placed to within this (see ``_read_before_changes``)."""
CLOCK_TRIES = 3
"""A clock read that shows no clock is tried on the next keyframes, this many in all, then not again
before ``clock_every_s``: a bug whose box holds no clock (some broadcasters show it apart, or it is
hidden for a while) was read on every keyframe, 540 reads a half instead of about 50."""
KEYFRAMES_AHEAD = 64
"""Keyframes decoded ahead (in a thread) while the bug is read: a few hundred kB of crops."""
HIDDEN_RECHECK_S = 10.0
"""A bug that looks hidden is read anyway at the first such look and then once in this long: its look
can change for good (the scorer's side set in bold, a sponsor's panel), and then it would look hidden
for the rest of the half."""
SPARSE_LOOKS_FPS = 2.0
"""Where an input has fewer keyframes than the bug's finding samples (a clip of a minute or two,
keyframes 10 s apart), its frames are looked at this often: two keyframes cannot show a score
change that must hold three reads."""
GALLERY = 12
"""How many looks of the current score (each confirmed by a read) a keyframe is compared with."""


class BugReader:
    """Reads score bugs with one OCR model; ``read_half`` does a whole half."""

    def __init__(self, config: ScoreboardConfig | None = None, text_reader: Callable | None = None):
        self.config = config or ScoreboardConfig()
        if text_reader is None:
            from soccer_highlights.scoreboard.ocr import TextReader

            text_reader = TextReader(self.config.ocr_threads).read
        self._read_text = text_reader
        self._detector = None
        self.calls = 0
        self.bug: Box | None = None
        """The bug's box, once found; ``rows``: its rows of text within it, each read as one line."""
        self.rows: tuple[Box, ...] | None = None
        self.why: str | None = None
        """Why no box was taken for the bug (see :func:`unread_why`)."""
        self.sparse = False
        """The input has too few keyframes to read the bug on (a short clip): it is looked at at
        ``SPARSE_LOOKS_FPS`` instead."""

    def read_crop(self, crop: np.ndarray, rows: tuple[Box, ...] | None = None) -> Read:
        """One crop of the bug (grey or RGB) read and parsed: each of its rows of text (``rows``,
        boxes within the crop; by default those found for the bug's box when the crop is of that
        box) scaled to the recogniser's line height and read as one line, the rows' reads joined."""
        if rows is None and self.bug is not None and crop.shape[:2] == (self.bug.height, self.bug.width):
            rows = self.rows
        h, w = crop.shape[:2]
        if not rows or len(rows) == 1:  # one row: the box is cut to it already
            return self._read_line(crop)
        # a margin round each row: the recogniser reads a line better with background round it
        rows = tuple(row.grown(max(1, row.height // 4), h, w) for row in rows)
        reads = [(row, self._read_line(row.crop(crop))) for row in rows]
        return joined_rows(reads, h, w)

    def _read_line(self, crop: np.ndarray) -> Read:
        from PIL import Image

        height = LINE_HEIGHT
        width = max(1, round(crop.shape[1] * height / max(1, crop.shape[0])))
        scaled = np.asarray(Image.fromarray(crop).resize((width, height), Image.LANCZOS))
        if scaled.ndim == 2:
            scaled = np.repeat(scaled[..., None], 3, axis=2)
        self.calls += 1
        line = self._read_text(scaled)
        if line.confidence < self.config.min_read_confidence:
            return Read(text=line.text, confidence=line.confidence)
        return parse_bug(line.text, line.confidence, line.positions)

    def locate(self, video: Path, duration_s: float) -> tuple[Box | None, list[np.ndarray]]:
        """The bug's box and its grey crops on the sampled keyframes (None: no box reads as a score);
        its rows of text are kept for the reads (``self.rows``)."""
        self.bug, self.rows, self.why = None, None, None
        n = self.config.locate_frames
        times = (np.arange(n) + 0.5) * duration_s / n
        sample = keyframes_near(video, times)
        self.sparse = len(sample) < n // 2
        if self.sparse:  # a short input has few keyframes: its frames at a regular rate instead
            sample = list(iter_frames(video, n / max(duration_s, 1e-3), end_s=duration_s))
        if not sample:
            return None, []
        # edges are found at about 240 lines whatever the source (an HD bug's letters are no sharper
        # per pixel than a 224p one's, only larger), then the boxes are scaled back to the frame
        frame_h, frame_w = sample[0].rgb.shape[:2]
        factor = max(1, frame_h // 240)
        persistence = edge_persistence([downscale(grey(f.rgb), factor) for f in sample])
        best: tuple[float, Box, tuple[Box, ...]] | None = None
        texty: list[tuple[Box, list[Read]]] = []
        candidates = same_line(candidate_boxes(persistence, self.config.persistence, self.config.band))
        for small in candidates[:4]:
            box = small.scaled(factor, frame_h, frame_w)
            probes = sample[:: max(1, len(sample) // 6)][:6]
            # read as one line first (most bugs are: no detector needed); where that shows no score
            # or no clock, the text detector finds the box's rows (a clock below the score)
            rows = (Box(0, box.height, 0, box.width),)
            reads = [self.read_crop(box.crop(f.rgb), rows) for f in probes]
            if sum(r.clock_s is not None for r in reads) * 2 <= len(reads):
                found = self._rows(box, probes, frame_h)
                again = [self.read_crop(box.crop(f.rgb), found) for f in probes]
                if _quality(again) >= _quality(reads):  # as good: the rows, cut closer to the text
                    rows, reads = found, again
            share = sum(r.score is not None for r in reads) / len(reads)
            texty.append((box, reads))
            if share >= 0.3 and (best is None or share > best[0]):
                best = (share, box, rows)
            if share > 0.5:  # most looks read as a score: the bug (the other boxes are not read)
                break
        if best is None:
            self.why = unread_why(texty)
            return None, []
        _, box, rows = best
        self.bug, self.rows = tightened(box, rows, frame_h, frame_w)
        return self.bug, [grey(self.bug.crop(f.rgb)) for f in sample]

    def _rows(self, box: Box, probes: list, frame_h: int) -> tuple[Box, ...]:
        """The rows of text in ``box``, from PP-OCR's text detector on its looks in ``probes`` (the
        looks where it finds text), the picture seen as ``DET_SCALE_LINES`` lines tall."""
        from soccer_highlights.scoreboard.ocr import DET_SCALE_LINES, TextDetector

        if self._detector is None:
            self._detector = TextDetector(self.config.ocr_threads)
        scale = DET_SCALE_LINES / frame_h
        looks = [[line[:4] for line in self._detector.detect(box.crop(f.rgb), scale)] for f in probes]
        return text_rows([look for look in looks if look], box)

    def read_half(self, video: str | Path, progress: ProgressFn | None = None) -> BugReading:
        video = Path(video)
        duration_s = probe(video).duration_s
        self.calls = 0
        box, crops = self.locate(video, duration_s)
        if box is None:
            if progress:
                progress(duration_s)
            return BugReading(duration_s, None, [], self.calls, self.why)
        layout = BugLayout.learn(crops)
        reads, crops = self._read_keyframes(video, box, layout, progress)
        reads = self._read_before_changes(reads, crops, self._changes(reads, duration_s))
        reads = self._refine(video, box, layout, reads, self._changes(reads, duration_s))
        if progress:
            progress(duration_s)
        return BugReading(duration_s, box, reads, self.calls)

    def _read_keyframes(
        self, video: Path, box: Box, layout: BugLayout, progress: ProgressFn | None
    ) -> tuple[list[TimedRead], dict[float, np.ndarray]]:
        """Every keyframe's read: a fresh one where the score's digits changed (or to check a change,
        or for the clock), the last one carried over where they did not, none where the bug is hidden.

        A keyframe's score part is compared with the last ``GALLERY`` looks of it that a read showed
        to hold the current score, and counts as unchanged when it is like any of them: compression
        and the picture behind a see-through bug vary a look more than a new digit would vary from
        all of them (on the real loop scaled to 720p: 1,144 OCR reads against 1,466 with the last
        look alone; 685 against 733 at 224p).
        Each shown bug's crop is kept in grey (a few kB: a 2-hour 1080p file keeps under 20 MB) for
        the closer look at changes."""
        cfg = self.config
        reads: list[TimedRead] = []
        crops: dict[float, np.ndarray] = {}
        last: TimedRead | None = None
        looks: list[tuple[np.ndarray, np.ndarray]] = []  # (text mask, grey crop) of the current score
        score_at: tuple[slice, slice] | None = None
        last_clock_s = -np.inf
        last_look_s = -np.inf
        shown_before: bool | None = None  # whether the last look showed the bug
        clock_misses = 0
        verify = 0
        region = (box.top, box.bottom, box.left, box.right)
        if self.sparse:  # a short input with keyframes far apart: its frames at a regular rate instead
            source = (SampledFrame(f.time_s, box.crop(f.rgb).copy()) for f in iter_frames(video, SPARSE_LOOKS_FPS))
        else:
            source = iter_keyframes(video, region=region)
        for frame in in_background(source, KEYFRAMES_AHEAD):
            if progress:
                progress(frame.time_s)
            crop = frame.rgb
            luma = grey(crop)
            mask = text_mask(luma)
            if layout.hidden(mask):
                if shown_before is False and frame.time_s - last_look_s < HIDDEN_RECHECK_S:
                    continue
                shown_before = False
                # hidden for a while, or its look changed for good (the scorer's side set in bold):
                # read it; where it shows a score, its fixed parts look like this from now on
                last_look_s = frame.time_s
                read = self.read_crop(crop)
                if read.score is None:
                    continue
                layout = layout.relearned(mask)
                looks = []
            last_look_s, shown_before = frame.time_s, True
            crops[frame.time_s] = luma
            # where the score's digits are (once a read placed them): a new digit changes them
            changed = all(
                layout.change(mask, seen_mask, score_at) > cfg.change_threshold
                or unlikeness(luma, seen_luma, score_at) > cfg.unlike_threshold
                for seen_mask, seen_luma in looks
            )
            clock_due = frame.time_s - last_clock_s >= cfg.clock_every_s
            if not (changed or verify > 0 or clock_due):
                reads.append(TimedRead(frame.time_s, replace(last.read, clock_s=None, added_min=None), fresh=False))
                continue
            read = self.read_crop(crop)
            reads.append(TimedRead(frame.time_s, read))
            if read.clock_s is not None:
                last_clock_s, clock_misses = frame.time_s, 0
            elif clock_due:
                clock_misses += 1
                if clock_misses >= CLOCK_TRIES:  # no clock to read here: not again before clock_every_s
                    last_clock_s, clock_misses = frame.time_s, 0
            if read.score is None:
                continue  # a misread: the next keyframe is compared with the last good read
            # a first score is checked by fresh reads like a change: a carried read is no evidence
            checking = last is None or read.score != last.read.score
            verify = cfg.hold_reads if checking else max(0, verify - 1)
            looks = [(mask, luma)] if checking else [*looks[1 - GALLERY :], (mask, luma)]
            last = reads[-1]
            score_at = _score_region(read, *mask.shape) or score_at
        return reads, crops

    def _changes(self, reads: list[TimedRead], duration_s: float) -> list[Change]:
        """The changes of score the reads so far vote for: only those are looked at more closely (a
        misread of another score, read once, is none; looking around each cost 15-20 reads)."""
        return vote_scores(reads, self.config.hold_reads, duration_s)[1]

    def _read_before_changes(
        self, reads: list[TimedRead], crops: dict[float, np.ndarray], changes: list[Change]
    ) -> list[TimedRead]:
        """Where in the window before each change of score (where its goal is looked for) the video
        was cut, if it was: a cut bounds the goal. A broadcast's clock runs with the video, so the
        offset between them (match time minus video time) is one number until a cut; the keyframe
        at the window's start is read afresh, and where its offset is the one after the change
        there is no cut (one read). Otherwise the cut is searched by halves among the window's
        keyframes to within ``REREAD_EVERY_S`` (five or six reads). Reading every keyframe of the
        window one every 4 s instead cost 22 reads a goal, and an HD file's every keyframe 5,600
        reads for the 48 changes of the real loop."""
        tolerance = self.config.clock_tolerance_s
        fresh = {r.time_s: r for r in reads}
        shown = sorted(crops)

        def offset_at(i: int, stop: int, window: list[float]) -> tuple[int, float | None]:
            """The clock's offset at window keyframe ``i`` (or the next ones before ``stop``
            where a read shows no clock), read afresh where it was carried over."""
            for j in range(i, min(stop, i + 3)):
                t = window[j]
                if not fresh[t].fresh:
                    fresh[t] = TimedRead(t, self.read_crop(crops[t]))
                if (offset := _offset(fresh[t])) is not None:
                    return j, offset
            return i, None

        for change in changes:
            after = [_offset(fresh[t]) for t in shown if change.shown_s <= t < change.shown_s + 60]
            after = [o for o in after if o is not None][:4]
            if not after:
                continue  # no clock read after the change: nothing to compare with
            reference = float(np.median(after))
            window = [t for t in shown if change.shown_s - self.config.goal_window_s <= t < change.shown_s]
            hi = len(window)  # window[hi:] (and the change) show the reference offset, window[lo] another
            lo, o = offset_at(0, hi, window)
            if o is None or abs(o - reference) <= tolerance:
                continue  # one run of the clock through the window: no cut
            while hi - lo > 1 and (window[hi] if hi < len(window) else change.shown_s) - window[lo] > REREAD_EVERY_S:
                j, o = offset_at((lo + hi) // 2, hi, window)
                if o is None:
                    break
                lo, hi = (lo, j) if abs(o - reference) <= tolerance else (j, hi)
        return sorted(fresh.values(), key=lambda r: r.time_s)

    def _refine(
        self, video: Path, box: Box, layout: BugLayout, reads: list[TimedRead], voted: list[Change]
    ) -> list[TimedRead]:
        """For each voted change, the frame where the bug changed, between the last read of another
        score and the first of the new: the frames between them (at ``refine_fps``) are searched by
        halves, each look an OCR read (five or so per change), then every frame from it is a read of
        the new score, and every frame before it one of the old where that read was the old score
        (a bug changes once between two reads). Pixels alone cannot tell a blurred HD digit from its
        neighbour; the recogniser can. The read before is the nearest of any other score, not the
        old score's last (a misread or a join to another score can stand between them): the frames
        between those two could be a minute of HD video, decoded at a cost of a decode each."""
        known = [r for r in reads if r.read.score is not None]
        changes = []
        for change in voted:
            new = next((r for r in known if r.time_s == change.shown_s), None)
            # the last read of any other score (a misread one too) before it: the bug changed after it
            old = next((r for r in reversed(known) if r.time_s < change.shown_s and r.read.score != change.after), None)
            if new is not None and old is not None:
                changes.append((change, old, new))
        if len(changes) > MAX_REFINED:
            log.info("%s: %d score changes read; looking closely at the first %d", video, len(changes), MAX_REFINED)
        extra: list[TimedRead] = []
        for change, old, new in changes[:MAX_REFINED]:
            frames = [
                (f.time_s, box.crop(f.rgb).copy())  # a copy: a view would keep the whole frame
                for f in iter_frames(video, self.config.refine_fps, start_s=old.time_s + 1e-3, end_s=new.time_s)
            ]
            frames = [(t, c) for t, c in frames if not layout.hidden(text_mask(grey(c)))]
            lo, hi = -1, len(frames)  # frames[lo] shows the old score (or is the old read), frames[hi] the new
            while hi - lo > 1:
                mid = (lo + hi) // 2
                read = Read()
                for look in (mid, mid + 1, mid - 1):  # a misread: a neighbouring frame is read instead
                    if lo < look < hi:
                        read = self.read_crop(frames[look][1])
                        extra.append(TimedRead(frames[look][0], read))
                        if read.score in (new.read.score, old.read.score):
                            mid = look
                            break
                if read.score == new.read.score:
                    hi = mid
                elif read.score == old.read.score:
                    lo = mid
                else:
                    break  # three misreads, or a third score: the keyframes' times stand
            else:
                for i, (time_s, _) in enumerate(frames):
                    source = new if i >= hi else old if old.read.score == change.before else None
                    if source is not None:
                        carried = replace(source.read, clock_s=None, added_min=None)
                        extra.append(TimedRead(time_s, carried, fresh=False))
        merged = {r.time_s: r for r in extra}
        merged.update({r.time_s: r for r in reads})
        return sorted(merged.values(), key=lambda r: r.time_s)


SMALL_TEXT_PX = 12
"""A box of lasting text this few pixels tall (or fewer) holds letters of five or six pixels: below
what the recogniser (or an eye) tells apart. The real Arsenal bug at 320 px wide is 9 px tall and
reads "ANG SVD AND 2E:03" for "ARL 1-0 AND 28:03"; at 360 px it is 10 px and reads right."""


def unread_why(candidates: list[tuple[Box, list[Read]]]) -> str | None:
    """Why none of the ``candidates`` (boxes of lasting edges, with their reads) was taken for the
    bug, where the reads show a bug was there: a clock or team names read, or confident text in a
    box too small for its score's digits to be told apart."""
    for box, reads in candidates:
        seen = [r for r in reads if r.clock_s is not None or r.teams is not None]
        if not seen and not (box.height <= SMALL_TEXT_PX and any(r.text.strip() for r in reads)):
            continue
        where = f"at x {box.left}-{box.right}, y {box.top}-{box.bottom}"
        if box.height <= SMALL_TEXT_PX:
            return (
                f"a bug {where} holds text only {box.height} px tall: too small to read its score "
                "(a larger copy of the video would be read); the score is unknown"
            )
        return f"a bug {where} shows a clock or names, but its score was never read; the score is unknown"
    return None


def _quality(reads: list[Read]) -> tuple[int, int]:
    """How well a way of reading a box did on its probes: reads with a score, then with a clock."""
    return sum(r.score is not None for r in reads), sum(r.clock_s is not None for r in reads)


def tightened(box: Box, rows: tuple[Box, ...], height: int, width: int) -> tuple[Box, tuple[Box, ...]]:
    """The bug's box cut down to its rows of text (and a small margin), and the rows within it: the
    box of lasting edges can hold moving picture above and below a bug drawn in boxes, and every
    look at the bug compares its pixels."""
    if len(rows) == 1 and rows[0] == Box(0, box.height, 0, box.width):
        return box, rows
    union = rows[0]
    for row in rows[1:]:
        union = union.union(row)
    pad = max(2, union.height // 4)
    top, left = max(0, box.top + union.top - pad), max(0, box.left + union.left - pad)
    tight = Box(top, min(height, box.top + union.bottom + pad), left, min(width, box.left + union.right + pad))
    moved = tuple(
        Box(r.top + box.top - top, r.bottom + box.top - top, r.left + box.left - left, r.right + box.left - left)
        for r in rows
    )
    return tight, moved


def joined_rows(reads: list[tuple[Box, Read]], height: int, width: int) -> Read:
    """One read of a bug from the reads of its rows (boxes within a crop ``height`` x ``width``):
    the score and teams from the row that shows a score (teams preferred), the clock and the half
    mark from the first row that shows each; the score's place across the whole crop."""
    scored = [(row, r) for row, r in reads if r.score is not None]
    scored.sort(key=lambda item: item[1].teams is None)
    clock = next((r for _, r in reads if r.clock_s is not None), None)
    mark = next((r.half_mark for _, r in reads if r.half_mark), None)
    text = " | ".join(r.text for _, r in reads)
    confidence = float(np.mean([r.confidence for _, r in reads]))
    base = Read(text=text, confidence=confidence, half_mark=mark)
    if clock is not None:
        base = replace(base, clock_s=clock.clock_s, added_min=clock.added_min)
    if not scored:
        return base
    row, r = scored[0]
    at = None
    if r.score_at is not None:
        at = tuple((row.left + p * row.width) / width for p in r.score_at)
    band = (row.top / height, row.bottom / height)
    return replace(base, home=r.home, away=r.away, teams=r.teams, score_at=at, score_band=band)


def _offset(r: TimedRead) -> float | None:
    """Match time minus video time at a fresh read of a running clock (None: no such read)."""
    if not r.fresh or r.read.clock_s is None or r.read.added_min is not None:
        return None
    return r.read.clock_s - r.time_s


def unlikeness(a: np.ndarray, b: np.ndarray, where: tuple[slice, slice] | None) -> float:
    """1 minus the normalised cross-correlation of two grey crops (in the rows and columns
    ``where``): 0 for the same picture under any change of brightness or contrast, towards 1 for
    another one. It sees a blurred HD digit change that a text mask's few flipped pixels miss."""
    x, y = (a[where] if where is not None else a).astype(np.float32), (b[where] if where is not None else b)
    y = y.astype(np.float32)
    x, y = (x - x.mean()) / (x.std() + 1e-6), (y - y.mean()) / (y.std() + 1e-6)
    return float(1.0 - (x * y).mean())


def _score_region(read: Read, height: int, width: int) -> tuple[slice, slice] | None:
    """The rows and columns of the bug's crop (``height`` x ``width``) where ``read`` placed the
    score: its row of text, and its digits with half a line's margin."""
    if read.score_at is None:
        return None
    top, bottom = read.score_band or (0.0, 1.0)
    rows = slice(int(top * height), max(int(top * height) + 1, int(np.ceil(bottom * height))))
    pad = max(1, (rows.stop - rows.start) // 2)
    lo, hi = int(read.score_at[0] * width) - pad, int(np.ceil(read.score_at[1] * width)) + pad
    return rows, slice(max(0, lo), min(width, hi))

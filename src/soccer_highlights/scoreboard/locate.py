"""Where the score bug is: text that stays put while the picture moves.

Over keyframes spread across the half, a pixel of an overlay is an edge in nearly every frame (the
bug's letters and box, the channel's logo), while the pitch, the players and the crowd move under
the camera and their edges come and go. The lasting edges in the picture's top and bottom bands,
joined into boxes, are the candidates; the caller reads each and keeps the one that reads as a
score. A clock's digits change every second, but the box around them and their neighbours stay, so
the clock lies inside the bug's box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

FULL_WIDTH = 0.8
"""A row whose lasting edges cover this share of the picture's width is a line, not a bug: joined
to the bug's letters, it made a box as wide as the picture on a synthetic match with a still
touchline, and every read three times as costly."""
EDGE_LEVEL = 40.0
"""A grey-level step between neighbouring pixels this large is an edge (text on a bug is high-contrast)."""


@dataclass(frozen=True)
class Box:
    """A rectangle of the picture, in pixels: rows ``top:bottom``, columns ``left:right``."""

    top: int
    bottom: int
    left: int
    right: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left

    def crop(self, frame: np.ndarray) -> np.ndarray:
        return frame[self.top : self.bottom, self.left : self.right]

    def to_json(self) -> list[int]:
        return [self.top, self.bottom, self.left, self.right]

    def union(self, other: Box) -> Box:
        return Box(
            min(self.top, other.top),
            max(self.bottom, other.bottom),
            min(self.left, other.left),
            max(self.right, other.right),
        )

    def grown(self, margin: int, height: int, width: int) -> Box:
        """This box with ``margin`` pixels more on every side, within a picture ``height`` x ``width``."""
        return Box(
            max(0, self.top - margin),
            min(height, self.bottom + margin),
            max(0, self.left - margin),
            min(width, self.right + margin),
        )

    def scaled(self, factor: int, height: int, width: int) -> Box:
        """This box of a picture shrunk by ``factor``, on the picture ``height`` x ``width`` itself."""
        return Box(
            self.top * factor, min(height, self.bottom * factor), self.left * factor, min(width, self.right * factor)
        )


def edge_persistence(frames: Sequence[np.ndarray]) -> np.ndarray:
    """Per pixel, the share of ``frames`` (grey ``(h, w)``) in which it is an edge."""
    count = None
    for frame in frames:
        g = frame.astype(np.int16)
        gx = np.abs(np.diff(g, axis=1, prepend=g[:, :1]))
        gy = np.abs(np.diff(g, axis=0, prepend=g[:1, :]))
        edge = np.maximum(gx, gy) >= EDGE_LEVEL
        count = edge.astype(np.int32) if count is None else count + edge
    if count is None:
        raise ValueError("no frames to find the score bug in")
    return count / len(frames)


def candidate_boxes(persistence: np.ndarray, threshold: float, band: float) -> list[Box]:
    """Boxes of lasting edges in the top and bottom ``band`` of the picture, widest first: each a
    line of text (at least three times wider than tall, between 2% and 15% of the picture's height)."""
    h, w = persistence.shape
    mask = persistence >= threshold
    rows = round(h * band)
    mask[rows : h - rows] = False
    # a line across the picture (a border, a still camera's touchline) is no text
    mask[mask.mean(axis=1) > FULL_WIDTH] = False
    # letters of one line are joined across the gaps between them (a few letter widths), lines kept apart
    joined = _widened(_gaps_filled(mask, max(3, w // 50)))
    boxes = []
    for box in component_boxes(joined):
        if box.width >= 3 * box.height and 0.02 * h <= box.height <= 0.15 * h:
            boxes.append(_padded(box, h, w))
    return sorted(boxes, key=lambda b: -b.width)


def _gaps_filled(mask: np.ndarray, length: int) -> np.ndarray:
    """``mask`` with every gap shorter than ``length`` between two set pixels of a row set (a
    morphological closing along rows; done here in numpy, as importing SciPy's ndimage cost a
    sixth of a second of every scoreboard run)."""
    out = mask.copy()
    rows, cols = np.nonzero(mask)  # row by row, left to right
    fill = (rows[1:] == rows[:-1]) & (cols[1:] - cols[:-1] > 1) & (cols[1:] - cols[:-1] <= length)
    for r, a, b in zip(rows[1:][fill].tolist(), cols[:-1][fill].tolist(), cols[1:][fill].tolist(), strict=True):
        out[r, a:b] = True
    return out


def _widened(mask: np.ndarray) -> np.ndarray:
    """``mask`` with each set pixel's left and right neighbours set too."""
    out = mask.copy()
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def component_boxes(mask: np.ndarray) -> list[Box]:
    """The bounding box of each 4-connected region of ``mask``, from the runs of set pixels in each
    row: a run joins the runs it overlaps in the row above."""
    parent: list[int] = []
    runs: list[tuple[int, int, int]] = []  # (row, start, stop)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    above: list[int] = []
    for r, row in enumerate(mask):
        edges = np.flatnonzero(np.diff(np.concatenate(([0], row.view(np.uint8), [0]))))
        here = []
        for start, stop in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            parent.append(len(runs))
            runs.append((r, start, stop))
            for j in above:
                if runs[j][1] < stop and start < runs[j][2]:
                    parent[root(j)] = root(len(runs) - 1)
            here.append(len(runs) - 1)
        above = here
    extents: dict[int, list[int]] = {}
    for i, (r, start, stop) in enumerate(runs):
        e = extents.setdefault(root(i), [r, r + 1, start, stop])
        e[0], e[1], e[2], e[3] = min(e[0], r), max(e[1], r + 1), min(e[2], start), max(e[3], stop)
    return [Box(*e) for e in extents.values()]


def _padded(box: Box, h: int, w: int) -> Box:
    """A margin around the text (the recogniser reads a line better with some background round it)."""
    pad = max(2, box.height // 4)
    return Box(max(0, box.top - pad), min(h, box.bottom + pad), max(0, box.left - pad), min(w, box.right + pad))


def text_mask(crop: np.ndarray) -> np.ndarray:
    """The bug's text as a boolean mask (pixels brighter than halfway between the crop's darkest and
    brightest): compression noise moves grey levels, not which side of halfway a letter's pixel is on."""
    g = crop.astype(np.float32)
    return g > (float(g.max()) + float(g.min())) / 2


@dataclass(frozen=True)
class BugLayout:
    """Which columns of the box hold what: ``anchor`` columns never change (team names, the box's
    edges: they tell whether the bug is on screen at all), ``steady`` ones change rarely (those and
    the score), the rest every second (the running clock)."""

    anchor: np.ndarray
    steady: np.ndarray
    template: np.ndarray
    """The anchor columns' usual mask."""
    digit_width: int

    @classmethod
    def learn(cls, crops: Sequence[np.ndarray]) -> BugLayout:
        masks = [text_mask(c) for c in crops]
        width = masks[0].shape[1]
        if len(masks) < 2:
            every = np.ones(width, bool)
            return cls(every, every, masks[0], max(2, masks[0].shape[0] // 2))
        # a column changed between two frames when a tenth of its pixels did (a single pixel's flicker
        # at a letter's edge is noise, more so at HD sizes)
        changes = np.mean([(a != b).mean(axis=0) > 0.1 for a, b in pairwise(masks)], axis=0)
        anchor = changes <= 0.1
        template = np.mean(masks, axis=0) > 0.5
        return cls(anchor, changes <= 0.3, template, max(2, masks[0].shape[0] // 2))

    def relearned(self, mask: np.ndarray) -> BugLayout:
        """This layout with its fixed parts as they look in ``mask`` (a bug read on screen whose
        look changed for good)."""
        return replace(self, template=mask.copy())

    def hidden(self, mask: np.ndarray, limit: float = 0.25) -> bool:
        """The bug is not on screen (a replay, a close-up's graphic): its fixed parts do not match."""
        if not self.anchor.any():
            return False
        return float((mask[:, self.anchor] != self.template[:, self.anchor]).mean()) > limit

    def change(self, mask: np.ndarray, before: np.ndarray, where: tuple[slice, slice] | None = None) -> float:
        """How much the steady part (or the rows and columns ``where``: the score's) changed, where
        it changed most: the share of differing pixels in the worst window a digit wide (a new
        digit changes one place; noise speckles everywhere). Only the score's row counts where the
        bug has several: a digit is a small part of a two-row bug's height."""
        rows = where[0] if where is not None else slice(None)
        columns = (mask[rows] != before[rows]).mean(axis=0) * self.steady
        if where is not None:
            columns = columns[where[1]]
        if len(columns) < self.digit_width:
            return float(columns.mean())
        return float(np.convolve(columns, np.ones(self.digit_width) / self.digit_width, mode="valid").max())


def same_line(boxes: Sequence[Box]) -> list[Box]:
    """``boxes`` with those that stand side by side on one line joined (widest first): a bug drawn
    as several boxes (the clock in one, the teams and score in another, an aggregate in a third)
    leaves gaps wider than letters, and its thin digits may leave no lasting edges of their own."""
    merged = list(boxes)
    joined = True
    while joined:
        joined = False
        for i, a in enumerate(merged):
            for j in range(i + 1, len(merged)):
                b = merged[j]
                overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
                gap = max(a.left, b.left) - min(a.right, b.right)
                if overlap >= 0.5 * min(a.height, b.height) and gap <= 2 * max(a.height, b.height):
                    merged[i] = a.union(b)
                    del merged[j]
                    joined = True
                    break
            if joined:
                break
    return sorted(merged, key=lambda b: -b.width)


def text_rows(lines: Sequence[Sequence[tuple[int, int, int, int]]], box: Box) -> tuple[Box, ...]:
    """The rows of text in a bug's ``box`` (boxes relative to it, top to bottom), from the lines a
    text detector found on a few looks of it (``(top, bottom, left, right)`` each): a line seen on
    at least half the looks counts; lines that overlap a row's first line by 60% of the taller one's
    height stand in that row, read as one line of text (a clock beside the score), the others apart
    (a clock on a row below, a half mark as tall as both rows: it joins neither). No lines: the whole box is one row."""
    seen: list[tuple[Box, int]] = []
    for look in lines:
        for found in look:
            line = Box(*found)
            for k, (other, n) in enumerate(seen):
                if _iou(line, other) >= 0.3:
                    seen[k] = (other, n + 1)
                    break
            else:
                seen.append((line, 1))
    kept = sorted((line for line, n in seen if n * 2 >= len(lines)), key=lambda b: (b.top + b.bottom) / 2)
    rows: list[tuple[Box, Box]] = []  # (the row's first line, the row)
    for line in kept:
        for k, (first, row) in enumerate(rows):
            overlap = min(first.bottom, line.bottom) - max(first.top, line.top)
            if overlap >= 0.6 * max(first.height, line.height):
                rows[k] = (first, row.union(line))
                break
        else:
            rows.append((line, line))
    if not rows:
        return (Box(0, box.height, 0, box.width),)
    return tuple(sorted((row for _, row in rows), key=lambda b: b.top))


def _iou(a: Box, b: Box) -> float:
    h = max(0, min(a.bottom, b.bottom) - max(a.top, b.top))
    w = max(0, min(a.right, b.right) - max(a.left, b.left))
    inter = h * w
    return inter / max(1, a.height * a.width + b.height * b.width - inter)

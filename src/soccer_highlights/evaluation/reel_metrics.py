"""What a reel contains, measured against labels: coverage, focus, length and timing.

* coverage: the share of highlight-class events whose time lies inside the reel, per class;
* focus: the share of reel time that lies within a window around some highlight event (by default
  the seed's highlight window, 10 s before to 5 s after): how much of the reel is worth watching;
* length: the reel's seconds and its share of the match;
* timing: for each highlight event, the signed error of the nearest segment peak in its half.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from soccer_highlights.config import EDGE_TOLERANCE_S, FOCUS_WINDOW_S
from soccer_highlights.core import Segment, union_of
from soccer_highlights.errors import InputError
from soccer_highlights.evaluation.coverage import Coverage, event_coverage
from soccer_highlights.output import SEGMENTS_FILE
from soccer_highlights.output.document import SegmentsDocument, read_segments_document
from soccer_highlights.soccernet.labels import Event, load_labels
from soccer_highlights.soccernet.layout import find_games


@dataclass(frozen=True)
class ReelMetrics:
    game: str
    coverage: Coverage
    reel_s: float
    match_s: float
    focused_s: float
    """Reel seconds within the focus window of a highlight event."""
    peak_errors_s: list[float] = field(default_factory=list)

    @property
    def share_of_match(self) -> float:
        return self.reel_s / self.match_s if self.match_s else 0.0

    @property
    def focus(self) -> float:
        return self.focused_s / self.reel_s if self.reel_s else 0.0

    def to_json(self) -> dict:
        errors = np.abs(self.peak_errors_s) if self.peak_errors_s else np.zeros(0)
        return {
            "game": self.game,
            "events": self.coverage.total,
            "covered": self.coverage.covered,
            "recall": round(self.coverage.recall, 4),
            "per_class": {k: {"covered": c, "total": t} for k, (c, t) in self.coverage.per_class.items()},
            "reel_s": round(self.reel_s, 2),
            "match_s": round(self.match_s, 2),
            "share_of_match": round(self.share_of_match, 4),
            "focus": round(self.focus, 4),
            "peak_error_median_s": round(float(np.median(errors)), 2) if len(errors) else None,
            "peak_error_mean_s": round(float(np.mean(errors)), 2) if len(errors) else None,
        }


def _overlap_s(xs: Sequence[tuple[float, float]], ys: Sequence[tuple[float, float]]) -> float:
    total, j = 0.0, 0
    for a, b in xs:
        while j < len(ys) and ys[j][1] <= a:
            j += 1
        k = j
        while k < len(ys) and ys[k][0] < b:
            total += max(0.0, min(b, ys[k][1]) - max(a, ys[k][0]))
            k += 1
    return total


def reel_metrics(
    game: str,
    segments: Sequence[Segment],
    events: Sequence[Event],
    classes: Iterable[str],
    match_s: float,
    window_s: tuple[float, float] = FOCUS_WINDOW_S,
) -> ReelMetrics:
    classes = set(classes)
    highlights = [e for e in events if e.label in classes]
    focused = 0.0
    errors: list[float] = []
    for half in sorted({s.half for s in segments} | {e.half for e in highlights}):
        reel = union_of((s.start_s, s.end_s) for s in segments if s.half == half)
        windows = union_of((e.time_s - window_s[0], e.time_s + window_s[1]) for e in highlights if e.half == half)
        focused += _overlap_s(reel, windows)
        peaks = np.array([s.peak_s for s in segments if s.half == half])
        if len(peaks):
            for e in (e for e in highlights if e.half == half):
                errors.append(float(peaks[np.argmin(np.abs(peaks - e.time_s))] - e.time_s))
    reel_s = sum(b - a for a, b in union_of((s.start_s + 1e4 * s.half, s.end_s + 1e4 * s.half) for s in segments))
    return ReelMetrics(game, event_coverage(segments, events, classes), reel_s, match_s, focused, errors)


def total(metrics: Sequence[ReelMetrics]) -> ReelMetrics:
    """All games as one: counts and seconds summed, so large games weigh more."""
    per_class: dict[str, tuple[int, int]] = {}
    for m in metrics:
        for k, (c, t) in m.coverage.per_class.items():
            pc, pt = per_class.get(k, (0, 0))
            per_class[k] = (pc + c, pt + t)
    coverage = Coverage(sum(m.coverage.covered for m in metrics), sum(m.coverage.total for m in metrics), per_class)
    return ReelMetrics(
        "total",
        coverage,
        sum(m.reel_s for m in metrics),
        sum(m.match_s for m in metrics),
        sum(m.focused_s for m in metrics),
        [e for m in metrics for e in m.peak_errors_s],
    )


def check_inside_halves(doc: SegmentsDocument) -> None:
    """Refuse a segment in a half the file does not list, or past its half's end: its seconds would
    count towards a reel longer than the match ("share 333 %")."""
    lengths = {h.half: h.duration_s for h in doc.halves}
    if not lengths:
        return  # an old file without its halves: nothing to check against
    for i, seg in enumerate(doc.segments):
        where = f"{doc.path}: segment {i} (half {seg.half}, {seg.start_s:.2f}-{seg.end_s:.2f} s)"
        if seg.half not in lengths:
            raise InputError(f"{where}: the video has no half {seg.half} (halves: {sorted(lengths)})")
        if seg.end_s > lengths[seg.half] + EDGE_TOLERANCE_S:
            raise InputError(f"{where}: past the end of its half's {lengths[seg.half]:.2f} s video")


def reel_metrics_tree(
    labels_root: str | Path, segments: str | Path, classes: Iterable[str]
) -> tuple[list[ReelMetrics], list[str]]:
    """Metrics of every labelled game under ``labels_root`` that has a ``segments.json`` under
    ``segments`` (a tree as ``plan`` writes it, or one file for one game); also the keys skipped."""
    labels_root, segments = Path(labels_root), Path(segments)
    rows, skipped = [], []
    for game in (g for g in find_games(labels_root) if g.labels_path is not None):
        key = game.relative_to(labels_root)
        seg_file = segments if segments.is_file() else segments / key / SEGMENTS_FILE
        if not seg_file.is_file():
            skipped.append(key)
            continue
        doc = read_segments_document(seg_file)
        check_inside_halves(doc)
        events = load_labels(game.labels_path).events
        rows.append(reel_metrics(key, doc.segments, events, classes, doc.match_duration_s))
    if not rows:
        raise InputError(f"no game under {labels_root} has a {SEGMENTS_FILE} under {segments}")
    return rows, skipped

"""``segments.json``: a reel's plan, with everything needed to trace it back.

It lists every segment, each half's video and length, the reel's length and share of the match,
every setting used, and the detector's identity (for a learned model its checkpoint and content
hash, for imported predictions the file and its hash and the class weights), so a reel can be
reproduced or questioned long after it was cut. ``reel-metrics`` and ``reel --segments`` read it back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soccer_highlights._version import __version__
from soccer_highlights.core import Half, Plan, Segment, total_duration_s
from soccer_highlights.errors import ConfigError, InputError
from soccer_highlights.fileio import read_json

FORMAT = 2
"""2: ``detector`` is the detector's description (an object), not only its name."""


def segments_document(
    plan: Plan, reel_file: str | None, reel_duration_s: float | None = None, cuts: list[dict] | None = None
) -> dict[str, Any]:
    """The ``segments.json`` record of ``plan``; ``reel_file`` is the reel's name (None: not cut);
    ``cuts`` (one per segment) says how each segment's picture was cut (``cut.method``: ``copy``
    or ``reencode``, with a ``note`` saying why where it could not be copied)."""
    halves, segments, left_out, budget_s = plan.halves, plan.segments, plan.left_out, plan.budget_s
    match_s = sum(h.duration_s for h in halves)
    reel_s = total_duration_s(segments)
    return {
        "tool": f"soccer-highlights {__version__}",
        "format": FORMAT,
        "source": str(plan.source),
        "detector": dict(plan.detector),
        "halves": [
            {"half": h.half, "video": str(h.video) if h.video else None, "duration_s": round(h.duration_s, 3)}
            for h in halves
        ],
        "segments": [s.to_json() | ({"cut": cuts[i]} if cuts else {}) for i, s in enumerate(segments)],
        "left_out": [s.to_json() | {"reason": "budget"} for s in left_out],
        "reel": {
            "path": reel_file,
            "duration_s": round(reel_duration_s if reel_duration_s is not None else reel_s, 3),
            "share_of_match": round(reel_s / match_s, 4) if match_s else 0.0,
            "budget_s": round(budget_s, 3) if budget_s is not None else None,
        },
        "settings": plan.settings.to_dict(),
        "warnings": list(plan.warnings),
    }


@dataclass(frozen=True)
class SegmentsDocument:
    """What a ``segments.json`` says, read back."""

    path: Path
    segments: list[Segment]
    halves: list[Half]
    detector: dict[str, Any]

    @property
    def match_duration_s(self) -> float:
        return sum(h.duration_s for h in self.halves)


def _segment(data: Any, index: int, path: Path) -> Segment:
    """One listed segment; a label that is not text is named by its place in the list."""
    try:
        return Segment.from_json(data)
    except ConfigError as exc:
        raise InputError(f"{path}: segment {index}: {exc}") from None


def read_segments_document(path: str | Path) -> SegmentsDocument:
    path = Path(path)
    data = read_json(path, InputError, "segments")
    try:
        segments = [_segment(s, i, path) for i, s in enumerate(data["segments"])]
        halves = [
            Half(int(h["half"]), float(h["duration_s"]), Path(h["video"]) if h.get("video") else None)
            for h in data.get("halves", [])
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: not a soccer-highlights segments file ({exc!r})") from None
    for i, seg in enumerate(segments):
        if not (math.isfinite(seg.start_s) and math.isfinite(seg.end_s) and 0.0 <= seg.start_s < seg.end_s):
            raise InputError(
                f"{path}: segment {i} (half {seg.half}, {seg.start_s}-{seg.end_s} s) does not start before it ends"
            )
    detector = data.get("detector")
    detector = detector if isinstance(detector, dict) else {"name": str(detector)}  # format 1 named it only
    return SegmentsDocument(path, segments, halves, detector)

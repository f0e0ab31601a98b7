"""Reel metrics against labels: which highlight events a set of segments contains."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from soccer_highlights.core import Segment
from soccer_highlights.soccernet.labels import Event


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int
    per_class: dict[str, tuple[int, int]] = field(default_factory=dict)
    """``class -> (covered, total)``."""

    @property
    def recall(self) -> float:
        return self.covered / self.total if self.total else 1.0


def event_coverage(segments: Sequence[Segment], events: Iterable[Event], classes: Iterable[str]) -> Coverage:
    """Share of the events of ``classes`` whose time lies inside some segment of their half."""
    wanted = set(classes)
    per_class: dict[str, list[int]] = {}
    for event in events:
        if event.label not in wanted:
            continue
        hit = any(seg.contains(event.half, event.time_s) for seg in segments)
        counts = per_class.setdefault(event.label, [0, 0])
        counts[0] += int(hit)
        counts[1] += 1
    covered = sum(c for c, _ in per_class.values())
    total = sum(t for _, t in per_class.values())
    return Coverage(covered, total, {k: (c, t) for k, (c, t) in sorted(per_class.items())})

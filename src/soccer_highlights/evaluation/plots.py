"""Pictures people would rather look at than read: the timeline of a reel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from soccer_highlights.atomic import atomic_path
from soccer_highlights.detectors.base import ScoreCurve
from soccer_highlights.segments import Segment
from soccer_highlights.soccernet.labels import Event

CLASS_COLOURS = {
    "Goal": "#d62728",
    "Penalty": "#9467bd",
    "Shots on target": "#ff7f0e",
    "Shots off target": "#bcbd22",
}


def plot_timeline(
    curves: Sequence[ScoreCurve],
    segments: Sequence[Segment],
    events: Sequence[Event],
    dest: Path,
    threshold: float | None = None,
    title: str = "",
) -> None:
    """One row per half: score curves, chosen segments shaded, labelled events as ticks by class."""
    halves = sorted({c.half for c in curves})
    fig, axes = plt.subplots(len(halves), 1, figsize=(14, 2.8 * len(halves)), squeeze=False, sharey=True)
    for ax, half in zip(axes[:, 0], halves, strict=True):
        for curve in (c for c in curves if c.half == half):
            ax.plot(curve.times_s() / 60.0, curve.scores, lw=0.8, label=curve.detector)
            ax.set_xlim(0, curve.duration_s / 60.0)
        for seg in (s for s in segments if s.half == half):
            ax.axvspan(seg.start_s / 60.0, seg.end_s / 60.0, color="#2ca02c", alpha=0.25, lw=0)
        if threshold is not None:
            ax.axhline(threshold, color="grey", ls="--", lw=0.7)
        shown: set[str] = set()
        for event in (e for e in events if e.half == half):
            colour = CLASS_COLOURS.get(event.label)
            if colour is None:
                ax.plot([event.time_s / 60.0], [-0.06], "|", color="#bbbbbb", ms=6)
                continue
            label = event.label if event.label not in shown else None
            shown.add(event.label)
            ax.axvline(event.time_s / 60.0, color=colour, lw=1.2, ymax=0.92, label=label)
        ax.set_ylim(-0.1, 1.05)
        ax.set_ylabel(f"half {half}\nscore")
        ax.legend(loc="upper right", fontsize=7, ncol=6, frameon=False)
    axes[-1, 0].set_xlabel("minutes from the start of the half's video (green: in the reel)")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    with atomic_path(dest) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


def plot_precision_recall(curves: dict[str, tuple], dest: Path, title: str = "") -> None:
    """Precision against recall over the 200 thresholds, one line per class that has a curve."""
    fig, ax = plt.subplots(figsize=(7, 6))
    for label, (precision, recall) in curves.items():
        if recall.max() <= 0:
            continue
        order = recall.argsort(kind="stable")
        ax.plot(recall[order], precision[order], lw=1.2, label=label, color=CLASS_COLOURS.get(label))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title(title)
    fig.tight_layout()
    with atomic_path(dest) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)

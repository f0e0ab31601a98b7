"""``timeline.png``: each half's score curves, the segments in the reel and the labelled events."""

from __future__ import annotations

from pathlib import Path

from soccer_highlights.core import Plan
from soccer_highlights.output.figures import CLASS_COLOURS, new_figure, save_png

CURVE_COLOUR = "#1f77b4"
"""The curve that planned the reel; green is the reel's own shading."""
COMPONENT_COLOURS = ("#ff7f0e", "#9467bd", "#8c564b")


def plot_timeline(plan: Plan, dest: Path) -> None:
    """One row per half: score curves, chosen segments shaded, labelled events as ticks by class."""
    lengths = {h.half: h.duration_s for h in plan.halves}
    curves, segments, events = plan.curves, plan.segments, plan.events
    threshold = plan.settings.segments.threshold if curves else None
    words = [(w["half"], w["start_s"], w["text"]) for w in plan.transcripts]
    fig, axes = new_figure(nrows=len(lengths), ncols=1, figsize=(14, 2.8 * len(lengths)), squeeze=False, sharey=True)
    for ax, half in zip(axes[:, 0], sorted(lengths), strict=True):
        ax.set_xlim(0, lengths[half] / 60.0)
        for curve in (c for c in curves if c.half == half):
            for part, colour in zip(curve.components, COMPONENT_COLOURS, strict=False):
                ax.plot(
                    part.times_s() / 60.0, part.scores, lw=0.7, alpha=0.8, ls=":", color=colour, label=part.detector
                )
            ax.plot(curve.times_s() / 60.0, curve.scores, lw=0.9, color=CURVE_COLOUR, label=curve.detector)
        for seg in (s for s in segments if s.half == half):
            said = next((text for h, t, text in words if h == half and seg.start_s <= t <= seg.end_s), None)
            if said:
                ax.annotate(
                    said[:48], (seg.start_s / 60.0, 1.0), fontsize=6, rotation=90, va="top", alpha=0.8, parse_math=False
                )
        for seg in (s for s in segments if s.half == half):
            ax.axvspan(seg.start_s / 60.0, seg.end_s / 60.0, color="#2ca02c", alpha=0.25, lw=0)
            if seg.label != "Highlight":
                minute = f"{seg.minute}' " if seg.minute is not None else ""
                # user text is drawn as written: two '$' in a label must not be read as (broken) mathtext
                ax.annotate(
                    f"{minute}{seg.label}", (seg.peak_s / 60.0, 0.02), fontsize=7, rotation=90, color="#145a14",
                    parse_math=False,
                )  # fmt: skip
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
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper right", fontsize=7, ncol=6, frameon=False)
    axes[-1, 0].set_xlabel("minutes from the start of the half's video (green: in the reel)")
    fig.suptitle(plan.source.name, parse_math=False)
    fig.tight_layout()
    save_png(fig, dest)

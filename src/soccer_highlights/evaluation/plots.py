"""Precision-recall curves of a spotting evaluation, one line per class."""

from __future__ import annotations

from pathlib import Path

from soccer_highlights.output.figures import CLASS_COLOURS, new_figure, save_png


def plot_precision_recall(curves: dict[str, tuple], dest: Path, title: str = "") -> None:
    """Precision against recall over the 200 thresholds, one line per class that has a curve."""
    fig, ax = new_figure(figsize=(7, 6))
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
    save_png(fig, dest)

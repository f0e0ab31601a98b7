"""Figures drawn without pyplot: a host program's matplotlib backend is never switched, and
matplotlib is imported only when a figure is drawn."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from soccer_highlights.errors import OutputWriteError
from soccer_highlights.fileio import atomic_path
from soccer_highlights.soccernet.classes import HIGHLIGHT_CLASSES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CLASS_COLOURS: dict[str, str] = dict(zip(HIGHLIGHT_CLASSES, ("#d62728", "#9467bd", "#ff7f0e", "#bcbd22"), strict=True))
"""One colour per highlight class, the same in every plot."""


def new_figure(**subplots: Any) -> tuple[Figure, Any]:
    """A figure and its axes (as ``Figure.subplots`` gives them), on the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figsize = subplots.pop("figsize", None)
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(**subplots)


def save_png(fig: Figure, dest: Path, dpi: int = 110) -> None:
    try:
        with atomic_path(dest) as tmp:
            fig.savefig(tmp, dpi=dpi, format="png")
    except OSError as exc:  # matplotlib's own errors name no file: a full disk must still be one clear line
        raise OutputWriteError(f"{dest}: could not be written ({exc.strerror or exc})") from exc

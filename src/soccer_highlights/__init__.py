"""soccer-highlights: from a full soccer broadcast to a highlight reel.

The front door::

    import soccer_highlights as sh

    result = sh.highlights("match.mkv")            # scores every half and plans the reel; writes nothing
    for segment in result.segments:
        print(segment.half, segment.start_s, segment.end_s, segment.score)
    result.write("reel_out")                       # reel.mp4, segments.json, timeline.png

``highlights(source, detector="audio", **segment_overrides)`` takes a video or a SoccerNet game
folder; ``detector`` is a name (``get_detector``/``list_detectors``) or any object with the
``Detector`` interface. The package has one room per way of seeing the match (``crowd``,
``commentary``, ``audiovisual``, ``scoreboard``) over shared floors (``core`` types, ``config``,
``soccernet`` formats, ``media``, ``runtime``, ``segments``, ``output``, ``evaluation``), with the
registry and fusion in ``detectors``, the front door in ``api`` and a thin ``cli``.

Names are imported on first use, so ``import soccer_highlights`` loads neither PyTorch nor PyAV.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from soccer_highlights._version import __version__

_EXPORTS = {
    "highlights": "soccer_highlights.api",
    "open_match": "soccer_highlights.api",
    "Highlights": "soccer_highlights.api",
    "Match": "soccer_highlights.api",
    "Outputs": "soccer_highlights.api",
    "get_detector": "soccer_highlights.detectors",
    "list_detectors": "soccer_highlights.detectors",
    "Detector": "soccer_highlights.core",
    "DetectorSpec": "soccer_highlights.detectors",
    "Plan": "soccer_highlights.core",
    "Moment": "soccer_highlights.core",
    "Half": "soccer_highlights.core",
    "ScoreCurve": "soccer_highlights.core",
    "Segment": "soccer_highlights.core",
    "SegmentConfig": "soccer_highlights.config",
    "ReelConfig": "soccer_highlights.config",
    "Settings": "soccer_highlights.config",
    "SoccerHighlightsError": "soccer_highlights.errors",
}

if TYPE_CHECKING:
    from soccer_highlights.api import Highlights, Match, Outputs, highlights, open_match
    from soccer_highlights.config import ReelConfig, SegmentConfig, Settings
    from soccer_highlights.core import Detector, Half, Moment, Plan, ScoreCurve, Segment
    from soccer_highlights.detectors import DetectorSpec, get_detector, list_detectors
    from soccer_highlights.errors import SoccerHighlightsError


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "Detector",
    "DetectorSpec",
    "Half",
    "Highlights",
    "Match",
    "Moment",
    "Outputs",
    "Plan",
    "ReelConfig",
    "ScoreCurve",
    "Segment",
    "SegmentConfig",
    "Settings",
    "SoccerHighlightsError",
    "__version__",
    "get_detector",
    "highlights",
    "list_detectors",
    "open_match",
]

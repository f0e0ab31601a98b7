"""soccer-highlights: from a full soccer broadcast to a highlight reel.

The front door::

    import soccer_highlights as sh

    result = sh.highlights("match.mkv")            # scores every half and plans the reel; writes nothing
    for segment in result.segments:
        print(segment.half, segment.start_s, segment.end_s, segment.score)
    result.write("reel_out")                       # reel.mp4, segments.json, timeline.png

``highlights(source, detector="audio", **segment_overrides)`` takes a video or a SoccerNet game
folder; ``detector`` is a name (``get_detector``/``list_detectors``) or any object with the
``Detector`` interface. The package is laid out the way data flows: ``soccernet`` (games, labels,
predictions in), ``media`` (streaming decode, cut and join), ``features`` (embeddings,
spectrograms, their cache), ``detectors`` (score curves), ``model`` (the learned classifier and
its training), ``segments`` (curves to cut lists), ``output`` (reel, segments.json, timeline),
``evaluation`` (how good it is) and ``cli``; ``core`` holds the types they share and ``config``
every setting.

Names are imported on first use, so ``import soccer_highlights`` loads neither PyTorch nor PyAV.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "highlights": "soccer_highlights.api",
    "open_match": "soccer_highlights.api",
    "Highlights": "soccer_highlights.api",
    "Match": "soccer_highlights.api",
    "Outputs": "soccer_highlights.api",
    "get_detector": "soccer_highlights.detectors",
    "list_detectors": "soccer_highlights.detectors",
    "Detector": "soccer_highlights.detectors",
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
    from soccer_highlights.core import Half, ScoreCurve, Segment
    from soccer_highlights.detectors import Detector, get_detector, list_detectors
    from soccer_highlights.errors import SoccerHighlightsError


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "Detector",
    "Half",
    "Highlights",
    "Match",
    "Outputs",
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

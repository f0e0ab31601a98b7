"""Every tunable of the tool, listed in one place: the shared floors' and each modality's.

Settings are declared beside what they tune (``config.py`` for what every stage shares, each
modality's ``config.py`` for its own) and all checked the same way (:class:`~soccer_highlights.config.Checked`).
This list is how a reader, a test or a record finds them all: ``segments.json`` writes the
segment and reel settings of a run and each detector's own in its description.
"""

from __future__ import annotations

from soccer_highlights.audiovisual.config import (
    AudioFeatureSettings,
    DetectConfig,
    TrainConfig,
    VideoFeatureSettings,
    WindowSpec,
)
from soccer_highlights.commentary.config import CommentaryConfig, TranscribeConfig
from soccer_highlights.config import (
    AudioConfig,
    Checked,
    ExportConfig,
    PredictionsConfig,
    ReelConfig,
    ReframeConfig,
    SegmentConfig,
    Settings,
)
from soccer_highlights.crowd.config import ExcitementConfig
from soccer_highlights.scoreboard.config import ScoreboardConfig

SETTINGS: dict[str, tuple[type[Checked], ...]] = {
    "shared": (AudioConfig, SegmentConfig, ReelConfig, ReframeConfig, PredictionsConfig, ExportConfig, Settings),
    "crowd": (ExcitementConfig,),
    "commentary": (TranscribeConfig, CommentaryConfig),
    "audiovisual": (VideoFeatureSettings, AudioFeatureSettings, WindowSpec, TrainConfig, DetectConfig),
    "scoreboard": (ScoreboardConfig,),
}
"""Each room's settings records (the synthetic generator's ``SynthConfig`` lives with it: fixtures only)."""


def defaults() -> dict[str, dict[str, dict]]:
    """Every record's defaults by room and name: what a run starts from."""
    out: dict[str, dict[str, dict]] = {}
    for room, records in SETTINGS.items():
        out[room] = {r.__name__: r().to_dict() for r in records if r is not WindowSpec}
    return out

"""The commentary's settings: transcription and how the spotter's events become predictions and
a reel's curve. (The spotter's own hyperparameters travel with its weights, in their ``meta``.)"""

from __future__ import annotations

from dataclasses import dataclass

from soccer_highlights.config import ANALYSIS_SAMPLE_RATE, Checked, number, positive


@dataclass(frozen=True)
class TranscribeConfig(Checked):
    """Offline transcription with faster-whisper."""

    sample_rate: int = ANALYSIS_SAMPLE_RATE
    """What Whisper reads."""
    chunk_s: float = positive(300.0)
    """Sound is decoded this much at a time (memory stays flat in the half's length)."""
    clip_s: float = positive(30.0)
    """Whisper reads 30 s at a time; each chunk is cut into clips this long and decoded as one batch."""
    batch_size: int = number(8, 1, 64)


@dataclass(frozen=True)
class CommentaryConfig(Checked):
    """From the spotter's per-second scores to events, predictions and a reel's curve."""

    spot_nms_s: float = positive(20.0)
    """A class's events are at least this far apart (one prediction per event for SoccerNet's metric)."""
    spot_min_p: float = number(0.001, 0.0, 1.0)
    """Peaks below this are no event (SoccerNet's metric rewards a long ranked list)."""
    peak_width_s: float = positive(4.0)
    """Standard deviation of the bump an event makes in the reel's score curve: about the spread of
    the commentary's lag behind the action."""


SPOT_NMS_S = CommentaryConfig.spot_nms_s
SPOT_MIN_P = CommentaryConfig.spot_min_p

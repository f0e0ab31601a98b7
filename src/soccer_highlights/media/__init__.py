"""Media in and out: streaming decode with PyAV, probing, and cutting and joining with ffmpeg."""

from soccer_highlights.errors import MediaError
from soccer_highlights.media.probe import MediaInfo, probe

__all__ = ["MediaError", "MediaInfo", "probe"]

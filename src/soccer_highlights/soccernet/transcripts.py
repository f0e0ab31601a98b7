"""Commentary transcripts in SoccerNet-Echoes' format: ``{1,2}_asr.json`` beside the half videos,
``{"segments": {"0": [start_s, end_s, "text"], ...}}`` on the clock of the labels' ``position``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from soccer_highlights.errors import InputError
from soccer_highlights.fileio import atomic_write_json, read_json


@dataclass(frozen=True)
class Line:
    start_s: float
    end_s: float
    text: str


def transcript_path(game_dir: Path, half: int) -> Path:
    return Path(game_dir) / f"{half}_asr.json"


def load_transcript(path: str | Path) -> list[Line]:
    """A transcript's non-empty lines in time order; an unreadable file is an :class:`InputError`."""
    path = Path(path)
    data = read_json(path, InputError, "transcript")
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, dict):
        raise InputError(f"{path}: not a SoccerNet-Echoes transcript (no 'segments' object)")
    lines = []
    for key, row in segments.items():
        try:
            start, end, text = float(row[0]), float(row[1]), str(row[2]).strip()
        except (TypeError, ValueError, IndexError, KeyError):
            raise InputError(f"{path}: segment {key} is not [start_s, end_s, text]") from None
        if text and math.isfinite(start) and math.isfinite(end) and end >= start >= 0:
            lines.append(Line(start, end, text))
    return sorted(lines, key=lambda line: line.start_s)


def write_transcript(path: str | Path, lines: list[Line]) -> None:
    """Atomically, in SoccerNet-Echoes' own format (so Echoes transcripts and ours are read alike)."""
    segments = {str(i): [round(x.start_s, 2), round(x.end_s, 2), x.text] for i, x in enumerate(lines)}
    atomic_write_json(path, {"segments": segments})

"""Commentary transcripts in SoccerNet-Echoes' format: ``{1,2}_asr.json`` beside the half videos,
``{"segments": {"0": [start_s, end_s, "text"], ...}}`` on the clock of the labels' ``position``."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soccer_highlights.errors import InputError
from soccer_highlights.fileio import atomic_write_json, read_json

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Line:
    start_s: float
    end_s: float
    text: str


def transcript_path(game_dir: Path, half: int) -> Path:
    """A SoccerNet game's transcript of one half: ``GAME/{half}_asr.json`` (SoccerNet-Echoes' name)."""
    return Path(game_dir) / f"{half}_asr.json"


def transcript_for(video: Path, half: int) -> Path:
    """Where the transcript of a half video is written: ``{half}_asr.json`` beside a SoccerNet half
    (``1_224p.mkv``), ``{name}_asr.json`` beside any other video, so single clips sharing a folder
    keep a transcript each."""
    video = Path(video)
    if video.name[:2] in ("1_", "2_"):
        return transcript_path(video.parent, half)
    return video.with_name(f"{video.stem}_asr.json")


def find_transcript(video: Path, half: int) -> Path:
    """The transcript of a half video as written by :func:`transcript_for`, or else an Echoes one
    beside it (``{half}_asr.json``); the first name when neither exists."""
    own = transcript_for(video, half)
    echoes = transcript_path(Path(video).parent, half)
    return own if own.is_file() or not echoes.is_file() else echoes


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


def lines_beside(video: Path | None, half: int) -> list[dict[str, Any]]:
    """The lines of the transcript (``{half}_asr.json``) beside a half's video, as plain records
    (``half``, ``start_s``, ``end_s``, ``text``) for the timeline and the review page; none where
    there is no video or no transcript, and none (with a warning) where it cannot be read."""
    if video is None or not (path := find_transcript(video, half)).is_file():
        return []
    try:
        lines = load_transcript(path)
    except InputError as exc:
        log.warning("%s; the outputs show no commentary", exc)
        return []
    return [{"half": half, "start_s": x.start_s, "end_s": x.end_s, "text": x.text} for x in lines]

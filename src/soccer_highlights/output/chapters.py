"""Chapters: one per segment at its start in the reel, in the MP4 itself (players such as VLC and mpv
jump from moment to moment) and as ``chapters.txt`` in YouTube's ``MM:SS Title`` form."""

from __future__ import annotations

from pathlib import Path

from soccer_highlights.core import Plan
from soccer_highlights.fileio import atomic_write_text
from soccer_highlights.output.editorial import segment_title

CHAPTERS_FILE = "chapters.txt"


def chapters(plan: Plan, fps: float) -> list[tuple[float, float, str]]:
    """``(start_s, end_s, title)`` of each segment in the reel cut at ``fps``."""
    starts = plan.reel_starts_s(fps)
    ends = [*starts[1:], plan.reel_s(fps)]
    return [
        (s, e, segment_title(seg, i)) for i, (seg, s, e) in enumerate(zip(plan.segments, starts, ends, strict=True))
    ]


def ffmetadata(marks: list[tuple[float, float, str]]) -> str:
    """ffmpeg's metadata file holding the chapters (times in milliseconds)."""
    lines = [";FFMETADATA1"]
    for start, end, title in marks:
        escaped = "".join("\\" + c if c in "=;#\\\n" else c for c in title)
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(start * 1000)}",
            f"END={round(end * 1000)}",
            f"title={escaped}",
        ]
    return "\n".join(lines) + "\n"


def write_youtube_chapters(marks: list[tuple[float, float, str]], dest: Path) -> Path:
    """``MM:SS Title`` lines (``H:MM:SS`` past an hour), the form YouTube reads from a description."""

    def stamp(seconds: float) -> str:
        whole = int(seconds)
        h, m, s = whole // 3600, whole % 3600 // 60, whole % 60
        return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"

    atomic_write_text(dest, "".join(f"{stamp(start)} {title}\n" for start, _, title in marks))
    return dest

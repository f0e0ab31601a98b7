"""Real inputs of other broadcasters' score bugs, built with the ffmpeg binary from the files in
``../shared/data/broadcasts`` and ``real-clips`` (never copied into the repository): the BBC stills'
bugs laid over real moving play, and the Arsenal clip re-encoded at other sizes and keyframe
spacings. Shared by the tests and ``bench/scoreboard_layouts.py``."""

from __future__ import annotations

from pathlib import Path

import soccer_highlights as sh
from soccer_highlights.media.ffmpeg import run_ffmpeg

MOTD_BUG = (20, 26, 340, 42)
"""Where the BBC bug stands in the 1280x720 stills: x, y, width, height (README)."""
MOTD_PAIRS = {
    "match_1_liverpool_astonvilla": (("LIV", "AST"), (2, 0)),
    "match_2_burnley_arsenal": (("BUR", "ARS"), (0, 2)),
    "match_3_forest_manutd": (("FOR", "MNU"), (2, 1)),
    "match_4_fulham_wolves": (("FUL", "WOL"), (3, 0)),
}
"""Each pair's teams and late score (the early still shows 0-0)."""


def motd_over_play(broadcasts: Path, pair: str, out: Path, change_s: float = 30.0, length_s: float = 36.0) -> Path:
    """The BBC pair's early bug over real play (the Serie A clip with no bug, looped and scaled to
    1280x720 at 25 fps) until ``change_s``, its late bug after: a score that changes on screen."""
    x, y, w, h = MOTD_BUG
    still = broadcasts / "motd" / f"{pair}_{{}}.jpg"
    graph = (
        f"[0:v]fps=25,scale=1280:720,setsar=1[p];[1:v]crop={w}:{h}:{x}:{y}[e];[2:v]crop={w}:{h}:{x}:{y}[l];"
        f"[p][e]overlay={x}:{y}:enable='lt(t,{change_s})'[a];[a][l]overlay={x}:{y}:enable='gte(t,{change_s})'[v]"
    )
    run_ffmpeg(
        [
            *("-stream_loop", "3", "-i", str(broadcasts / "seriea-play-no-bug.mp4")),
            *("-i", str(still).format("early"), "-i", str(still).format("late")),
            *("-filter_complex", graph, "-map", "[v]", "-map", "0:a", "-t", str(length_s)),
            *("-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-c:a", "aac", str(out)),
        ],
        f"laying {pair}'s bug over play",
    )
    return out


def reencoded(source: Path, out: Path, width: int, keyframe_every_s: float, fps: int = 25) -> Path:
    """``source`` scaled to ``width`` pixels wide (height in proportion, even), with a keyframe
    every ``keyframe_every_s`` and nowhere else."""
    gop = str(round(fps * keyframe_every_s))
    run_ffmpeg(
        [
            *("-i", str(source), "-vf", f"scale={width}:-2:flags=bicubic", "-c:v", "libx264", "-preset", "veryfast"),
            *("-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-c:a", "aac", str(out)),
        ],
        f"re-encoding {source.name} at {width} px",
    )
    return out


def read_state(board, video: Path):
    """The first half's score, goals and clock that the scoreboard detector ``board`` reads off ``video``."""
    match = sh.open_match(video)
    return next(board.read(h) for h in match.halves.values())

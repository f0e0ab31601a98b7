"""Where a recording is damaged: stretches in which neither picture nor sound could be read.

A capture whose signal dropped, or a file with bytes overwritten, still opens: the demuxer skips
what it cannot parse and picks up at the next readable packet. What is left is a hole in the
timestamps, of every stream at once. Found by reading the packets' headers alone (no decoding:
a 45-minute SoccerNet half in well under a second), so a run can name the stretch, score around it
and keep its segments out of it; a cut across it would come out short (or with a frozen picture).

A gap in one stream alone is not damage: a variable-frame-rate capture of a still picture has
seconds between video frames while its sound goes on.
"""

from __future__ import annotations

from pathlib import Path

import av

from soccer_highlights.media.probe import open_container, origin_s

MIN_GAP_S = 1.0
"""A hole shorter than this is a dropped frame or two, which cutting and scoring already bridge."""


def damaged_stretches(path: str | Path, min_gap_s: float = MIN_GAP_S) -> tuple[tuple[float, float], ...]:
    """``(start_s, end_s)`` of every stretch (seconds from the video's origin) in which every
    picture and sound stream has no packet for at least ``min_gap_s``."""
    path = Path(path)
    with open_container(path) as container:
        streams = [*container.streams.video[:1], *container.streams.audio[:1]]
        if not streams:
            return ()
        origin = origin_s(container)
        keys = [s.index for s in streams]
        holes: dict[int, list[tuple[float, float]]] = {k: [] for k in keys}
        last: dict[int, float] = {}
        base = {s.index: float(s.time_base) for s in streams if s.time_base}  # floats: Fractions cost seconds
        try:
            for packet in container.demux(streams):
                k = packet.stream_index
                if packet.pts is None or k not in base:
                    continue
                t = packet.pts * base[k] - origin
                if k in last and t - last[k] >= min_gap_s:
                    holes[k].append((last[k], t))
                last[k] = max(last.get(k, t), t)
        except av.error.FFmpegError:  # a file that ends in damage: what was read so far stands
            pass
    stretches = holes[keys[0]]
    for key in keys[1:]:
        stretches = _overlaps(stretches, holes[key])
    return tuple((round(a, 3), round(b, 3)) for a, b in stretches if b - a >= min_gap_s)


def _overlaps(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Where a hole of ``a`` meets one of ``b``: the two together (from the first stream to lose its
    packets to the last to find them again)."""
    return [(min(x0, y0), max(x1, y1)) for x0, x1 in a for y0, y1 in b if max(x0, y0) < min(x1, y1)]

"""``review.html``: one self-contained page to see why each moment was chosen, keep or drop it, and
save the edit for ``reel --segments``.

The page is a template shipped with the package (inline CSS and JavaScript, no CDN, no server) with
the run's data embedded as JSON: each half's score curves and the threshold, the segments in the
reel (with where each starts in the reel) and those the budget left out, the labelled events, the
commentary lines of a SoccerNet-Echoes transcript (``{1,2}_asr.json``) lying beside the video, and a
thumbnail per segment (small JPEGs in ``review_thumbs/``). Videos are linked by relative paths, so
the page opens from ``file://`` and plays the reel and, where it is reachable, the source.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from soccer_highlights._version import __version__
from soccer_highlights.core import Half, Plan, Segment
from soccer_highlights.fileio import atomic_path, atomic_write_text
from soccer_highlights.output import REVIEW_FILE
from soccer_highlights.output.document import FORMAT
from soccer_highlights.output.figures import CLASS_COLOURS

THUMBS_DIR = "review_thumbs"
THUMB_WIDTH = 240


def write_review(plan: Plan, out_dir: Path, reel_file: str | None, thumbnails: bool = True) -> Path:
    """Write ``out_dir/review.html`` (and its thumbnails) for ``plan``; ``reel_file`` is the reel's
    name in ``out_dir``, or None when nothing was cut."""
    out_dir = Path(out_dir)
    halves = {h.half: h for h in plan.halves}
    everything = [*plan.segments, *plan.left_out]
    thumbs = _thumbnails(everything, halves, out_dir) if thumbnails else {}
    fps = plan.settings.reel.fps
    seg_cfg = plan.settings.segments
    reel_s = plan.reel_s(fps)
    data: dict[str, Any] = {
        "tool": f"soccer-highlights {__version__}",
        "format": FORMAT,
        "source": str(plan.source),
        "detector": plan.detector.get("name"),
        "threshold": seg_cfg.threshold if plan.curves else None,
        "pad_before_s": seg_cfg.pad_before_s,
        "pad_after_s": seg_cfg.pad_after_s,
        "halves": [_half_json(h, out_dir) for h in plan.halves],
        "curves": [c.to_json() for curve in plan.curves for c in (curve, *curve.components)],
        "segments": [
            s.to_json() | {"reel_start_s": round(start, 3), "thumbnail": thumbs.get(s)}
            for s, start in zip(plan.segments, plan.reel_starts_s(fps), strict=True)
        ],
        "left_out": [s.to_json() | {"thumbnail": thumbs.get(s)} for s in plan.left_out],
        "events": [{"half": e.half, "time_s": round(e.time_s, 3), "label": e.label} for e in plan.events],
        "words": list(plan.transcripts),
        "score_spans": list(plan.score_spans),
        "class_colours": CLASS_COLOURS,
        "reel_url": quote(reel_file) if reel_file else None,
        "reel_s": round(reel_s, 3),
        "reel_fps": fps,
        "share_of_match": round(reel_s / plan.match_s, 4) if plan.match_s else 0.0,
    }
    template = resources.files("soccer_highlights.output").joinpath("review_page.html").read_text(encoding="utf-8")
    page = template.replace("__TITLE__", html.escape(plan.source.name)).replace(
        # every '<' as JSON's \u003c: no label ('</script>', '<!--') can end or bend the data's script block
        "__DATA__",
        json.dumps(data, separators=(",", ":")).replace("<", "\\u003c"),
    )
    dest = out_dir / REVIEW_FILE
    atomic_write_text(dest, page)
    return dest


def _half_json(half: Half, out_dir: Path) -> dict[str, Any]:
    url = None
    if half.video is not None and half.video.is_file():
        relative = Path(os.path.relpath(half.video.resolve(), out_dir.resolve())).as_posix()
        url = quote(relative)
    return {
        "half": half.half,
        "duration_s": round(half.duration_s, 3),
        "fps": half.fps,
        "video": str(half.video) if half.video else None,
        "video_uri": half.video.resolve().as_uri() if half.video else None,
        "video_url": url,
    }


def _thumbnails(segments: Sequence[Segment], halves: dict[int, Half], out_dir: Path) -> dict[Segment, str]:
    """A small JPEG of each segment's peak, decoded in-process (one seek per segment)."""
    from soccer_highlights.media.decode import iter_frames

    folder = out_dir / THUMBS_DIR
    shutil.rmtree(folder, ignore_errors=True)  # the folder is the page's own: no stale pictures
    found: dict[Segment, str] = {}
    for i, seg in enumerate(sorted(segments, key=lambda s: (s.half, s.peak_s))):
        video = halves[seg.half].video if seg.half in halves else None
        if video is None:
            continue
        name = f"h{seg.half}_{seg.peak_s:08.2f}_{i:03d}.jpg"
        frame = next(iter(iter_frames(video, 25.0, start_s=seg.peak_s, end_s=seg.peak_s + 1.0)), None)
        if frame is None:
            continue
        from PIL import Image

        image = Image.fromarray(frame.rgb)
        image.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(folder / name) as tmp:
            image.save(tmp, format="JPEG", quality=80)
        found[seg] = f"{THUMBS_DIR}/{quote(name)}"
    return found

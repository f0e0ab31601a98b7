"""The review page of a job, served live: the page ``reel`` writes, with what the app adds.

The page is the job's own ``review.html`` (the curves, the segments, the thumbnails of the first
run), with a ``<base>`` so its relative links (reel, thumbnails) reach the job's files, the source
video linked through the app, and the app's script: a Re-cut button that sends the edit to the
server, the job's progress while it cuts, and the downloads. After a re-cut the page starts from the
edit (its reel and its segments; the planned segments it no longer holds are listed as left out),
so an edit can be taken further.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from soccer_highlights.core import frame_aligned
from soccer_highlights.output import REEL_FILE, REVIEW_FILE, SEGMENTS_FILE
from soccer_highlights.web.jobs import EDIT_DIR, REEL_DIR

_DATA = re.compile(r'(<script type="application/json" id="review-data">)(.*?)(</script>)', re.S)


def result_dir(folder: Path) -> Path:
    """The job's latest result: its last re-cut where there is one, else its first run."""
    edit = folder / EDIT_DIR
    return edit if (edit / SEGMENTS_FILE).is_file() and (edit / REEL_FILE).is_file() else folder / REEL_DIR


def served_page(job_id: int, folder: Path, name: str) -> str | None:
    """The review page of job ``job_id`` (its folder ``folder``, its video called ``name`` by the
    user) as the app serves it; None before its first run has written one."""
    page_file = folder / REEL_DIR / REVIEW_FILE
    if not page_file.is_file():
        return None
    page = page_file.read_text(encoding="utf-8")
    found = _DATA.search(page)
    if found is None:
        return None
    data = json.loads(found.group(2))  # JSON reads the page's escapes ("<\\/", "\\u003c") itself
    for half in data["halves"]:
        half["video_url"] = f"/jobs/{job_id}/source" if half.get("video") else None
    if result_dir(folder).name == EDIT_DIR:
        _start_from_edit(data, folder / EDIT_DIR)
    script = resources.files("soccer_highlights.web").joinpath("static/review_app.js").read_text(encoding="utf-8")
    embedded = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")  # no label ends the script block
    page = page[: found.start(2)] + embedded + page[found.end(2) :]
    stored = html.escape(Path(data["source"]).name)  # the upload's stored name: the user's own instead
    page = page.replace(f"<title>Review: {stored}</title>", f"<title>Review: {html.escape(name)}</title>", 1)
    page = page.replace(f"<h1>{stored}</h1>", f"<h1>{html.escape(name)}</h1>", 1)
    base = f'<base href="/jobs/{job_id}/files/{REEL_DIR}/">'
    page = page.replace("<head>", f"<head>\n{base}", 1)
    app = f"<script>const JOB_ID = {job_id};</script>\n<script>{script}</script>\n</body>"
    head, _, tail = page.rpartition("</body>")
    return head + app + tail


def _start_from_edit(data: dict[str, Any], edit: Path) -> None:
    """The page's data made to start from the re-cut: its segments in the reel, the rest left out."""
    document = json.loads((edit / SEGMENTS_FILE).read_text(encoding="utf-8"))
    fps = data.get("reel_fps") or 25.0
    before = [*data["segments"], *data["left_out"]]
    thumbnails = {(s["half"], round(s["peak_s"], 3)): s.get("thumbnail") for s in before}
    segments, at = [], 0.0
    for seg in document["segments"]:
        start, end = frame_aligned(seg["start_s"], seg["end_s"], fps)
        thumb = thumbnails.get((seg["half"], round(seg["peak_s"], 3)))
        segments.append(seg | {"reel_start_s": round(at, 3), "thumbnail": thumb})
        at += end - start
    kept = {(s["half"], round(s["start_s"], 3), round(s["end_s"], 3)) for s in segments}
    left_out = [
        {k: v for k, v in s.items() if k != "reel_start_s"}
        for s in before
        if (s["half"], round(s["start_s"], 3), round(s["end_s"], 3)) not in kept
    ]
    match_s = data["reel_s"] / data["share_of_match"] if data.get("share_of_match") else 0.0
    data.update(
        segments=segments,
        left_out=left_out,
        reel_url=f"../{EDIT_DIR}/{REEL_FILE}",
        reel_s=round(at, 3),
        share_of_match=round(at / match_s, 4) if match_s else 0.0,
    )


def error_page(title: str, message: str) -> str:
    """A page that says what went wrong in the user's words (never a traceback)."""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body style='font:14px system-ui,sans-serif;margin:24px'><h1 style='font-size:18px'>{html.escape(title)}"
        f"</h1><p class='error'>{html.escape(message)}</p><p><a href='/'>All jobs</a></p></body></html>"
    )

"""A contact sheet of the 9:16 reel of the real clips: where the crop window went, and what it shows.

Joins the five real Arsenal clips (real broadcast, 398x224), runs the default reel with
``aspect="9:16"``, and for a dozen moments of the reel draws the source frame with the crop window
and the vertical reel's own frame beside it. Writes ``docs/vertical_sheet.png`` and
``bench/vertical_sheet.json`` (the window's pan speed and position on the real clips).

    python bench/vertical_sheet.py ../shared/data/real-clips
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import av
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from soccer_highlights.media.cut import concat_copy
from soccer_highlights.media.reframe import follow_play

CLIPS = ("clip0", "clip12", "clip26", "clip29", "clip30")
ROOT = Path(__file__).resolve().parent.parent


def frame_at(path: Path, time_s: float) -> np.ndarray:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        container.seek(int(max(0.0, time_s - 2) * av.time_base))
        best = None
        for frame in container.decode(stream):
            best = frame
            if frame.time is not None and frame.time >= time_s:
                break
        return best.to_ndarray(format="rgb24")


def main(clips_dir: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        joined = Path(tmp) / "joined.mkv"
        concat_copy([Path(clips_dir) / f"arsenal-anderlecht-2014-h1-{c}.mkv" for c in CLIPS], joined)
        out = Path(tmp) / "out"
        # the default reel, as a user runs it (the scoreboard names the goal)
        command = Path(sys.executable).with_name("soccer-highlights")
        subprocess.run([str(command), "reel", str(joined), "--out", str(out), "--aspect", "9:16"],
                       check=True, capture_output=True)  # fmt: skip
        reel = out / "reel.mp4"
        segments = [SimpleNamespace(**s) for s in json.loads((out / "segments.json").read_text())["segments"]]
        rows, report, reel_t = [], [], 0.0
        for seg in segments:
            path = follow_play(joined, seg.start_s, seg.end_s, (398, 224), "9:16")
            speed = np.abs(np.diff(path.x)) / np.diff(path.times_s)
            report.append({"start_s": round(seg.start_s, 2), "end_s": round(seg.end_s, 2), "label": seg.label,
                           "max_pan_px_per_s": round(float(speed.max()), 1),
                           "crop": [path.crop_w, path.crop_h]})  # fmt: skip
            for f in np.linspace(0.1, 0.9, 3):
                t = f * (seg.end_s - seg.start_s)
                x = float(np.interp(t, path.times_s, path.x))
                rows.append((frame_at(joined, seg.start_s + t), x, path.crop_w, frame_at(reel, reel_t + t), seg, t))
            reel_t += seg.end_s - seg.start_s
        rows = rows[:12]
        fig, axes = plt.subplots(len(rows), 2, figsize=(7, 1.9 * len(rows)), width_ratios=[398, 160])
        for (source, x, w, vertical, seg, t), (left, right) in zip(rows, np.atleast_2d(axes), strict=True):
            left.imshow(source)
            left.add_patch(plt.Rectangle((x, 0), w, 223, fill=False, edgecolor="yellow", linewidth=2))
            left.set_title(f"source {seg.start_s + t:6.1f} s  {seg.label}", fontsize=8)
            right.imshow(vertical)
            right.set_title("9:16 reel", fontsize=8)
            for ax in (left, right):
                ax.axis("off")
        fig.tight_layout()
        fig.savefig(ROOT / "docs" / "vertical_sheet.png", dpi=90)
        doc = {"input": "real: the five Arsenal clips joined (398x224, 25 fps)", "segments": report}
        (ROOT / "bench" / "vertical_sheet.json").write_text(json.dumps(doc, indent=1) + "\n")
        print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/real-clips")

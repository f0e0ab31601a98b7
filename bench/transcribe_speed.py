"""Offline transcription speed on the real 45-minute half of bench/run.py (the real clips looped).

    python bench/transcribe_speed.py        # writes bench/transcribe_speed.json

Times ``tiny.en`` over the whole half and ``base`` over its first five minutes (extrapolated), with
their CPU seconds per minute of audio, against the ffmpeg binary decoding the half's video once
(the yardstick the project holds transcription to: at most 3x that decode).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HALF = HERE / "work" / "real45" / "1_224p.mkv"


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> dict:
    from soccer_highlights.commentary.transcribe import model_dir, transcribe_video
    from soccer_highlights.media.ffmpeg import ffmpeg_exe
    from soccer_highlights.media.probe import probe

    if not HALF.exists():
        sys.exit(f"{HALF}: run `python bench/run.py real` first (it builds the real 45-minute half)")
    length = probe(HALF).duration_s
    start = time.perf_counter()
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-threads", "2", "-i", str(HALF), "-an", "-f", "null", "-"],
        check=True,
    )
    decode_s = time.perf_counter() - start
    excerpt = HERE / "work" / "real5min.mkv"
    if not excerpt.exists():
        subprocess.run(
            [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(HALF), "-t", "300", "-c", "copy", str(excerpt)],
            check=True,
        )
    report = {"input": "real: the Arsenal clips looped to a 45-minute half", "half_s": round(length, 1),
              "ffmpeg_video_decode_s": round(decode_s, 1)}  # fmt: skip
    for model, video in (("tiny.en", HALF), ("base", excerpt)):
        model_dir(model)  # assembled and checked once, not timed
        seconds = probe(video).duration_s
        wall, cpu = time.perf_counter(), cpu_s()
        lines = transcribe_video(video, model)
        wall, cpu = time.perf_counter() - wall, cpu_s() - cpu
        report[model] = {
            "audio_s": round(seconds, 1),
            "wall_s": round(wall, 1),
            "cpu_s_per_audio_minute": round(cpu / (seconds / 60), 2),
            "half_wall_s_estimate": round(wall * length / seconds, 1),
            "vs_ffmpeg_video_decode": round(wall * length / seconds / decode_s, 1),
            "lines": len(lines),
        }
        print(model, report[model], flush=True)
    (HERE / "transcribe_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main()

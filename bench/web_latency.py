"""``serve`` while it works: is the page still answered quickly during a reel of a 45-minute half?

Builds (once, under ``bench/work/``) the real 45-minute half that ``bench/run.py`` uses (the real
Arsenal clips in match order, looped, joined by stream copy), starts ``soccer-highlights serve`` (a
process of its own on a free local port, its jobs in worker processes), uploads the half through
``POST /api/uploads`` (timed: the streamed upload and its probe), starts the default reel job on it
and, until the job is done, asks every 0.25 s for the jobs page, the job list and the job (each
timed from request to last byte), while a Server-Sent Events stream is open as a page keeps it.
Writes ``bench/web_latency.json``: the latencies (median, 95th percentile, largest, the share under
200 ms), how many progress events the stream brought, and the job's own time.

    python bench/web_latency.py [../shared/data/real-clips]
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from stages import real_inputs  # noqa: E402  (the bench's own real 45-minute half)

REAL_CLIPS = HERE.parent.parent / "shared" / "data" / "real-clips"
WRITE = {"X-Soccer-Highlights": "1"}
TARGET_MS = 200.0
POLL_S = 0.25


def main(clips_dir: Path) -> dict:
    load = os.getloadavg()[0]
    work = HERE / "work"
    made = real_inputs(str(work), str(clips_dir), "45")
    video = work / "real45" / "1_224p.mkv"
    with (
        tempfile.TemporaryDirectory() as state,
        Serve(Path(state)) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        started = time.perf_counter()
        with open(video, "rb") as fh:
            answer = client.post("/api/uploads", params={"name": video.name}, content=fh, headers=WRITE)
        upload_s = time.perf_counter() - started
        answer.raise_for_status()
        job = client.post("/api/jobs", json={"upload": answer.json()["upload"]}, headers=WRITE).json()
        events = EventCounter(url)
        events.start()
        latencies: dict[str, list[float]] = {"page": [], "jobs": [], "job": []}
        stages: set[str] = set()
        job_started = time.perf_counter()
        while True:
            for key, path in (("page", "/"), ("jobs", "/api/jobs"), ("job", f"/api/jobs/{job['id']}")):
                t0 = time.perf_counter()
                response = client.get(path)
                latencies[key].append(1000 * (time.perf_counter() - t0))
                response.raise_for_status()
            state_now = response.json()
            if state_now["stage"]:
                stages.add(state_now["stage"])
            if state_now["state"] not in ("queued", "running"):
                break
            time.sleep(POLL_S)
        job_s = time.perf_counter() - job_started
        events.stop()
    every = [x for values in latencies.values() for x in values]
    return {
        "input": f"real: the five Arsenal clips looped to {made['duration_s'] / 60:.1f} min (398x224, 25 fps)",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores shared with other work (load {load:.1f} at start)",
        "upload_mb": round(video.stat().st_size / 1e6, 1),
        "upload_and_probe_s": round(upload_s, 2),
        "job_state": state_now["state"],
        "job_error": state_now["error"],
        "job_s": round(job_s, 1),
        "stages_seen": sorted(stages),
        "progress_events": events.count,
        "requests": len(every),
        "latency_ms": {
            key: {
                "median": round(statistics.median(values), 1),
                "p95": round(sorted(values)[int(0.95 * (len(values) - 1))], 1),
                "max": round(max(values), 1),
            }
            for key, values in latencies.items()
        },
        "share_under_200ms": round(sum(x < TARGET_MS for x in every) / len(every), 4),
        "max_ms": round(max(every), 1),
    }


class Serve:
    """``soccer-highlights serve`` itself, in a process of its own (its jobs in theirs)."""

    def __init__(self, state: Path):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.command = [sys.executable, "-m", "soccer_highlights.cli", "serve", "--port", str(self.port),
                        "--state", str(state)]  # fmt: skip

    def __enter__(self) -> str:
        self.process = subprocess.Popen(self.command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                httpx.get(url + "/api/jobs")
                return url
            except httpx.ConnectError:
                time.sleep(0.1)
        raise RuntimeError("serve did not start")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


class EventCounter(threading.Thread):
    """An open ``/api/events`` stream, as a page holds it: counts the updates it brings."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.count, self.done = url, 0, threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=None) as client, client.stream("GET", "/api/events") as stream:
            try:
                for line in stream.iter_lines():
                    self.count += line.startswith("data: ")
                    if self.done.is_set():
                        return
            except httpx.HTTPError:  # the server stopped: the count is what it brought
                return

    def stop(self) -> None:
        self.done.set()


if __name__ == "__main__":
    report = main(Path(sys.argv[1]) if len(sys.argv) > 1 else REAL_CLIPS)
    (HERE / "web_latency.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))

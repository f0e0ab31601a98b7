"""What a web job asks for, checked before it is queued, and the queue that runs the jobs.

Each job runs in a worker process of its own (``python -m soccer_highlights.web.worker``): scoring
and cutting never share the web server's process, so the pages stay quick and a crash of a job is
the job's alone. One job runs at a time by default (a small machine has its cores busy with one
reel); the rest wait in the order they came. A job that the server's stop cuts off is marked
``interrupted`` (also when the server was killed: found at the next start) and can be queued again;
its out folder keeps the cuts already made, which the re-run reuses.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from soccer_highlights.config import ReelConfig, SegmentConfig, segment_overrides
from soccer_highlights.errors import ConfigError
from soccer_highlights.output.editorial import FORMATS
from soccer_highlights.web.db import Job, JobStore

log = logging.getLogger(__name__)
WORKER_MODULE = "soccer_highlights.web.worker"
REEL_DIR, EDIT_DIR, LOG_FILE, EDITED_FILE = "reel", "edit", "worker.log", "segments.edited.json"
CUT_CACHE = ".cuts"
"""The job's cuts, kept for its re-cuts (a segment the edit left as it was is not cut again)."""
"""In a job's folder: the first run's outputs, the latest re-cut's, the worker's log, the edit."""


@dataclass(frozen=True)
class JobOptions:
    """What the page offers of ``reel``'s options, with ``reel``'s defaults."""

    budget: str = "auto"
    """``auto`` (4 minutes per 45 of match), ``none`` (every segment over the threshold) or seconds."""
    commentary: bool = False
    aspect: str = "source"
    exports: tuple[str, ...] = ()
    clips: bool = False

    def __post_init__(self) -> None:
        segment_overrides(SegmentConfig(), **self.segment_overrides())  # a budget out of range: ConfigError
        ReelConfig(aspect=self.aspect)
        unknown = sorted(set(self.exports) - set(FORMATS))
        if unknown:
            raise ConfigError(f"unknown export format(s) {unknown}; known: {', '.join(FORMATS)}")

    def segment_overrides(self) -> dict[str, Any]:
        word = self.budget.strip().lower()
        fixed = {"auto": {}, "none": {"auto_budget": False}}
        if word in fixed:
            return fixed[word]
        try:
            return {"budget_s": float(word)}
        except ValueError:
            raise ConfigError(f"length must be 'auto', 'none' or a number of seconds, got {self.budget!r}") from None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobOptions:
        """The options of a request (unknown keys refused, so a typo is not silently the default)."""
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ConfigError(f"unknown job option(s) {unknown}; known: {', '.join(cls.__dataclass_fields__)}")
        values = dict(data)
        if "exports" in values:
            exports = values["exports"]
            values["exports"] = tuple(exports.split(",") if isinstance(exports, str) else exports or ())
        for flag in ("commentary", "clips"):
            if flag in values and not isinstance(values[flag], bool):
                raise ConfigError(f"{flag} must be true or false, got {values[flag]!r}")
        if "budget" in values:
            values["budget"] = str(values["budget"])
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"exports": list(self.exports)}


def job_dir(state_dir: Path, job_id: int) -> Path:
    return state_dir / "jobs" / str(job_id)


@dataclass
class JobQueue:
    """Runs queued jobs in worker processes, ``parallel`` at a time, from a thread of the server."""

    store: JobStore
    state_dir: Path
    parallel: int = 1
    poll_s: float = 0.2
    _running: dict[int, subprocess.Popen] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Mark the jobs that a stopped server left running as interrupted, then run the queue."""
        for job in self.store.in_state("running"):
            _end_orphan(job)
            self.store.update(job.id, state="interrupted", pid=None, eta_s=None, finished=time.time(),
                              error="the server stopped while this job ran: start it again to finish it")  # fmt: skip
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="soccer-highlights-jobs", daemon=True)
        self._thread.start()

    def stop(self, wait_s: float = 10.0) -> None:
        """Stop the queue; a job still running is ended and marked interrupted (its cuts are kept)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=wait_s)
        for job_id, process in list(self._running.items()):
            _terminate(process, wait_s)
            if self.store.get(job_id).state != "running":  # it ended on its own, and said how
                continue
            self.store.update(job_id, state="interrupted", pid=None, eta_s=None, finished=time.time(),
                              error="the server stopped while this job ran: start it again to finish it")  # fmt: skip
        self._running.clear()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except Exception:  # the queue outlives any one job's trouble
                log.exception("the job queue failed a step")
            self._stop.wait(self.poll_s)

    def _step(self) -> None:
        for job_id, process in list(self._running.items()):
            if process.poll() is None:
                continue
            del self._running[job_id]
            if self.store.get(job_id).state == "running":  # the worker died before it could say why
                self.store.update(job_id, state="failed", pid=None, eta_s=None, finished=time.time(),
                                  error=f"the job's process stopped unexpectedly (exit {process.returncode}); "
                                  f"its log: {job_dir(self.state_dir, job_id) / LOG_FILE}")  # fmt: skip
        for job in self.store.in_state("queued"):
            if len(self._running) >= self.parallel or self._stop.is_set():
                break
            if self.store.claim(job.id):
                self._running[job.id] = self._spawn(job)

    def _spawn(self, job: Job) -> subprocess.Popen:
        folder = job_dir(self.state_dir, job.id)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / LOG_FILE, "ab") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE, str(self.state_dir), str(job.id)],
                stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.store.update(job.id, pid=process.pid)
        return process


def _terminate(process: subprocess.Popen, wait_s: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)  # the worker and the ffmpeg it started
    try:
        process.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _end_orphan(job: Job) -> None:
    """A worker that outlived a killed server, still cutting: ended, so the re-run is the only writer."""
    if job.pid is None:
        return
    try:
        command = Path(f"/proc/{job.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return
    if WORKER_MODULE.encode() in command and str(job.id).encode() in command:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(job.pid, signal.SIGTERM)

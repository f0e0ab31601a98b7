"""One web job, in a process of its own: ``python -m soccer_highlights.web.worker STATE_DIR JOB_ID``.

It runs the library's reel job as ``reel`` does (the training-free detector fused with the score
bug, ``--commentary`` adding the commentary) or cuts the job's edited segments again, and writes the
same progress events the command line shows (stage, done, total) into the job's row, with the time
left at the stage's pace. The tool's own errors end the job as ``failed`` with their one-line message,
what the page shows; anything else is a bug, its traceback goes to the job's ``worker.log`` only.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
from pathlib import Path

from soccer_highlights.errors import NothingToCutError, SoccerHighlightsError
from soccer_highlights.web.db import JobStore
from soccer_highlights.web.jobs import CUT_CACHE, EDIT_DIR, EDITED_FILE, REEL_DIR, JobOptions, job_dir

MIN_INTERVAL_S = 0.25
"""Progress is written at most this often (and at every change of stage)."""
NICENESS = 5
"""The job yields the CPU to the web server (and its ffmpeg children inherit it): pages stay quick."""


class Reporter:
    """The progress callback of the library (``(stage, done, total)``), recorded in the job's row."""

    def __init__(self, store: JobStore, job_id: int):
        self.store, self.job_id = store, job_id
        self.stage: str | None = None
        self.stage_started = self.last_write = 0.0

    def __call__(self, stage: str, done: float, total: float) -> None:
        now = time.monotonic()
        if stage != self.stage:
            self.stage, self.stage_started, self.last_write = stage, now, 0.0
        elif now - self.last_write < MIN_INTERVAL_S and done < total:
            return
        self.last_write = now
        elapsed = now - self.stage_started
        eta = (total - done) * elapsed / done if done > 0 and total and elapsed > 0.5 else None
        self.store.update(self.job_id, stage=stage, done=float(done), total=float(total), eta_s=eta)


def run(store: JobStore, state_dir: Path, job_id: int) -> None:
    """Do job ``job_id``: its outputs go to the job's ``reel/`` folder, a re-cut's to ``edit/``."""
    from soccer_highlights.api import highlights, highlights_from_segments
    from soccer_highlights.config import ReelConfig

    job = store.get(job_id)
    options = JobOptions.from_json(job.options)
    report = Reporter(store, job_id)
    folder = job_dir(state_dir, job_id)
    reel_config = ReelConfig(aspect=options.aspect)
    # the job's cuts are kept for its re-cuts: an edit cuts only the segments it changed
    extras = {"exports": list(options.exports), "clips": options.clips, "cut_cache": folder / CUT_CACHE}
    report("starting", 0, 1)
    if job.kind == "recut":
        found = highlights_from_segments(job.source, folder / EDITED_FILE, reel=reel_config)
        if not found.segments:
            raise NothingToCutError("the edit keeps no segment: keep at least one, then Re-cut")
        found.write(folder / EDIT_DIR, force=True, progress=report, **extras)
        return
    from soccer_highlights.detectors import DetectorSpec

    spec = DetectorSpec.choose(scoreboard=True)
    if options.commentary:
        from soccer_highlights.commentary.transcribe import ensure_transcripts

        ensure_transcripts(job.source, "base", lambda _video, done, total: report("transcribing", done, total))
        spec = spec.with_part(DetectorSpec("commentary"))
    found = highlights(job.source, spec, reel=reel_config, progress=report, **options.segment_overrides())
    # force: a restarted job replaces what its cut-off run left, and reuses the cuts it had made
    outputs = found.write(folder / REEL_DIR, force=True, progress=report, **extras)
    if not found.segments:
        raise NothingToCutError(f"{job.name}: nothing to cut: {found.why_empty()} ({outputs.timeline.name})")


def yield_cpu() -> None:
    """Lower this process's priority (and its children's) below the web server's. On Linux a process
    in a session of its own (as the worker is) is also a scheduling group of its own, and niceness
    only ranks processes within a group: the group's own niceness is set too, where the kernel offers
    it (``/proc/self/autogroup``); elsewhere niceness alone."""
    os.nice(NICENESS)
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(NICENESS))


def main(argv: list[str]) -> int:
    state_dir, job_id = Path(argv[0]), int(argv[1])
    yield_cpu()
    store = JobStore(state_dir)
    try:
        run(store, state_dir, job_id)
    except SoccerHighlightsError as exc:
        store.update(job_id, state="failed", error=str(exc), eta_s=None, pid=None, finished=time.time())
        return 2
    except OSError as exc:  # a full disk, a folder that cannot be written: the user can act on it
        store.update(job_id, state="failed", error=str(exc), eta_s=None, pid=None, finished=time.time())
        return 2
    except Exception as exc:
        traceback.print_exc()  # into worker.log, never into the page
        store.update(job_id, state="failed", eta_s=None, pid=None, finished=time.time(),
                     error=f"the job failed unexpectedly ({type(exc).__name__}); its log: worker.log")  # fmt: skip
        return 1
    store.update(job_id, state="done", stage="done", done=1.0, total=1.0, eta_s=0.0, pid=None, finished=time.time())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

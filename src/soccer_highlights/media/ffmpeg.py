"""The ffmpeg binary we call: the one shipped in the ``imageio-ffmpeg`` wheel, so no system install."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from soccer_highlights.errors import MediaError


@cache
def ffmpeg_exe() -> str:
    """``SOCCER_HIGHLIGHTS_FFMPEG`` overrides the bundled binary (for a build with other encoders)."""
    override = os.environ.get("SOCCER_HIGHLIGHTS_FFMPEG")
    if override:
        return override
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_path(path: str | Path) -> str:
    """A file as ffmpeg must be told it: through the ``file:`` protocol with an absolute path, so a
    name with a colon is not read as a protocol and one starting with ``-`` not as an option."""
    return f"file:{Path(path).resolve()}"


_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


INTERRUPTED = {-2, -9, -15, 130, 137, 143}
"""Exit codes of a process stopped by SIGINT, SIGKILL or SIGTERM (negative: as Python reports a
signal; 128+n: as a shell does). ffmpeg itself exits 255 after an interrupt, saying nothing at our
log level."""


def run_ffmpeg(args: Sequence[str], what: str) -> None:
    """Run ffmpeg quietly; on failure raise :class:`MediaError` with ``what`` and ffmpeg's last words.

    Every running ffmpeg is registered, so an interrupted run can stop them all
    (:func:`stop_ffmpeg`) rather than leave them writing after it is gone."""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        with _running_lock:
            _running.add(process)
        try:
            _, stderr = process.communicate()
        except BaseException:
            process.kill()
            raise
        finally:
            with _running_lock:
                _running.discard(process)
    if process.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        if process.returncode in INTERRUPTED or (process.returncode == 255 and not tail):
            raise MediaError(
                f"{what}: ffmpeg was stopped by a signal (exit {process.returncode}: an interrupt, a kill or "
                "a closed terminal reached it); nothing is wrong with the input, run the command again"
            )
        raise MediaError(f"{what}: ffmpeg exited with {process.returncode}: {tail or '(it said nothing)'}")


def stop_ffmpeg() -> int:
    """Kill every ffmpeg this process started that is still running; returns how many."""
    with _running_lock:
        running = list(_running)
    for process in running:
        process.kill()
    return len(running)

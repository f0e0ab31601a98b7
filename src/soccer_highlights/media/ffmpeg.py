"""The ffmpeg binary we call: the one shipped in the ``imageio-ffmpeg`` wheel, so no system install."""

from __future__ import annotations

import os
import subprocess
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


def run_ffmpeg(args: Sequence[str], what: str) -> None:
    """Run ffmpeg quietly; on failure raise :class:`MediaError` with ``what`` and ffmpeg's last words."""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise MediaError(f"{what}: ffmpeg exited with {result.returncode}: {tail}")

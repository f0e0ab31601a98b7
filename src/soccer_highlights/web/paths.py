"""Where the web app may read files: the uploads, the library and the jobs' outputs, and nowhere else.

A path that comes from a request (a library entry, a file of a job) is joined to its root, resolved
(symbolic links and ``..`` followed) and refused unless it still lies inside that root; names from
uploads are reduced to a safe file name before they touch the disk, and prefixed with a random id so
two uploads of ``match.mp4`` never meet.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from soccer_highlights.errors import InputError

VIDEO_SUFFIXES = frozenset({".mkv", ".mp4", ".ts", ".m2ts", ".mts", ".mov", ".avi", ".webm", ".mpg", ".mpeg", ".m4v"})
"""What the library browser lists as videos (anything else is still probed when picked)."""
NAME_LIMIT = 120


class OutsideError(InputError):
    """A requested path that leads out of the folder it must stay in."""


def safe_name(name: str) -> str:
    """An upload's name as a plain file name: the last part of any path, letters, digits, ``.-_`` and
    spaces kept, everything else ``_``, no leading dots, at most 120 characters, never empty."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and len(suffix) <= 8:
        cleaned = f"{stem[: NAME_LIMIT - len(suffix) - 1]}.{suffix}" if stem else f"upload.{suffix}"
    return cleaned[:NAME_LIMIT] or "upload"


def upload_name(name: str) -> str:
    """The name an upload is stored under: a random id, then its safe name."""
    return f"{secrets.token_hex(4)}-{safe_name(name)}"


def inside(root: Path, relative: str, what: str) -> Path:
    """``root/relative``, resolved, refused (:class:`OutsideError`) when it leaves ``root``."""
    base = root.resolve()
    if "\x00" in relative:
        raise OutsideError(f"{relative!r}: not a path {what}")
    target = (base / relative.lstrip("/")).resolve()
    if not target.is_relative_to(base):
        raise OutsideError(f"{relative}: outside {what}; nothing outside {what} is opened")
    return target


@dataclass(frozen=True)
class Entry:
    """One line of the library browser."""

    name: str
    path: str
    """Relative to the library, with ``/``."""
    folder: bool
    size: int | None


def list_library(library: Path, relative: str = "") -> list[Entry]:
    """The folders and videos of one library folder (hidden files left out), folders first."""
    folder = inside(library, relative, "the library")
    if not folder.is_dir():
        raise InputError(f"{relative or '/'}: not a folder of the library")
    base = library.resolve()
    entries = []
    for child in sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name.lower())):
        if child.name.startswith("."):
            continue
        resolved = child.resolve()
        if not resolved.is_relative_to(base):  # a link out of the library is not shown either
            continue
        if child.is_dir():
            entries.append(Entry(child.name, child.relative_to(base).as_posix(), True, None))
        elif child.suffix.lower() in VIDEO_SUFFIXES:
            entries.append(Entry(child.name, child.relative_to(base).as_posix(), False, child.stat().st_size))
    return entries

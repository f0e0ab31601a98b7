"""Files in and out: outputs appear whole or not at all, inputs fail with an error that names them.

Every output is written to a temporary sibling and renamed into place: a crash or Ctrl-C mid-write
leaves the previous file (or nothing) in place, never half a reel, so a re-run can trust that any
output it finds is complete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from soccer_highlights.errors import OutputExistsError, OutputLockedError

log = logging.getLogger(__name__)


def refuse_overwrite(path: Path, force: bool) -> None:
    """Before any work: an output that would replace a user's file needs ``force``; one whose name
    is taken by a folder can never be written (said now, not after the work, naming the folder)."""
    if path.is_dir():
        raise OutputExistsError(f"{path} is a folder: an output file goes there; move it away or choose another --out")
    if path.exists() and not force:
        raise OutputExistsError(f"{path} already exists; pass --force to replace it")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` (same suffix, so tools infer the format) and move
    it into place when the block ends without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def atomic_write_json(path: str | Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")


def read_json(path: str | Path, error: type[Exception], what: str) -> Any:
    """Parse a JSON file, raising ``error`` that names the file when it is missing or malformed."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder; give the {what} file itself") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not a {what} file (not text)") from None
    except json.JSONDecodeError as exc:
        raise error(f"{path}: not valid JSON ({exc})") from None


def sha1_of_file(path: str | Path, length: int = 16) -> str:
    """SHA-1 of a file's content (streamed), so an output can name exactly which input made it."""
    digest = hashlib.sha1()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:length]


IDENTITY_BLOCK = 1 << 20


def quick_identity(path: str | Path) -> str:
    """A short key that changes when the file does: its size, modification time and a digest of its
    first and last mebibyte (a replaced or re-encoded video at the same path gets a new key without
    reading a whole 45-minute half)."""
    path = Path(path)
    stat = path.stat()
    digest = hashlib.sha1(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    with path.open("rb") as fh:
        digest.update(fh.read(IDENTITY_BLOCK))
        if stat.st_size > IDENTITY_BLOCK:
            fh.seek(max(IDENTITY_BLOCK, stat.st_size - IDENTITY_BLOCK))
            digest.update(fh.read(IDENTITY_BLOCK))
    return digest.hexdigest()[:16]


LOCK_FILE = ".soccer-highlights.lock"


class OutputLock:
    """One run at a time per output folder (or cache entry): a lock file holding the owner's pid.

    Taken with an exclusive create, so two runs cannot both think they hold it; a lock left by a
    process that no longer exists is taken over; the same process may take it again (the CLI holds
    it around scoring and writing, and writing takes it too).

    An output folder is refused at once while another run writes there (the user chose it and can
    choose another). A shared cache waits instead (``wait_s``): two runs that need the same video's
    features are not in each other's way, the second uses what the first computes.
    """

    def __init__(self, folder: str | Path, name: str = LOCK_FILE, wait_s: float = 0.0, what: str | None = None):
        self.path = Path(folder) / name
        self.wait_s = wait_s
        self.what = what
        self._owned = False
        self._made_folder = False

    def __enter__(self) -> OutputLock:
        self._made_folder = not self.path.parent.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.wait_s
        told, takeovers = False, 0
        while takeovers < 100:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileNotFoundError:  # the run we waited for made the folder and removed it, empty
                self.path.parent.mkdir(parents=True, exist_ok=True)
                takeovers += 1
                continue
            except FileExistsError:
                owner = _lock_owner(self.path)
                if owner == os.getpid():
                    return self  # already ours: an inner block of the same run
                if owner is not None and _alive(owner):
                    if time.monotonic() < deadline:
                        if not told:
                            log.warning(
                                "%s: another run (pid %d) is computing it; waiting", self.what or self.path, owner
                            )
                            told = True
                        time.sleep(0.5)
                        continue
                    if self.wait_s > 0:
                        raise OutputLockedError(
                            f"{self.what or self.path.parent}: another run (pid {owner}) has been computing it "
                            f"for more than {self.wait_s:.0f} s (its lock: {self.path})"
                        ) from None
                    raise OutputLockedError(
                        f"{self.path.parent}: another run (pid {owner}) is writing there; wait for it to "
                        f"finish or choose another output (its lock: {self.path})"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its owner is gone
                takeovers += 1
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            self._owned = True
            return self
        raise OutputLockedError(f"{self.path}: could not take the lock")

    def __exit__(self, *exc: object) -> None:
        if self._owned:
            self.path.unlink(missing_ok=True)
            self._owned = False
            if self._made_folder:  # a run that failed before writing anything leaves no empty folder behind
                with suppress(OSError):
                    self.path.parent.rmdir()


def _lock_owner(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, ValueError):
        return False
    return True


def user_cache_dir() -> Path:
    """The tool's cache folder: ``$SOCCER_HIGHLIGHTS_CACHE``, else the XDG cache directory."""
    if root := os.environ.get("SOCCER_HIGHLIGHTS_CACHE"):
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "soccer-highlights"


def cache_folder_beside(path: Path, name: str) -> Path:
    """``name/`` beside ``path`` (as SoccerNet keeps its features beside the videos); where that
    folder cannot be written (a read-only dataset), ``name/`` in the user cache, one folder per
    folder of videos. Every cache of the tool that belongs to a video lives there."""
    beside = path.parent / name
    try:
        # a folder without write bits is read-only by intent, even for root (whom os.access lets through)
        if path.parent.stat().st_mode & 0o222 and os.access(path.parent, os.W_OK):
            beside.mkdir(exist_ok=True)
            if os.access(beside, os.W_OK):
                return beside
    except OSError:
        pass
    digest = hashlib.sha1(str(path.parent.resolve()).encode()).hexdigest()[:12]
    return user_cache_dir() / name / f"{path.parent.name}-{digest}"


PARTIAL_PATTERNS = (".*.partial-*", ".*.rows-*")
"""The temporary files of atomic writes and streamed cache rows; each name ends in its writer's pid."""


def clean_stale_partials(folder: str | Path) -> list[Path]:
    """Remove temporary files in ``folder`` whose writing process is gone (a run killed mid-write)."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for pattern in PARTIAL_PATTERNS:
        for path in folder.glob(pattern):
            digits = "".join(ch for ch in path.name.rsplit("-", 1)[-1].split(".")[0] if ch.isdigit())
            if digits and int(digits) != os.getpid() and not _alive(int(digits)):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed

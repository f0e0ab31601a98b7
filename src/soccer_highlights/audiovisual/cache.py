"""The per-half feature cache: an ``.npy`` array and a JSON sidecar for each of video and audio.

Files live in ``GAME/features/`` (next to the halves, as SoccerNet's own features do) and are named
by half, kind and a digest of the settings that produced them, so different settings live side by
side and a changed setting invalidates only what it affects. The sidecar is written last; an
entry counts as finished only when both exist, so an interrupted extraction is simply redone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from soccer_highlights._version import __version__
from soccer_highlights.audiovisual.config import FEATURE_FORMAT
from soccer_highlights.fileio import atomic_path, atomic_write_json, cache_folder_beside, quick_identity

CACHE_DIR = "features"


def settings_key(settings: Any, **extra: Any) -> str:
    """A short digest of the settings that made a cached feature (and ``extra``, such as the
    weights' identity), with :data:`FEATURE_FORMAT`: the part of a cache entry's name that changes
    whenever what it holds would."""
    data = {**asdict(settings), **extra, "format": FEATURE_FORMAT}
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]


log = logging.getLogger(__name__)
COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class CacheEntry:
    array_path: Path
    meta_path: Path

    @property
    def done(self) -> bool:
        return self.array_path.is_file() and self.meta_path.is_file()

    def load(self, mmap: bool = True) -> tuple[np.ndarray, dict[str, Any]]:
        """The array and its sidecar, checked against each other: a damaged entry raises ValueError."""
        meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
        array = np.load(self.array_path, mmap_mode="r" if mmap else None, allow_pickle=False)
        if list(array.shape) != list(meta.get("shape", [])):
            raise ValueError(f"its array has shape {list(array.shape)}, its sidecar says {meta.get('shape')}")
        return array, meta

    def discard_if_damaged(self) -> None:
        """A finished entry that does not load whole is named in the log, removed, and so recomputed."""
        if not self.done:
            return
        try:
            self.load()
        except (OSError, ValueError, EOFError) as exc:
            log.warning("%s: damaged feature cache entry (%s); it is recomputed", self.array_path, exc)
            self.array_path.unlink(missing_ok=True)
            self.meta_path.unlink(missing_ok=True)

    def save_rows(self, blocks: Iterable[np.ndarray], meta: dict[str, Any], dtype: type = np.float16) -> int:
        """Write blocks of rows as they come, so that a whole half's features are never in memory at
        once (a 90-minute half then needs no more memory than a 10-minute one); returns the row count.

        The rows go to a scratch file first: an ``.npy`` header states the shape, which is known only
        at the end. Nothing is written (and the entry stays unfinished) when there are no rows.
        """
        scratch = self.array_path.with_name(f".{self.array_path.stem}.rows-{os.getpid()}")
        scratch.parent.mkdir(parents=True, exist_ok=True)
        n_rows, width = 0, None
        try:
            with scratch.open("wb") as raw:
                for block in blocks:
                    block = np.ascontiguousarray(block, dtype=dtype)
                    if width is not None and block.shape[1:] != width:
                        raise ValueError(f"{self.array_path}: rows of shape {block.shape[1:]} after {width}")
                    width = block.shape[1:]
                    raw.write(block.tobytes())
                    n_rows += len(block)
            if n_rows == 0:
                return 0
            header = {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": (n_rows, *width)}
            with atomic_path(self.array_path) as tmp, tmp.open("wb") as fh, scratch.open("rb") as raw:
                np.lib.format.write_array_header_1_0(fh, header)
                shutil.copyfileobj(raw, fh, COPY_CHUNK)
        finally:
            scratch.unlink(missing_ok=True)
        atomic_write_json(self.meta_path, meta | {"shape": [n_rows, *width], "versions": _versions()})
        return n_rows


def entry_for(video: Path, kind: str, key: str, cache_root: Path | None = None) -> CacheEntry:
    """Where the ``kind`` (``video`` or ``audio``) features of one half video are cached.

    The name holds the video's file name (``clip.mkv`` and ``clip.mp4`` apart) and its content
    identity (a video replaced at the same path gets new entries), and the settings' key."""
    folder = cache_root if cache_root is not None else cache_folder(video)
    stem = f"{video.name}_{quick_identity(video)}_{kind}_{key}"
    return CacheEntry(folder / f"{stem}.npy", folder / f"{stem}.json")


def cache_folder(video: Path) -> Path:
    """``GAME/features/`` beside the video, or the user cache (see :func:`cache_folder_beside`)."""
    return cache_folder_beside(video, CACHE_DIR)


def _versions() -> dict[str, str]:
    import av
    import torch

    return {
        "soccer_highlights": __version__,
        "torch": torch.__version__,
        "av": av.__version__,
        "python": platform.python_version(),
    }

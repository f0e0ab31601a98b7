"""The per-half feature cache: an ``.npy`` array and a JSON sidecar for each of video and audio.

Files live in ``GAME/features/`` (next to the halves, as SoccerNet's own features do) and are named
by half, kind and a digest of the settings that produced them, so different settings live side by
side and a changed setting invalidates only what it affects. The sidecar is written last; an
entry counts as finished only when both exist, so an interrupted extraction is simply redone.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from soccer_highlights import __version__
from soccer_highlights.atomic import atomic_path, atomic_write_json

CACHE_DIR = "features"


@dataclass(frozen=True)
class CacheEntry:
    array_path: Path
    meta_path: Path

    @property
    def done(self) -> bool:
        return self.array_path.is_file() and self.meta_path.is_file()

    def load(self, mmap: bool = True) -> tuple[np.ndarray, dict[str, Any]]:
        meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
        return np.load(self.array_path, mmap_mode="r" if mmap else None), meta

    def save(self, array: np.ndarray, meta: dict[str, Any]) -> None:
        with atomic_path(self.array_path) as tmp, tmp.open("wb") as fh:
            np.save(fh, array)
        atomic_write_json(self.meta_path, meta | {"shape": list(array.shape), "versions": _versions()})


def entry_for(video: Path, kind: str, key: str, cache_root: Path | None = None) -> CacheEntry:
    """Where the ``kind`` (``video`` or ``audio``) features of one half video are cached."""
    folder = cache_root if cache_root is not None else video.parent / CACHE_DIR
    stem = f"{video.stem}_{kind}_{key}"
    return CacheEntry(folder / f"{stem}.npy", folder / f"{stem}.json")


def _versions() -> dict[str, str]:
    import av
    import torch

    return {
        "soccer_highlights": __version__,
        "torch": torch.__version__,
        "av": av.__version__,
        "python": platform.python_version(),
    }


def settings_dict(settings: object) -> dict[str, Any]:
    return asdict(settings)  # type: ignore[call-overload]

"""A run's record in its output folder, so an interrupted run's outputs are finished, not refused.

``segments.json`` is written last: until then the folder holds a run that did not finish. Its
record (``OUT/.soccer-highlights.run.json``) says which outputs it wrote and for which plan (a
digest of the segments, the reel's settings and the videos' content). The next run into the folder
may replace those outputs without ``--force`` (they are the tool's own unfinished set, not a user's
files), and where it makes the same plan it keeps the reel that was already joined (checked on its
streams again) instead of cutting it anew. The record is removed once ``segments.json`` is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from soccer_highlights.fileio import atomic_write_json

RUN_FILE = ".soccer-highlights.run.json"


def unfinished_outputs(out_dir: str | Path) -> set[str]:
    """The names of outputs an unfinished run wrote into ``out_dir`` (empty: none, or it finished)."""
    return set(_read(Path(out_dir)).get("written", {}))


def plan_key(parts: Iterable[Any]) -> str:
    """A digest of everything that makes the outputs (JSON-able parts)."""
    return hashlib.sha1(json.dumps(list(parts), sort_keys=True, default=str).encode()).hexdigest()[:16]


class RunRecord:
    """The record of the run writing ``out_dir`` now, for the plan ``key``."""

    def __init__(self, out_dir: str | Path, key: str):
        self.path = Path(out_dir) / RUN_FILE
        self.key = key
        old = _read(Path(out_dir))
        self.written: dict[str, Any] = dict(old.get("written", {}))
        self.same_plan = old.get("key") == key
        if not self.same_plan:  # another plan's outputs stay replaceable, but none is reused
            self.written = {name: None for name in self.written}
        self._save()

    def done(self, name: str, detail: Any = True) -> None:
        """``name`` is written (with what a re-run needs to reuse it)."""
        self.written[name] = detail
        self._save()

    def reusable(self, name: str) -> Any:
        """What was recorded for ``name`` by a run of this same plan, or None."""
        return self.written.get(name) if self.same_plan else None

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)

    def _save(self) -> None:
        atomic_write_json(self.path, {"key": self.key, "written": self.written})


def reel_record(reel: Any) -> dict[str, Any]:
    """A :class:`~soccer_highlights.output.reel.ReelResult` as JSON (paths by name: the folder may move)."""
    out = {}
    for f in fields(reel):
        value = getattr(reel, f.name)
        if isinstance(value, Path):
            value = value.name
        elif isinstance(value, list) and value and isinstance(value[0], Path):
            value = [v.name for v in value]
        out[f.name] = value
    return out


def reel_from_record(record: dict[str, Any], out_dir: Path, reel_type: type) -> Any:
    """The :class:`ReelResult` a record describes, its files in ``out_dir``; None where any is gone."""
    try:
        values = dict(record)
        values["path"] = out_dir / values["path"]
        values["clips"] = [out_dir / name for name in values.get("clips", [])]
        names = {f.name for f in fields(reel_type)}
        result = reel_type(**{k: v for k, v in values.items() if k in names})
    except (KeyError, TypeError, ValueError):
        return None
    return result if all(p.is_file() for p in [result.path, *result.clips]) else None


def _read(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("written"), dict) else {}

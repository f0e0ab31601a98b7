"""The web app's jobs, recorded in SQLite (the standard library's) under the state folder.

Every process opens its own short-lived connection (the server's threads and the worker processes
all write here), in WAL mode so a reader never waits for a writer; a job's row is the one place its
state lives, so a reload, a closed tab or a restarted server shows every job as it is.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from soccer_highlights.errors import InputError

DB_FILE = "jobs.sqlite3"
STATES = ("queued", "running", "done", "failed", "interrupted")
"""A job's life: queued, running, then done or failed; a job cut off by a stopped server is interrupted."""
KINDS = ("reel", "recut")
"""``reel``: score, plan and cut a match; ``recut``: cut an edited list of the job's segments again."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    options TEXT NOT NULL,
    state TEXT NOT NULL,
    stage TEXT,
    done REAL,
    total REAL,
    eta_s REAL,
    error TEXT,
    pid INTEGER,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    updated REAL NOT NULL
)
"""


class UnknownJobError(InputError):
    """A job number that the state folder has never had."""


@dataclass(frozen=True)
class Job:
    """One row: what was asked (``kind``, ``source``, ``options``) and where it stands."""

    id: int
    kind: str
    source: str
    name: str
    options: dict[str, Any]
    state: str
    stage: str | None
    done: float | None
    total: float | None
    eta_s: float | None
    error: str | None
    pid: int | None
    created: float
    started: float | None
    finished: float | None
    updated: float

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("pid")
        data["percent"] = round(100.0 * self.done / self.total, 1) if self.done is not None and self.total else None
        return data


class JobStore:
    """The jobs table of one state folder."""

    def __init__(self, state_dir: str | Path):
        self.path = Path(state_dir) / DB_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30.0)) as db, db:
            db.row_factory = sqlite3.Row
            yield db

    def add(self, kind: str, source: str, name: str, options: dict[str, Any]) -> Job:
        now = time.time()
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO jobs (kind, source, name, options, state, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kind, source, name, json.dumps(options), "queued", now, now),
            )
            job_id = int(cursor.lastrowid or 0)
        return self.get(job_id)

    def get(self, job_id: int) -> Job:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise UnknownJobError(f"no job {job_id}")
        return _job(row)

    def all(self) -> list[Job]:
        """Every job, the newest first."""
        with self._connect() as db:
            return [_job(row) for row in db.execute("SELECT * FROM jobs ORDER BY id DESC")]

    def in_state(self, state: str) -> list[Job]:
        """The jobs in ``state``, the oldest first (the queue's order)."""
        with self._connect() as db:
            return [_job(row) for row in db.execute("SELECT * FROM jobs WHERE state = ? ORDER BY id", (state,))]

    def version(self) -> float:
        """When any job last changed: live pages send the list again only after a change."""
        with self._connect() as db:
            return float(db.execute("SELECT COALESCE(MAX(updated), 0) FROM jobs").fetchone()[0])

    def update(self, job_id: int, **fields: Any) -> None:
        if "options" in fields:
            fields["options"] = json.dumps(fields["options"])
        fields["updated"] = time.time()
        columns = ", ".join(f"{name} = ?" for name in fields)
        with self._connect() as db:
            db.execute(f"UPDATE jobs SET {columns} WHERE id = ?", (*fields.values(), job_id))

    def claim(self, job_id: int) -> bool:
        """Mark a queued job as running; False when it is no longer queued."""
        now = time.time()
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = 'running', started = ?, updated = ?, stage = 'starting', done = NULL, "
                "total = NULL, eta_s = NULL, error = NULL WHERE id = ? AND state = 'queued'",
                (now, now, job_id),
            )
            return cursor.rowcount == 1

    def requeue(self, job_id: int, kind: str | None = None) -> bool:
        """Queue a job again (an interrupted or failed one, or a finished one for a re-cut); False
        while it is queued or running."""
        now = time.time()
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = 'queued', kind = COALESCE(?, kind), stage = NULL, done = NULL, "
                "total = NULL, eta_s = NULL, error = NULL, finished = NULL, updated = ? "
                "WHERE id = ? AND state NOT IN ('queued', 'running')",
                (kind, now, job_id),
            )
            return cursor.rowcount == 1


def _job(row: sqlite3.Row) -> Job:
    data = dict(row)
    data["options"] = json.loads(data["options"])
    return Job(**data)

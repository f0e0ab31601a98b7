"""Run a batch's tasks on a Ray cluster: one task per game or half video, results as they finish.

Ray is an optional extra (``pip install 'soccer-highlights[cluster]'``); nothing here imports it
until a run asks for it. Tasks are plain top-level functions of the batch module, called with
paths and settings (never live models, which do not travel): each worker builds what it needs and
writes into the same content-keyed caches and output folders as a serial run, so a Ray run and a
serial run give the same files, and either resumes the other's work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from soccer_highlights.errors import ConfigError

log = logging.getLogger(__name__)
LOCAL = "local"
"""``--ray local``: start a Ray cluster on this machine for the run."""


@dataclass(frozen=True)
class ClusterConfig:
    """Where and how tasks run on Ray."""

    address: str = LOCAL
    """``local`` (a cluster on this machine, stopped after the run), ``auto`` (the cluster this
    machine is part of) or ``ray://HOST:PORT``."""
    cpus_per_task: float = 1.0
    gpus_per_task: float = 0.0
    max_retries: int = 2
    """A task that raises or whose worker dies is run again this many times."""
    local_cpus: int | None = None
    """CPUs of a local cluster (None: all of this machine's)."""

    def __post_init__(self) -> None:
        if self.cpus_per_task <= 0 or self.gpus_per_task < 0 or self.max_retries < 0:
            raise ConfigError("ClusterConfig: cpus_per_task > 0, gpus_per_task >= 0 and max_retries >= 0")


@dataclass(frozen=True)
class TaskOutcome:
    name: str
    result: Any = None
    error: str | None = None
    """The task's error after its retries, or None."""


def import_ray():
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--ray needs Ray, an optional extra: pip install 'soccer-highlights[cluster]' (or pip install ray)"
        ) from None
    return ray


def run_tasks(
    function: Callable[..., Any],
    calls: Sequence[tuple[str, tuple]],
    config: ClusterConfig,
    on_done: Callable[[TaskOutcome], None] | None = None,
) -> list[TaskOutcome]:
    """Run ``function(*args)`` for every ``(name, args)`` in ``calls`` as Ray tasks; outcomes in the
    order of ``calls``. A task that still fails after its retries is reported, never raised: the
    other tasks finish."""
    ray = import_ray()
    started_here = False
    if not ray.is_initialized():
        if config.address == LOCAL:
            ray.init(num_cpus=config.local_cpus, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
        else:
            ray.init(address=config.address, log_to_driver=False, logging_level="ERROR")
        started_here = True
    try:
        remote = ray.remote(
            num_cpus=config.cpus_per_task,
            num_gpus=config.gpus_per_task,
            max_retries=config.max_retries,
            retry_exceptions=True,
        )(function)
        pending = {remote.remote(*args): (i, name) for i, (name, args) in enumerate(calls)}
        outcomes: list[TaskOutcome | None] = [None] * len(calls)
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                i, name = pending.pop(ref)
                try:
                    outcome = TaskOutcome(name, ray.get(ref))
                except Exception as exc:  # the task's own error, after its retries
                    outcome = TaskOutcome(name, error=_task_error(exc))
                outcomes[i] = outcome
                if on_done:
                    on_done(outcome)
        return [o for o in outcomes if o is not None]
    finally:
        if started_here and config.address == LOCAL:
            ray.shutdown()


def _task_error(exc: Exception) -> str:
    """The task's own exception, not Ray's wrapping of it."""
    cause = getattr(exc, "cause", None)
    return str(cause) if cause is not None else str(exc).strip().splitlines()[-1]

"""The web app as a user meets it: real uvicorn on a free port of this machine, in a thread, its jobs
in real worker processes; stopped as Ctrl-C stops ``serve`` (the queue's shutdown included)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from soccer_highlights.web.app import ServeSettings, create_app

WRITE = {"X-Soccer-Highlights": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``with LiveServer(settings) as server: httpx.get(server.url + "/api/jobs")``."""

    def __init__(self, settings: ServeSettings, port: int | None = None):
        self.settings = settings
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, log_level="warning",
                                timeout_graceful_shutdown=1)  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def wait_for(client: httpx.Client, job_id: int, states: tuple[str, ...], timeout_s: float = 600) -> dict:
    """The job once it is in one of ``states`` (fails after ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} never reached {states}: {job}")
        time.sleep(0.1)


def upload(client: httpx.Client, video: Path, name: str | None = None) -> httpx.Response:
    with open(video, "rb") as fh:
        return client.post("/api/uploads", params={"name": name or video.name}, content=fh, headers=WRITE)

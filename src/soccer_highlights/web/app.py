"""The web app: pages, the JSON API and live progress, on Starlette (served by uvicorn).

Routes (every one behind :class:`Guard`):

* ``GET /``: the jobs page (upload, library, options, every job with its live progress);
* ``GET /jobs/{id}``: the job's review page, live (:mod:`~soccer_highlights.web.review`);
* ``GET /jobs/{id}/files/{reel|edit}/{name}``: a job's outputs (``?download=1`` to save them);
* ``GET /jobs/{id}/source``: the job's video (an upload or a library file, nothing else);
* ``GET /api/jobs``, ``GET /api/jobs/{id}``: the jobs as JSON, with each one's files;
* ``POST /api/uploads?name=``: a video as the raw request body, streamed to disk and probed;
* ``POST /api/jobs``: ``{"upload" | "library": ..., "options": {...}}`` queues a reel job;
* ``POST /api/jobs/{id}/restart``, ``POST /api/jobs/{id}/recut``: queue a job again, or cut an edit;
* ``GET /api/library?path=``: a folder of the library;
* ``GET /api/events``: Server-Sent Events, the job list whenever a job changes.

Errors a user can act on answer ``{"error": "..."}`` with the tool's one-line message; anything else
is a bug and answers a short line (its traceback goes to the server's log, never to the page).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from http.cookies import SimpleCookie
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from soccer_highlights.errors import ConfigError, InputError, MediaError, SoccerHighlightsError
from soccer_highlights.fileio import atomic_write_json
from soccer_highlights.media.probe import probe
from soccer_highlights.web.db import JobStore, UnknownJobError
from soccer_highlights.web.jobs import EDIT_DIR, EDITED_FILE, REEL_DIR, JobOptions, JobQueue, job_dir
from soccer_highlights.web.paths import OutsideError, inside, list_library, safe_name, upload_name
from soccer_highlights.web.review import error_page, result_dir, served_page

log = logging.getLogger(__name__)
UPLOADS = "uploads"
CHUNK = 1 << 20
"""Uploads are written in pieces of this size (from a thread, so the pages stay quick)."""
TOKEN_COOKIE, TOKEN_HEADER, WRITE_HEADER = "sh_token", "x-access-token", "x-soccer-highlights"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
EVENT_POLL_S, KEEPALIVE_S = 0.3, 15.0


@dataclass(frozen=True)
class ServeSettings:
    """What ``serve`` was started with."""

    state_dir: Path
    library: Path | None = None
    token: str | None = None
    """Every request must carry it (``?token=``, then a cookie); None on a loopback address only."""
    max_upload_bytes: int = 50 * 2**30
    parallel: int = 1
    allowed_hosts: frozenset[str] | None = LOOPBACK_NAMES
    """The Host names answered (None: any, behind the token): a page on another site that resolves
    its own name to 127.0.0.1 gets nothing."""

    def __post_init__(self) -> None:
        if self.max_upload_bytes <= 0:
            raise ConfigError(f"the upload limit must be above 0, got {self.max_upload_bytes} bytes")
        if self.parallel < 1:
            raise ConfigError(f"jobs at a time must be at least 1, got {self.parallel}")
        if self.library is not None and not self.library.is_dir():
            raise InputError(f"{self.library}: no such folder for --library")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Guard:
    """Every request checked before any route: the Host name, the access token (compared in
    constant time; a valid ``?token=`` also sets a cookie, so the page's own requests carry it),
    and a header of ours on every write, which a form or script of another site cannot send."""

    def __init__(self, app: ASGIApp, token: str | None, allowed_hosts: frozenset[str] | None):
        self.app, self.token, self.allowed_hosts = app, token, allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if self.token and _same(request.query_params.get("token"), self.token):

            async def with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start":
                    cookie = SimpleCookie()
                    cookie[TOKEN_COOKIE] = self.token
                    cookie[TOKEN_COOKIE].update({"httponly": True, "samesite": "Strict", "path": "/"})
                    headers = list(message.get("headers", []))
                    headers.append((b"set-cookie", cookie.output(header="").strip().encode()))
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, with_cookie)
            return
        await self.app(scope, receive, send)

    def _refusal(self, request: Request) -> Response | None:
        host = (request.url.hostname or "").strip("[]")
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return _error(f"this server answers to {', '.join(sorted(self.allowed_hosts))} only, not {host!r}", 400)
        if self.token:
            given = (
                request.query_params.get("token")
                or request.headers.get(TOKEN_HEADER)
                or request.cookies.get(TOKEN_COOKIE)
            )
            if not _same(given, self.token):
                return _error("this server needs its access token: open the address it printed (…/?token=…)", 401)
        if request.method not in ("GET", "HEAD") and request.headers.get(WRITE_HEADER) != "1":
            return _error(f"a change needs the {WRITE_HEADER} header (the app's own pages send it)", 403)
        return None


def _same(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(settings: ServeSettings) -> Starlette:
    """The app for one state folder (its jobs, uploads and outputs) and, optionally, a library."""
    state_dir = settings.state_dir.resolve()
    uploads = state_dir / UPLOADS
    uploads.mkdir(parents=True, exist_ok=True)
    library = settings.library.resolve() if settings.library is not None else None
    store = JobStore(state_dir)
    queue = JobQueue(store, state_dir, settings.parallel)

    def job_json(job_id: int) -> dict[str, Any]:
        job = store.get(job_id)
        folder = job_dir(state_dir, job.id)
        latest = result_dir(folder)
        files = []
        if latest.is_dir():
            for path in sorted(latest.iterdir()):
                if path.is_file() and not path.name.startswith(".") and path.suffix != ".html":
                    url = f"/jobs/{job.id}/files/{latest.name}/{path.name}"
                    files.append({"name": path.name, "url": url, "size": path.stat().st_size})
        review = (folder / REEL_DIR / "review.html").is_file()
        return job.to_json() | {"files": files, "review_url": f"/jobs/{job.id}" if review else None}

    def allowed_source(path: Path) -> bool:
        resolved = path.resolve()
        return resolved.is_relative_to(uploads) or (library is not None and resolved.is_relative_to(library))

    async def index(request: Request) -> Response:
        page = resources.files("soccer_highlights.web").joinpath("static/index.html").read_text(encoding="utf-8")
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def review_page(request: Request) -> Response:
        job_id = int(request.path_params["job_id"])
        job = store.get(job_id)
        page = await anyio.to_thread.run_sync(served_page, job_id, job_dir(state_dir, job_id), job.name)
        if page is None:
            message = job.error or f"job {job_id} is {job.state}: its review page comes when its reel is made"
            return HTMLResponse(error_page(f"Job {job_id}: {job.name}", message), status_code=404)
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def job_file(request: Request) -> Response:
        job_id = int(request.path_params["job_id"])
        store.get(job_id)
        relative = request.path_params["path"]
        top, _, rest = relative.partition("/")
        if top not in (REEL_DIR, EDIT_DIR):
            raise OutsideError(f"{relative}: outside the job's outputs; nothing outside them is opened")
        path = inside(job_dir(state_dir, job_id) / top, rest, "the job's outputs")
        if not path.is_file():
            return _error(f"{relative}: no such file among job {job_id}'s outputs", 404)
        download = path.name if request.query_params.get("download") else None
        return FileResponse(path, filename=download, content_disposition_type="attachment")

    async def job_source(request: Request) -> Response:
        job = store.get(int(request.path_params["job_id"]))
        path = Path(job.source)
        if not allowed_source(path) or not path.is_file():
            return _error(f"job {job.id}'s video is no longer among the uploads or in the library", 404)
        return FileResponse(path, content_disposition_type="inline")

    async def list_jobs(request: Request) -> Response:
        return JSONResponse({"jobs": [job_json(j.id) for j in store.all()]})

    async def get_job(request: Request) -> Response:
        return JSONResponse(job_json(int(request.path_params["job_id"])))

    async def upload(request: Request) -> Response:
        name = safe_name(request.query_params.get("name", ""))
        length = request.headers.get("content-length")
        limit = settings.max_upload_bytes
        if length is not None and length.isdigit() and int(length) > limit:
            return _too_large(name, int(length), limit)
        stored = upload_name(name)
        partial = uploads / f".partial-{stored}"
        written = 0
        try:
            with open(partial, "wb") as out:
                buffer = bytearray()
                async for chunk in request.stream():
                    written += len(chunk)
                    if written > limit:
                        return _too_large(name, written, limit)
                    buffer += chunk
                    if len(buffer) >= CHUNK:
                        await anyio.to_thread.run_sync(out.write, bytes(buffer))
                        buffer.clear()
                await anyio.to_thread.run_sync(out.write, bytes(buffer))
            if written == 0:
                raise InputError(f"{name}: the upload is empty")
            info = await anyio.to_thread.run_sync(_probe_as, partial, name)
            partial.rename(uploads / stored)
        finally:
            partial.unlink(missing_ok=True)
        return JSONResponse(
            {"upload": stored, "name": name, "size": written, "duration_s": round(info.duration_s, 3)},
            status_code=201,
        )

    async def create_job(request: Request) -> Response:
        body = await _json_body(request)
        options = JobOptions.from_json(body.get("options") or {})
        if "upload" in body:
            source = inside(uploads, str(body["upload"]), "the uploads")
            if source.name.startswith(".") or not source.is_file():
                raise InputError(f"{body['upload']}: no such upload (upload the video first)")
            name = source.name.split("-", 1)[-1]
        elif "library" in body:
            if library is None:
                raise ConfigError("this server has no library: start it with serve --library DIR")
            source = inside(library, str(body["library"]), "the library")
            if not source.is_file():
                raise InputError(f"{body['library']}: no such video in the library")
            name = source.relative_to(library).as_posix()
        else:
            raise ConfigError('a job needs a video: {"upload": NAME} or {"library": PATH}')
        await anyio.to_thread.run_sync(_probe_as, source, name)
        job = store.add("reel", str(source), name, options.to_json())
        return JSONResponse(job_json(job.id), status_code=201)

    async def restart_job(request: Request) -> Response:
        job = store.get(int(request.path_params["job_id"]))
        if job.state not in ("interrupted", "failed"):
            return _error(f"job {job.id} is {job.state}: only an interrupted or failed job can be started again", 409)
        store.requeue(job.id)
        return JSONResponse(job_json(job.id))

    async def recut_job(request: Request) -> Response:
        job = store.get(int(request.path_params["job_id"]))
        folder = job_dir(state_dir, job.id)
        if job.state in ("queued", "running"):
            return _error(f"job {job.id} is {job.state}: re-cut it when it is done", 409)
        if not (folder / REEL_DIR / "review.html").is_file():
            return _error(f"job {job.id} has no reel to edit yet: start it again first", 409)
        body = await _json_body(request)
        segments = body.get("segments")
        if not isinstance(segments, list) or not segments:
            raise InputError("the edit keeps no segment: keep at least one, then Re-cut")
        document = {"format": body.get("format"), "edited": True, "source": job.source, "segments": segments}
        atomic_write_json(folder / EDITED_FILE, document)
        if not store.requeue(job.id, kind="recut"):
            return _error(f"job {job.id} is already queued or running", 409)
        return JSONResponse(job_json(job.id), status_code=202)

    async def browse(request: Request) -> Response:
        if library is None:
            raise ConfigError("this server has no library: start it with serve --library DIR")
        relative = request.query_params.get("path", "")
        entries = await anyio.to_thread.run_sync(list_library, library, relative)
        return JSONResponse({"path": relative, "entries": [e.__dict__ for e in entries]})

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            last, quiet = None, 0.0
            while True:
                version = store.version()
                if version != last:
                    last, quiet = version, 0.0
                    jobs = [job_json(j.id) for j in store.all()]
                    yield f"data: {json.dumps({'jobs': jobs})}\n\n"
                elif quiet > KEEPALIVE_S:
                    quiet = 0.0
                    yield ": still here\n\n"
                await asyncio.sleep(EVENT_POLL_S)
                quiet += EVENT_POLL_S

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        queue.start()
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(queue.stop)

    routes = [
        Route("/", index),
        Route("/jobs/{job_id:int}", review_page),
        Route("/jobs/{job_id:int}/files/{path:path}", job_file),
        Route("/jobs/{job_id:int}/source", job_source),
        Route("/api/jobs", list_jobs),
        Route("/api/jobs", create_job, methods=["POST"]),
        Route("/api/jobs/{job_id:int}", get_job),
        Route("/api/jobs/{job_id:int}/restart", restart_job, methods=["POST"]),
        Route("/api/jobs/{job_id:int}/recut", recut_job, methods=["POST"]),
        Route("/api/uploads", upload, methods=["POST"]),
        Route("/api/library", browse),
        Route("/api/events", events),
    ]
    handlers = {
        OutsideError: lambda request, exc: _error(str(exc), 403),
        SoccerHighlightsError: lambda request, exc: _error(str(exc), 400),
        UnknownJobError: lambda request, exc: _error(str(exc), 404),
        Exception: _unexpected,
    }
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    app.state.store, app.state.queue, app.state.settings = store, queue, settings
    app.add_middleware(Guard, token=settings.token, allowed_hosts=settings.allowed_hosts)
    return app


def _probe_as(path: Path, name: str) -> Any:
    """``probe``, its error naming the file as the user knows it (not our stored path)."""
    try:
        return probe(path)
    except MediaError as exc:
        raise MediaError(str(exc).replace(str(path), name)) from None


def _too_large(name: str, size: int, limit: int) -> JSONResponse:
    return _error(
        f"{name}: {size / 2**30:.2f} GB is more than this server takes ({limit / 2**30:.2f} GB); "
        "start it with a larger --max-upload-gb",
        413,
    )


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError("the request's body is not JSON") from None
    if not isinstance(body, dict):
        raise InputError("the request's body must be a JSON object")
    return body


def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return _error(f"the server failed on this request ({type(exc).__name__}); its log says more", 500)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    with suppress(ValueError):
        return ipaddress.ip_address(host).is_loopback
    return False


def default_state_dir() -> Path:
    """``$SOCCER_HIGHLIGHTS_STATE``, else ``$XDG_STATE_HOME/soccer-highlights/web`` (``~/.local/state``)."""
    if root := os.environ.get("SOCCER_HIGHLIGHTS_STATE"):
        return Path(root)
    xdg = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg) / "soccer-highlights" / "web"

"""``serve``: the tool as a local web app (see :mod:`soccer_highlights.web`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from soccer_highlights._cli.common import console
from soccer_highlights.errors import ConfigError


def serve(
    port: Annotated[int, typer.Option(help="The port to listen on.", min=1, max=65535)] = 8000,
    host: Annotated[
        str,
        typer.Option(
            help="The address to listen on. 127.0.0.1 (this machine only) by default; any other address "
            "needs the access token printed in the address (a new one each start)."
        ),
    ] = "127.0.0.1",
    library: Annotated[
        Path | None,
        typer.Option(help="A folder of match videos to pick from in the page (nothing above it is shown)."),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(
            help="Where the jobs, the uploads and the outputs are kept. "
            "[default: $SOCCER_HIGHLIGHTS_STATE, else ~/.local/state/soccer-highlights/web]",
            show_default=False,
        ),
    ] = None,
    max_upload_gb: Annotated[float, typer.Option(help="The largest upload taken, in GB.")] = 50.0,
    jobs: Annotated[int, typer.Option(help="Jobs run at a time (the others wait in a queue).", min=1)] = 1,
) -> None:
    """A local web app: upload a match or pick one from --library, watch it work, edit the reel on
    its review page, re-cut it and download the reel, clips, chapters and timelines.

    It prints its address and opens nothing by itself. Jobs survive a restart of the server (a job
    cut off by it is marked interrupted and can be started again).

    Example: soccer-highlights serve --library ~/matches
    """
    import uvicorn

    from soccer_highlights.web.app import ServeSettings, create_app, default_state_dir, is_loopback, new_token

    if max_upload_gb <= 0:
        raise ConfigError(f"--max-upload-gb must be above 0, got {max_upload_gb}")
    local = is_loopback(host)
    token = None if local else new_token()
    settings = ServeSettings(
        state_dir=state or default_state_dir(), library=library, token=token,
        max_upload_bytes=int(max_upload_gb * 2**30), parallel=jobs,
        allowed_hosts=None if not local else ServeSettings.allowed_hosts,
    )  # fmt: skip
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    console.print(
        f"soccer-highlights serves {address} (jobs in {settings.state_dir}); Ctrl-C stops it",
        soft_wrap=True, highlight=False, markup=False,
    )  # fmt: skip
    if token:
        console.print("every request needs the token in that address: share it only with whom may use the app")
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)

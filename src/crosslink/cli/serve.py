"""``crosslink serve``: the workbench service (API and pages) over one workspace.

Thin: check the bind address, build the app with :func:`crosslink.api.create_app`,
hand it to uvicorn. One process (uvicorn's single worker) owns the workspace; see
docs/deployment.md for running it for a team.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from crosslink.cli.app import app
from crosslink.cli.common import WorkspaceOption, console, user_errors, workspace_path
from crosslink.errors import InputError

__all__ = ["is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command(rich_help_panel="6. Service")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow a non-loopback address (put a "
                           "TLS-terminating reverse proxy in front; see docs/deployment.md).")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Serve the analyst workbench (pages and API) on this machine; see docs/deployment.md.

    Accounts come from `crosslink users`; every request runs under that user's clearance
    and every consultation is audited."""
    import uvicorn

    from crosslink.api import create_app

    with user_errors():
        if not is_loopback(host) and not allow_remote:
            raise InputError(
                f"--host {host}: not a loopback address. The service speaks plain HTTP; TLS "
                "belongs to a reverse proxy in front of it (docs/deployment.md). Bind "
                "127.0.0.1 behind the proxy, or pass --allow-remote if the proxy is elsewhere."
            )
        application = create_app(workspace_path(workspace))
    console.print(f"Serving {workspace_path(workspace)} at http://{host}:{port}/ "
                  "(Ctrl-C to stop)", highlight=False, markup=False)
    # One worker: the process owns the DuckDB file; reads run on its thread pool.
    uvicorn.run(application, host=host, port=port, workers=1, log_level="warning",
                proxy_headers=True, server_header=False)

"""``prepdeck serve``: the web UI on this machine (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from prepdeck.cli.study import DatabaseOpt
from prepdeck.settings import load_settings

out = Console(highlight=False)


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 0.0.0.0 exposes it to your network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    database: DatabaseOpt = None,
) -> None:
    """Practise, browse and search in the browser: starts the web UI and prints its address."""
    import uvicorn

    from prepdeck.web import create_app

    app = create_app(load_settings(database_url=database))
    shown = f"[{host}]" if ":" in host else host
    out.print(f"prepdeck is running at [bold]http://{shown}:{port}[/] (Ctrl-C stops it)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        out.print(
            "[yellow]Warning: listening beyond this machine; anyone who can reach it can use it.[/]"
        )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)

"""``prepdeck serve``: the web UI on this machine (127.0.0.1 unless told otherwise).

With ``--workers N`` it runs N server processes on one port (uvicorn's process manager), each
building the app from the environment (:mod:`prepdeck.web.factory`). The app keeps nothing
in memory between requests, so any process answers any request; the schema is migrated and the
bundled bank loaded once, here, before the workers start, so they never race to do it.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

from prepdeck.cli.options import DatabaseOpt
from prepdeck.settings import load_settings

out = Console(highlight=False)
FACTORY = "prepdeck.web.factory:create_app_from_env"
#: Seconds a worker may take to answer the process manager's ping before it is replaced.
HEALTHCHECK_TIMEOUT_S = 60


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 0.0.0.0 exposes it to your network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    database: DatabaseOpt = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            max=64,
            help="Server processes. One suits a laptop; on a server with PostgreSQL use about "
            "two per CPU core (SQLite serialises writes, so more workers gain little there).",
        ),
    ] = 1,
    log_format: Annotated[
        str | None,
        typer.Option(
            "--log-format",
            help="Request logs on stderr: text (readable) or json (one object a line, for log "
            "collectors). Default: the log_format setting (PREPDECK_LOG_FORMAT), else text.",
        ),
    ] = None,
) -> None:
    """Practise, browse and search in the browser: starts the web UI and prints its address.

    Load balancer checks: /healthz (alive) and /readyz (database and schema ready, else 503).

    Running it for a group on PostgreSQL: see docs/deployment.md.
    """
    import uvicorn

    from prepdeck.store.context import open_store_context
    from prepdeck.web import create_app
    from prepdeck.web.logging import configure_logging

    settings = load_settings(database_url=database, log_format=log_format)
    configure_logging(settings.log_format)
    shown = f"[{host}]" if ":" in host else host
    options = {"host": host, "port": port, "access_log": False, "server_header": False}
    if workers == 1:
        app = create_app(settings)
        _announce(shown, port, host, workers, accounts=settings.accounts)
        uvicorn.run(app, log_config=None, **options)  # type: ignore[arg-type]
        return
    open_store_context(settings).close()  # migrate and load the bundled bank once
    # the workers read their settings from the environment (they are fresh processes)
    if database:
        os.environ["PREPDECK_DATABASE_URL"] = database
    os.environ["PREPDECK_LOG_FORMAT"] = settings.log_format
    if settings.inline_api == "auto":  # see the setting: inline when other processes run too
        postgres = settings.resolved_database_url.startswith("postgresql")
        os.environ["PREPDECK_INLINE_API"] = "true" if postgres else "false"
    _announce(shown, port, host, workers, accounts=settings.accounts)
    uvicorn.run(
        FACTORY,
        factory=True,
        workers=workers,
        log_config=None,
        # uvicorn kills a worker that misses a 5 s ping; under a burst every thread is busy and
        # a healthy worker can be that slow to answer, so only a worker hung this long goes
        timeout_worker_healthcheck=HEALTHCHECK_TIMEOUT_S,
        **options,  # type: ignore[arg-type]
    )


def _announce(shown: str, port: int, host: str, workers: int, *, accounts: bool) -> None:
    processes = "" if workers == 1 else f" with {workers} worker processes"
    out.print(
        f"prepdeck is running at [bold]http://{shown}:{port}[/]{processes} (Ctrl-C stops it)",
        soft_wrap=True,  # one line in a log file too
    )
    if host in ("127.0.0.1", "localhost", "::1"):
        return
    if accounts:
        out.print("Listening beyond this machine; every page needs a signed-in account.")
        out.print(
            "[dim]Serve it behind TLS (docs/deployment.md) so passwords never cross in clear.[/]"
        )
    else:
        out.print(
            "[yellow]Warning: listening beyond this machine without accounts; anyone who can reach "
            "it can use it (PREPDECK_ACCOUNTS=true turns sign-in on).[/]"
        )

"""Engines and migrations for SQLite (the embedded default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so a second process
waits for a lock instead of failing at once. Every failure to open a database becomes
a :class:`StoreError` with the database named, never a traceback; losing the server
(PostgreSQL stopped or restarting, the network gone) is :class:`DatabaseUnavailable`, which
the web answers with 503. A pooled PostgreSQL connection is checked before use (its socket
must have nothing to read: a server that stopped or restarted has closed it) and a connection
that broke is thrown away with the rest of the pool, so after a restart of the server the
next requests reconnect by themselves.
"""

from __future__ import annotations

import select
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    DisconnectionError,
    OperationalError,
)

from prepdeck.errors import Location, PrepdeckError
from prepdeck.store.pg_cursor import DescribedOnceCursor


class StoreError(PrepdeckError):
    """The database cannot be opened or used: corrupt, locked, unreachable, or too new."""


class DatabaseUnavailable(StoreError):
    """The database is out of reach for now (down, restarting, locked): try again shortly."""


#: How long SQLite waits for another process's lock before giving up (milliseconds).
BUSY_TIMEOUT_MS = 10_000
#: PostgreSQL: give up connecting after this long, so a request fails fast while it is down.
CONNECT_TIMEOUT_S = 3
#: PostgreSQL: how long a request waits for a free pooled connection (seconds).
POOL_TIMEOUT_S = 10


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")

    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _describe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine for ``url``; SQLite's parent folder is created if needed."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r}", Location("database")) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Isolation is managed by BEGIN IMMEDIATE in the store; pysqlite's own is switched off.
        kwargs["connect_args"] = {
            "isolation_level": None,
            "check_same_thread": False,
            "timeout": busy_timeout_ms / 1000,
        }
    else:
        kwargs.update(
            pool_timeout=POOL_TIMEOUT_S,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "cursor_factory": DescribedOnceCursor,
            },
        )
    engine = create_engine(
        parsed, json_serializer=_json_text, json_deserializer=orjson.loads, **kwargs
    )
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            # Take the write lock at the start, so read-then-write transactions never deadlock.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    else:
        event.listen(engine, "checkout", _closed_by_server)
    return engine


def _json_text(value: Any) -> str:
    """JSON columns' text, by orjson: a rating reads an item's data and writes two card states,
    and orjson does that several times faster than the json module (same JSON; non-ASCII
    characters are written as they are, not escaped)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled connection the server closed while it sat in the pool.

    An idle connection has nothing to read; a server that shut down or restarted has sent
    its goodbye and closed the socket, which makes it readable. Polling the socket costs no
    round trip (``pool_pre_ping`` costs one per checkout, two per rating). The pool then
    throws the connection away and connects again (DisconnectionError).
    """
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection was closed")
    # poll, not select: a busy server process holds sockets numbered past select's 1024
    poller = select.poll()
    try:
        poller.register(dbapi_connection.fileno(), select.POLLIN)
        readable = poller.poll(0)
    except (OSError, ValueError) as exc:
        raise DisconnectionError(f"the connection's socket failed: {exc}") from None
    if readable:
        raise DisconnectionError("the server closed the connection")


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("prepdeck.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns it. Never drops user data."""
    url = _describe(str(engine.url))
    try:
        with engine.begin() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            scripts = ScriptDirectory.from_config(_alembic_config())
            if current is not None and not _known(scripts, current):
                raise StoreError(
                    f"database schema {current} is newer than this prepdeck; upgrade prepdeck",
                    Location(url),
                )
            if current != scripts.get_current_head():
                config = _alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise StoreError(operational_message(exc), Location(url)) from None
    except DatabaseError as exc:
        raise StoreError(
            f"not a prepdeck database or the file is corrupt ({exc.orig})", Location(url)
        ) from None
    return head_revision()


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: no prepdeck schema yet).

    Raises :class:`DatabaseUnavailable` when the database cannot be reached.
    """
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        raise store_error(exc, Location(_describe(str(engine.url)))) from None


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False


def operational_message(exc: OperationalError) -> str:
    text_ = str(exc.orig)
    if "locked" in text_:
        return "database is locked by another program; close it and try again"
    if "unable to open" in text_:
        return "cannot open the database file (check the folder exists and is writable)"
    return f"cannot use the database: {text_.strip().splitlines()[0] if text_.strip() else exc}"


def is_unavailable(exc: BaseException) -> bool:
    """Whether a database error means "out of reach for now" rather than a bad request."""
    return isinstance(exc, OperationalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


def store_error(exc: DBAPIError, where: Location) -> StoreError:
    """The StoreError for a database error: :class:`DatabaseUnavailable` when out of reach."""
    if is_unavailable(exc):
        message = (
            operational_message(exc)
            if isinstance(exc, OperationalError)
            else f"lost the connection to the database: {_first_line(exc)}"
        )
        return DatabaseUnavailable(message, where)
    return StoreError(f"database error: {_first_line(exc)}", where)


def _first_line(exc: DBAPIError) -> str:
    text_ = str(exc.orig).strip()
    return text_.splitlines()[0] if text_ else type(exc.orig).__name__

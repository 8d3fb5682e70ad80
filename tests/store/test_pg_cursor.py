"""The PostgreSQL cursor that keeps result descriptions (store/pg_cursor.py)."""

from __future__ import annotations

from sqlalchemy import text

from prepdeck.store.engine import make_engine
from prepdeck.store.pg_cursor import DescribedOnceCursor

PAIR = text("SELECT 1 AS one, 'x'::text AS letter")
TRIPLE = text("SELECT now() AS moment, 2.5::float8 AS half, true AS yes")


def test_each_statement_keeps_its_own_columns(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            for _ in range(3):  # kept after the first run; never mixed up
                pair = conn.execute(PAIR)
                assert list(pair.keys()) == ["one", "letter"]
                assert tuple(pair.one()) == (1, "x")
                triple = conn.execute(TRIPLE)
                assert list(triple.keys()) == ["moment", "half", "yes"]
                assert triple.one()[1:] == (2.5, True)
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            assert isinstance(cursor, DescribedOnceCursor)
            pair_sql = "SELECT 1 AS one, 'x'::text AS letter"
            cursor.execute(pair_sql)
            first = cursor.description
            assert first is not None
            assert [(c.name, c.type_code) for c in first] == [("one", 23), ("letter", 25)]
            kept = first[0]
            first.clear()  # the caller's copy: the kept list is untouched
            for prepare in (False, True):  # psycopg prepares a statement run often (hot ones)
                cursor.execute(pair_sql, prepare=prepare)
                again = cursor.description or []
                assert [c.name for c in again] == ["one", "letter"]
                assert again[0] is kept  # built once, handed out again
            cursor.execute("CREATE TEMPORARY TABLE t (n int)")
            assert cursor.description is None  # no result columns, as psycopg says
    finally:
        engine.dispose()

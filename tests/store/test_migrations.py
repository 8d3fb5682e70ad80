"""Databases written by earlier versions are migrated, never discarded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from prepdeck.store import SqlStore
from prepdeck.store.engine import head_revision

FIXTURES = sorted((Path(__file__).parents[1] / "data" / "db").glob("prepdeck-*.sqlite3"))


def test_there_is_a_fixture_for_this_version() -> None:
    import prepdeck

    assert any(p.name == f"prepdeck-{prepdeck.__version__}.sqlite3" for p in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_old_database_migrates_with_its_data(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    store = SqlStore.open(f"sqlite:///{copy}")
    with store.engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version == head_revision()
    user = store.user_id("local")
    log = list(store.review_log(user))
    assert [r.rating for r in log] == [3, 1]
    assert log[0].typed_answer == "fixture answer"
    assert store.sync_bank("fixture", "metadata.md", []).retired == 2
    store.close()


def test_database_from_a_newer_prepdeck_is_refused(tmp_path: Path) -> None:
    import sqlite3

    from prepdeck.store import StoreError

    db = tmp_path / "future.sqlite3"
    SqlStore.open(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer than this prepdeck"):
        SqlStore.open(f"sqlite:///{db}")

"""Concurrent sessions lose no update; kill -9 mid-session loses no confirmed rating."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from prepdeck.settings import load_settings
from prepdeck.store import SqlStore, StoreError
from prepdeck.store.context import open_store_context
from prepdeck.store.tables import cards, reviews

ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_never_lose_an_update(url: str, make_item: Any) -> None:
    store = SqlStore.open(url)
    store.sync_bank("b", "b.md", [make_item(n) for n in range(4)])
    store.user_id("ann")
    rounds = 15
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store._worker", url, str(rounds)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    with store.engine.connect() as conn:
        reps = conn.execute(select(func.sum(cards.c.reps), func.count()).select_from(cards)).one()
        logged = conn.execute(select(func.count()).select_from(reviews)).scalar_one()
    store.close()
    assert reps == (2 * rounds * 4, 4)  # every rating of both processes applied, none lost
    assert logged == 2 * rounds * 4


def _practice_process(db: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PREPDECK_DATABASE_URL": f"sqlite:///{db}",
        "PREPDECK_NEW_PER_DAY": "5000",
        "PREPDECK_CONFIG": str(db.parent / "none.toml"),
        "COLUMNS": "250",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from prepdeck.cli.app import main; main()",
            "practice",
            "--no-grading",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        bufsize=1,
    )


_SAVED = re.compile(r"Saved (Again|Hard|Good|Easy) for (\S+)")


def kill_and_check(db: Path, rng: random.Random, delay: float) -> tuple[int, int]:
    """Run practice, kill -9 it after ``delay`` s, check the store; (confirmed, logged)."""
    proc = _practice_process(db)
    confirmed: list[tuple[str, str]] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            confirmed.extend((m.group(2), m.group(1)) for m in _SAVED.finditer(line))
            if confirmed:
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def feed() -> None:
        assert proc.stdin is not None
        try:
            while proc.poll() is None:
                proc.stdin.write(f"typed answer {rng.random():.3f}\n\n{rng.choice('1234')}\n")
                proc.stdin.flush()
                time.sleep(0.002)
        except (BrokenPipeError, OSError, ValueError):
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    ready.wait(60)  # a first rating is confirmed: the kill lands `delay` seconds into the stream
    time.sleep(delay)
    seen = list(confirmed)  # ratings confirmed on screen before the kill
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(5)
    feeder.join(5)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute(
            "SELECT i.key, r.rating FROM reviews r JOIN cards c ON c.id = r.card_id "
            "JOIN items i ON i.id = c.item_id WHERE r.kind = 'review'"
        ).fetchall()
    logged = [(key, ["Again", "Hard", "Good", "Easy"][rating - 1]) for key, rating in rows]
    for entry in seen:
        assert entry in logged, f"confirmed rating {entry} was lost"
    return len(seen), len(logged)


def loaded_template(folder: Path) -> Path:
    """A database holding the bundled bank, so each kill run starts practising at once."""
    template = folder / "template.sqlite3"
    open_store_context(load_settings(env={}, database_url=f"sqlite:///{template}")).store.close()
    with sqlite3.connect(template) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return template


def kill_databases(folder: Path, runs: int, per_database: int = 5) -> list[Path]:
    """The database each run uses: a fresh copy every few runs, before the new cards run out."""
    template = loaded_template(folder)
    paths = []
    for run in range(runs):
        db = folder / f"kill-{run // per_database}.sqlite3"
        if run % per_database == 0:
            shutil.copy(template, db)
        paths.append(db)
    return paths


@pytest.mark.slow
def test_kill_9_at_random_points_loses_no_confirmed_rating(tmp_path: Path) -> None:
    rng = random.Random(20261124)
    totals = [kill_and_check(db, rng, rng.uniform(0.0, 0.8)) for db in kill_databases(tmp_path, 50)]
    # every kill landed mid-session, after ratings were confirmed on screen
    assert all(seen for seen, _ in totals)


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a prepdeck database or the file is corrupt"):
        SqlStore.open(f"sqlite:///{bad}")


def test_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "locked.sqlite3"
    SqlStore.open(f"sqlite:///{db}").close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            SqlStore.open(f"sqlite:///{db}", busy_timeout_ms=200)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

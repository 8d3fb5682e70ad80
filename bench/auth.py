"""Accounts benchmark: what signing in costs, and what a signed-in request costs on top.

Usage: python bench/auth.py [--requests 300] [--database URL]

Reports, on a fresh store (SQLite in a temporary directory, or ``--database``, which must be an
empty PostgreSQL database or schema), in-process through Starlette's TestClient:

- argon2id hash and verify of one password (the price of every sign-in, by design ~0.2 s);
- p50/p99 latency of ``GET /api/settings`` (a light route, so authentication dominates) with
  accounts off, with accounts on and a session cookie, and with an API token.

Everything stays in this process; nothing goes to the network.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import percentile, time_calls
from fastapi.testclient import TestClient

from prepdeck.accounts import hash_password, verify_password
from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from prepdeck.web import create_app


def _row(label: str, times: list[float]) -> str:
    p99 = percentile(times, 0.99)
    return f"{label:<34} p50 {statistics.median(times):7.2f} ms   p99 {p99:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="prepdeck-auth-bench-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"

    stored = hash_password("correct horse battery")
    print(_row("argon2id hash", time_calls(lambda: hash_password("correct horse battery"), 5)))
    print(_row("argon2id verify", time_calls(lambda: verify_password(stored, "correct horse"), 5)))

    store = SqlStore.open(url)
    store.create_account("bench", "correct horse battery")
    token = store.create_api_token(store.user_id("bench"), "bench")
    store.close()
    with TestClient(create_app(Settings(database_url=url, fuzz=False))) as client:
        print(_row("accounts off", time_calls(lambda: client.get("/api/settings"), args.requests)))
    with TestClient(create_app(Settings(database_url=url, fuzz=False, accounts=True))) as client:
        client.get("/sign-in")
        csrf = client.cookies["prepdeck_csrf"]
        form = {"name": "bench", "password": "correct horse battery", "csrf_token": csrf}
        client.post("/sign-in", data=form, follow_redirects=False)
        times = time_calls(lambda: client.get("/api/settings"), args.requests)
        print(_row("accounts on, session cookie", times))
        client.cookies.clear()
        bearer = {"Authorization": f"Bearer {token}"}
        times = time_calls(lambda: client.get("/api/settings", headers=bearer), args.requests)
        print(_row("accounts on, API token", times))


if __name__ == "__main__":
    main()

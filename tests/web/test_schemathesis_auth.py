"""Schemathesis over the authenticated API (accounts on, ``Authorization: Bearer``): no 5xx.

As tests/web/test_schemathesis.py, but every request carries a learner's API token (no CSRF
token: a bearer request needs none), and the admin operations run again with an admin's token.
Fuzzed ids are aimed, every other example, at live objects of the signed-in user (a practice
session and its card, a mock, a spare API token, a spare account for the admin), so handlers
run for real; a server path to load is always one under a temporary folder (never the tree).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.checks import not_a_server_error

from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from prepdeck.web import create_app
from tests.web.test_schemathesis import Fuzzing, fuzz_operation, operations

EXAMPLES = 15
PASSWORD = "schemathesis password"
PAGE = (Path(__file__).parents[1] / "data" / "web" / "good-page.md").read_bytes()


class AuthFuzzing(Fuzzing):
    def __init__(self, app: FastAPI, token: str, user: int, folder: Path) -> None:
        self.headers = {"authorization": f"Bearer {token}"}
        super().__init__(TestClient(app, headers=self.headers, raise_server_exceptions=False))
        self.store: SqlStore = app.state.ctx.store
        self.user = user
        self.folder = folder

    def start_headers(self) -> dict[str, str]:
        return {}  # a bearer request needs no CSRF token

    def aim(self, case: schemathesis.Case[Any]) -> None:
        body = case.body if isinstance(case.body, dict) else {}
        if "path" in body:  # never let a fuzzed path read the tree or the disk
            body["path"] = str(self.folder / ("page.md" if next(self.turn) % 2 else "nope.md"))
        params = case.path_parameters
        if not params or next(self.turn) % 2:
            return
        if "topic" in params:
            params["topic"] = "Statistics"
        if "token_id" in params:  # a spare token: the fuzzer must not revoke its own
            self.store.create_api_token(self.user, "spare")
            params["token_id"] = max(t.id for t in self.store.api_tokens(self.user))
        if "user_id" in params:
            params["user_id"] = self.store.create_account(f"spare{next(self.turn)}", PASSWORD)
        if "mock_id" in params:
            started = self.client.post("/api/mock", json={"questions": 1})
            if started.status_code == 201:
                params["mock_id"] = started.json()["mock"]
        if "sid" in params:
            sid, item_pk = self.live_session()
            params["sid"] = sid
            if item_pk is not None and "item_pk" in body:
                body["item_pk"] = item_pk
            if item_pk is not None and case.query and "item_pk" in case.query:
                case.query["item_pk"] = item_pk


def _fuzz(fuzzing: AuthFuzzing, only_admin: bool) -> dict[str, str]:
    def call(case: schemathesis.Case[Any]) -> None:
        fuzzing.aim(case)
        case.call_and_validate(headers=fuzzing.headers, checks=[not_a_server_error])

    failures: dict[str, str] = {}
    for operation in operations(fuzzing.app):
        if only_admin and "/admin/" not in operation.path:
            continue
        if operation.path in ("/api/account/delete", "/api/account/password"):
            continue  # a right password is never guessed; tested in tests/isolation

        if (error := fuzz_operation(operation, EXAMPLES, call)) is not None:
            failures[operation.label] = error
    return failures


def test_no_server_errors_signed_in(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "page.md").write_bytes(PAGE)
    app = create_app(dataclasses.replace(settings, accounts=True))
    store: SqlStore = app.state.ctx.store
    learner = store.create_account("learner", PASSWORD)
    admin = store.create_account("admin", PASSWORD, role="admin")
    with TestClient(app):
        as_learner = AuthFuzzing(app, store.create_api_token(learner, "fuzz"), learner, tmp_path)
        failures = _fuzz(as_learner, only_admin=False)
        assert as_learner.client.get("/api/account").status_code == 200  # still signed in
        as_admin = AuthFuzzing(app, store.create_api_token(admin, "fuzz"), admin, tmp_path)
        failures |= _fuzz(as_admin, only_admin=True)
        assert as_admin.client.get("/api/admin/banks").status_code == 200
    app.state.ctx.close()
    assert not failures, "\n\n".join(f"{label}\n{error}" for label, error in failures.items())

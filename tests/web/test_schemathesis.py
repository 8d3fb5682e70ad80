"""Schemathesis over /openapi.json against the app in-process (ASGI): no server errors (5xx).

Every operation gets bounded, derandomised examples (fast and repeatable in CI). State-changing
requests carry the CSRF token (cookie + header, as the pages' scripts send it) so the fuzzer
reaches the handlers rather than the 403; and a path's ``sid`` is, every other example, a live
practice session whose current card is the ``item_pk`` of the body or query, so checking,
revealing and rating run for real on fuzzed answers (and a ``topic`` is a real one).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from tests.web.conftest import csrf

TOKEN = "schemathesis-csrf-token-0123456789abcdef"
HEADERS = {"x-csrf-token": TOKEN}
COOKIES = {"prepdeck_csrf": TOKEN}
#: Examples per operation (positive and negative mixed); keeps the whole run well under 60 s.
EXAMPLES = 40


class Fuzzing:
    """The app under test and a live practice session to point fuzzed requests at."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.app: FastAPI = client.app  # type: ignore[assignment]
        self.turn = itertools.count()
        self.sid = ""

    def start_headers(self) -> dict[str, str]:
        """Headers of the request that starts a session (the CSRF token, as a page sends it)."""
        return csrf(self.client)

    def live_session(self) -> tuple[str, int | None]:
        """A session id with a card to show (a new session if the fuzzer ended or emptied the
        last one) and that card's item."""
        step = self.client.get(f"/api/practice/{self.sid}") if self.sid else None
        if step is None or step.status_code != 200 or step.json().get("done"):
            started = self.client.post("/api/practice", json={}, headers=self.start_headers())
            assert started.status_code == 201, started.text
            self.sid = started.json()["session"]
            step = self.client.get(f"/api/practice/{self.sid}")
        card = step.json().get("card")
        return self.sid, None if card is None else int(card["item_pk"])

    def aim(self, case: schemathesis.Case[Any]) -> None:
        """Every other example: a live session, and its current card where an item is named."""
        params = case.path_parameters or {}
        if next(self.turn) % 2 or not params:
            return
        if "topic" in params:
            params["topic"] = "Statistics"
        if "sid" not in params:
            return
        sid, item_pk = self.live_session()
        assert case.path_parameters is not None
        case.path_parameters["sid"] = sid
        if item_pk is None:
            return
        if isinstance(case.body, dict) and "item_pk" in case.body:
            case.body["item_pk"] = item_pk
        if case.query and "item_pk" in case.query:
            case.query["item_pk"] = item_pk


def operations(app: FastAPI) -> list[APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the schema itself must be valid
        found.append(result.ok())
    return found


def fuzz_operation(
    operation: APIOperation[Any, Any, Any, Any],
    examples: int,
    call: Callable[[schemathesis.Case[Any]], None],
) -> str | None:
    """Run ``call`` on bounded, derandomised positive and negative examples of ``operation``;
    the failure as one line (type and message), or None when every example passed."""
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case[Any]) -> None:
        call(case)

    try:
        fuzz()
    except Exception as exc:  # report every failing operation, not just the first
        return f"{type(exc).__name__}: {exc}"
    return None


def test_no_server_errors(client: TestClient) -> None:
    # One test looping over the operations: schemathesis's lazy pytest fixture
    # (``from_fixture``) does not work with this pytest, and the app needs a fresh store.
    fuzzing = Fuzzing(client)
    found = operations(fuzzing.app)
    assert len(found) >= 10

    def call(case: schemathesis.Case[Any]) -> None:
        fuzzing.aim(case)
        case.call_and_validate(headers=HEADERS, cookies=COOKIES, checks=[not_a_server_error])

    failures: dict[str, str] = {}
    for operation in found:
        if (error := fuzz_operation(operation, EXAMPLES, call)) is not None:
            failures[operation.label] = error
    assert not failures, "\n\n".join(f"{label}\n{error}" for label, error in failures.items())

"""``prepdeck users``, run in-process against SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from prepdeck.cli.app import app
from prepdeck.store import SqlStore

runner = CliRunner()
Invoke = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(url: str, env: dict[str, str]) -> Invoke:
    def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        result = runner.invoke(app, ["users", *args, "--database", url], input=stdin, env=env)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_add_list_disable_enable_reset(run: Invoke, url: str) -> None:
    invoke = run
    code, out, _ = invoke("add", "Alice", "--admin", "--password-stdin", stdin="correct horse\n")
    assert code == 0 and "Added admin 'alice'" in out
    code, out, _ = invoke("add", "bob", stdin="battery staple\nbattery staple\n")
    assert code == 0 and "Added learner 'bob'" in out
    code, _, err = invoke("add", "ALICE", "--password-stdin", stdin="another one\n")
    assert code == 2 and "name: 'alice' is taken" in err
    code, _, err = invoke("add", "carol", "--password-stdin", stdin="short\n")
    assert code == 2 and "password: use at least 8 characters" in err
    code, out, _ = invoke("list", "--format", "json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert set(rows) == {"alice", "bob"} and rows["alice"]["role"] == "admin"
    assert invoke("disable", "bob")[0] == 0
    store = SqlStore.open(url)
    try:
        bob = store.authenticate("bob", "battery staple")
        assert bob is not None and bob.disabled
        code, out, _ = invoke("list")
        assert code == 0 and "disabled" in out and "2 account(s)" in out
        assert invoke("enable", "bob")[0] == 0
        code, out, _ = invoke("reset-password", "bob", "--password-stdin", stdin="new pass 123\n")
        assert code == 0 and "New password set for 'bob'" in out
        assert store.authenticate("bob", "battery staple") is None
        account = store.authenticate("bob", "new pass 123")
        assert account is not None and not account.disabled
    finally:
        store.close()
    code, _, err = invoke("disable", "nobody")
    assert code == 1 and "no account named 'nobody'" in err


def test_token_is_printed_once_and_works(run: Invoke, url: str) -> None:
    invoke = run
    invoke("add", "alice", "--password-stdin", stdin="correct horse\n")
    code, out, err = invoke("token", "alice", "--label", "nightly")
    token = out.strip()
    assert code == 0 and token.startswith("pdk_") and "shown once" in err
    code, out, _ = invoke("invite", "--url", "https://prep.example/")
    assert code == 0 and out.startswith("https://prep.example/invitations/")
    store = SqlStore.open(url)
    try:
        alice = store.account_by_name("alice")
        assert alice is not None and store.verify_api_token(token) == alice.id
        assert store.invitation(out.strip().rsplit("/", 1)[1]) is not None
    finally:
        store.close()


def test_empty_stdin_is_a_clear_error(run: Invoke) -> None:
    code, _, err = run("add", "alice", "--password-stdin", stdin="")
    assert code == 2 and "--password-stdin: standard input is empty" in err

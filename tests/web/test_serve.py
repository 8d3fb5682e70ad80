"""`prepdeck serve` is registered, binds 127.0.0.1 by default and prints the address."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from prepdeck.cli.app import app


def test_serve_help_lists_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--database"):
        assert option in result.output


def test_serve_defaults_to_localhost(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    seen: dict[str, Any] = {}

    def fake_run(app_: Any, **kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr("uvicorn.run", fake_run)
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--database", url])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8123
    assert "http://127.0.0.1:8123" in result.output


@pytest.mark.parametrize(
    ("accounts", "expected"),
    [("false", "anyone who can reach it can use it"), ("true", "needs a signed-in account")],
)
def test_serve_on_the_network_warns_unless_accounts_are_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, accounts: str, expected: str
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app_, **kwargs: None)
    monkeypatch.setenv("PREPDECK_ACCOUNTS", accounts)
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--database", url])
    assert result.exit_code == 0, result.output
    assert expected in " ".join(result.output.split())

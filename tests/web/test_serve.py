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

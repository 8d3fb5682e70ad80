from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from prepdeck.cli.app import app

runner = CliRunner()


def test_lint_text_and_exit_codes(data: Path) -> None:
    clean = runner.invoke(app, ["bank", "lint", str(data / "book" / "variants.md")])
    assert clean.exit_code == 0, clean.output
    assert "0 error(s), 0 warning(s)" in clean.output
    broken = runner.invoke(app, ["bank", "lint", str(data / "book" / "broken.md")])
    assert broken.exit_code == 1
    assert f"{data / 'book' / 'broken.md'}:3:1: PD101" in broken.output
    assert "Traceback" not in broken.output


def test_lint_json(data: Path) -> None:
    result = runner.invoke(
        app, ["bank", "lint", "--format", "json", str(data / "book" / "broken.md")]
    )
    payload = json.loads(result.stdout)
    assert payload["errors"] >= 10
    assert {"file", "line", "column", "code", "severity", "message"} <= payload["diagnostics"][
        0
    ].keys()


def test_lint_strict_fails_on_warnings(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        '!!! Question ""\n    === "Question"\n        Wat is thiss?\n\n    === "Answer"\n        A.\n'
    )
    assert runner.invoke(app, ["bank", "lint", str(page)]).exit_code == 0
    assert runner.invoke(app, ["bank", "lint", "--strict", str(page)]).exit_code == 1


def test_show_json_lines_have_all_fields(data: Path) -> None:
    result = runner.invoke(
        app, ["bank", "show", "--format", "json", str(data / "book" / "metadata.md")]
    )
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    keys = {
        "id",
        "topic",
        "question",
        "answer",
        "references",
        "hints",
        "tags",
        "difficulty",
        "key_points",
        "file",
        "line",
    }
    assert keys <= rows[0].keys()
    assert rows[0]["id"] == "meta-explicit" and rows[0]["line"] == 14


def test_show_renders_and_filters(data: Path) -> None:
    result = runner.invoke(app, ["bank", "show", "--id", "meta-explicit", str(data / "book")])
    assert result.exit_code == 0
    assert "Which item has metadata?" in result.output and "Key points" in result.output
    missing = runner.invoke(app, ["bank", "show", "--id", "nope", str(data / "book")])
    assert missing.exit_code == 1


def test_bundled_bank_is_the_default() -> None:
    result = runner.invoke(app, ["bank", "stats", "--format", "json"])
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["items"] >= 3 and stats["topics"] >= 1


def test_missing_path_is_a_clean_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bank", "stats", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such file or directory" in result.output
    assert "Traceback" not in result.output


def test_binary_and_latin1_files_are_clean_errors(tmp_path: Path, data: Path) -> None:
    (tmp_path / "bin.md").write_bytes(b"\x00\x01")
    (tmp_path / "latin.md").write_bytes(b"caf\xe9\n")
    (tmp_path / "ok.md").write_text((data / "book" / "metadata.md").read_text("utf-8"), "utf-8")
    result = runner.invoke(app, ["bank", "lint", str(tmp_path)])
    assert result.exit_code == 1
    assert "bin.md:1:1: PD001 binary file" in result.output
    assert "latin.md:1:4: PD001 not valid UTF-8" in result.output
    assert "3 file(s), 2 item(s)" in result.output
    assert "Traceback" not in result.output


def test_fmt_check_and_write(tmp_path: Path, data: Path) -> None:
    page = tmp_path / "v.md"
    page.write_text((data / "book" / "variants.md").read_text("utf-8"), "utf-8")
    check = runner.invoke(app, ["bank", "fmt", "--check", str(page)])
    assert check.exit_code == 1 and "would reformat" in check.output
    assert page.read_text("utf-8") == (data / "book" / "variants.md").read_text("utf-8")
    assert runner.invoke(app, ["bank", "fmt", str(page)]).exit_code == 0
    assert runner.invoke(app, ["bank", "fmt", "--check", str(page)]).exit_code == 0


def test_fmt_to_book(tmp_path: Path, data: Path) -> None:
    page = tmp_path / "d.md"
    page.write_text((data / "dsprep" / "page.md").read_text("utf-8"), "utf-8")
    assert runner.invoke(app, ["bank", "fmt", "--to", "book", str(page)]).exit_code == 0
    assert '!!! Question ""' in page.read_text("utf-8")


def test_overview_and_version() -> None:
    result = runner.invoke(app, ["overview"])
    assert result.exit_code == 0 and "Try next" in result.output
    assert runner.invoke(app, ["--version"]).output.startswith("prepdeck ")

"""``prepdeck mock`` end to end, in-process, with scripted answers."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from prepdeck.cli.app import app

runner = CliRunner()


def test_a_scripted_mock_prints_a_report_and_saves_html(
    env: dict[str, str], tmp_path: Path
) -> None:
    report = tmp_path / "mock.html"
    script = "Pairing removes between-subject variability.\nIt is a one-sample test on differences.\n\n\n:q\n"
    result = runner.invoke(
        app,
        ["mock", "-n", "3", "-t", "Statistics", "--seed", "3", "--report-html", str(report)],
        input=script,
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "prepdeck mock #1 — 3 question(s)" in result.output
    assert result.output.count("for this question") == 3
    assert result.output.count("✓ Answer saved") == 2
    assert "Mock ended early" in result.output
    # Answers are shown only in the report, after the last question.
    assert result.output.index("Reference answer") > result.output.index("Mock ended early")
    assert "answered 2 of 3" in result.output and "By topic" in result.output
    assert "not answered" in result.output and "To read:" in result.output
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<script" not in html
    assert "Pairing removes between-subject variability." in html

    exported = runner.invoke(app, ["log", "export", "--format", "json"], env=env)
    log = json.loads(exported.stdout)
    assert len(log) == 2 and all(r["rating"] == r["proposed_rating"] for r in log)

    history = runner.invoke(app, ["mock", "--history"], env=env)
    assert history.exit_code == 0 and "2/3" in history.output
    shown = runner.invoke(app, ["mock", "--show", "1"], env=env)
    assert shown.exit_code == 0 and "Mock interview #1 — report" in shown.output


def test_second_mock_compares_and_no_schedule_writes_no_review(env: dict[str, str]) -> None:
    args = ["mock", "-n", "2", "-p", "analyst", "--seed", "5", "--no-schedule"]
    first = runner.invoke(app, args, input="\n\n", env=env)
    assert first.exit_code == 0, first.output
    assert "your schedule is left as it is" in first.output
    second = runner.invoke(app, args, input="A join combines rows of two tables.\n\n\n", env=env)
    assert "since your last mock" in second.output and "Trend over 2 mocks" in second.output
    log = runner.invoke(app, ["log", "export", "--format", "json"], env=env)
    assert json.loads(log.stdout) == []


def test_bad_input_is_named(env: dict[str, str]) -> None:
    unknown = runner.invoke(app, ["mock", "-t", "Astrology"], env=env)
    assert unknown.exit_code == 2 and "unknown topic 'Astrology'" in unknown.output
    preset = runner.invoke(app, ["mock", "--preset", "astronaut"], env=env)
    assert preset.exit_code == 2
    assert "unknown preset 'astronaut': choose one of data-scientist" in preset.output
    missing = runner.invoke(app, ["mock", "--show", "42"], env=env)
    assert missing.exit_code == 2 and "no mock 42" in missing.output
    too_long = runner.invoke(app, ["mock", "-m", "500"], env=env)
    assert too_long.exit_code == 2 and "--minutes" in too_long.output


def test_help_teaches() -> None:
    result = runner.invoke(app, ["mock", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for words in ("weakness", "--preset", "data-scientist", "--no-schedule", "--report-html"):
        assert words in result.output

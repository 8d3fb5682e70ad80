"""`prepdeck grade`, graded practice and `prepdeck grading report`, end to end in-process."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from prepdeck.cli.app import app

runner = CliRunner()
GOOD = "The input embedding and the output projection share one matrix, saving parameters."


def test_grade_command_text_json_and_stdin(env: dict[str, str]) -> None:
    text = runner.invoke(app, ["grade", "-i", "dl-weight-tying", "-a", GOOD], env=env)
    assert text.exit_code == 0, text.output
    assert "Proposed rating:" in text.output and "arxiv.org/abs/1608.05859" in text.output
    piped = runner.invoke(app, ["grade", "-i", "dl-weight-tying", "--json"], input=GOOD, env=env)
    payload = json.loads(piped.stdout)
    assert payload["item"] == "dl-weight-tying"
    assert 0.0 <= payload["score"] <= 1.0
    assert len(payload["key_points"]) == 4 and payload["derived_key_points"] is False
    assert payload["references"][0]["url"].startswith("https://arxiv.org/")


def test_grade_unknown_item(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["grade", "-i", "no-such-item", "-a", "x"], env=env)
    assert result.exit_code == 2 and "no item with id" in result.output


def test_practice_logs_grade_proposal_and_choice_then_report(env: dict[str, str]) -> None:
    # Two typed answers: accept the proposal with Enter on the first, override with 1 on the second.
    script = f"{GOOD}\n\n\n"  # answer, end of answer, Enter accepts the proposal
    script += "no idea really\n\n1\n"
    result = runner.invoke(
        app, ["practice", "--topic", "Deep learning", "-n", "2"], input=script, env=env
    )
    assert result.exit_code == 0, result.output
    assert "Feedback (" in result.output and "(proposed)" in result.output
    rows = json.loads(runner.invoke(app, ["log", "export", "--format", "json"], env=env).stdout)
    assert all(r["grade"] is not None and r["proposed_rating"] is not None for r in rows)
    assert rows[0]["rating"] == rows[0]["proposed_rating"]  # Enter accepted the proposal
    assert rows[1]["rating"] == 1
    report = runner.invoke(app, ["grading", "report"], env=env)
    assert report.exit_code == 0
    assert "2 graded reviews" in report.output and "Bands are suggested after 50" in report.output


def test_practice_without_typing_has_no_proposal(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["practice", "-n", "1"], input="\n\n3\n", env=env)
    assert result.exit_code == 0
    assert "(proposed)" not in result.output and "Saved Good" in result.output

"""`prepdeck choice` and `prepdeck leeches` end to end, in-process, with scripted input."""

from __future__ import annotations

import json
import re
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prepdeck.cli.app import app
from prepdeck.settings import Settings
from prepdeck.store.context import open_store_context
from tests.choices.helpers import lapse
from tests.store.conftest import T0

runner = CliRunner()
BANK = """# Metrics

!!! Question ""
    === "Question"
        What is precision?

    === "Answer"
        Precision is the share of predicted positives that are truly positive.

!!! Question ""
    === "Question"
        What is recall?

    === "Answer"
        Recall is the share of actual positives that the classifier finds.

!!! Question ""
    === "Question"
        What is accuracy?

    === "Answer"
        Accuracy is the share of all predictions that are correct.
"""


def test_choice_round_is_logged_like_a_review(env: dict[str, str]) -> None:
    # Pick every option letter in turn on the first card: one of them is right.
    result = runner.invoke(
        app, ["choice", "--topic", "Statistics", "-n", "1"], input="a\n\n", env=env
    )
    assert result.exit_code == 0, result.output
    letters = re.findall(r"^ +([a-h])\) ", result.output, re.M)
    assert letters == ["a", "b", "c", "d"]
    assert ("✓ Right: a)" in result.output) != ("✗ Not a)" in result.output)
    proposed = "Again" if "✗ Not a)" in result.output else "Easy"  # answered at once
    assert f"Enter = {proposed} (proposed)" in result.output
    assert f"Saved {proposed} for" in result.output and "Answered 1 card(s)" in result.output
    log = json.loads(runner.invoke(app, ["log", "export", "--format", "json"], env=env).stdout)
    assert len(log) == 1
    assert log[0]["grade"] == (0.0 if proposed == "Again" else 1.0)
    assert log[0]["proposed_rating"] == (1 if proposed == "Again" else 4)


def test_choice_override_undo_and_option_count(env: dict[str, str]) -> None:
    script = "z\nb\n2\nu\nq\n"
    result = runner.invoke(app, ["choice", "-k", "3", "-n", "2"], input=script, env=env)
    assert result.exit_code == 0, result.output
    assert "Type a letter from a to c" in result.output
    assert re.findall(r"^ +([a-h])\) ", result.output, re.M)[:4] == ["a", "b", "c", "a"]
    assert "Saved Hard" in result.output and "Undid the last rating." in result.output
    log = json.loads(runner.invoke(app, ["log", "export", "--format", "json"], env=env).stdout)
    assert [r["kind"] for r in log] == ["review", "undo"] and log[0]["rating"] == 2


def test_choice_rejects_a_bad_option_count(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["choice", "-k", "1"], env=env)
    assert result.exit_code == 2 and "--options" in result.output


def _store_url(env: dict[str, str]) -> str:
    folder = Path(env["PREPDECK_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'prepdeck.sqlite3'}"


def test_leeches_list_suspend_unsuspend(env: dict[str, str]) -> None:
    ctx = open_store_context(Settings(database_url=_store_url(env), fuzz=False))
    try:
        card = ctx.store.find_cards(ctx.user, "stat-mean-vs-median")[0]
        lapse(ctx.store, ctx.user, card.view.item_pk, 3, T0)
    finally:
        ctx.close()
    none = runner.invoke(app, ["leeches"], env=env)
    assert none.exit_code == 0 and "No leeches: no card has lapsed 8 or more times" in none.output
    listed = runner.invoke(app, ["leeches", "--threshold", "3"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "stat-mean-vs-median" in listed.output and "leech" in listed.output
    assert "statistics.md:" in listed.output and "(bundled)" in listed.output
    with_env = {**env, "PREPDECK_LEECH_THRESHOLD": "3"}
    assert "stat-mean-vs-median" in runner.invoke(app, ["leeches"], env=with_env).output
    done = runner.invoke(app, ["leeches", "--suspend", "stat-mean-vs-median"], env=env)
    assert done.exit_code == 0 and "is suspended" in done.output
    listed = runner.invoke(app, ["leeches", "--threshold", "3"], env=env)
    assert "leech, suspended" in listed.output
    back = runner.invoke(app, ["leeches", "--unsuspend", "stat-mean-vs-median"], env=env)
    assert back.exit_code == 0 and "back in the queue" in back.output
    missing = runner.invoke(app, ["leeches", "--suspend", "nope"], env=env)
    assert missing.exit_code == 1 and "id: no active item 'nope'" in missing.output
    both = runner.invoke(app, ["leeches", "--suspend", "a", "--edit", "b"], env=env)
    assert both.exit_code == 2


def test_edit_opens_the_editor_at_the_line(env: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "metrics.md"
    page.write_text(BANK, encoding="utf-8")
    assert runner.invoke(app, ["bank", "add", str(page)], env=env).exit_code == 0
    record = tmp_path / "editor-args.json"
    editor = tmp_path / "fake-vim"
    editor.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    item = json.loads(
        runner.invoke(
            app, ["bank", "show", "--format", "json", str(page)], env=env
        ).stdout.splitlines()[1]
    )
    result = runner.invoke(
        app, ["leeches", "--edit", item["id"]], env={**env, "VISUAL": "", "EDITOR": str(editor)}
    )
    assert result.exit_code == 0, result.output
    (opened,) = json.loads(record.read_text())  # an editor not known to take a line
    assert Path(opened).resolve() == page.resolve()
    assert "prepdeck bank add" in result.output


@pytest.mark.parametrize("editor", ["vim", "nano"])
def test_edit_passes_the_line_to_known_editors(
    env: dict[str, str], tmp_path: Path, editor: str
) -> None:
    page = tmp_path / "metrics.md"
    page.write_text(BANK, encoding="utf-8")
    runner.invoke(app, ["bank", "add", str(page)], env=env)
    record = tmp_path / "args.json"
    fake = tmp_path / editor
    fake.write_text(
        f"#!{sys.executable}\nimport json, sys\nopen({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    item = json.loads(
        runner.invoke(
            app, ["bank", "show", "--format", "json", str(page)], env=env
        ).stdout.splitlines()[1]
    )
    result = runner.invoke(app, ["leeches", "--edit", item["id"]], env={**env, "VISUAL": str(fake)})
    assert result.exit_code == 0, result.output
    args = json.loads(record.read_text())
    assert args[0] == f"+{item['line']}" and Path(args[1]).name == "metrics.md"
    assert (
        page.read_text(encoding="utf-8").splitlines()[item["line"] - 1].startswith("!!! Question")
    )


def test_edit_refuses_a_bundled_item_and_needs_an_editor(
    env: dict[str, str], tmp_path: Path
) -> None:
    bundled = runner.invoke(app, ["leeches", "--edit", "stat-mean-vs-median"], env=env)
    assert bundled.exit_code == 1
    assert "bundled bank" in bundled.output and "cp -r" in bundled.output
    page = tmp_path / "metrics.md"
    page.write_text(BANK, encoding="utf-8")
    runner.invoke(app, ["bank", "add", str(page)], env=env)
    item = json.loads(
        runner.invoke(
            app, ["bank", "show", "--format", "json", str(page)], env=env
        ).stdout.splitlines()[0]
    )
    none = runner.invoke(
        app, ["leeches", "--edit", item["id"]], env={**env, "VISUAL": "", "EDITOR": ""}
    )
    assert none.exit_code == 1 and "set $VISUAL or $EDITOR" in none.output

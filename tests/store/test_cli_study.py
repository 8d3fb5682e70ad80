"""The study commands end to end, in-process, with scripted input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from prepdeck.cli.app import app
from prepdeck.store.engine import head_revision

runner = CliRunner()


def test_practice_with_scripted_input_then_status_and_export(env: dict[str, str]) -> None:
    script = "my answer\nsecond line\n\n3\n\n:h\n\n1\n\nu\nq\n"
    result = runner.invoke(
        app, ["practice", "--topic", "Deep learning", "-n", "5"], input=script, env=env
    )
    assert result.exit_code == 0, result.output
    assert "✓ Saved Good for dl-minibatch-training" in result.output
    assert "Saved Again" in result.output and "Undid the last rating." in result.output
    assert "Reviewed 1 card(s)" in result.output

    status = runner.invoke(app, ["status"], env=env)
    assert status.exit_code == 0
    assert "Deep learning" in status.output and "reviewed today: 1" in status.output

    exported = runner.invoke(app, ["log", "export", "--format", "csv"], env=env)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [r["kind"] for r in rows] == ["review", "review", "undo"]
    assert rows[0]["typed_answer"] == "my answer\nsecond line"
    as_json = json.loads(runner.invoke(app, ["log", "export", "--format", "json"], env=env).stdout)
    assert as_json[1]["rating"] == 1 and as_json[2]["undoes_id"] == as_json[1]["review_id"]


def test_bundled_bank_needs_no_command(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["practice", "-n", "1"], input="\n4\n", env=env)
    assert result.exit_code == 0 and "Saved Easy" in result.output


def test_bank_add_is_idempotent_and_practisable(env: dict[str, str], data: Path) -> None:
    path = str(data / "book" / "metadata.md")
    first = runner.invoke(app, ["bank", "add", path], env=env)
    assert first.exit_code == 0 and "2 added" in first.output
    again = runner.invoke(app, ["bank", "add", path], env=env)
    assert "0 added, 0 updated, 2 unchanged" in again.output
    bank = str((data / "book" / "metadata.md").resolve())
    result = runner.invoke(app, ["practice", "--bank", bank], input="\n2\n\n3\n", env=env)
    assert "Saved Hard for meta-explicit" in result.output


def test_cram_leaves_nothing_due(env: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["practice", "--cram", "-n", "2", "--tag", "sgd"], input="\n1\n\n1\n", env=env
    )
    assert result.exit_code == 0 and "schedule unchanged" in result.output
    status = runner.invoke(app, ["status"], env=env)
    assert "Due today: 0" in status.output


def test_corrupt_database_exit_code(tmp_path: Path, env: dict[str, str]) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 500)
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from prepdeck.cli.app import main; main()",
            "status",
            "--database",
            f"sqlite:///{bad}",
        ],
        capture_output=True,
        text=True,
        env={**env, "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 3
    assert "not a prepdeck database or the file is corrupt" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_optimize_refuses_a_short_log(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["optimize"], env=env)
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception) and "need at least" in str(result.exception)


def test_db_upgrade(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    head = head_revision()
    assert head >= "0005"  # the newest migration, whatever it is
    assert result.exit_code == 0 and f"schema at revision {head}" in result.output

"""``prepdeck bank export|import`` and ``prepdeck progress export|import`` end to end."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import prepdeck
from prepdeck.cli.app import app
from prepdeck.scheduling import Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from tests.test_mkdocs_build import MKDOCS_YML

runner = CliRunner()


def _studied(url: str, bank_dir: Path) -> None:
    """The bank added as `prepdeck bank add` names it, one card rated Good."""
    store = SqlStore.open(url)
    store.sync_bank(str(bank_dir.resolve()), str(bank_dir), prepdeck.read_bank(bank_dir).items)
    user = store.user_id("local")
    view = store.all_cards(user, QueueFilter(banks=(str(bank_dir.resolve()),)), 1)[0]
    now = datetime.now(UTC)
    state = Scheduler(load_settings(env={}, fuzz=False)).review(view.state, Rating.EASY, now)
    store.record_review(user, view, state, ReviewInput(Rating.EASY, now))
    store.close()


def test_export_formats(tmp_path: Path, bank_dir: Path, env: dict[str, str]) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    _studied(url, bank_dir)
    package = tmp_path / "out.apkg"
    result = runner.invoke(
        app,
        ["bank", "export", str(bank_dir), "-o", str(package), "--with-progress", "--database", url],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "wrote 5 note(s) in 2 deck(s), 1 with your schedule" in result.output
    assert zipfile.is_zipfile(package)

    as_csv = runner.invoke(app, ["bank", "export", str(bank_dir), "-f", "csv"], env=env)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["id"] for r in rows] == [f"stats-{n}" for n in range(5)]
    assert rows[0]["references"] == "https://example.com/s0"

    as_json = runner.invoke(
        app,
        ["bank", "export", str(bank_dir), "-f", "json", "--with-progress", "--database", url],
        env=env,
    )
    document = json.loads(as_json.stdout)
    assert document["title"] == "Bank"
    assert document["items"][0]["progress"]["reps"] == 1
    assert document["items"][1]["progress"] is None


def test_import_writes_a_page_and_refuses_to_overwrite(
    tmp_path: Path, bank_dir: Path, env: dict[str, str]
) -> None:
    package = tmp_path / "deck.apkg"
    runner.invoke(app, ["bank", "export", str(bank_dir), "-o", str(package)], env=env)
    out = tmp_path / "imported"
    result = runner.invoke(app, ["bank", "import", str(package), "--to", str(out)], env=env)
    assert result.exit_code == 0, result.output
    page = out / "deck.md"
    assert f"wrote 5 question(s) in 2 topic(s) to {page}" in result.output.replace("\n", " ")
    assert prepdeck.lint(page, spellcheck=False).errors == []
    before = page.read_bytes()

    again = runner.invoke(app, ["bank", "import", str(package), "--to", str(out)], env=env)
    assert again.exit_code == 1
    assert f"{page}: file exists; pass --force" in again.output.replace("\n", " ")
    assert page.read_bytes() == before

    page.write_text("edited", "utf-8")
    forced = runner.invoke(
        app, ["bank", "import", str(package), "--to", str(out), "--force"], env=env
    )
    assert forced.exit_code == 0 and page.read_bytes() == before


def test_malformed_input_writes_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("question,topic\nWhat?,Stats\n", "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["bank", "import", str(bad), "--to", str(out)], env=env)
    assert result.exit_code == 1
    assert f"error: {bad}:1:1: missing column 'answer'" in result.output.replace("\n", " ")
    assert not out.exists()

    truncated = tmp_path / "truncated.apkg"
    truncated.write_bytes(b"PK\x03\x04" + b"\x00" * 20)
    result = runner.invoke(app, ["bank", "import", str(truncated), "--to", str(out)], env=env)
    assert result.exit_code == 1 and "not a readable zip file" in result.output
    assert not out.exists()


def test_progress_moves_to_a_fresh_database(
    tmp_path: Path, bank_dir: Path, env: dict[str, str]
) -> None:
    source = f"sqlite:///{tmp_path / 'a.sqlite'}"
    target = f"sqlite:///{tmp_path / 'b.sqlite'}"
    _studied(source, bank_dir)
    exported = tmp_path / "progress.json"
    result = runner.invoke(
        app, ["progress", "export", "-o", str(exported), "--database", source], env=env
    )
    assert result.exit_code == 0, result.output
    assert "wrote 1 card(s) and 1 review(s) of user 'local'" in result.output

    strict = runner.invoke(
        app, ["progress", "import", str(exported), "--strict", "--database", target], env=env
    )
    assert strict.exit_code == 1 and "nothing was imported" in strict.output.replace("\n", " ")

    runner.invoke(app, ["bank", "add", str(bank_dir), "--database", target], env=env)
    imported = runner.invoke(
        app, ["progress", "import", str(exported), "--database", target], env=env
    )
    assert imported.exit_code == 0, imported.output
    assert re.search(r"cards\s*│\s*1\s*│\s*0", imported.output)
    assert re.search(r"reviews\s*│\s*1\s*│\s*0", imported.output)
    twice = runner.invoke(app, ["progress", "import", str(exported), "--database", target], env=env)
    assert "Nothing new" in twice.output
    a = json.loads(runner.invoke(app, ["progress", "export", "--database", source], env=env).stdout)
    b = json.loads(runner.invoke(app, ["progress", "export", "--database", target], env=env).stdout)
    assert [c["state"] for c in a["cards"]] == [c["state"] for c in b["cards"]]


@pytest.mark.slow
def test_imported_pages_build_with_mkdocs(
    tmp_path: Path, bank_dir: Path, env: dict[str, str]
) -> None:
    docs = tmp_path / "site-src" / "docs"
    package = tmp_path / "deck.apkg"
    runner.invoke(app, ["bank", "export", str(bank_dir), "-o", str(package)], env=env)
    csv_file = tmp_path / "extra.csv"
    csv_file.write_text(
        'question,answer,topic\n"What is <b>x</b> & `y`?","It is **z**; see [docs](https://example.com).",Misc\n',
        "utf-8",
    )
    for source in (package, csv_file):
        result = runner.invoke(app, ["bank", "import", str(source), "--to", str(docs)], env=env)
        assert result.exit_code == 0, result.output
    (docs / "index.md").write_text("# Imported\n", "utf-8")
    (docs.parent / "mkdocs.yml").write_text(MKDOCS_YML, "utf-8")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=docs.parent,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert build.returncode == 0, build.stderr
    html = (docs.parent / "site" / "deck" / "index.html").read_text("utf-8")
    assert html.count('class="admonition question"') == 5
    extra = (docs.parent / "site" / "extra" / "index.html").read_text("utf-8")
    # CSV cells are markdown, as on a bank page (only Anki's HTML is converted).
    assert "What is <b>x</b> &amp; <code>y</code>?" in extra
    assert '<a href="https://example.com">docs</a>' in extra
    shutil.rmtree(docs.parent / "site")

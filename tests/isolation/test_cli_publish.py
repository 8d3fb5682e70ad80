"""``prepdeck bank publish PATH|NAME [--withdraw]`` on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from prepdeck.cli.app import app
from prepdeck.storage import QueueFilter
from prepdeck.store import SqlStore

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()


def test_publish_a_path_then_withdraw_it(url: str, tmp_path: Path) -> None:
    page = tmp_path / "zebra.md"
    shutil.copy(DATA / "web" / "good-page.md", page)
    published = runner.invoke(app, ["bank", "publish", str(page), "--database", url])
    assert published.exit_code == 0, published.output
    assert f"{page.resolve()}: published: learners see it (1 questions)" in published.output
    store = SqlStore.open(url)
    try:
        learner = store.create_account("lea", "a long enough password")
        seen = {v.bank for v in store.all_cards(learner, QueueFilter(), 1000)}
        assert seen == {"bundled", str(page.resolve())}
        withdrawn = runner.invoke(
            app, ["bank", "publish", str(page), "--withdraw", "--database", url]
        )
        assert withdrawn.exit_code == 0 and "withdrawn" in withdrawn.output
        assert {v.bank for v in store.all_cards(learner, QueueFilter(), 1000)} == {"bundled"}
    finally:
        store.close()


def test_refused_banks_name_the_problem_and_load_nothing(url: str, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["bank", "publish", "no-such-bank", "--database", url])
    assert missing.exit_code == 2
    assert "bank: no bank named 'no-such-bank' is loaded" in missing.output
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"\xff\xfe not utf-8")
    refused = runner.invoke(app, ["bank", "publish", str(broken), "--database", url])
    assert refused.exit_code == 2 and "path:" in refused.output
    store = SqlStore.open(url)
    try:
        assert [b.name for b in store.bank_listings()] == ["bundled"]
    finally:
        store.close()

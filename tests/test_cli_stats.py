"""``prepdeck stats`` on a small seeded log: the tables and charts show its figures."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from prepdeck.cli.app import app
from prepdeck.scheduling import Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from tests.interchange.conftest import small_items

runner = CliRunner()


def _seed(url: str) -> None:
    """Ten days ago four new cards rated Easy; two days ago Good, Good, Again, Hard."""
    store = SqlStore.open(url)
    items = [
        replace(i, topic="Seeded A" if n < 3 else "Seeded B") for n, i in enumerate(small_items())
    ]
    store.sync_bank("seeded", "seeded.md", items)
    user = store.user_id("local")
    scheduler = Scheduler(load_settings(env={}, fuzz=False))
    now = datetime.now(UTC)
    views = store.all_cards(user, QueueFilter(banks=("seeded",)), 10)[:4]
    for day, ratings in (
        (10, [Rating.EASY] * 4),
        (2, [Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.HARD]),
    ):
        at = now - timedelta(days=day)
        for view, rating in zip(views, ratings, strict=True):
            view = store.card(user, view.item_pk)
            state = scheduler.review(view.state, rating, at)
            store.record_review(user, view, state, ReviewInput(rating, at))
    store.close()


def test_stats_prints_tables_and_charts_of_the_seeded_log(
    tmp_path: Path, env: dict[str, str]
) -> None:
    url = f"sqlite:///{tmp_path / 'stats.sqlite'}"
    _seed(url)
    result = runner.invoke(app, ["stats", "--database", url], env={**env, "COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    text = result.output

    def row(label: str) -> str:
        match = re.search(rf"{re.escape(label)}\s*│\s*(\S+)", text)
        assert match, label
        return match.group(1)

    assert row("Reviews, last 60 days") == "8"
    assert row("Days studied") == "2"
    assert row("Reviews per day studied") == "4.0"
    assert row("Retention, last 4 weeks") == "75%"  # 3 of the 4 reviews of learned cards
    assert row("Due today") == "1"  # the lapsed card, relearning since two days ago
    assert re.search(r"Seeded A\s*│\s*3\s*│\s*3\s*│\s*2\s*│\s*67%", text)
    assert re.search(r"Seeded B\s*│\s*2\s*│\s*1\s*│\s*1\s*│\s*50%", text)

    lines = text.splitlines()
    top = lines.index(next(line for line in lines if "Reviews per day, last 60 days" in line)) + 1
    bars = [line.split("┤", 1)[1] for line in lines[top : top + 6]]
    assert lines[top].split("┤")[0].strip(" │") == "4"  # the busiest day
    # 60 columns: ten days ago (column 49) full height, two days ago (57) as high.
    assert [b[49] for b in bars] == ["█"] * 6 and [b[57] for b in bars] == ["█"] * 6
    assert set(bars[0][:49] + bars[0][50:57]) == {" "}
    assert "Retention per week" in text and "Cards due per day, next 30 days" in text

    as_json = runner.invoke(app, ["stats", "--format", "json", "--database", url], env=env)
    data = json.loads(as_json.stdout)
    assert sum(d["count"] for d in data["reviews_per_day"]) == 8
    assert data["due_forecast"][0]["count"] == 1
    weeks = [w for w in data["retention_per_week"] if w["reviews"]]
    assert [(w["reviews"], w["recalled"]) for w in weeks] == [(4, 3)]


def test_stats_without_reviews_says_how_to_start(tmp_path: Path, env: dict[str, str]) -> None:
    result = runner.invoke(app, ["stats"], env=env)
    assert result.exit_code == 0, result.output
    assert "No reviews yet: start with `prepdeck practice`." in result.output
    assert re.search(r"Reviews, last 60 days\s*│\s*0", result.output)

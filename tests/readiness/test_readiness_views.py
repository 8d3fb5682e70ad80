"""Readiness in the web UI (home panel, /api/readiness) and in ``prepdeck status``."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from prepdeck.cli.app import app as cli
from prepdeck.progress import study_day_of
from prepdeck.scheduling import Rating, Scheduler, study_day_start, utcnow
from prepdeck.settings import Settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from prepdeck.store.context import open_store_context
from prepdeck.web import create_app
from prepdeck.web.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("readiness") / "template.sqlite3"
    open_store_context(Settings(database_url=f"sqlite:///{path}", fuzz=False)).close()
    return path


def _client(tmp_path: Path, template_db: Path, **settings: object) -> TestClient:
    path = tmp_path / "prepdeck.sqlite3"
    shutil.copy(template_db, path)
    return TestClient(
        create_app(Settings(database_url=f"sqlite:///{path}", fuzz=False, **settings)),  # type: ignore[arg-type]
        raise_server_exceptions=False,
    )


def _in_days(days: int) -> date:
    return study_day_of(utcnow(), Settings()) + timedelta(days=days)


@pytest.fixture
def client(tmp_path: Path, template_db: Path) -> Iterator[TestClient]:
    with _client(tmp_path, template_db) as test_client:
        yield test_client


def test_without_a_date_the_api_and_the_home_page_say_how_to_set_it(client: TestClient) -> None:
    data = client.get("/api/readiness").json()
    assert data["interview_date"] is None
    assert "Settings" in data["message"] and "prepdeck status --date" in data["message"]
    page = client.get("/").text
    assert 'id="readiness-message"' in page and 'href="/settings#interview_date"' in page


def test_api_readiness_for_a_given_date(client: TestClient) -> None:
    day = _in_days(15)
    data = client.get("/api/readiness", params={"date": day.isoformat(), "target": 0.8}).json()
    assert data["interview_date"] == day.isoformat() and data["days_left"] == 15
    assert data["target"] == 0.8
    assert len(data["topics"]) == 17 and data["overall"]["items"] == 569
    assert data["overall"]["on_date"] == 0 and data["overall"]["coverage"] == 0
    plan = data["plan"]
    assert len(plan["days"]) == 15 and len(plan["trajectory"]) == 16
    assert plan["new_per_day"] * 15 >= 0.8 * 569 and plan["projected"] >= 0.8
    assert any("new_per_day" in line for line in plan["advice"])  # 20 a day is not enough
    assert any("scheduling toward the interview" in line for line in plan["advice"])


def test_api_refuses_a_past_date_and_a_bad_target_naming_the_field(client: TestClient) -> None:
    past = client.get("/api/readiness", params={"date": _in_days(-3).isoformat()})
    assert past.status_code == 400
    assert past.json()["detail"].startswith("date: ") and "in the past" in past.json()["detail"]
    bad = client.get("/api/readiness", params={"date": _in_days(3).isoformat(), "target": 2})
    assert bad.status_code == 422 and "target" in bad.json()["detail"]


def test_home_page_shows_the_panel_and_plot(tmp_path: Path, template_db: Path) -> None:
    with _client(tmp_path, template_db, interview_date=_in_days(30)) as client:
        page = client.get("/").text
        api = client.get("/api/readiness").json()
    assert 'id="chart-readiness"' in page and 'role="img"' in page
    assert re.search(r'id="days-left">30<', page)
    assert f'id="plan">Plan: learn <strong>{api["plan"]["new_per_day"]}</strong>' in page
    assert api["days_left"] == 30


def test_status_shows_readiness_or_explains(tmp_path: Path, template_db: Path) -> None:
    path = tmp_path / "cli.sqlite3"
    shutil.copy(template_db, path)
    runner = CliRunner()
    url = f"sqlite:///{path}"
    env = {"PREPDECK_INTERVIEW_DATE": "", "COLUMNS": "120"}
    shown = runner.invoke(
        cli, ["status", "--database", url, "--date", _in_days(20).isoformat()], env=env
    )
    assert shown.exit_code == 0, shown.output
    assert "Readiness for" in shown.output and "20 day(s) left" in shown.output
    assert "Plan: learn" in shown.output and "● following the plan" in shown.output
    assert "The plan, week by week" in shown.output
    past = runner.invoke(cli, ["status", "--database", url, "--date", "2020-01-01"], env=env)
    assert past.exit_code == 2 and "--date" in past.output and "in the past" in past.output
    bad = runner.invoke(cli, ["status", "--database", url, "--date", "15/12/2026"], env=env)
    assert bad.exit_code == 2 and "--date" in bad.output
    none = runner.invoke(cli, ["status", "--database", url], env=env)
    assert none.exit_code == 0 and "prepdeck status --date" in none.output


def test_schedule_toward_date_is_a_user_setting(client: TestClient) -> None:
    client.get("/")  # receive the CSRF cookie
    token = client.cookies.get(CSRF_COOKIE) or ""
    headers = {CSRF_HEADER: token}
    day = _in_days(30).isoformat()
    bad = client.put("/api/settings", json={"schedule_toward_date": "maybe"}, headers=headers)
    assert bad.status_code == 422 and "schedule_toward_date" in bad.text
    assert client.get("/api/settings").json()["schedule_toward_date"] is False
    put = client.put(
        "/api/settings",
        json={"interview_date": day, "schedule_toward_date": True},
        headers=headers,
    )
    assert put.status_code == 200, put.text
    assert put.json()["schedule_toward_date"] is True
    page = client.get("/settings").text
    assert '<option value="true" selected>' in page
    advice = client.get("/api/readiness").json()["plan"]["advice"]
    assert not any("schedule_toward_date" in line for line in advice)
    form = client.post(
        "/settings",
        data={
            "desired_retention": "0.9",
            "new_per_day": "20",
            "reviews_per_day": "200",
            "interview_date": day,
            "schedule_toward_date": "false",
            "theme": "system",
            CSRF_FIELD: token,
        },
        follow_redirects=False,
    )
    assert form.status_code == 303
    assert client.get("/api/settings").json()["schedule_toward_date"] is False


def test_a_saved_date_that_has_passed_keeps_pages_working(
    tmp_path: Path, template_db: Path
) -> None:
    with _client(tmp_path, template_db, interview_date=_in_days(-2)) as client:
        page = client.get("/")
        api = client.get("/api/readiness")
    assert page.status_code == 200 and "is in the past" in page.text
    assert 'id="chart-readiness"' not in page.text
    assert api.status_code == 200 and api.json()["interview_date"] is None
    assert "interview date" in api.json()["message"]


def test_a_date_too_far_away_is_refused(client: TestClient) -> None:
    far = client.get("/api/readiness", params={"date": "9999-12-31"})
    assert far.status_code == 400 and far.json()["detail"].startswith("date: ")
    assert "years away" in far.json()["detail"]


def test_status_with_a_saved_past_date_still_shows_the_rest(
    tmp_path: Path, template_db: Path
) -> None:
    path = tmp_path / "cli.sqlite3"
    shutil.copy(template_db, path)
    env = {"PREPDECK_INTERVIEW_DATE": _in_days(-1).isoformat(), "COLUMNS": "120"}
    shown = CliRunner().invoke(cli, ["status", "--database", f"sqlite:///{path}"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "prepdeck status" in shown.output and "is in the past" in shown.output


def _learn_easily(store: SqlStore, count: int) -> int:
    """``count`` new cards of the local user rated Easy twice from 30 days ago, on the plain
    schedule, so they fall due long after; the user's id."""
    user = store.user_id("local")
    plain = Scheduler(Settings(fuzz=False))
    past = utcnow() - timedelta(days=30)
    for view in store.new_cards(user, QueueFilter(), count):
        state = plain.review(view.state, Rating.EASY, past)
        state = plain.review(state, Rating.EASY, state.due)
        store.record_review(user, view, state, ReviewInput(Rating.EASY, past))
    return user


def test_turning_the_option_on_pulls_cards_due_after_the_interview(
    tmp_path: Path, template_db: Path
) -> None:
    day = _in_days(20)
    with _client(tmp_path, template_db) as client:
        store = SqlStore.open(f"sqlite:///{tmp_path / 'prepdeck.sqlite3'}")
        user = _learn_easily(store, 5)
        deadline = study_day_start(day, Settings())
        assert len(store.cards_due_after(user, deadline)) == 5
        client.get("/")
        headers = {CSRF_HEADER: client.cookies.get(CSRF_COOKIE) or ""}
        put = client.put(
            "/api/settings",
            json={"interview_date": day.isoformat(), "schedule_toward_date": True},
            headers=headers,
        )
        assert put.status_code == 200, put.text
        assert store.cards_due_after(user, deadline) == []
        store.close()


def test_practice_pulls_cards_due_after_the_interview(tmp_path: Path, template_db: Path) -> None:
    path = tmp_path / "cli.sqlite3"
    shutil.copy(template_db, path)
    url = f"sqlite:///{path}"
    store = SqlStore.open(url)
    _learn_easily(store, 3)
    store.close()
    env = {
        "PREPDECK_INTERVIEW_DATE": _in_days(20).isoformat(),
        "PREPDECK_SCHEDULE_TOWARD_DATE": "true",
        "COLUMNS": "120",
    }
    args = ["practice", "--database", url, "-n", "1"]
    first = CliRunner().invoke(cli, args, env=env, input=":q\n")
    assert first.exit_code == 0, first.output
    assert "3 card(s) due after it now come in its last days" in first.output
    again = CliRunner().invoke(cli, args, env=env, input=":q\n")
    assert "due after it" not in again.output

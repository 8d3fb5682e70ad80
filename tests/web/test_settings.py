"""Settings: validated, stored per user, used by the next practice session at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from prepdeck.settings import Settings, UserSettingsError, with_user_settings
from prepdeck.store.context import open_store_context
from tests.web.conftest import csrf


def _form(client: TestClient, **values: str) -> dict[str, str]:
    base = {
        "desired_retention": "0.9",
        "new_per_day": "20",
        "reviews_per_day": "200",
        "interview_date": "",
        "theme": "system",
        "csrf_token": csrf(client)["x-csrf-token"],
    }
    return {**base, **values}


def test_settings_page_shows_the_values_in_effect(client: TestClient) -> None:
    page = client.get("/settings")
    assert page.status_code == 200
    for needle in ('<label for="desired_retention">', 'value="0.9"', 'name="csrf_token"'):
        assert needle in page.text
    assert 'href="/settings" aria-current="page"' in page.text
    assert client.get("/api/settings").json() == {
        "desired_retention": 0.9,
        "new_per_day": 20,
        "reviews_per_day": 200,
        "interview_date": None,
        "schedule_toward_date": False,
        "theme": "system",
    }


def test_form_saves_and_practice_uses_the_new_limits(client: TestClient) -> None:
    future = (date.today() + timedelta(days=30)).isoformat()
    saved = client.post(
        "/settings",
        data=_form(
            client, new_per_day="3", desired_retention="0.85", interview_date=future, theme="dark"
        ),
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=true"
    page = client.get("/settings?saved=true")
    assert 'id="settings-saved"' in page.text and '<html lang="en" data-theme="dark">' in page.text
    data = client.get("/api/settings").json()
    assert data["new_per_day"] == 3 and data["desired_retention"] == 0.85
    assert data["interview_date"] == future and data["theme"] == "dark"
    step = client.post("/api/practice", json={}, headers=csrf(client)).json()
    assert step["total"] == 3
    assert client.get("/api/home").json()["new_today"] == 3


def test_saved_settings_survive_a_restart_and_keep_other_keys(settings: Settings) -> None:
    ctx = open_store_context(settings)
    ctx.store.set_user_settings(ctx.user, {"bands": [0.3, 0.6, 0.85], "reviews_per_day": 7})
    ctx.close()
    ctx = open_store_context(settings)
    try:
        assert ctx.settings.reviews_per_day == 7 and ctx.settings.new_per_day == 20
        from prepdeck.web.settings_service import update_settings

        update_settings(ctx, {"theme": "light"})
        stored = ctx.store.user_settings(ctx.user)
        assert stored["bands"] == [0.3, 0.6, 0.85] and stored["theme"] == "light"
        assert stored["reviews_per_day"] == 7
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.5", "between 0.70 and 0.99"),
        ("desired_retention", "lots", "enter a number"),
        ("new_per_day", "-1", "whole number"),
        ("new_per_day", "2.5", "whole number"),
        ("reviews_per_day", "99999", "at most 10000"),
        ("interview_date", "next tuesday", "YYYY-MM-DD"),
        ("interview_date", "2001-01-01", "in the past"),
        ("theme", "neon", "choose one of"),
    ],
)
def test_bad_form_values_are_explained_and_nothing_is_saved(
    client: TestClient, field: str, value: str, message: str
) -> None:
    other = "reviews_per_day" if field == "new_per_day" else "new_per_day"
    page = client.post("/settings", data=_form(client, **{other: "5", field: value}))
    assert page.status_code == 422 and message in page.text
    assert f'id="{field}-error"' in page.text and 'aria-invalid="true"' in page.text
    assert f'value="{value}"' in page.text or field == "theme"
    assert client.get("/api/settings").json()[other] == {"new_per_day": 20}.get(other, 200)


def test_api_updates_part_and_rejects_bad_values(client: TestClient) -> None:
    changed = client.put("/api/settings", json={"reviews_per_day": 50}, headers=csrf(client))
    assert changed.status_code == 200 and changed.json()["reviews_per_day"] == 50
    assert changed.json()["new_per_day"] == 20
    bad = client.put("/api/settings", json={"desired_retention": 2}, headers=csrf(client))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "desired_retention"
    past = client.put("/api/settings", json={"interview_date": "2001-01-01"}, headers=csrf(client))
    assert past.status_code == 422 and "in the past" in past.json()["detail"]
    assert past.headers["content-type"].startswith("application/problem+json")
    unknown = client.put("/api/settings", json={"colour": "red"}, headers=csrf(client))
    assert unknown.status_code == 422
    assert client.put("/api/settings", json={"theme": "dark"}).status_code == 403
    assert client.post("/settings", data={"theme": "dark"}).status_code == 403


def test_with_user_settings_lists_every_problem() -> None:
    with pytest.raises(UserSettingsError) as caught:
        with_user_settings(Settings(), {"new_per_day": "x", "theme": "pink", "other": 1})
    assert set(caught.value.problems) == {"new_per_day", "theme"}
    merged = with_user_settings(Settings(), {"desired_retention": "0.8", "bands": [1]})
    assert merged.desired_retention == 0.8 and merged.new_per_day == 20

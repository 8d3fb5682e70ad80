"""The card page: a session with nothing to do ends on its first page; reloads are identical."""

from __future__ import annotations

from fastapi.testclient import TestClient

from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from tests.web.conftest import csrf


def test_card_page_of_a_session_with_nothing_to_do_shows_the_summary(
    client: TestClient, settings: Settings
) -> None:
    token = csrf(client)["x-csrf-token"]
    started = client.post(
        "/practice", data={"csrf_token": token, "topic": "No such topic"}, follow_redirects=False
    )
    assert started.status_code == 303
    sid = started.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/practice/{sid}")
    assert page.status_code == 200 and 'id="summary"' in page.text
    store = SqlStore.open(settings.resolved_database_url)
    try:
        state = store.practice_state(store.user_id(settings.user), sid)
        assert state is not None and state.finished_at is not None and state.reviewed == 0
    finally:
        store.close()
    assert client.get(f"/practice/{sid}").status_code == 200  # again: the summary


def test_card_page_shows_the_same_card_and_intervals_on_reload(client: TestClient) -> None:
    step = client.post("/api/practice", json={}, headers=csrf(client)).json()
    url = f"/practice/{step['session']}"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert f'data-item="{step["card"]["item_pk"]}"' in first.text
    assert first.text == second.text

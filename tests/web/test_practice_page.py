"""The card page renders on the event loop; the request that ends a session still ends it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from prepdeck.web.sessions import SessionRegistry, ends_now
from tests.web.conftest import csrf


def test_card_page_of_a_session_with_nothing_to_do_shows_the_summary(client: TestClient) -> None:
    token = csrf(client)["x-csrf-token"]
    started = client.post(
        "/practice", data={"csrf_token": token, "topic": "No such topic"}, follow_redirects=False
    )
    assert started.status_code == 303
    sid = started.headers["location"].rsplit("/", 1)[1]
    registry: SessionRegistry = client.app.state.sessions  # type: ignore[attr-defined]
    live = registry.get(sid)
    assert ends_now(live)
    page = client.get(f"/practice/{sid}")
    assert page.status_code == 200 and 'id="summary"' in page.text
    assert live.finished is not None and not ends_now(live)
    assert client.get(f"/practice/{sid}").status_code == 200  # again: the summary, no new write


def test_card_page_shows_the_same_card_and_intervals_on_reload(client: TestClient) -> None:
    step = client.post("/api/practice", json={}, headers=csrf(client)).json()
    url = f"/practice/{step['session']}"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert f'data-item="{step["card"]["item_pk"]}"' in first.text
    assert first.text == second.text

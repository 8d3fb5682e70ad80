"""The leeches page and /api/leeches: listed by lapses, suspended and back, with CSRF."""

from __future__ import annotations

from fastapi.testclient import TestClient

from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from tests.choices.helpers import lapse
from tests.store.conftest import T0
from tests.web.conftest import csrf

ITEM = "stat-mean-vs-median"


def make_leech(settings: Settings, lapses: int) -> int:
    store = SqlStore.open(settings.database_url)
    try:
        user = store.user_id(settings.user)
        (card,) = store.find_cards(user, ITEM)
        lapse(store, user, card.view.item_pk, lapses, T0)
        return card.view.item_pk
    finally:
        store.close()


def test_empty_list_says_so(client: TestClient) -> None:
    page = client.get("/leeches")
    assert page.status_code == 200 and 'id="no-leeches"' in page.text
    assert "lapsed 8 or more times" in page.text and ">Leeches</a>" in page.text
    assert client.get("/api/leeches").json() == {"threshold": 8, "leeches": []}


def test_leech_is_listed_suspended_and_restored(client: TestClient, settings: Settings) -> None:
    item_pk = make_leech(settings, 2)
    assert client.get("/api/leeches").json()["leeches"] == []  # below the default 8
    listed = client.get("/api/leeches", params={"threshold": 2}).json()
    (row,) = listed["leeches"]
    assert (row["id"], row["lapses"], row["leech"], row["suspended"]) == (ITEM, 2, True, False)
    assert row["bundled"] is True and row["file"].endswith("statistics.md") and row["line"] > 1
    page = client.get("/leeches?threshold=2")
    assert f'id="leech-{item_pk}"' in page.text and f"Suspend {ITEM}" in page.text

    token = client.cookies.get("prepdeck_csrf")
    assert client.post(f"/leeches/{item_pk}/suspend").status_code == 403  # no CSRF token
    done = client.post(f"/leeches/{item_pk}/suspend?threshold=2", data={"csrf_token": token})
    assert done.status_code == 200 and f"{ITEM} is suspended." in done.text
    assert f"Unsuspend {ITEM}" in done.text
    # Suspended: out of the queue that /api/choice draws from, even when it is due.
    assert client.get("/api/leeches").json()["leeches"][0]["suspended"] is True
    drawn = {client.get("/api/choice", params={"topic": "Statistics"}).json()["card"]["item_pk"]}
    assert item_pk not in drawn
    back = client.post(f"/api/leeches/{item_pk}/unsuspend", headers=csrf(client))
    assert back.status_code == 200 and back.json()["suspended"] is False
    assert (
        client.get("/api/choice", params={"topic": "Statistics"}).json()["card"]["item_pk"]
        == item_pk
    )


def test_unknown_item_is_404(client: TestClient) -> None:
    response = client.post("/api/leeches/999999/suspend", headers=csrf(client))
    assert response.status_code == 404 and "item_pk" in response.json()["detail"]
    assert client.post("/api/leeches/0/suspend", headers=csrf(client)).status_code == 422
    assert client.post(f"/api/leeches/{2**63}/suspend", headers=csrf(client)).status_code == 422

"""JSON twins of the pages and a full practice round through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import csrf, htmx


def test_home_api(client: TestClient) -> None:
    data = client.get("/api/home").json()
    assert data["due_today"] == 0 and data["new_today"] == 20 and data["streak_days"] == 0
    stats = next(t for t in data["topics"] if t["topic"] == "Statistics")
    assert stats["items"] > 0 and stats["coverage"] == 0 and stats["retention"] is None


def test_topics_and_search_api(client: TestClient) -> None:
    topics = client.get("/api/topics").json()
    assert any(t["topic"] == "Statistics" for t in topics)
    items = client.get("/api/topics/Statistics").json()
    assert items and items[0]["state"] == "new" and items[0]["item"]["topic"] == "Statistics"
    hits = client.get("/api/search", params={"q": "overfit", "difficulty": "medium"}).json()
    assert hits and all(h["item"]["difficulty"] == "medium" for h in hits)
    only = client.get("/api/search", params={"q": "", "topic": "Statistics"}).json()
    assert only and {h["item"]["topic"] for h in only} == {"Statistics"}


def test_full_practice_round(client: TestClient) -> None:
    start = client.post("/api/practice", json={"limit": 2}, headers=csrf(client))
    assert start.status_code == 201
    step = start.json()
    sid, pk = step["session"], step["card"]["item_pk"]
    assert step["position"] == 1 and [r["rating"] for r in step["ratings"]] == [1, 2, 3, 4]

    check = client.post(
        f"/api/practice/{sid}/check",
        json={"item_pk": pk, "answer": "It is linear in the parameters and errors have mean zero."},
        headers=csrf(client),
    ).json()
    assert 0 <= check["score"] <= 1 and check["key_points"]
    proposed = [r for r in check["ratings"] if r["proposed"]]
    assert len(proposed) == 1 and proposed[0]["rating"] == check["proposed_rating"]

    shown = client.get(f"/api/practice/{sid}/reveal", params={"item_pk": pk}).json()
    assert shown["answer"] and "references" in shown

    rated = client.post(
        f"/api/practice/{sid}/rate", json={"item_pk": pk, "rating": 3}, headers=csrf(client)
    ).json()
    assert rated["saved"]["label"] == "Good" and rated["saved"]["next_review_in"]
    nxt = rated["next"]
    assert nxt["position"] == 2 and nxt["card"]["item_pk"] != pk

    undone = client.post(f"/api/practice/{sid}/undo", headers=csrf(client)).json()
    assert undone["undone"] and undone["current"]["card"]["item_pk"] == pk
    for _ in range(2):
        current = client.get(f"/api/practice/{sid}").json()
        client.post(
            f"/api/practice/{sid}/rate",
            json={"item_pk": current["card"]["item_pk"], "rating": 4},
            headers=csrf(client),
        )
    done = client.get(f"/api/practice/{sid}").json()
    assert done["done"] and done["reviewed"] == 2
    home = client.get("/api/home").json()
    assert home["reviewed_today"] == 2 and home["streak_days"] == 1


def test_practice_round_through_the_pages(client: TestClient) -> None:
    started = client.post(
        "/practice", data={"csrf_token": csrf(client)["x-csrf-token"]}, follow_redirects=False
    )
    assert started.status_code == 303
    url = started.headers["location"]
    page = client.get(url)
    assert page.status_code == 200 and 'id="answer"' in page.text and "<progress" in page.text
    pk = page.text.split('data-item="')[1].split('"')[0]
    feedback = client.post(
        f"{url}/check", data={"item_pk": pk, "answer": "bias"}, headers=htmx(client)
    )
    assert feedback.status_code == 200 and 'id="score"' in feedback.text
    assert 'hx-swap-oob="true"' in feedback.text and "proposed" in feedback.text
    reveal = client.get(f"{url}/reveal", params={"item_pk": pk}, headers=htmx(client))
    assert "Answer" in reveal.text and "<html" not in reveal.text
    hint = client.get(f"{url}/hint", params={"item_pk": pk}, headers=htmx(client))
    assert hint.status_code == 200
    rated = client.post(f"{url}/rate", data={"item_pk": pk, "rating": "1"}, headers=htmx(client))
    assert rated.status_code == 200 and "Card 2 of" in rated.text
    finished = client.post(f"{url}/finish", headers=htmx(client))
    assert 'id="summary"' in finished.text and "Reviewed <strong>1</strong>" in finished.text


def test_practice_without_javascript_redirects_after_rating(client: TestClient) -> None:
    token = csrf(client)["x-csrf-token"]
    url = client.post("/practice", data={"csrf_token": token}, follow_redirects=False).headers[
        "location"
    ]
    pk = client.get(url).text.split('data-item="')[1].split('"')[0]
    checked = client.post(f"{url}/check", data={"item_pk": pk, "answer": "x", "csrf_token": token})
    assert checked.status_code == 200 and "<html" in checked.text and 'id="score"' in checked.text
    rated = client.post(
        f"{url}/rate",
        data={"item_pk": pk, "rating": "3", "csrf_token": token},
        follow_redirects=False,
    )
    assert rated.status_code == 303 and rated.headers["location"] == url

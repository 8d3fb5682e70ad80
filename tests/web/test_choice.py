"""The multiple-choice page and /api/choice: stateless draws, judged on the server, logged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from prepdeck.store import SqlStore
from tests.web.conftest import csrf

FORM_FIELD = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def hidden(html: str, form_id: str) -> dict[str, str]:
    start = html.index(f'id="{form_id}"')
    form = html[start : html.index("</form>", start)]
    return dict(FORM_FIELD.findall(form))


def option_values(html: str) -> list[str]:
    return re.findall(r'name="chosen" value="([0-9a-f]{12})"', html)


def right_key(client: TestClient, item_pk: int, keys: list[str]) -> str:
    """The right key, as the server knows it: judged through the API, nothing saved."""
    body = {"item_pk": item_pk, "options": keys, "chosen": keys[0]}
    found = client.post("/api/choice/check", json=body, headers=csrf(client)).json()
    return str(found["correct_key"])


def test_page_shows_a_card_with_options_and_is_stable_on_reload(client: TestClient) -> None:
    first = client.get("/choice?topic=Statistics")
    assert first.status_code == 200
    keys = option_values(first.text)
    assert len(keys) == 4 and len(set(keys)) == 4
    assert 'aria-current="page"' in first.text and ">Choice</a>" in first.text
    again = client.get("/choice?topic=Statistics")
    assert option_values(again.text) == keys  # same card, same order
    three = client.get("/choice?topic=Statistics&n=3")
    assert len(option_values(three.text)) == 3
    assert client.get("/choice?n=9").status_code == 422


def test_a_wrong_pick_then_a_rating_round_trip(client: TestClient) -> None:
    shown = client.get("/choice?topic=Statistics")
    fields = hidden(shown.text, "choice-form")
    keys = fields["options"].split(",")
    item_pk = int(fields["item_pk"])
    right = right_key(client, item_pk, keys)
    wrong = next(k for k in keys if k != right)
    checked = client.post("/choice/check", data={**fields, "chosen": wrong})
    assert checked.status_code == 200
    assert "✗ Not quite" in checked.text and "your choice" in checked.text
    assert re.search(r'class="rating r1 proposed"', checked.text)  # wrong: Again proposed
    rate_fields = hidden(checked.text, "ratings")
    assert rate_fields["chosen"] == wrong and rate_fields["options"] == fields["options"]
    saved = client.post("/choice/rate", data={**rate_fields, "rating": "1"})
    assert saved.status_code == 200 and "Saved Again for" in saved.text  # after the redirect
    assert hidden(saved.text, "choice-form")["item_pk"] != str(item_pk)  # moved on
    # The same form again: nothing saved twice.
    twice = client.post("/choice/rate", data={**rate_fields, "rating": "1"})
    assert twice.status_code == 200 and "nothing was saved twice" in twice.text


def test_api_flow_records_grade_and_proposal(client: TestClient, settings: Any) -> None:
    card = client.get("/api/choice", params={"topic": "Deep learning"}).json()
    assert card["done"] is False and len(card["options"]) == 4
    assert all(set(o) == {"key", "text"} for o in card["options"])  # correctness not told
    keys = [o["key"] for o in card["options"]]
    item_pk = card["card"]["item_pk"]
    right = right_key(client, item_pk, keys)
    body = {
        "item_pk": item_pk,
        "options": keys,
        "chosen": right,
        "version": card["card"]["version"],
        "duration_ms": 1000,
    }
    checked = client.post("/api/choice/check", json=body, headers=csrf(client)).json()
    assert checked["correct"] is True and checked["proposed_rating"] == 4  # fast: Easy
    assert checked["answer"] and set(checked["intervals"]) == {"Again", "Hard", "Good", "Easy"}
    saved = client.post("/api/choice/rate", json=body, headers=csrf(client))
    assert saved.status_code == 200, saved.text
    result = saved.json()
    assert (result["rating"], result["proposed_rating"], result["grade"]) == (4, 4, 1.0)
    again = client.post("/api/choice/rate", json=body, headers=csrf(client))
    assert again.status_code == 409
    store = SqlStore.open(settings.database_url)
    try:
        (log,) = list(store.review_log(store.user_id(settings.user)))
    finally:
        store.close()
    assert (log.rating, log.grade, log.proposed_rating, log.duration_ms) == (4, 1.0, 4, 1000)
    nxt = client.get("/api/choice", params={"topic": "Deep learning", "skip": item_pk}).json()
    assert nxt["card"]["item_pk"] != item_pk


def test_bad_input_names_the_field_and_changes_nothing(client: TestClient) -> None:
    card = client.get("/api/choice").json()
    keys = [o["key"] for o in card["options"]]
    base = {"item_pk": card["card"]["item_pk"], "options": keys, "version": 0}
    cases = [
        ({**base, "chosen": "0" * 12}, "chosen"),
        ({**base, "chosen": keys[0], "options": [keys[0], "0" * 12]}, "options"),
        ({**base, "chosen": keys[0], "options": keys[:1]}, "options"),
        ({**base, "chosen": "x"}, "chosen"),
        ({**base, "chosen": keys[0], "item_pk": 2**63}, "item_pk"),
    ]
    for body, field in cases:
        response = client.post("/api/choice/rate", json=body, headers=csrf(client))
        assert response.status_code == 422, body
        assert field in response.text
    missing = client.post(
        "/api/choice/rate",
        json={**base, "item_pk": 999_999, "chosen": keys[0]},
        headers=csrf(client),
    )
    assert missing.status_code == 404 and "item_pk" in missing.json()["detail"]
    other = client.get("/api/choice", params={"skip": card["card"]["item_pk"]}).json()
    foreign = {
        **base,
        "options": [o["key"] for o in other["options"]],
        "chosen": other["options"][0]["key"],
    }
    assert client.post("/api/choice/rate", json=foreign, headers=csrf(client)).status_code == 422
    assert client.get("/api/choice").json()["card"]["item_pk"] == card["card"]["item_pk"]


def test_rating_needs_the_csrf_token(client: TestClient) -> None:
    card = client.get("/api/choice").json()
    body = {
        "item_pk": card["card"]["item_pk"],
        "options": [o["key"] for o in card["options"]],
        "chosen": card["options"][0]["key"],
        "version": card["card"]["version"],
    }
    assert client.post("/api/choice/rate", json=body).status_code == 403


def test_keys_are_opaque(client: TestClient) -> None:
    card = client.get("/api/choice").json()
    assert card["card"]["id"] not in {o["key"] for o in card["options"]}
    assert all(re.fullmatch(r"[0-9a-f]{12}", o["key"]) for o in card["options"])


def test_nothing_left_says_so(client: TestClient) -> None:
    done = client.get("/api/choice", params={"topic": "No such topic"}).json()
    assert done == {
        "done": True,
        "message": "Nothing due and no new card left today in No such topic.",
    }
    page = client.get("/choice?topic=No such topic")
    assert page.status_code == 200 and 'id="choice-done"' in page.text


def test_without_the_model_the_page_says_how_options_were_chosen(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREPDECK_GRADING_MODEL", "off")
    page = client.get("/choice")
    assert 'id="choice-note"' in page.text and "shared words" in page.text
    card = client.get("/api/choice").json()
    assert card["method"].startswith("shared words") and "PREPDECK_GRADING_MODEL" in card["note"]

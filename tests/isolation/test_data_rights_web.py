"""/account/data: export everything as JSON, delete the account after the password."""

from __future__ import annotations

import json
from typing import Any

from prepdeck.web.deps import SESSION_COOKIE
from tests.isolation.webapp import (
    PASSWORD,
    bearer,
    form,
    practise_one,
    signed_in,
    store_of,
)


def test_export_has_everything_of_mine_and_no_secret(app: Any) -> None:
    store = store_of(app)
    me = store.create_account("lea", PASSWORD)
    other = bearer(app, store.create_account("oth", PASSWORD))
    client = bearer(app, me, "my laptop")
    with client, other:
        item_pk = practise_one(client, "my own typed answer")
        practise_one(other, "the other learner's answer")
        mock = client.post("/api/mock", json={"questions": 1}).json()
        client.post(
            f"/api/mock/{mock['mock']}/answer", json={"position": 1, "answer": "mock words"}
        )
        client.put("/api/settings", json={"interview_date": "2031-01-02"})
        data = client.get("/api/account/export").json()
    assert data["format"] == "prepdeck-account"
    assert data["account"]["name"] == "lea" and data["account"]["share_answers"] is False
    typed = [r["typed_answer"] for r in data["progress"]["reviews"] if r.get("typed_answer")]
    assert "my own typed answer" in typed
    assert data["progress"]["settings"]["interview_date"] == "2031-01-02"
    assert data["mocks"][0]["questions"][0]["answer"] == "mock words"
    assert [t["label"] for t in data["api_tokens"]] == ["my laptop"]
    assert len(data["practice_sessions"]) >= 1
    text = json.dumps(data)
    assert "the other learner's answer" not in text and "oth" not in data["account"]["name"]
    assert "$argon2" not in text and "token_hash" not in text and "pdk_" not in text
    assert store.card(me, item_pk).state.reps >= 1


def test_download_is_an_attachment(app: Any) -> None:
    store_of(app).create_account("lea", PASSWORD)
    with signed_in(app, "lea") as client:
        page = client.get("/account/data")
        assert page.status_code == 200 and 'href="/account/export"' in page.text
        download = client.get("/account/export")
        assert download.status_code == 200
        assert download.headers["content-disposition"].startswith(
            'attachment; filename="prepdeck-lea-'
        )
        assert download.json()["account"]["name"] == "lea"


def test_delete_needs_the_password_and_keeps_everyone_elses(app: Any) -> None:
    store = store_of(app)
    me = store.create_account("lea", PASSWORD)
    other_id = store.create_account("oth", PASSWORD)
    store.create_account("ada", PASSWORD, role="admin")
    client, other = bearer(app, me), bearer(app, other_id)
    with client, other:
        practise_one(client, "mine")
        practise_one(other, "theirs")
        mock = client.post("/api/mock", json={"questions": 1}).json()["mock"]
        assert client.post(
            f"/api/mock/{mock}/answer", json={"position": 1, "answer": "m"}
        ).is_success
        page = b'# P\n\n!!! Question ""\n    === "Question"\n        Q?\n\n    === "Answer"\n        A.\n'
        assert client.post("/api/import", files={"file": ("p.md", page)}).json()["token"]
        wrong = client.post("/api/account/delete", json={"password": "not my password"})
        assert wrong.status_code == 422
        assert wrong.json()["errors"] == [
            {"field": "password", "message": "is not your password; nothing was deleted"}
        ]
        assert client.get("/api/account").status_code == 200
        done = client.post("/api/account/delete", json={"password": PASSWORD})
        assert done.status_code == 200 and done.json() == {"deleted": "lea"}
        assert client.get("/api/account").status_code == 401  # its token went with it
        assert store.account(me) is None
        assert other.get("/api/home").json()["reviewed_today"] == 1
        assert [b.name for b in store.bank_listings()] == ["bundled"]
        # the name is free again: a new account starts empty
        again = bearer(app, store.create_account("lea", PASSWORD))
        assert again.get("/api/home").json()["reviewed_today"] == 0


def test_delete_from_the_page_signs_out_and_the_last_admin_stays(app: Any) -> None:
    store = store_of(app)
    store.create_account("lea", PASSWORD)
    store.create_account("ada", PASSWORD, role="admin")
    with signed_in(app, "lea") as client:
        refused = form(client, "/account/delete", password="wrong one")
        assert refused.status_code == 422 and 'id="password-error"' in refused.text
        deleted = form(client, "/account/delete", password=PASSWORD)
        assert deleted.status_code == 303 and deleted.headers["location"].startswith("/sign-in")
        assert SESSION_COOKIE not in client.cookies
        assert client.get("/", follow_redirects=False).status_code == 303
    assert store.account_by_name("lea") is None
    with signed_in(app, "ada") as admin:
        last = form(admin, "/account/delete", password=PASSWORD)
        assert last.status_code == 422 and "only admin" in last.text
    assert store.account_by_name("ada") is not None


def test_share_answers_form(app: Any) -> None:
    store = store_of(app)
    me = store.create_account("lea", PASSWORD)
    with signed_in(app, "lea") as client:
        shared = form(client, "/account/share", share_answers="true")
        assert shared.status_code == 200 and "Admins can now read" in shared.text
        assert store.shares_answers(me)
        form(client, "/account/share")  # an unchecked box sends nothing
        assert not store.shares_answers(me)

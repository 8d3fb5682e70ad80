"""/exchange with accounts on: bank import is for admins; exports and progress are each
user's own (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.isolation.webapp import (
    PASSWORD,
    bearer,
    form,
    practise_one,
    signed_in,
    store_of,
)

CSV_BANK = b"question,answer,topic\nWhy do quokkas smile?,Their jaw.,Quokka studies\n"


def test_only_admins_import_banks(app: Any) -> None:
    store = store_of(app)
    store.create_account("lea", PASSWORD)
    admin = bearer(app, store.create_account("ada", PASSWORD, role="admin"))
    with signed_in(app, "lea") as learner, admin:
        page = learner.get("/exchange")
        assert page.status_code == 200 and 'id="bank-import-admins"' in page.text
        assert 'action="/exchange/bank"' not in page.text
        assert learner.get("/api/exchange").json()["may_import_banks"] is False
        files = {"file": ("quokkas.csv", CSV_BANK)}
        refused = learner.post(
            "/exchange/bank", files=files, data={"csrf_token": learner.cookies["prepdeck_csrf"]}
        )
        assert refused.status_code == 403
        report = admin.post("/api/exchange/bank", files=files).json()
        assert report["ok"] and report["bank"] == "quokkas"
        assert learner.post(f"/import/{report['token']}/add").status_code in (403, 404)
        done = admin.post(f"/api/import/{report['token']}/add").json()
        assert done["added"] == 1
        # unpublished: the learner cannot export it, the admin can
        missing = learner.get("/export/bank", params={"bank": "quokkas", "format": "csv"})
        assert missing.status_code == 404
        assert "quokkas" not in [b["name"] for b in learner.get("/api/exchange").json()["banks"]]
        got = admin.get("/api/export/bank", params={"bank": "quokkas", "format": "csv"})
        assert got.status_code == 200 and "Why do quokkas smile?" in got.text
        store.set_bank_published("quokkas", True)
        shared = learner.get("/export/bank", params={"bank": "quokkas", "format": "csv"})
        assert shared.status_code == 200 and "Why do quokkas smile?" in shared.text


def test_progress_is_each_users_own(app: Any) -> None:
    store = store_of(app)
    lea = store.create_account("lea", PASSWORD)
    ben = store.create_account("ben", PASSWORD)
    with bearer(app, lea) as mine, bearer(app, ben) as other:
        item_pk = practise_one(mine, "lea's words")
        lea_doc = mine.get("/api/export/progress")
        assert lea_doc.headers["content-disposition"].startswith("attachment;")
        assert len(lea_doc.json()["reviews"]) == 1
        assert other.get("/api/export/progress").json()["cards"] == []
        # Ben's bank export with progress carries none of Lea's schedule
        rows = csv.DictReader(
            io.StringIO(other.get("/api/export/bank?bank=bundled&format=csv&progress=true").text)
        )
        assert not any(r["card_phase"] for r in rows)
        # Ben imports Lea's file: it becomes Ben's, Lea's own cards are as she left them
        result = other.post(
            "/api/exchange/progress", files={"file": ("lea.json", lea_doc.content)}
        ).json()
        assert result["cards_added"] == 1 and result["reviews_added"] == 1
        assert len(other.get("/api/export/progress").json()["reviews"]) == 1
        assert store.card(lea, item_pk).state.reps == 1
        assert len(mine.get("/api/export/progress").json()["reviews"]) == 1
        assert store.card(ben, item_pk).state.reps == 1


def test_progress_of_an_unpublished_bank_does_not_reach_a_learner(app: Any) -> None:
    store = store_of(app)
    admin_id = store.create_account("ada", PASSWORD, role="admin")
    lea = store.create_account("lea", PASSWORD)
    with bearer(app, admin_id) as admin, bearer(app, lea) as learner:
        report = admin.post("/api/exchange/bank", files={"file": ("quokkas.csv", CSV_BANK)}).json()
        admin.post(f"/api/import/{report['token']}/add")
        started = admin.post(
            "/api/practice", json={"limit": 1, "topics": ["Quokka studies"]}
        ).json()
        pk = started["card"]["item_pk"]
        admin.post(f"/api/practice/{started['session']}/rate", json={"item_pk": pk, "rating": 3})
        doc = admin.get("/api/export/progress").content
        strict = learner.post(
            "/api/exchange/progress", files={"file": ("ada.json", doc)}, data={"strict": "true"}
        )
        assert strict.status_code == 400 and "ada.json" in strict.json()["detail"]
        loose = learner.post("/api/exchange/progress", files={"file": ("ada.json", doc)}).json()
        assert loose["changed"] is False and len(loose["skipped_unknown_items"]) == 1
        assert learner.get("/api/export/progress").json()["cards"] == []


def test_signed_out_is_refused(app: Any) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get("/api/export/progress").status_code == 401
        assert anonymous.get("/api/export/bank", params={"bank": "bundled"}).status_code == 401
        page = anonymous.get("/exchange", follow_redirects=False)
        assert page.status_code in (302, 303) and "/sign-in" in page.headers["location"]
        anonymous.get("/sign-in")
        posted = form(anonymous, "/exchange/progress")
        assert posted.status_code in (302, 303, 401)

"""/admin/banks and its API: publishing shared banks, the group's progress, shared answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.isolation.webapp import (
    PASSWORD,
    bearer,
    form,
    practise_one,
    signed_in,
    store_of,
)

PAGE = (Path(__file__).parents[1] / "data" / "web" / "good-page.md").read_bytes()


def _topics(client: TestClient) -> set[str]:
    return {t["topic"] for t in client.get("/api/topics").json()}


def test_admin_publishes_an_upload_and_learners_see_it_then_not(app: Any) -> None:
    store = store_of(app)
    admin = bearer(app, store.create_account("ada", PASSWORD, role="admin"))
    learner = bearer(app, store.create_account("lea", PASSWORD))
    with admin, learner:
        # a learner may check an upload but not add a bank (every learner would get it)
        checked = learner.post("/api/import", files={"file": ("zebra.md", PAGE)}).json()
        assert learner.post(f"/api/import/{checked['token']}/add").status_code == 403
        assert [b["name"] for b in admin.get("/api/admin/banks").json()["banks"]] == ["bundled"]

        token = admin.post("/api/import", files={"file": ("zebra.md", PAGE)}).json()["token"]
        assert admin.post(f"/api/import/{token}/add").status_code == 200
        banks = admin.get("/api/admin/banks").json()["banks"]
        assert [(b["name"], b["published"]) for b in banks] == [("bundled", True), ("zebra", False)]
        assert "Zebra facts" in _topics(admin)
        assert "Zebra facts" not in _topics(learner)

        published = admin.post("/api/admin/banks/publish", json={"bank": "zebra"})
        assert published.status_code == 200
        assert published.json()["published_by"] == "ada"
        assert "Zebra facts" in _topics(learner)
        withdrawn = admin.post(
            "/api/admin/banks/publish", json={"bank": "zebra", "published": False}
        )
        assert withdrawn.json()["published"] is False
        assert "Zebra facts" not in _topics(learner)


def test_refusals_name_the_field_and_change_nothing(app: Any) -> None:
    store = store_of(app)
    admin = bearer(app, store.create_account("ada", PASSWORD, role="admin"))
    learner = bearer(app, store.create_account("lea", PASSWORD))
    with admin, learner:
        for path in ("/api/admin/banks", "/api/admin/progress", "/api/admin/answers"):
            assert learner.get(path).status_code == 403, path
        assert learner.post("/api/admin/banks/publish", json={"bank": "bundled"}).status_code == 403
        missing = admin.post("/api/admin/banks/publish", json={"bank": "nope"})
        assert (
            missing.status_code == 404 and "bank: no bank named 'nope'" in missing.json()["detail"]
        )
        bundled = admin.post(
            "/api/admin/banks/publish", json={"bank": "bundled", "published": False}
        )
        assert bundled.status_code == 400 and bundled.json()["detail"].startswith("bank:")
        nowhere = admin.post("/api/admin/banks/load", json={"path": "/no/such/bank"})
        assert nowhere.status_code == 400 and nowhere.json()["detail"].startswith("path:")
        extra = admin.post("/api/admin/banks/publish", json={"bank": "bundled", "x": 1})
        assert extra.status_code == 422
        assert [b["name"] for b in admin.get("/api/admin/banks").json()["banks"]] == ["bundled"]


def test_load_a_path_on_the_server_from_the_page(app: Any, tmp_path: Path) -> None:
    page = tmp_path / "zebra.md"
    page.write_bytes(PAGE)
    store_of(app).create_account("ada", PASSWORD, role="admin")
    admin = signed_in(app, "ada")
    with admin:
        shown = admin.get("/admin/banks")
        assert shown.status_code == 200 and 'id="group-progress"' in shown.text
        loaded = form(admin, "/admin/banks/load", path=str(page))
        assert (
            loaded.status_code == 303 and loaded.headers["location"] == "/admin/banks?saved=loaded"
        )
        after = admin.get("/admin/banks?saved=loaded").text
        assert str(page.resolve()) in after and "Bank loaded from the server" in after
        refused = form(admin, "/admin/banks/load", path=str(tmp_path / "missing.md"))
        assert refused.status_code == 422 and 'id="path-error"' in refused.text
        # the form without its CSRF token changes nothing
        bare = admin.post(
            "/admin/banks/publish", data={"bank": str(page.resolve()), "published": "false"}
        )
        assert bare.status_code == 403
        assert store_of(app).bank_listings()[1].published


def test_group_progress_and_answers_only_when_shared(app: Any) -> None:
    store = store_of(app)
    admin = bearer(app, store.create_account("ada", PASSWORD, role="admin"))
    one = bearer(app, store.create_account("one", PASSWORD))
    two = bearer(app, store.create_account("two", PASSWORD))
    with admin, one, two:
        practise_one(one, "ones private typed answer")
        practise_one(two, "twos shared typed answer")
        topics = admin.get("/api/admin/progress").json()["topics"]
        studied = [t for t in topics if t["learners"]]
        assert studied and studied[0]["reviews"] == 2 and studied[0]["learners"] == 2
        assert studied[0]["mean_expected_recall"] > 0
        page = admin.get("/api/admin/answers").json()
        assert page == {"answers": []}
        assert "typed answer" not in admin.get("/api/admin/progress").text
        assert two.post("/api/account/share", json={"share_answers": True}).status_code == 200
        answers = admin.get("/api/admin/answers").json()["answers"]
        assert [(a["learner"], a["answer"]) for a in answers] == [
            ("two", "twos shared typed answer")
        ]
        html = signed_in_html(app)
        assert "twos shared typed answer" in html and "ones private typed answer" not in html


def signed_in_html(app: Any) -> str:
    with signed_in(app, "ada") as admin:
        return admin.get("/admin/banks").text


def test_the_import_page_tells_a_learner_who_can_add(app: Any) -> None:
    store = store_of(app)
    store.create_account("lea", PASSWORD)
    store.create_account("ada", PASSWORD, role="admin")
    for name, shown, hidden in (
        ("lea", "Only an admin", "add-bank"),
        ("ada", "publish-hint", "Only an admin"),
    ):
        with signed_in(app, name) as client:
            report = client.post(
                "/import",
                files={"file": ("zebra.md", PAGE)},
                data={"csrf_token": client.cookies["prepdeck_csrf"]},
            )
            assert report.status_code == 200, report.text
            assert shown in report.text and hidden not in report.text, name

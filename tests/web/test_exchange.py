"""/exchange: banks out as .apkg/CSV/JSON, progress out and in, foreign banks in via Import."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from prepdeck.bundled import bundled_bank
from prepdeck.settings import Settings
from prepdeck.web import create_app
from prepdeck.web.security import CSRF_COOKIE
from tests.web.conftest import csrf

CSV_BANK = (
    "question,answer,topic,companies,tags\n"
    'Why do quokkas smile?,The shape of their jaw.,Quokka studies,"Acme, Inc.",cute\n'
    "Where do quokkas live?,On Rottnest Island.,Quokka studies,,\n"
)


def _topics(client: TestClient) -> set[str]:
    return {t["topic"] for t in client.get("/api/topics").json()}


def _rate_one(client: TestClient) -> str:
    """Practise the first card and rate it Good; its item id."""
    started = client.post("/api/practice", json={"limit": 1}, headers=csrf(client)).json()
    card = started["card"]
    rated = client.post(
        f"/api/practice/{started['session']}/rate",
        json={"item_pk": card["item_pk"], "rating": 3},
        headers=csrf(client),
    )
    assert rated.status_code == 200, rated.text
    return str(card["id"])


def _reviews(client: TestClient) -> int:
    return len(client.get("/api/export/progress").json()["reviews"])


def test_page_has_the_three_parts_and_a_nav_link(client: TestClient) -> None:
    page = client.get("/exchange")
    assert page.status_code == 200
    assert '<a href="/exchange" aria-current="page">Exchange</a>' in page.text
    assert 'action="/export/bank"' in page.text and '<option value="bundled">' in page.text
    assert 'action="/exchange/progress"' in page.text and 'action="/exchange/bank"' in page.text
    assert page.text.count('name="csrf_token"') >= 2 and '<label for="bank-file">' in page.text
    api = client.get("/api/exchange").json()
    assert api["banks"][0]["name"] == "bundled" and api["may_import_banks"] is True
    assert api["formats"] == ["apkg", "csv", "json"]


def test_csv_and_json_downloads_hold_the_bank(client: TestClient) -> None:
    expected = [i.id for i in bundled_bank().items if i.question.strip() and i.answer.strip()]
    got = client.get("/export/bank", params={"bank": "bundled", "format": "csv"})
    assert got.status_code == 200 and got.headers["content-type"] == "text/csv; charset=utf-8"
    assert got.headers["content-disposition"] == 'attachment; filename="prepdeck.csv"'
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["id"] for r in rows] == expected and "card_due" not in rows[0]
    doc = client.get("/api/export/bank", params={"bank": "bundled", "format": "json"})
    assert doc.headers["content-type"] == "application/json"
    assert doc.headers["content-disposition"] == 'attachment; filename="prepdeck.json"'
    assert [i["id"] for i in doc.json()["items"]] == expected


def test_csv_with_progress_carries_my_schedule(client: TestClient) -> None:
    item_id = _rate_one(client)
    got = client.get("/api/export/bank?bank=bundled&format=csv&progress=true")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(got.text))}
    assert rows[item_id]["card_phase"] == "learning" and rows[item_id]["card_reps"] == "1"
    assert sum(1 for r in rows.values() if r["card_phase"]) == 1


def test_apkg_download_opens_in_anki_with_my_schedule(client: TestClient, tmp_path: Path) -> None:
    anki_collection = pytest.importorskip("anki.collection")
    item_id = _rate_one(client)
    got = client.get("/export/bank", params={"bank": "bundled", "progress": "true"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/x-apkg"
    assert got.headers["content-disposition"] == 'attachment; filename="prepdeck.apkg"'
    package = tmp_path / "download.apkg"
    package.write_bytes(got.content)
    (tmp_path / "anki").mkdir()
    col = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        options = anki_collection.ImportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, merge_notetypes=True
        )
        request = anki_collection.ImportAnkiPackageRequest(
            package_path=str(package), options=options
        )
        log = col.import_anki_package(request).log
        cards = {}
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            note = card.note()
            cards[note["Id"]] = (card.type, card.reps, note["Answer source"])
    finally:
        col.close()
    items = {i.id: i for i in bundled_bank().items if i.question.strip() and i.answer.strip()}
    assert len(log.new) == len(items) and set(cards) == set(items)
    assert cards[item_id] == (1, 1, items[item_id].answer)  # learning, as rated here
    assert all(kind == 0 for key, (kind, _, _) in cards.items() if key != item_id)


def test_unknown_bank_and_bad_format_are_refused(client: TestClient) -> None:
    missing = client.get("/api/export/bank", params={"bank": "nope"})
    assert missing.status_code == 404 and "no bank named 'nope'" in missing.json()["detail"]
    bad = client.get("/api/export/bank", params={"bank": "bundled", "format": "xlsx"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.format"


def test_progress_moves_to_another_server_once(client: TestClient, tmp_path: Path) -> None:
    item_id = _rate_one(client)
    download = client.get("/export/progress")
    assert download.status_code == 200 and download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"].startswith(
        'attachment; filename="prepdeck-progress-'
    )
    elsewhere = tmp_path / "elsewhere.sqlite3"
    target = TestClient(
        create_app(Settings(database_url=f"sqlite:///{elsewhere}", fuzz=False)),
        raise_server_exceptions=False,
    )
    with target:
        target.get("/")
        files = {"file": ("progress.json", download.content, "application/json")}
        page = target.post("/exchange/progress", files=files, headers=csrf(target))
        assert page.status_code == 200 and 'id="progress-result"' in page.text
        assert "Cards: 1 added" in page.text and "Reviews: 1 added" in page.text
        doc = target.get("/api/export/progress").json()
        assert [c["item_key"] for c in doc["cards"]] == [item_id]
        again = target.post("/api/exchange/progress", files=files, headers=csrf(target)).json()
        assert again["changed"] is False and again["reviews_already_here"] == 1


def test_unknown_items_are_skipped_or_refused_with_strict(client: TestClient) -> None:
    _rate_one(client)
    doc = client.get("/api/export/progress").json()
    doc["cards"][0]["bank"] = doc["reviews"][0]["bank"] = "gone-bank"
    doc["cards"][0]["item_key"] = doc["reviews"][0]["item_key"] = "no-such-item"
    data = json.dumps(doc).encode()
    before = client.get("/api/export/progress").json()
    strict = client.post(
        "/api/exchange/progress",
        files={"file": ("mine.json", data)},
        data={"strict": "true"},
        headers=csrf(client),
    )
    assert strict.status_code == 400 and strict.json()["detail"].startswith(
        "mine.json:1:1: 1 item(s) are not"
    )
    assert client.get("/api/export/progress").json()["reviews"] == before["reviews"]
    loose = client.post(
        "/api/exchange/progress", files={"file": ("mine.json", data)}, headers=csrf(client)
    ).json()
    assert loose["skipped_unknown_items"] == ["gone-bank/no-such-item"] and not loose["changed"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", r"bad\.json:1:2: not valid JSON"),
        (b"\xff\xfe\x00garbage", r"bad\.json:1:1: not UTF-8 text"),
        (b'{"format": "prepdeck-progress", "schema_version": 1, "reviews": [{"id": 1}]}',
         r"bad\.json:1:1: reviews\[0\]: missing field .kind."),
        (b'{"format": "prepdeck-progress", "schema_version": 1, "parameters": [1, 2]}',
         r"bad\.json:1:1: document\.parameters: Expected 21 parameters"),
        (b'{"format": "prepdeck-progress", "schema_version": 1, '
         b'"settings": {"desired_retention": "lots"}}',
         r"bad\.json:1:1: document\.settings\.desired_retention"),
    ],
)  # fmt: skip
def test_a_malformed_progress_file_names_the_file_and_changes_nothing(
    client: TestClient, data: bytes, message: str
) -> None:
    _rate_one(client)
    before = client.get("/api/export/progress").json()
    api = client.post(
        "/api/exchange/progress", files={"file": ("bad.json", data)}, headers=csrf(client)
    )
    assert api.status_code == 400, api.text
    assert re.match(message, api.json()["detail"]), api.json()["detail"]
    page = client.post(
        "/exchange/progress", files={"file": ("bad.json", data)}, headers=csrf(client)
    )
    assert page.status_code == 400 and 'id="progress-error"' in page.text
    assert "bad.json" in page.text and "Nothing was changed." in page.text
    after = client.get("/api/export/progress").json()
    assert (after["cards"], after["reviews"], after["settings"]) == (
        before["cards"],
        before["reviews"],
        before["settings"],
    )


def test_uploads_need_the_csrf_token(client: TestClient) -> None:
    doc = client.get("/api/export/progress").content
    refused = client.post("/api/exchange/progress", files={"file": ("p.json", doc)})
    assert refused.status_code == 403
    form = client.post("/exchange/bank", files={"file": ("q.csv", CSV_BANK.encode())})
    assert form.status_code == 403 and "Quokka studies" not in _topics(client)
    with_field = client.post(
        "/exchange/bank",
        files={"file": ("q.csv", CSV_BANK.encode())},
        data={"csrf_token": client.cookies[CSRF_COOKIE]},
    )
    assert with_field.status_code == 200 and 'id="bank-report"' in with_field.text


def test_a_csv_bank_is_checked_then_added_through_import(client: TestClient) -> None:
    page = client.post("/exchange/bank", files={"file": ("quokkas.csv", CSV_BANK.encode())},
                       headers=csrf(client))  # fmt: skip
    assert page.status_code == 200 and 'id="bank-report"' in page.text
    assert "“quokkas.csv” as the page quokkas.md" in page.text and "2 questions" in page.text
    assert "Quokka studies" not in _topics(client)  # nothing added by the check
    action = page.text.split('action="/import/')[1].split('"')[0]
    added = client.post(f"/import/{action}", headers=csrf(client))
    assert added.status_code == 200 and "2 added" in added.text
    assert "Quokka studies" in _topics(client)
    exported = client.get("/api/export/bank", params={"bank": "quokkas", "format": "json"})
    companies = [i["companies"] for i in exported.json()["items"]]
    assert companies == [["Acme, Inc."], []]  # the comma survived the markdown page


def test_an_exported_apkg_comes_back_through_the_api(client: TestClient) -> None:
    pytest.importorskip("genanki")
    package = client.get("/api/export/bank", params={"bank": "bundled"}).content
    report = client.post(
        "/api/exchange/bank", files={"file": ("Interview deck.apkg", package)},
        headers=csrf(client),
    ).json()  # fmt: skip
    assert report["converted_from"] == "Interview deck.apkg" and report["ok"], report
    assert report["page"] == "Interview deck.md" and report["bank"] == "Interview deck"
    assert report["items"] == len([i for i in bundled_bank().items if i.answer.strip()])
    done = client.post(f"/api/import/{report['token']}/add", headers=csrf(client)).json()
    assert done["bank"] == "Interview deck" and done["added"] == report["items"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("deck.apkg", b"PK\x03\x04 not really a zip", "deck.apkg:1:1: not an Anki package"),
        ("rows.csv", b"question,answer,colour\nQ,A,red\n", "rows.csv:1:1: unknown column 'colour'"),
        ("rows.csv", b"question,answer\nQ?,\n", "rows.csv:2:1: the answer is empty"),
        ("items.json", b'{"items": [{"question": 3}]}', "items.json:1:1: items[0]"),
        ("notes.txt", b"hello", "notes.txt:1:1: upload an Anki package (.apkg), CSV"),
        ("empty.csv", b"", "empty.csv:1:1: the uploaded file is empty"),
    ],
)
def test_a_malformed_bank_file_is_a_400_naming_it(
    client: TestClient, name: str, data: bytes, message: str
) -> None:
    before = _topics(client)
    api = client.post("/api/exchange/bank", files={"file": (name, data)}, headers=csrf(client))
    assert api.status_code == 400 and api.json()["detail"].startswith(message), api.text
    assert "/tmp" not in api.text and "prepdeck-bank-upload" not in api.text
    page = client.post("/exchange/bank", files={"file": (name, data)}, headers=csrf(client))
    assert page.status_code == 400 and 'id="bank-error"' in page.text
    assert html.escape(message).replace("&#x27;", "&#39;") in page.text
    assert _topics(client) == before


def test_uploads_over_the_limit_are_refused(settings: Settings) -> None:
    small = replace(settings, upload_max_bytes=1000)
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        client.get("/")
        big = b"question,answer\n" + b"Q?,A\n" * 2000
        for url in ("/api/exchange/bank", "/api/exchange/progress", "/exchange/bank"):
            refused = client.post(url, files={"file": ("big.csv", big)}, headers=csrf(client))
            assert refused.status_code == 413, (url, refused.text)

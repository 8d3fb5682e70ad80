"""Import: checked uploads with a lint report, unsafe zips refused, nothing changed on bad input."""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from prepdeck.settings import Settings
from prepdeck.web import create_app
from tests.web.conftest import csrf

GOOD = """# Quokka studies

!!! Question ""
    === "Question"
        Why do quokkas appear to smile?

    === "Answer"
        The shape of their mouth and jaw gives them a smiling look.

!!! Question ""
    === "Question"
        Where do quokkas live?

    === "Answer"
        On Rottnest Island and in a few places in south-western Australia.
"""
BROKEN = """# Broken quokkas

!!! Question ""
    === "Question"
        Where is the answer tab?
"""


def _zip(entries: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buf.getvalue()


def _upload(client: TestClient, name: str, data: bytes, api: bool = False):  # type: ignore[no-untyped-def]
    url = "/api/import" if api else "/import"
    return client.post(url, files={"file": (name, data)}, headers=csrf(client))


def _topics(client: TestClient) -> set[str]:
    return {t["topic"] for t in client.get("/api/topics").json()}


@pytest.fixture
def clean_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary folders go here, so tests can see that each upload's folder is removed."""
    where = tmp_path / "uploads-tmp"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    yield where
    assert list(where.iterdir()) == []


def test_import_page_has_a_labelled_upload_form(client: TestClient) -> None:
    page = client.get("/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert '<label for="file">' in page.text and 'name="csrf_token"' in page.text
    assert "Up to 5.2 MB" in page.text or "Up to 5.0 MB" in page.text


def test_good_page_is_checked_then_added(client: TestClient, clean_tmp: Path) -> None:
    report = _upload(client, "Quokka bank.md", GOOD.encode())
    assert report.status_code == 200 and 'id="lint-report"' in report.text
    assert "2 questions" in report.text and 'id="add-bank"' in report.text
    assert "Quokka studies" not in _topics(client)  # nothing added by the check
    action = report.text.split('action="/import/')[1].split('"')[0]
    added = client.post(f"/import/{action}", headers=csrf(client))
    assert added.status_code == 200 and "2 added" in added.text and "Quokka bank" in added.text
    assert "Quokka studies" in _topics(client)
    again = client.post(f"/import/{action}", headers=csrf(client))
    assert again.status_code == 404 and "upload it again" in again.text


def test_errors_are_shown_with_their_lines_and_block_adding(
    client: TestClient, clean_tmp: Path
) -> None:
    before = _topics(client)
    page = _upload(client, "broken.md", BROKEN.encode())
    assert page.status_code == 200 and "PD101" in page.text and 'class="hl"' in page.text
    assert "Where is the answer tab?" in page.text and 'id="cannot-add"' in page.text
    assert 'id="add-bank"' not in page.text
    data = _upload(client, "broken.md", BROKEN.encode(), api=True).json()
    assert data["ok"] is False and data["token"] == "" and data["errors"] >= 1
    finding = next(f for f in data["findings"] if f["code"] == "PD101")
    assert finding["file"] == "broken.md" and any(e["at"] for e in finding["excerpt"])
    assert _topics(client) == before


def test_non_utf8_is_a_reader_error_with_its_line(client: TestClient, clean_tmp: Path) -> None:
    text = GOOD.replace("smiling look", "smiling look caf\xe9").encode("latin-1")
    data = _upload(client, "latin.md", text, api=True).json()
    error = next(f for f in data["findings"] if f["code"] == "PD001")
    assert "UTF-8" in error["message"] and error["line"] == 8 and not data["ok"]


def test_zip_folder_through_the_api(client: TestClient, clean_tmp: Path) -> None:
    archive = _zip(
        {
            "bank/": b"",
            "bank/quokkas.md": GOOD.encode(),
            "bank/more/notes.txt": b"ignored",
            "__MACOSX/bank/._quokkas.md": b"junk",
        }
    )
    data = _upload(client, "my-folder.zip", archive, api=True).json()
    assert data["ok"] and data["bank"] == "my-folder" and data["files"] == ["bank/quokkas.md"]
    assert "bank/more/notes.txt" in data["ignored"] and data["items"] == 2
    done = client.post(f"/api/import/{data['token']}/add", headers=csrf(client)).json()
    assert done["added"] == 2 and done["topics"] == ["Quokka studies"]
    repeat = _upload(client, "my-folder.zip", archive, api=True).json()
    assert repeat["replaces_existing_bank"] and repeat["same_as_loaded"]


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("evil.zip", _zip({"../evil.md": GOOD.encode()}), 400, "path traversal"),
        ("evil.zip", _zip({"a/../../evil.md": GOOD.encode()}), 400, "path traversal"),
        ("evil.zip", _zip({"/etc/evil.md": GOOD.encode()}), 400, "absolute paths"),
        ("evil.zip", _zip({"C:/evil.md": GOOD.encode()}), 400, "absolute paths"),
        ("evil.zip", _zip({"ok.md": GOOD.encode()}, symlink="link.md"), 400, "symbolic links"),
        ("bomb.zip", _zip({"big.md": b"a" * 60_000_000}), 413, "over the"),
        ("bomb.zip", _zip({"b.md": b"\n" * 3_000_000}), 413, "zip bomb"),
        ("many.zip", _zip({f"p{n}.md": b"x" for n in range(1001)}), 413, "entries"),
        ("fake.zip", b"PK\x03\x04 not really a zip", 400, "not a valid .zip"),
        ("notes.txt", b"hello", 400, ".md, .markdown"),
        ("bundled.md", GOOD.encode(), 400, "own bank"),
        ("empty.md", b"", 400, "empty"),
        ("nothing.zip", _zip({"readme.txt": b"hi"}), 400, "no markdown pages"),
    ],
)
def test_unsafe_or_bad_uploads_are_refused(
    client: TestClient, clean_tmp: Path, name: str, data: bytes, status: int, message: str
) -> None:
    before = _topics(client)
    page = _upload(client, name, data)
    assert page.status_code == status and 'id="upload-error"' in page.text
    assert message in page.text and "Traceback" not in page.text
    problem = _upload(client, name, data, api=True)
    assert problem.status_code == status and message in problem.json()["detail"]
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert _topics(client) == before


def test_zip_bomb_lying_about_its_size_is_stopped(clean_tmp: Path) -> None:
    from prepdeck.upload import UploadError, UploadLimits, check_upload

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.md", b"# T\n" + b"a" * 200_000)
    raw = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).infolist()[0]
    # Shrink the declared size in the central directory: the unpacker must not trust it.
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")
    assert info.file_size > 10
    with pytest.raises(UploadError):
        check_upload("lying.zip", bytes(raw), UploadLimits())


def test_size_limit_is_configurable(settings: Settings, clean_tmp: Path) -> None:
    small = replace(settings, upload_max_bytes=1000)
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        client.get("/")
        assert "Up to 0.0 MB" in client.get("/import").text
        over_framing = _upload(client, "big.md", b"x" * 200_000)
        assert over_framing.status_code == 413 and "Upload too large" in over_framing.text
        just_over = _upload(client, "big.md", b"x" * 2000, api=True)
        assert just_over.status_code == 413 and "limit" in just_over.json()["detail"]
        assert _upload(client, "ok.md", GOOD.encode()[:900]).status_code == 200


def test_import_needs_the_csrf_token_and_a_file(client: TestClient) -> None:
    assert client.post("/import", files={"file": ("a.md", GOOD.encode())}).status_code == 403
    assert client.post("/api/import", files={"file": ("a.md", b"x")}).status_code == 403
    assert client.post("/api/import/abcdefghijkl/add").status_code == 403
    missing = client.post("/api/import", headers=csrf(client))
    assert missing.status_code == 400 and "choose a file" in missing.json()["detail"]
    unknown = client.post("/api/import/abcdefghijkl/add", headers=csrf(client))
    assert unknown.status_code == 404


def test_new_pages_have_no_inline_scripts_and_are_in_the_nav(client: TestClient) -> None:
    import re

    for url in ("/stats", "/import", "/settings"):
        text = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), url
        assert " onclick=" not in text and " style=" not in text, url
        assert f'<a href="{url}" aria-current="page">' in text, url

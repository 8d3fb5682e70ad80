"""Bad input: every failure names the file (and line), and the rest of the bank loads."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import prepdeck
from prepdeck.formats import files

GOOD = '!!! Question ""\n    === "Question"\n        Q{n}?\n\n    === "Answer"\n        A.\n'


def test_missing_binary_and_non_utf8_files_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD.format(n=1), "utf-8")
    (tmp_path / "binary.md").write_bytes(b"ok\n\x00\x01\x02")
    (tmp_path / "latin1.md").write_bytes("line one\ncaf\xe9\n".encode("latin-1"))
    bank = prepdeck.read_bank([tmp_path, tmp_path / "missing.md"])
    assert len(bank) == 1
    found = {Path(d.location.file).name: d for d in bank.errors}
    assert found["binary.md"].location.line == 2 and "binary" in found["binary.md"].message
    assert found["latin1.md"].location.line == 2 and "UTF-8" in found["latin1.md"].message
    assert found["latin1.md"].location.column == 4
    assert "no such file" in found["missing.md"].message
    assert all(d.code == "PD001" for d in bank.errors)


def test_read_page_raises_project_error_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(prepdeck.BankReadError) as err:
        prepdeck.read_page(bad)
    assert err.value.location == prepdeck.Location(str(bad), 1, 1)


def test_half_written_item_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD.format(n=1), "utf-8")
    (tmp_path / "b.md").write_text('!!! Question ""\n    === "Question"\n        What is', "utf-8")
    report = prepdeck.lint(tmp_path)
    assert len(report.bank) == 2
    assert [(Path(d.location.file).name, d.code) for d in report.errors] == [
        ("b.md", "PD101"),
        ("b.md", "PD104"),
    ]


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text("x" * 2000, "utf-8")
    with pytest.raises(prepdeck.BankReadError, match="over the"):
        prepdeck.read_page(big, max_bytes=1000)


def test_fifty_megabyte_page_reads(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    block = "".join(GOOD.format(n=n) + "\n" for n in range(1000))
    with big.open("w", encoding="utf-8") as fh:
        while fh.tell() < 50_000_000:
            fh.write(block)
    page = prepdeck.read_page(big)
    assert len(page.items) > 400_000
    assert prepdeck.write_page(page) == big.read_text("utf-8")


def test_thousands_of_files(tmp_path: Path) -> None:
    for d in range(20):
        sub = tmp_path / f"dir{d:02d}"
        sub.mkdir()
        for n in range(100):
            (sub / f"page{n:03d}.md").write_text(GOOD.format(n=f"{d}-{n}"), "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "ignored.md").write_text(GOOD.format(n="hidden"), "utf-8")
    (tmp_path / "notes.txt").write_text("not markdown", "utf-8")
    calls: list[int] = []
    bank = prepdeck.read_bank(tmp_path, progress=lambda done, total, path: calls.append(total))
    assert len(bank.pages) == 2000 and len(bank) == 2000
    assert calls and set(calls) == {2000}


def test_file_changing_while_read_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.md"
    page.write_text(GOOD.format(n=1), "utf-8")
    stop = threading.Event()

    def rewrite() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            page.write_text(GOOD.format(n=n) * (n % 7 + 1), "utf-8")
            os.utime(page, ns=(n, n))

    real_open = open

    def slow_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        handle = real_open(*args, **kwargs)
        time.sleep(0.02)  # widen the window so a concurrent writer lands mid-read
        return handle

    monkeypatch.setattr("builtins.open", slow_open)
    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        with pytest.raises(prepdeck.BankReadError, match="changed while"):
            for _ in range(50):
                files.read_text(page)
    finally:
        stop.set()
        writer.join()


def test_write_atomic_refuses_when_file_changed_meanwhile(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("new content by someone else\n", "utf-8")
    with pytest.raises(prepdeck.BankReadError, match="changed since"):
        files.write_atomic(page, "formatted\n", expected="what we read\n")
    assert page.read_text("utf-8") == "new content by someone else\n"

"""Real-browser tests: the app served by uvicorn in a thread, driven by Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (Debian's ``chromium`` package; ``.ci/run`` installs
it). Playwright never downloads a browser here: where that file is absent every test in this
folder is skipped with the reason. ``PREPDECK_CHROMIUM`` names another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    expect,
    sync_playwright,
)

from prepdeck.settings import Settings
from prepdeck.store.context import open_store_context
from prepdeck.web import create_app

CHROMIUM = Path(os.environ.get("PREPDECK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Generous: CI machines are small and the first grading loads the model.
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """Run the real app with uvicorn on 127.0.0.1 in a background thread; its base URL."""
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", server_header=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser_template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the bundled bank loaded once; each server gets a fresh copy."""
    path = tmp_path_factory.mktemp("browserdb") / "template.sqlite3"
    open_store_context(Settings(database_url=f"sqlite:///{path}", fuzz=False)).close()
    return path


def fresh_settings(tmp_path: Path, template: Path, **overrides: Any) -> Settings:
    path = tmp_path / "prepdeck.sqlite3"
    shutil.copy(template, path)
    return replace(Settings(database_url=f"sqlite:///{path}", fuzz=False), **overrides)


@pytest.fixture(scope="session")
def shared_url(
    tmp_path_factory: pytest.TempPathFactory, browser_template_db: Path
) -> Iterator[str]:
    """One server for the read-only tests (browse, search, layout)."""
    settings = fresh_settings(tmp_path_factory.mktemp("shared"), browser_template_db)
    with serve(settings) as url:
        yield url


@pytest.fixture
def app_url(tmp_path: Path, browser_template_db: Path) -> Iterator[str]:
    """A server of this test's own, on a fresh store (for tests that change state)."""
    with serve(fresh_settings(tmp_path, browser_template_db)) as url:
        yield url


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium); "
            "Playwright's own browser download is not used"
        )
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
    )
    yield browser
    browser.close()


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught errors, dialogs, requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: int = 0
    #: Bank images with relative addresses that lead nowhere are 404s, not script execution.
    allow_missing_images: bool = False
    #: KaTeX colours a formula it cannot parse with a style attribute, which the CSP blocks
    #: (the formula's text still shows): expected for broken TeX, such as a hostile bank's.
    allow_katex_error_style: bool = False

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = str(message.location.get("url", ""))
        # Chromium asks for /favicon.ico on its own; the app has none (a 404, not a page error).
        if urlsplit(where).path == "/favicon.ico":
            return
        if (
            self.allow_missing_images
            and where.startswith(self.origin + "/")
            and message.text.startswith("Failed to load resource")
            and "status of 404" in message.text
        ):
            return
        if (
            self.allow_katex_error_style
            and message.text.startswith("Applying inline style violates")
            and urlsplit(where).path == "/static/vendor/katex/katex.min.js"
        ):
            return
        self.console_errors.append(f"{message.text} ({where})")

    def on_request(self, request: Request) -> None:
        self.requests += 1
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def problems(self) -> dict[str, list[str]]:
        found = {
            "console errors": self.console_errors,
            "uncaught errors": self.page_errors,
            "dialogs": self.dialogs,
            "requests to other hosts": self.foreign_requests,
        }
        return {k: v for k, v in found.items() if v}


def watch(page: Page, origin: str) -> Watch:
    seen = Watch(origin)
    page.on("console", seen.on_console)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", seen.on_request)
    return seen


PageFactory = Callable[..., tuple[Page, Watch]]


@pytest.fixture
def open_page(browser: Browser) -> Iterator[PageFactory]:
    """``open_page(base_url, viewport=, color_scheme=, bypass_csp=)``: a page in a new context.

    Every page is watched; a test that ends with a console error, an uncaught error, a dialog
    or a request to another host fails.
    """
    opened: list[tuple[Any, Watch]] = []

    def factory(
        base_url: str,
        viewport: dict[str, int] | None = None,
        color_scheme: str = "light",
        bypass_csp: bool = False,
    ) -> tuple[Page, Watch]:
        context = browser.new_context(
            base_url=base_url,
            viewport=viewport or DESKTOP,  # type: ignore[arg-type]
            color_scheme=color_scheme,  # type: ignore[arg-type]
            service_workers="block",
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        seen = watch(page, base_url)
        opened.append((context, seen))
        return page, seen

    yield factory
    problems = {}
    for context, seen in opened:
        context.close()
        problems.update(seen.problems())
    assert not problems, problems

"""/docs: Swagger UI from the package, no inline script, only same-origin assets."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from prepdeck.web.security import CSRF_COOKIE


class Assets(HTMLParser):
    """The scripts, stylesheets and other loaded URLs of a page, and any inline script."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.inline_scripts: list[str] = []
        self.loaded: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.handlers += [k for k in values if k.startswith("on")]
        if tag == "script":
            self._in_script = "src" not in values
            if "src" in values:
                self.scripts.append(values["src"])
        for name in ("src", "href"):
            if name in values and not (tag == "a" and name == "href"):
                self.loaded.append(values[name])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def test_docs_page_has_no_inline_script_and_only_same_origin_assets(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "script-src 'self' 'unsafe-inline'" not in policy

    assets = Assets()
    assets.feed(response.text)
    assert assets.inline_scripts == [] and assets.handlers == []
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets.scripts
    assert "/static/docs.js" in assets.scripts
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets.loaded
    for url in assets.loaded:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url
    # the init script is told where the schema is and how to pass the CSRF check
    assert 'data-openapi-url="/openapi.json"' in response.text
    assert f'data-csrf-token="{client.cookies.get(CSRF_COOKIE)}"' in response.text


def test_shipped_swagger_ui_and_init_script(client: TestClient) -> None:
    bundle = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and "SwaggerUIBundle" in bundle.text
    init = client.get("/static/docs.js").text
    assert "SwaggerUIBundle" in init and "data-openapi-url" in init
    assert "http://" not in init and "https://" not in init
    notice = client.get("/static/vendor/swagger-ui/LICENSE")
    assert notice.status_code == 200 and "Apache License" in notice.text


def test_openapi_schema_lists_the_api_only(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert "/api/practice/{sid}/check" in paths and "/api/search" in paths
    assert all(p.startswith("/api/") for p in paths)

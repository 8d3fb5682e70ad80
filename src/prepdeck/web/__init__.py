"""prepdeck in the browser: FastAPI + Jinja2 templates + HTMX, with a JSON twin for each page."""

from __future__ import annotations

from prepdeck.web.app import create_app

__all__ = ["create_app"]

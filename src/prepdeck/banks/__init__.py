"""The bundled question bank, shipped as package data (one markdown page per topic)."""

from __future__ import annotations

from pathlib import Path


def bundled_bank_path() -> Path:
    """The folder holding the bundled bank's pages."""
    return Path(__file__).resolve().parent

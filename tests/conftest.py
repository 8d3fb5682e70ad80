"""Shared fixtures: test data files written for prepdeck, and the optional shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Environment for CLI runs: a private data folder, no config file, SQLite, wide output."""
    return {
        "PREPDECK_DATA_DIR": str(tmp_path / "data"),
        "PREPDECK_CONFIG": str(tmp_path / "config.toml"),
        "PREPDECK_DATABASE_URL": "",
        "COLUMNS": "200",
    }


@pytest.fixture
def shared() -> Path:
    """../shared beside the checkout; tests using it skip on a user's machine."""
    if not (SHARED / "corpus" / "MANIFEST.md").is_file():
        pytest.skip("../shared/corpus is not present (only CI and developers have it)")
    return SHARED

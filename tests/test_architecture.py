"""The core imports nothing from the CLI, the web layer or SQL libraries."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "prepdeck"
OUTER = (
    "prepdeck.cli",
    "prepdeck.web",
    "prepdeck.store",
    "typer",
    "rich",
    "click",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "psycopg",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_do_not_import_outer_layers() -> None:
    core = [
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in ("cli", "web", "store")
    ]
    assert len(core) > 10
    for path in core:
        bad = {n for n in _imports(path) if n.startswith(OUTER)}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"

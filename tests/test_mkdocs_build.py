"""A bank with prepdeck metadata still builds with mkdocs-material, and no metadata shows."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import prepdeck
from prepdeck.banks import bundled_bank_path

MKDOCS_YML = """\
site_name: Test bank
theme:
  name: material
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.arithmatex:
      generic: true
"""


class _VisibleText(HTMLParser):
    """Text a reader sees: no comments, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


@pytest.mark.slow
def test_bank_with_metadata_builds_strict_and_hides_metadata(tmp_path: Path, data: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(
        bundled_bank_path(), docs, ignore=shutil.ignore_patterns("*.py", "*.pyc", "__pycache__")
    )
    shutil.copy(data / "book" / "metadata.md", docs / "metadata-fixture.md")
    (docs / "index.md").write_text("# Bank\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, "utf-8")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert build.returncode == 0, build.stderr

    bank = prepdeck.read_bank(docs)
    pages = [p for p in bank.pages if p.items]
    assert pages
    for page in pages:
        html = (tmp_path / "site" / Path(page.path).stem / "index.html").read_text("utf-8")
        assert html.count('class="admonition question"') == len(page.items)
        labels = re.findall(r"<label for=\"__tabbed_\d+_\d+\">([^<]*)</label>", html)
        assert labels == ["Question", "Answer"] * len(page.items)
        visible = _VisibleText()
        visible.feed(html)
        text = " ".join(visible.parts)
        for leak in ("prepdeck", "key_points:", "hints:", "tags: ["):
            assert leak not in text, (page.path, leak)
        for item in page.items:
            assert f"id: {item.id}" not in text
            if item.difficulty:
                assert f"difficulty: {item.difficulty}" not in text
            for point in item.key_points:
                assert point not in text
            plain = []
            for word in item.question.split()[:4]:
                if any(c in word for c in "$`*_[\\<&"):
                    break
                plain.append(word)
            if plain:
                assert " ".join(plain) in text


@pytest.mark.slow
def test_repository_mkdocs_config_builds_the_bundled_bank(tmp_path: Path) -> None:
    root = Path(__file__).parents[1]
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "-d",
            str(tmp_path / "site"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert build.returncode == 0, build.stderr
    pages = sorted(p.stem for p in bundled_bank_path().glob("*.md") if p.stem != "index")
    for stem in pages:
        assert (tmp_path / "site" / stem / "index.html").is_file()

"""The hostile bank: XSS payloads from tests/data/xss/payloads.txt and the pages built from them.

``load_payloads`` reads the file (its format is described in the file's header);
``contexts`` puts one payload everywhere a bank author controls text; ``hostile_page``
writes a whole book-style bank page around it, metadata included.
"""

from __future__ import annotations

import json
from pathlib import Path

PAYLOADS_FILE = Path(__file__).parents[1] / "data" / "xss" / "payloads.txt"

PLACEHOLDERS = {
    "{NUL}": "\x00",
    "{TAB}": "\t",
    "{LF}": "\n",
    "{CR}": "\r",
    "{ESC}": "\x1b",
}


def decode_payload(line: str) -> str:
    for placeholder, char in PLACEHOLDERS.items():
        line = line.replace(placeholder, char)
    return line


def load_payloads(path: Path = PAYLOADS_FILE) -> list[str]:
    """Every payload in the file, placeholders replaced, in file order."""
    lines = path.read_text("utf-8").splitlines()
    return [decode_payload(line) for line in lines if line.strip() and not line.startswith("#")]


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def contexts(payload: str) -> dict[str, str]:
    """Markdown snippets with the payload in each place an author controls."""
    one_line = payload.replace("\n", " ")
    return {
        "body": payload,
        "paragraph": f"Text before {payload} text after.",
        "admonition title": f'!!! note "{one_line}"\n    body',
        "admonition type": f"!!! {one_line}\n    body",
        "admonition body": f'!!! warning "Careful"\n{_indent(payload, 4)}',
        "details title": f'??? tip "{one_line}"\n    body',
        "tab title": f'=== "{one_line}"\n    first\n\n=== "Other"\n    second',
        "tab body": f'=== "Tab"\n{_indent(payload, 4)}',
        "link url": f"[link]({one_line})",
        "link text": f"[{one_line}](https://example.org)",
        "link title": f'[link](https://example.org "{one_line}")',
        "reference link": f"[link][r]\n\n[r]: {one_line}",
        "image url": f"![image]({one_line})",
        "image alt": f"![{one_line}](https://example.org/x.png)",
        "inline math": f"${one_line}$",
        "display math": f"$$\n{payload}\n$$",
        "mermaid": f"```mermaid\n{payload}\n```",
        "code fence info": f"```{one_line}\nx = 1\n```",
        "code fence title": f'```python title="{one_line}"\nx = 1\n```',
        "table cell": f"| a | b |\n|---|---|\n| {one_line.replace('|', '&#124;')} | x |",
        "attribute list": f"Paragraph\n{{: {one_line} }}",
        "md_in_html": f'<div markdown="1">\n\n{payload}\n\n</div>',
    }


def hostile_page(number: int, payload: str) -> str:
    """A book-style bank page with the payload in metadata, question, answer, titles and links."""
    one_line = payload.replace("\n", " ")
    answer = "\n\n".join(
        [
            payload,
            f'!!! note "{one_line}"\n    Nested: {one_line}',
            f'=== "{one_line}"\n    Tab body: {one_line}',
            f"[link]({one_line}) ![image]({one_line}) [{one_line}](https://example.org)",
            f"Math ${one_line}$ and mermaid:",
            f"```mermaid\n{payload}\n```",
        ]
    )
    return "\n".join(
        [
            f"# Hostile page {number}",
            "",
            "<!-- prepdeck",
            f"id: xss-{number}",
            f"hints: [{json.dumps(one_line)}]",
            "-->",
            '!!! Question ""',
            '    === "Question"',
            _indent(payload, 8),
            "",
            '    === "Answer"',
            _indent(answer, 8),
            "",
        ]
    )

"""Findings about a bank: what the reader noticed and what the linter checks.

Codes are stable and documented in the README; tools may filter on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from prepdeck.errors import Location


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    summary: str


_CODES = [
    Code("PD001", Severity.ERROR, "file cannot be read (missing, binary, not UTF-8, too large)"),
    Code("PD002", Severity.ERROR, "invalid prepdeck metadata comment"),
    Code("PD101", Severity.ERROR, "item without an Answer tab"),
    Code("PD102", Severity.ERROR, "item without a Question tab"),
    Code("PD103", Severity.ERROR, "empty question"),
    Code("PD104", Severity.ERROR, "empty answer"),
    Code("PD105", Severity.WARNING, "unknown tab inside a question item"),
    Code("PD106", Severity.ERROR, "duplicated tab inside a question item"),
    Code("PD107", Severity.WARNING, "question or answer block of an unknown shape"),
    Code("PD201", Severity.ERROR, "indentation that makes mkdocs drop or misplace content"),
    Code("PD202", Severity.WARNING, "tabs and spaces mixed in indentation"),
    Code("PD301", Severity.ERROR, "unbalanced code fence"),
    Code("PD401", Severity.ERROR, "malformed link"),
    Code("PD501", Severity.ERROR, "duplicate question"),
    Code("PD502", Severity.WARNING, "near-duplicate question"),
    Code("PD503", Severity.ERROR, "duplicate explicit id"),
    Code("PD601", Severity.WARNING, "possible misspelling in question text"),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}


@dataclass(frozen=True)
class Diagnostic:
    """One finding at one place. ``severity`` comes from the code's table entry."""

    location: Location
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
        }

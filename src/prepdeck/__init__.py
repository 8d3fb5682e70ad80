"""prepdeck: practice for data-science and ML interviews from markdown question banks.

The public API is this module's ``__all__``; the CLI and the web app call only these.
"""

from __future__ import annotations

from prepdeck.diagnostics import Diagnostic, Severity
from prepdeck.errors import BankReadError, FormatError, Location, PrepdeckError
from prepdeck.formats.canonical import format_page
from prepdeck.formats.markdown import parse_page
from prepdeck.formats.writer import write_page
from prepdeck.formatting import FormatResult, format_file
from prepdeck.lint import LintReport, lint, lint_bank
from prepdeck.model import Bank, Difficulty, Item, Page, Reference, Style, Text
from prepdeck.reader import read_bank, read_page
from prepdeck.stats import bank_stats

__version__ = "0.1.0"

__all__ = [
    "Bank",
    "BankReadError",
    "Diagnostic",
    "Difficulty",
    "FormatError",
    "FormatResult",
    "Item",
    "LintReport",
    "Location",
    "Page",
    "PrepdeckError",
    "Reference",
    "Severity",
    "Style",
    "Text",
    "__version__",
    "bank_stats",
    "format_file",
    "format_page",
    "lint",
    "lint_bank",
    "parse_page",
    "read_bank",
    "read_page",
    "write_page",
]

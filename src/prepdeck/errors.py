"""The project's exceptions, rooted in one base class.

Every error a user can cause carries a :class:`Location` so that the CLI and the web
layer can print ``file:line:col: message`` without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file. ``line`` and ``column`` are 1-based."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class PrepdeckError(Exception):
    """Base of every error prepdeck raises on purpose."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class BankReadError(PrepdeckError):
    """A bank file could not be read: missing, binary, not UTF-8, too large, or changing."""


class FormatError(PrepdeckError):
    """A page could not be written in the requested format."""

"""The one error of interchange: a file to import is malformed, or an output is refused."""

from __future__ import annotations

from prepdeck.errors import PrepdeckError


class InterchangeError(PrepdeckError):
    """A malformed ``.apkg``/CSV/JSON file (its location names the file and line or row),
    a JSON field of the wrong type (the message names the field), or an output file that
    exists already. Raised before anything is written."""

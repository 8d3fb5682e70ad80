"""Reading JSON documents field by field, with errors that name the file and the field."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from prepdeck.errors import Location
from prepdeck.interchange.errors import InterchangeError


def parse_json(text: str, name: str, first_line: int = 1) -> Any:
    """The JSON value of ``text`` (which starts on line ``first_line`` of the file ``name``);
    a syntax error names the file, the line and the column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = Location(name, exc.lineno + first_line - 1, exc.colno)
        raise InterchangeError(f"not valid JSON: {exc.msg}", where) from None


_KINDS: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "an object",
}


class Fields:
    """An object of a JSON document; ``where`` is its path (``items[3]``) for messages."""

    def __init__(self, value: Any, where: str, name: str) -> None:
        self.name = name
        self.where = where
        if not isinstance(value, dict):
            self.fail(f"{where}: expected an object, got {_kind_of(value)}")
        self.value: dict[str, Any] = value

    def fail(self, message: str) -> NoReturn:
        raise InterchangeError(message, Location(self.name))

    def get(self, key: str, kind: type, *, required: bool = False, default: Any = None) -> Any:
        """The field ``key`` checked to be ``kind`` (None when absent and not required)."""
        if key not in self.value or self.value[key] is None:
            if required:
                self.fail(f"{self.where}: missing field '{key}'")
            return default
        found = self.value[key]
        ok = isinstance(found, kind) and not (kind in (int, float) and isinstance(found, bool))
        if kind is float and isinstance(found, int) and not isinstance(found, bool):
            ok, found = True, float(found)
        if not ok:
            self.fail(
                f"{self.where}.{key}: expected {_KINDS.get(kind, kind.__name__)}, "
                f"got {_kind_of(found)}"
            )
        return found

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of strings (absent: empty)."""
        values = self.get(key, list, default=[])
        for n, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(f"{self.where}.{key}[{n}]: expected a string, got {_kind_of(value)}")
        return tuple(v for v in values if v.strip())

    def check_keys(self, known: tuple[str, ...]) -> None:
        for key in self.value:
            if key not in known:
                self.fail(f"{self.where}: unknown field '{key}' (known: {', '.join(known)})")


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    for kind, label in _KINDS.items():
        if type(value) is kind:
            return label
    return type(value).__name__

"""The bundled bank as a store sees it: its items and a fingerprint of its files."""

from __future__ import annotations

import hashlib

from prepdeck import __version__
from prepdeck.banks import bundled_bank_path
from prepdeck.model import Bank
from prepdeck.reader import read_bank


def bundled_fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(bundled_bank_path().glob("*.md")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def bundled_bank() -> Bank:
    return read_bank(bundled_bank_path())

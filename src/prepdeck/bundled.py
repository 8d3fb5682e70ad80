"""The bundled bank as a store sees it: its items and a fingerprint of its files."""

from __future__ import annotations

import hashlib

from prepdeck import __version__
from prepdeck.banks import bundled_bank_path
from prepdeck.model import Bank
from prepdeck.reader import read_bank
from prepdeck.storage import Store, SyncResult


def bundled_fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(bundled_bank_path().glob("*.md")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def bundled_bank() -> Bank:
    return read_bank(bundled_bank_path())


def ensure_bundled(store: Store) -> SyncResult | None:
    """Load the bundled bank into ``store`` unless the same version is already there."""
    fingerprint = bundled_fingerprint()
    if store.bank_fingerprint("bundled") == fingerprint:
        return None
    return store.sync_bank(
        "bundled", "(bundled with prepdeck)", bundled_bank().items, fingerprint=fingerprint
    )

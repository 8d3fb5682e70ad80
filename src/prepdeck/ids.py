"""Stable item ids derived from normalised question text.

Normalising drops markdown markup, case, punctuation and spacing, so reflowing or
re-heading a question keeps its id; answers play no part, so fixing an answer does too.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_MARKUP = re.compile(r"^\s*#{1,6}\s+|[*_`~]|\[([^\]]*)\]\([^)]*\)", re.MULTILINE)
_NON_WORD = re.compile(r"[^\w]+")
EXPLICIT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def normalise_question(text: str) -> str:
    """Lowercase words of the question without markdown, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKUP.sub(lambda m: m.group(1) or " ", text)
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def derive_id(question: str) -> str:
    """A 12-hex-digit id from the normalised question."""
    digest = hashlib.blake2b(normalise_question(question).encode(), digest_size=6)
    return digest.hexdigest()

"""Spelling of question text: a maintained English dictionary plus our vocabulary.

Code, math, links and acronyms are not words to check. British spellings are accepted
when their American form is known (normalisation, colour, modelling), so a bank can be
written in either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources

from spellchecker import SpellChecker

_SKIP = re.compile(
    r"`[^`]*`|\$\$.*?\$\$|\$[^$\n]+\$|\\\(.*?\\\)|\\\[.*?\\\]|https?://\S+|\]\([^)]*\)"
    r"|<[^>]+>|&\w+;",
    re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")
_BRITISH = [
    ("isation", "ization"),
    ("ise", "ize"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("ises", "izes"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
    ("our", "or"),
    ("ours", "ors"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("elling", "eling"),
    ("elled", "eled"),
    ("ogue", "og"),
    ("ence", "ense"),
]


@lru_cache(maxsize=1)
def _checker() -> SpellChecker:
    return SpellChecker(language="en", distance=1)


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    text = resources.files("prepdeck.lint").joinpath("vocabulary.txt").read_text("utf-8")
    words = (line.strip().lower() for line in text.splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def _american(word: str) -> Iterator[str]:
    for british, american in _BRITISH:
        if word.endswith(british):
            yield word[: -len(british)] + american
    if word.endswith("isations"):
        yield word[: -len("isations")] + "izations"


def _checkable(token: str) -> bool:
    # ReLU, XGBoost, BERT, pH: acronyms and brand casing are names, not misspellings.
    return len(token) > 2 and token[1:].islower() if token[0].isupper() else token.islower()


def words_of(text: str) -> Iterator[tuple[int, int, str]]:
    """(line offset, column offset, word) of each word to check in markdown text."""
    clean = _SKIP.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for offset, line in enumerate(clean.split("\n")):
        for m in _WORD.finditer(line):
            token = m.group(0).replace("’", "'")
            if token.endswith("'s"):
                token = token[:-2]
            if "'" in token or not _checkable(token) or len(token) < 3:
                continue
            yield offset, m.start(), token


def misspelt(words: Iterable[str], extra: frozenset[str] = frozenset()) -> dict[str, str | None]:
    """Unknown words mapped to a suggestion (or None)."""
    vocab = vocabulary() | extra
    checker = _checker()
    lowered = {w.lower() for w in words} - vocab
    unknown = checker.unknown(lowered)
    out: dict[str, str | None] = {}
    for word in sorted(unknown):
        if word in vocab or any(a in vocab or not checker.unknown([a]) for a in _american(word)):
            continue
        if (
            word.endswith("s")
            and not word.endswith("ss")
            and (word[:-1] in vocab or not checker.unknown([word[:-1]]))
        ):
            continue
        suggestion = checker.correction(word)
        out[word] = suggestion if suggestion and suggestion != word else None
    return out

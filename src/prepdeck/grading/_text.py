"""Text helpers for grading: clean references, split clauses, words, stems, negation cues.

Everything here is pure Python and deterministic; offsets are character offsets into the
string that was passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REFERENCES = re.compile(r"^\s*(?:References?|Sources?|See also)\s*:.*$", re.I | re.M)
_MARKUP = re.compile(r"[*_`$#>]|\\\(|\\\)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# A clause ends at . ; ? ! : or a newline, but not inside numbers like 0.25.
_CLAUSE_END = re.compile(r"(?<!\d)\.(?!\d)|\.(?=\s)|[;?!]|:(?!\d)|\n+")

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "onto",
        "about",
        "over",
        "under",
        "than",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "having",
        "can",
        "could",
        "would",
        "should",
        "may",
        "might",
        "must",
        "will",
        "shall",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "there",
        "here",
        "their",
        "they",
        "them",
        "we",
        "you",
        "your",
        "our",
        "i",
        "he",
        "she",
        "his",
        "her",
        "my",
        "me",
        "also",
        "just",
        "very",
        "more",
        "most",
        "such",
        "some",
        "any",
        "each",
        "other",
        "both",
        "either",
        "only",
        "same",
        "too",
        "via",
        "per",
    ]
)
# Function words of the other languages candidates most often answer in (French, Spanish,
# German, Portuguese, Italian), minus words that are also English: they tell an answer in
# another language from a list of English keywords, and from an English answer.
FOREIGN_FUNCTION_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "est",
        "sont",
        "ce",
        "cette",
        "ces",
        "qui",
        "que",
        "dans",
        "pour",
        "par",
        "avec",
        "sur",
        "pas",
        "ne",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "nous",
        "vous",
        "leur",
        "leurs",
        "au",
        "aux",
        "mais",
        "ou",
        "donc",
        "car",
        "plus",
        "moins",
        "très",
        "être",
        "avoir",
        "fait",
        "c'est",
        "d'un",
        "d'une",
        "l'on",
        "qu'il",
        "n'est",
        "s'il",
        "el",
        "los",
        "las",
        "unos",
        "unas",
        "y",
        "es",
        "son",
        "lo",
        "del",
        "al",
        "en",
        "por",
        "para",
        "con",
        "sin",
        "sobre",
        "pero",
        "muy",
        "más",
        "también",
        "como",
        "cuando",
        "porque",
        "hay",
        "ser",
        "está",
        "están",
        "se",
        "su",
        "sus",
        "cada",
        "entre",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "und",
        "ist",
        "sind",
        "nicht",
        "mit",
        "auf",
        "für",
        "von",
        "zu",
        "im",
        "dem",
        "den",
        "des",
        "wenn",
        "dass",
        "wird",
        "werden",
        "oder",
        "auch",
        "nur",
        "noch",
        "bei",
        "nach",
        "aus",
        "wie",
        "sich",
        "es",
        "kein",
        "keine",
        "man",
        "sie",
        "er",
        "wir",
        "ihr",
        "o",
        "os",
        "uma",
        "umas",
        "um",
        "e",
        "são",
        "não",
        "com",
        "para",
        "pelo",
        "pela",
        "dos",
        "das",
        "ao",
        "na",
        "no",
        "nas",
        "nos",
        "seu",
        "sua",
        "quando",
        "porque",
        "também",
        "muito",
        "mais",
        "entre",
        "il",
        "gli",
        "della",
        "delle",
        "degli",
        "nel",
        "nella",
        "sono",
        "non",
        "che",
        "per",
        "con",
        "una",
        "anche",
    ]
) - frozenset(
    # also English, or common in technical English ("e.g.", "SE", "CE", "os", "NA", "non-null")
    [
        "a",
        "an",
        "die",
        "man",
        "on",
        "in",
        "is",
        "es",
        "so",
        "us",
        "per",
        "no",
        "e",
        "o",
        "y",
        "se",
        "ce",
        "os",
        "na",
        "non",
        "plus",
        "car",
        "sin",
        "al",
        "er",
        "um",
        "con",
    ]
)
NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "neither",
        "nor",
        "cannot",
        "can't",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "won't",
        "wouldn't",
        "shouldn't",
        "couldn't",
        "hasn't",
        "haven't",
        "hadn't",
        "mustn't",
        "without",
    ]
)
# Words that introduce what a subject is or does ("X is ...", "X measures ..."): the words
# before one of these in a clause are taken as the clause's subject.
SUBJECT_VERBS = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "means",
        "measures",
        "gives",
        "counts",
        "computes",
        "equals",
        "returns",
        "reduces",
        "increases",
        "decreases",
        "uses",
        "prevents",
        "causes",
        "makes",
        "estimates",
        "captures",
        "controls",
        "penalises",
        "penalizes",
        "adds",
        "removes",
        "keeps",
        "picks",
        "assigns",
        "describes",
        "refers",
        "tells",
        "shows",
    ]
)


def plain_reference(markdown: str) -> str:
    """The reference answer as plain text: links keep their label, the references line and
    markup characters go (they carry no meaning a typed answer could match)."""
    text = _REFERENCES.sub("", markdown)
    text = _LINK.sub(r"\1", text)
    return _MARKUP.sub(" ", text).strip()


def clause_spans(text: str, min_words: int = 1) -> list[tuple[int, int]]:
    """Character spans of the sentences/clauses of ``text``, whitespace trimmed.

    Clauses with fewer than ``min_words`` words are merged into the next one.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    pending: int | None = None
    for m in [*_CLAUSE_END.finditer(text), None]:
        end = m.end() if m else len(text)
        s, e = _trim(text, start, end)
        start = end
        if s >= e:
            continue
        if pending is not None:
            s = pending
        if len(_WORD.findall(text[s:e])) < min_words and m is not None:
            pending = s
            continue
        pending = None
        spans.append((s, e))
    if pending is not None:
        s, e = _trim(text, pending, len(text))
        if spans:
            spans[-1] = (spans[-1][0], e)
        elif s < e:
            spans.append((s, e))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",-–*"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Lower-cased words of ``text`` with their character offsets."""
    for m in _WORD.finditer(text):
        yield m.group().lower().replace("’", "'"), m.start(), m.end()


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("porter")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter stem of one lower-cased word."""
    return str(_stemmer().stemWord(word))


def content_stems(text: str) -> list[str]:
    """Stems of the words of ``text`` that are neither stop words nor negations, in order."""
    return [stem(w) for w, _, _ in words(text) if w not in STOP_WORDS and w not in NEGATIONS]


# What closes a negation's scope: a comma, clause punctuation, or a contrast ("but", "while").
NEGATION_SCOPE_ENDS = re.compile(
    r"[,;:.!?()\n]|\b(?:but|whereas|while|although|though|however|instead|rather)\b", re.I
)


def is_negation(word: str) -> bool:
    """Whether one lower-cased word from :func:`words` is a negation cue."""
    return word in NEGATIONS or word.endswith("n't")


def negation_count(text: str) -> int:
    return sum(1 for w, _, _ in words(text) if is_negation(w))


def subject_stems(text: str, max_words: int = 6) -> frozenset[str]:
    """Content stems before the clause's first subject verb, if that verb comes early.

    "Precision is the fraction ..." -> {"precis"}; empty when no such verb is found within
    ``max_words`` words (no recognisable subject).
    """
    ws = [w for w, _, _ in words(text)]
    for i, w in enumerate(ws[: max_words + 1]):
        if w in SUBJECT_VERBS:
            return frozenset(stem(x) for x in ws[:i] if x not in STOP_WORDS | NEGATIONS)
    return frozenset()


def alpha_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` that contain a letter (numbers and symbols left out)."""
    return [w for w, _, _ in words(text) if any(c.isalpha() for c in w)]


def foreign_share(text: str) -> float:
    """Share of the function words of ``text`` that are French/Spanish/German/Portuguese/
    Italian rather than English; 0.0 when it has fewer than three function words."""
    ws = alpha_words(text)
    english = sum(1 for w in ws if w in STOP_WORDS or w in NEGATIONS)
    foreign = sum(1 for w in ws if w in FOREIGN_FUNCTION_WORDS)
    if english + foreign < 3:
        return 0.0
    return foreign / (english + foreign)


# Statement-level code syntax: a one-line answer with these is code (C++, SQL, pseudo-code),
# whose identifiers are not function words either.
_CODE_SYNTAX = re.compile(r"[;{}]|::|->")


def keyword_salad(text: str) -> bool:
    """Eight or more words, hardly a function word in any language, and no formula or code:
    a list of terms, not an explanation."""
    if "=" in text or "\n" in text.strip() or _CODE_SYNTAX.search(text):
        return False
    ws = alpha_words(text)
    if len(ws) < 8:
        return False
    function = sum(1 for w in ws if w in STOP_WORDS or w in FOREIGN_FUNCTION_WORDS)
    return function / len(ws) < 0.08

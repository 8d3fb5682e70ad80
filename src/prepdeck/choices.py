"""Multiple choice from the bank itself: a card's answer among the most similar sibling answers.

Each option is the short form of an answer (its first sentence or two). Distractors are the
answers of other items, same page and topic first, then the same bank, then any bank, and
within each tier the most similar to the right answer first (:mod:`prepdeck.answer_similarity`).
An option is never the right answer again, nor a near-exact copy of it or of another option.
The order is shuffled with a seed made from the card, so showing the card again gives the
same order until it is reviewed.

Options are named by opaque keys derived from the card and the item an option comes from, so
a page can send the set back and the server can judge the choice again without keeping state.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from prepdeck.answer_similarity import LexicalSimilarity, Similarity, default_similarity
from prepdeck.errors import PrepdeckError
from prepdeck.scheduling import Rating
from prepdeck.storage import CardView

DEFAULT_OPTIONS = 4
MIN_OPTIONS, MAX_OPTIONS = 2, 8
#: Short forms grow sentence by sentence until at least this long, and stop before the cap.
SHORT_MIN_CHARS, SHORT_MAX_CHARS = 90, 260
#: Two options this alike (after normalising) count as the same answer.
NEAR_DUPLICATE_RATIO = 0.9
#: Two options whose vectors are this close say the same thing in other words.
NEAR_DUPLICATE_COSINE = 0.95
#: Outside the card's own topic only the lexically closest candidates are scored by the model.
WIDE_SHORTLIST = 40

_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "etc.", "cf.", "approx.", "resp.", "al.", "Fig.")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_NORMAL = re.compile(r"[^0-9a-z]+")


class ChoiceError(PrepdeckError):
    """A choice cannot be made or judged; the message names the field at fault."""


@dataclass(frozen=True)
class Option:
    key: str
    text: str  # markdown, the short form of an answer
    correct: bool

    def public(self) -> dict[str, str]:
        """What a client sees before answering: no correctness."""
        return {"key": self.key, "text": self.text}

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "correct": self.correct}


def _words(card: CardView, options: Sequence[Option]) -> int:
    return len(card.item.question.split()) + sum(len(o.text.split()) for o in options)


@dataclass(frozen=True)
class ChoiceSet:
    """A card's options in the order shown; ``method`` and ``note`` say how they were chosen."""

    card: CardView
    options: tuple[Option, ...]
    method: str
    note: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)

    @property
    def words(self) -> int:
        """Words to read: the question and every option (drives the fast/slow limits)."""
        return _words(self.card, self.options)


@dataclass(frozen=True)
class Judgement:
    """A chosen option judged against the card: the options (with correctness) and the choice."""

    card: CardView
    options: tuple[Option, ...]
    chosen: str

    @property
    def correct(self) -> bool:
        return any(o.key == self.chosen and o.correct for o in self.options)

    @property
    def correct_key(self) -> str:
        return next(o.key for o in self.options if o.correct)

    @property
    def words(self) -> int:
        return _words(self.card, self.options)


def _sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end outside math and code spans."""
    ends: list[int] = []
    math = code = False
    for i, char in enumerate(text):
        if char == "`":
            code = not code
        elif char == "$" and not code:
            math = not math
        elif char in ".!?" and not (math or code):
            following = text[i + 1 : i + 3]
            boundary = not following or (
                following[0].isspace() and following[1:2] not in ("", ",", ";")
            )
            if boundary and not text[: i + 1].endswith(_ABBREVIATIONS):
                ends.append(i + 1)
    return ends


def _blocks(markdown: str) -> list[str]:
    """Paragraphs and first list items, in order, leaving out code, headings and tables."""
    found: list[str] = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines = block.strip().splitlines()
        if not lines or _FENCE.match(lines[0]) or lines[0].lstrip().startswith(("#", "|", "!!!")):
            continue
        if _LIST_MARKER.match(lines[0]):
            found.append(_LIST_MARKER.sub("", lines[0], count=1).strip())
        else:
            found.append(" ".join(ln.strip() for ln in lines).strip())
    return found or [markdown.strip()]


def _cut(text: str, limit: int) -> str:
    """``text`` cut at a word boundary before ``limit``, never inside math or code, with '…'."""
    cut = text[:limit].rsplit(" ", 1)[0]
    while cut and (cut.count("$") % 2 or cut.count("`") % 2):
        cut = cut.rsplit(" ", 1)[0] if " " in cut else ""
    return (cut.rstrip(",;:- ") + " …") if cut else text


def _sentences(block: str) -> str:
    taken = ""
    for end in _sentence_ends(block):
        candidate = block[:end].strip()
        if taken and len(candidate) > SHORT_MAX_CHARS:
            break
        taken = candidate
        if len(taken) >= SHORT_MIN_CHARS:
            break
    taken = taken or block
    if taken.endswith(":"):  # "It has three parts:" says little without what follows
        earlier = _sentence_ends(taken[:-1])
        taken = taken[: earlier[-1]].strip() if earlier else taken
    return taken


@lru_cache(maxsize=8192)
def short_answer(markdown: str) -> str:
    """The first sentence(s) of an answer, as markdown: enough to recognise it, no more.

    A short lead-in ("Likely causes:") is joined with the start of what follows it.
    """
    blocks = _blocks(markdown)
    taken = _sentences(blocks[0])
    if len(taken) < SHORT_MIN_CHARS // 2 and len(blocks) > 1:
        taken = taken.rstrip(".:") + ": " + _sentences(blocks[1])
    taken = taken.rstrip(":")
    if len(taken) > SHORT_MAX_CHARS * 1.3:
        taken = _cut(taken, SHORT_MAX_CHARS)
    return taken


def normalise(text: str) -> str:
    """Lower case, markup and punctuation gone, single spaces: what 'the same text' means."""
    return _NORMAL.sub(" ", text.lower()).strip()


def near_duplicate(a: str, b: str) -> bool:
    x, y = normalise(a), normalise(b)
    if x == y:
        return True
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    # The quick upper bounds settle most pairs without the full (quadratic) comparison.
    return (
        matcher.real_quick_ratio() >= NEAR_DUPLICATE_RATIO
        and matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO
        and matcher.ratio() >= NEAR_DUPLICATE_RATIO
    )


def option_key(card: CardView, source: CardView) -> str:
    """The key of the option made from ``source``'s answer on ``card``: stable, opaque."""
    raw = f"{card.item_pk}\0{card.item.id}\0{source.item_pk}\0{source.item.id}"
    return hashlib.blake2b(raw.encode(), digest_size=6).hexdigest()


def _tier(card: CardView, other: CardView) -> int:
    same_topic = other.item.topic.casefold() == card.item.topic.casefold()
    if same_topic and other.item.location.file == card.item.location.file:
        return 0
    if same_topic:
        return 1
    return 2 if other.bank == card.bank else 3


def _shuffled(options: list[Option], card: CardView) -> tuple[Option, ...]:
    # Seeded by the card and its review count: a reload shows the same order, the next
    # review a new one (so the position of the right answer is not learned instead of it).
    seed = hashlib.sha256(f"{card.item_pk}:{card.item.id}:{card.state.reps}".encode()).digest()
    rng = random.Random(int.from_bytes(seed[:8], "big"))
    rng.shuffle(options)
    return tuple(options)


def make_choices(
    card: CardView,
    pool: Sequence[CardView],
    *,
    n: int = DEFAULT_OPTIONS,
    similarity: Similarity | None = None,
) -> ChoiceSet:
    """``card``'s answer and up to ``n - 1`` distractors from ``pool``, shuffled.

    Raises :class:`ChoiceError` when ``n`` is out of range or the pool holds no answer that
    differs from the card's (a bank of one question, say).
    """
    if not MIN_OPTIONS <= n <= MAX_OPTIONS:
        raise ChoiceError(f"options: must be {MIN_OPTIONS} to {MAX_OPTIONS}, not {n}")
    similarity = similarity or default_similarity()
    right = short_answer(card.item.answer)
    chosen: list[tuple[CardView, str]] = []
    tiers: dict[int, list[tuple[CardView, str]]] = {}
    for other in pool:
        if other.item_pk != card.item_pk and other.item.answer.strip():
            tiers.setdefault(_tier(card, other), []).append(
                (other, short_answer(other.item.answer))
            )
    vectors_ok = similarity.method.startswith("embeddings")
    for tier in sorted(tiers):
        entries = tiers[tier]
        if tier >= 2 and len(entries) > WIDE_SHORTLIST:
            # Outside the topic, rank cheaply first: the model only scores a shortlist.
            rough = LexicalSimilarity().scores(right, [text for _, text in entries])
            ranked = sorted(zip(rough, range(len(entries)), strict=True), reverse=True)
            entries = [entries[i] for _, i in ranked[:WIDE_SHORTLIST]]
        scores = similarity.scores(right, [text for _, text in entries])
        order = sorted(range(len(entries)), key=lambda i: (-scores[i], entries[i][0].item_pk))
        for i in order:
            other, text = entries[i]
            if vectors_ok and scores[i] >= NEAR_DUPLICATE_COSINE:
                continue  # the same answer in other words: it would be right too
            if near_duplicate(text, right) or any(near_duplicate(text, t) for _, t in chosen):
                continue
            chosen.append((other, text))
            if len(chosen) == n - 1:
                break
        if len(chosen) == n - 1:
            break
    if not chosen:
        raise ChoiceError(
            f"item: no other answer in the bank differs enough from {card.item.id}'s "
            "to offer a choice"
        )
    options = [Option(option_key(card, card), right, True)]
    options += [Option(option_key(card, other), text, False) for other, text in chosen]
    return ChoiceSet(card, _shuffled(options, card), similarity.method, similarity.note)


def judge(
    card: CardView, pool: Sequence[CardView], option_keys: Sequence[str], chosen: str
) -> Judgement:
    """Judge ``chosen`` among ``option_keys`` (as a page sent them back) for ``card``.

    Correctness is worked out here, from the keys, never taken from the client. Raises
    :class:`ChoiceError` naming the field when the set is not one this card could show.
    """
    keys = list(option_keys)
    if not MIN_OPTIONS <= len(keys) <= MAX_OPTIONS or len(set(keys)) != len(keys):
        raise ChoiceError(
            f"options: send {MIN_OPTIONS} to {MAX_OPTIONS} different option keys, as shown"
        )
    if chosen not in keys:
        raise ChoiceError("chosen: not one of the options shown")
    by_key = {option_key(card, other): other for other in pool if other.item_pk != card.item_pk}
    right_key = option_key(card, card)
    if right_key not in keys:
        raise ChoiceError("options: this set does not belong to this card; reload it")
    options: list[Option] = []
    for key in keys:
        if key == right_key:
            options.append(Option(key, short_answer(card.item.answer), True))
        elif key in by_key:
            options.append(Option(key, short_answer(by_key[key].item.answer), False))
        else:
            raise ChoiceError("options: an option is no longer in the bank; reload the card")
    return Judgement(card, tuple(options), chosen)


def time_limits(words: int) -> tuple[float, float]:
    """(fast, slow) in seconds for a card with ``words`` words of question and options.

    Fast: 5 s plus 0.15 s a word (a glance at each option); slow: 20 s plus 0.5 s a word
    (about twice a careful reading at 240 words a minute, plus thinking time).
    """
    return 5 + 0.15 * words, 20 + 0.5 * words


def proposed_rating(correct: bool, duration_ms: int | None, words: int) -> Rating:
    """Again when wrong; when right, Easy if fast, Hard if slow, else Good (see time_limits).

    Without a duration a right answer is Good.
    """
    if not correct:
        return Rating.AGAIN
    if duration_ms is None:
        return Rating.GOOD
    fast, slow = time_limits(words)
    seconds = duration_ms / 1000
    if seconds <= fast:
        return Rating.EASY
    if seconds >= slow:
        return Rating.HARD
    return Rating.GOOD

"""Building items from the fields of a foreign file, with errors that name the row."""

from __future__ import annotations

from collections.abc import Sequence

from prepdeck.errors import Location
from prepdeck.ids import EXPLICIT_ID, derive_id
from prepdeck.interchange.errors import InterchangeError
from prepdeck.model import Difficulty, Item


def _clean(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for v in values if v.strip())


def make_item(
    question: str,
    answer: str,
    where: Location,
    *,
    item_id: str = "",
    topic: str = "",
    difficulty: str = "",
    tags: Sequence[str] = (),
    hints: Sequence[str] = (),
    key_points: Sequence[str] = (),
    companies: Sequence[str] = (),
) -> Item:
    """An item from imported text (markdown). Raises :class:`InterchangeError` at ``where``
    for an empty question or answer, a bad id or an unknown difficulty."""
    question, answer = question.strip("\n").rstrip(), answer.strip("\n").rstrip()
    if not question.strip():
        raise InterchangeError("the question is empty", where)
    if not answer.strip():
        raise InterchangeError("the answer is empty", where)
    item_id = item_id.strip()
    if item_id and not EXPLICIT_ID.match(item_id):
        raise InterchangeError(
            f"id '{item_id}' must be lowercase letters, digits, '.', '_' or '-' "
            "(at most 80, starting with a letter or digit)",
            where,
        )
    level = difficulty.strip().lower()
    if level and level not in {str(d) for d in Difficulty}:
        raise InterchangeError(f"difficulty '{difficulty}' must be easy, medium or hard", where)
    derived = derive_id(question)
    # An id that the question gives anyway need not be written into the page.
    explicit = bool(item_id) and item_id != derived
    return Item(
        id=item_id or derived,
        topic=" ".join(topic.split()),
        question=question,
        answer=answer,
        location=where,
        tags=_clean(tags),
        hints=_clean(hints),
        key_points=_clean(key_points),
        companies=_clean(companies),
        difficulty=Difficulty(level) if level else None,
        explicit_id=explicit,
    )


def title_of(stem: str) -> str:
    """A page title from a file name: ``ml_basics-v2`` -> ``Ml basics v2``."""
    words = stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or "Imported"
    return text[:1].upper() + text[1:]

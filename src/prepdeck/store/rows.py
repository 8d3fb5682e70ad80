"""Mapping between model objects and table rows, and the queue filters as SQL."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, func, literal_column, or_, select
from sqlalchemy.engine import RowMapping

from prepdeck.errors import Location
from prepdeck.model import Difficulty, Item, Reference, Style
from prepdeck.scheduling import NEW_CARD, CardPhase, CardState
from prepdeck.storage import CardView, QueueFilter, ReviewRecord
from prepdeck.store.tables import banks, cards, items, reviews


def content_hash(item: Item) -> str:
    payload = json.dumps(
        [
            item.topic,
            item.question,
            item.answer,
            [r.to_dict() for r in item.references],
            list(item.hints),
            list(item.tags),
            str(item.difficulty or ""),
            list(item.key_points),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def item_data(item: Item) -> dict[str, Any]:
    return {
        "references": [r.to_dict() for r in item.references],
        "hints": list(item.hints),
        "key_points": list(item.key_points),
        "companies": list(item.companies),
        "file": item.location.file,
        "line": item.location.line,
        "section": item.section,
        "style": str(item.style),
        "explicit_id": item.explicit_id,
    }


def item_row(item: Item, bank_id: int, position: int, digest: str, now: datetime) -> dict[str, Any]:
    return {
        "bank_id": bank_id,
        "key": item.id,
        "position": position,
        "topic": item.topic,
        "difficulty": str(item.difficulty) if item.difficulty else None,
        "tags": "," + ",".join(t.lower() for t in item.tags) + "," if item.tags else "",
        "question": item.question,
        "answer": item.answer,
        "data": item_data(item),
        "content_hash": digest,
        "active": True,
        "updated_at": now,
    }


def to_item(row: RowMapping) -> Item:
    data = row["data"] or {}
    return Item(
        id=row["key"],
        topic=row["topic"],
        question=row["question"],
        answer=row["answer"],
        location=Location(str(data.get("file", "")), int(data.get("line", 1))),
        style=Style(data.get("style", "book")),
        references=tuple(Reference(r["label"], r["url"]) for r in data.get("references", [])),
        hints=tuple(data.get("hints", [])),
        tags=tuple(t for t in row["tags"].split(",") if t),
        difficulty=Difficulty(row["difficulty"]) if row["difficulty"] else None,
        key_points=tuple(data.get("key_points", [])),
        companies=tuple(data.get("companies", [])),
        section=data.get("section"),
        explicit_id=bool(data.get("explicit_id", False)),
    )


def undone_review_ids() -> Select[Any]:
    """The ids of the reviews that an undo took back (for ``reviews.c.id.not_in(...)``)."""
    return select(reviews.c.undoes_id).where(reviews.c.undoes_id.is_not(None))


def to_state(row: RowMapping) -> CardState:
    """The state of a :data:`VIEW_COLUMNS` row (a new card's when the user has none)."""
    if row["card_id"] is None:
        return NEW_CARD
    return card_state(row, difficulty="c_difficulty")


#: A card's FSRS state, for queries that read it without the item (see :func:`card_state`).
STATE_COLUMNS = (
    cards.c.phase,
    cards.c.step,
    cards.c.stability,
    cards.c.difficulty,
    cards.c.due,
    cards.c.last_review,
    cards.c.reps,
    cards.c.lapses,
)


def card_state(row: Any, difficulty: str = "difficulty") -> CardState:
    """The state of a row that selected :data:`STATE_COLUMNS` (a Row or a RowMapping); the
    card's difficulty is read from the column named ``difficulty``."""
    values = row if isinstance(row, RowMapping) else row._mapping
    return CardState(
        phase=CardPhase(values["phase"]),
        step=values["step"],
        stability=values["stability"],
        difficulty=values[difficulty],
        due=values["due"],
        last_review=values["last_review"],
        reps=values["reps"],
        lapses=values["lapses"],
    )


def state_columns(state: CardState) -> dict[str, Any]:
    return {
        "phase": int(state.phase),
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": state.due,
        "last_review": state.last_review,
        "reps": state.reps,
        "lapses": state.lapses,
    }


VIEW_COLUMNS = (
    items.c.id.label("item_pk"),
    items.c.key,
    items.c.topic,
    items.c.difficulty,
    items.c.tags,
    items.c.question,
    items.c.answer,
    items.c.data,
    banks.c.name.label("bank"),
    cards.c.id.label("card_id"),
    cards.c.phase,
    cards.c.step,
    cards.c.stability,
    cards.c.difficulty.label("c_difficulty"),
    cards.c.due,
    cards.c.last_review,
    cards.c.reps,
    cards.c.lapses,
    cards.c.version,
)


def to_view(row: RowMapping) -> CardView:
    return CardView(
        item_pk=row["item_pk"],
        item=to_item(row),
        bank=row["bank"],
        state=to_state(row),
        card_id=row["card_id"],
        version=row["version"] or 0,
    )


def const(value: str | int) -> ColumnElement[Any]:
    """A constant of our own code written into the statement, not bound as a parameter.

    Bound constants make hot statements longer (psycopg re-parses any over 4 KiB) and hide
    from PostgreSQL's generic plans values that never change. Never for user input.
    """
    if isinstance(value, int):
        return literal_column(str(int(value)), Integer)
    if "'" in value:
        raise ValueError(f"not a plain constant: {value!r}")
    return literal_column(f"'{value}'", String)


def filtered(query: Select[Any], flt: QueueFilter) -> Select[Any]:
    if flt.banks:
        query = query.where(banks.c.name.in_(flt.banks))
    if flt.topics:
        query = query.where(func.lower(items.c.topic).in_([t.lower() for t in flt.topics]))
    if flt.tags:
        query = query.where(or_(*(items.c.tags.like(f"%,{t.lower()},%") for t in flt.tags)))
    if flt.difficulties:
        query = query.where(items.c.difficulty.in_([d.lower() for d in flt.difficulties]))
    return query


def to_review_record(row: RowMapping) -> ReviewRecord:
    """A review-log row joined with its item's key, topic and bank name."""
    return ReviewRecord(
        review_id=row["id"],
        kind=row["kind"],
        bank=row["bank"],
        item_key=row["key"],
        topic=row["topic"],
        rating=row["rating"],
        reviewed_at=row["reviewed_at"],
        duration_ms=row["duration_ms"],
        typed_answer=row["typed_answer"],
        grade=row["grade"],
        proposed_rating=row["proposed_rating"],
        was_new=bool(row["was_new"]),
        undoes_id=row["undoes_id"],
        state_before=row["state_before"],
        state_after=row["state_after"],
    )

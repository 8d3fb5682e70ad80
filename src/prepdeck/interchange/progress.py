"""A user's whole progress as one JSON document: card states, the review log, parameters.

The document (``schema_version`` 1)::

    {"format": "prepdeck-progress", "schema_version": 1, "exported_at": "...", "user": "...",
     "parameters": [...] | null, "settings": {...},
     "cards": [{"bank", "item_key", "topic", "suspended", "state": {CardState.to_dict()}}],
     "reviews": [{"id", "bank", "item_key", "kind", "rating", "reviewed_at", "duration_ms",
                  "typed_answer", "grade", "proposed_rating", "was_new", "phase_before",
                  "state_before", "state_after", "undoes"}]}

Items are named by bank and item key, never by database ids, so a document moves between
databases (SQLite, PostgreSQL) and machines. ``id``/``undoes`` only tie an undo entry to the
rating it undid within the document. Times are ISO 8601 with their UTC offset.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prepdeck.errors import Location
from prepdeck.formats.files import read_text
from prepdeck.interchange._json import Fields, parse_json
from prepdeck.interchange.errors import InterchangeError
from prepdeck.scheduling import CardPhase, CardState, Scheduler
from prepdeck.settings import Settings, UserSettingsError, with_user_settings

FORMAT = "prepdeck-progress"
SCHEMA_VERSION = 1
REVIEW_KINDS = ("review", "cram", "undo")
# The keys of CardState.to_dict, so a field added to the state is accepted on import too.
_STATE_KEYS = tuple(f.name for f in dataclasses.fields(CardState))


@dataclass(frozen=True)
class ProgressCard:
    """One card of the user: the item it asks (bank name and item key) and its state."""

    bank: str
    item_key: str
    state: CardState
    suspended: bool = False
    topic: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "bank": self.bank,
            "item_key": self.item_key,
            "topic": self.topic,
            "suspended": self.suspended,
            "state": self.state.to_dict(),
        }


@dataclass(frozen=True)
class ProgressReview:
    """One row of the review log. ``id`` is only meaningful within one document."""

    id: int
    bank: str
    item_key: str
    kind: str
    rating: int | None
    reviewed_at: datetime
    was_new: bool
    duration_ms: int | None = None
    typed_answer: str | None = None
    grade: float | None = None
    proposed_rating: int | None = None
    phase_before: int | None = None
    state_before: dict[str, Any] | None = None
    state_after: dict[str, Any] | None = None
    undoes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "bank": self.bank,
            "item_key": self.item_key,
            "kind": self.kind,
            "rating": self.rating,
            "reviewed_at": self.reviewed_at.isoformat(),
            "duration_ms": self.duration_ms,
            "typed_answer": self.typed_answer,
            "grade": self.grade,
            "proposed_rating": self.proposed_rating,
            "was_new": self.was_new,
            "phase_before": self.phase_before,
            "state_before": self.state_before,
            "state_after": self.state_after,
            "undoes": self.undoes,
        }


@dataclass(frozen=True)
class UserProgress:
    user: str
    exported_at: datetime
    cards: tuple[ProgressCard, ...] = ()
    reviews: tuple[ProgressReview, ...] = ()
    parameters: tuple[float, ...] | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "exported_at": self.exported_at.isoformat(),
            "user": self.user,
            "parameters": None if self.parameters is None else list(self.parameters),
            "settings": self.settings,
            "cards": [c.to_dict() for c in self.cards],
            "reviews": [r.to_dict() for r in self.reviews],
        }


@dataclass(frozen=True)
class ProgressImportResult:
    """What an import changed. ``unknown`` lists ``bank/item_key`` of cards and reviews whose
    item is not in the database (they were skipped); ``conflicts`` counts cards kept as they
    were because the database's copy was reviewed more recently."""

    cards_added: int = 0
    cards_updated: int = 0
    cards_unchanged: int = 0
    conflicts: int = 0
    reviews_added: int = 0
    reviews_present: int = 0
    unknown: tuple[str, ...] = ()
    parameters_set: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.cards_added or self.cards_updated or self.reviews_added)


def dumps(progress: UserProgress) -> str:
    return json.dumps(progress.to_dict(), ensure_ascii=False, indent=1) + "\n"


def _when(fields: Fields, key: str, *, required: bool = False) -> datetime | None:
    raw = fields.get(key, str, required=required)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        fields.fail(f"{fields.where}.{key}: '{raw}' is not an ISO 8601 date and time")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _state(value: Any, where: str, name: str) -> CardState:
    fields = Fields(value, where, name)
    fields.check_keys(_STATE_KEYS)
    phase = fields.get("phase", int, default=0)
    if phase not in {int(p) for p in CardPhase}:
        fields.fail(f"{where}.phase: {phase} is not 0 (new), 1, 2 or 3")
    return CardState(
        phase=CardPhase(phase),
        step=fields.get("step", int),
        stability=fields.get("stability", float),
        difficulty=fields.get("difficulty", float),
        due=_when(fields, "due"),
        last_review=_when(fields, "last_review"),
        reps=fields.get("reps", int, default=0),
        lapses=fields.get("lapses", int, default=0),
    )


def _card(value: Any, where: str, name: str) -> ProgressCard:
    fields = Fields(value, where, name)
    return ProgressCard(
        bank=fields.get("bank", str, required=True),
        item_key=fields.get("item_key", str, required=True),
        topic=fields.get("topic", str, default=""),
        suspended=fields.get("suspended", bool, default=False),
        state=_state(fields.get("state", dict, required=True), f"{where}.state", name),
    )


def _review(value: Any, where: str, name: str) -> ProgressReview:
    fields = Fields(value, where, name)
    kind = fields.get("kind", str, required=True)
    if kind not in REVIEW_KINDS:
        fields.fail(f"{where}.kind: '{kind}' is not one of {', '.join(REVIEW_KINDS)}")
    rating = fields.get("rating", int)
    if kind != "undo" and rating not in (1, 2, 3, 4):
        fields.fail(f"{where}.rating: a {kind} needs a rating of 1 to 4, got {rating}")
    for key in ("state_before", "state_after"):
        raw = fields.get(key, dict)
        if raw is not None:
            _state(raw, f"{where}.{key}", name)
    reviewed_at = _when(fields, "reviewed_at", required=True)
    assert reviewed_at is not None
    return ProgressReview(
        id=fields.get("id", int, required=True),
        bank=fields.get("bank", str, required=True),
        item_key=fields.get("item_key", str, required=True),
        kind=kind,
        rating=rating,
        reviewed_at=reviewed_at,
        was_new=fields.get("was_new", bool, default=False),
        duration_ms=fields.get("duration_ms", int),
        typed_answer=fields.get("typed_answer", str),
        grade=fields.get("grade", float),
        proposed_rating=fields.get("proposed_rating", int),
        phase_before=fields.get("phase_before", int),
        state_before=fields.get("state_before", dict),
        state_after=fields.get("state_after", dict),
        undoes=fields.get("undoes", int),
    )


def loads(text: str, name: str = "<progress>") -> UserProgress:
    """Parse and check a progress document. Raises :class:`InterchangeError` naming ``name``
    and the offending field (``reviews[12].rating``) or the JSON line and column."""
    top = Fields(parse_json(text, name), "document", name)
    if top.get("format", str) != FORMAT:
        top.fail(f"not a prepdeck progress file (the field 'format' must be '{FORMAT}')")
    version = top.get("schema_version", int, required=True)
    if version != SCHEMA_VERSION:
        top.fail(
            f"schema_version {version} is not supported (this prepdeck reads {SCHEMA_VERSION})"
        )
    parameters = top.get("parameters", list)
    if parameters is not None and not all(
        isinstance(p, int | float) and not isinstance(p, bool) for p in parameters
    ):
        top.fail("document.parameters: expected a list of numbers")
    if parameters:
        try:  # a file's parameters become the user's scheduler: refuse what FSRS refuses
            Scheduler(Settings(), [float(p) for p in parameters])
        except ValueError as exc:
            top.fail(f"document.parameters: {' '.join(str(exc).split())}")
    settings = top.get("settings", dict, default={})
    try:  # saved as the user's own settings: each must be one the settings page accepts
        with_user_settings(Settings(), settings)
    except UserSettingsError as exc:
        field, message = next(iter(exc.problems.items()))
        top.fail(f"document.settings.{field}: {message}")
    exported_at = _when(top, "exported_at") or datetime.now(UTC)
    cards = top.get("cards", list, default=[])
    reviews = top.get("reviews", list, default=[])
    ids = [_review(r, f"reviews[{n}]", name) for n, r in enumerate(reviews)]
    known = {r.id for r in ids}
    for n, review in enumerate(ids):
        if review.kind == "undo" and review.undoes not in known:
            raise InterchangeError(
                f"reviews[{n}].undoes: {review.undoes} is not the id of a review in this file",
                Location(name),
            )
    return UserProgress(
        user=top.get("user", str, default=""),
        exported_at=exported_at,
        cards=tuple(_card(c, f"cards[{n}]", name) for n, c in enumerate(cards)),
        reviews=tuple(ids),
        parameters=None if parameters is None else tuple(float(p) for p in parameters),
        settings=settings,
    )


def read_progress(path: str | Path) -> UserProgress:
    """Read a progress file (see :func:`loads`)."""
    return loads(read_text(path), str(path))


def cards_by_item(
    cards: Iterable[ProgressCard], item_ids: Iterable[str], banks: Iterable[str] = ()
) -> dict[str, ProgressCard]:
    """The user's card for each item id: the one in one of ``banks`` if there is one, else
    the card of the only bank that has that key (an id in two other banks is left out)."""
    wanted = set(item_ids)
    preferred = set(banks)
    exact: dict[str, ProgressCard] = {}
    other: dict[str, list[ProgressCard]] = {}
    for card in cards:
        if card.item_key not in wanted:
            continue
        if card.bank in preferred:
            exact[card.item_key] = card
        else:
            other.setdefault(card.item_key, []).append(card)
    for key, found in other.items():
        if key not in exact and len(found) == 1:
            exact[key] = found[0]
    return exact

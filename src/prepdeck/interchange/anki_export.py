"""A bank as an Anki package (``.apkg``, made by genanki), with or without the user's schedule.

Ids are stable, so importing a newer export into Anki updates the notes it imported before
instead of adding copies: the note type id is a hash of its name and layout version, a
deck's id a hash of its name, and a note's GUID a hash of the prepdeck item id.

Each item becomes one note of the "prepdeck Q&A" type with the fields Question, Answer
(HTML from :mod:`prepdeck.render`, so sanitised), References (the answer's links, which the
answer shows already; kept as a field for searching), Topic, Id (the prepdeck item id, which
lets an import back into prepdeck keep the id), and the markdown of the question and the
answer (not shown on the cards: an import back into prepdeck uses it while the HTML field is
still what it renders to, so an unedited note comes back byte for byte). Tags: the item's
tags, ``topic::...`` and ``difficulty::...``. Each topic is a subdeck ``<deck>::<topic>``.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import genanki  # type: ignore[import-untyped]

from prepdeck.interchange.output import write_atomically
from prepdeck.interchange.progress import ProgressCard
from prepdeck.model import Item
from prepdeck.render import render_item
from prepdeck.scheduling import CardPhase, CardState

MODEL_NAME = "prepdeck Q&A"
#: Bump when the fields or templates change, so Anki sees a new note type, not a broken one.
MODEL_LAYOUT = 2
FIELDS = ("Question", "Answer", "References", "Topic", "Id", "Question source", "Answer source")
#: The collection creation time genanki writes (``col.crt``); review due days count from it.
GENANKI_CRT = datetime.fromtimestamp(1411124400, UTC)
_ANKI_DAY = 86400

_CSS = """\
.card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left;
        max-width: 46em; margin: 0 auto; line-height: 1.5; }
pre, code { font-family: ui-monospace, monospace; font-size: 0.9em; }
pre { overflow-x: auto; padding: 0.5em; background: rgba(127, 127, 127, 0.12); }
.topic { font-size: 0.8em; opacity: 0.7; }
"""
_FRONT = '<div class="topic">{{Topic}}</div>\n{{Question}}'
_BACK = '{{FrontSide}}\n<hr id="answer">\n{{Answer}}'


def stable_id(kind: str, name: str) -> int:
    """A deterministic id in genanki's recommended range [2**30, 2**31) for ``kind:name``."""
    digest = hashlib.blake2b(f"prepdeck:{kind}:{name}".encode(), digest_size=8).digest()
    return (1 << 30) + int.from_bytes(digest, "big") % (1 << 30)


def note_guid(item_id: str) -> str:
    """The GUID of the note for item ``item_id``: the same in every export."""
    return str(genanki.guid_for("prepdeck", item_id))


def note_model() -> Any:
    return genanki.Model(
        stable_id("model", f"{MODEL_NAME}/{MODEL_LAYOUT}"),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card 1", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
    )


@dataclass(frozen=True)
class AnkiSchedule:
    """Columns of an Anki ``cards`` row. ``due``: the new-card position (queue 0), a Unix
    time in seconds (queue 1), or a day number counted from the collection's creation
    (queues 2 and 3). ``data`` carries the FSRS memory state Anki's own FSRS reads."""

    type: int = 0
    queue: int = 0
    due: int = 0
    ivl: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    left: int = 0
    data: str = ""


def _day_number(moment: datetime) -> int:
    return int((moment - GENANKI_CRT).total_seconds() // _ANKI_DAY)


def ease_factor(difficulty: float | None) -> int:
    """Anki's ease in permille from FSRS difficulty (1 easy .. 10 hard): 1 -> 2800, 10 -> 1300.

    Only Anki's SM-2 scheduler reads it; with FSRS on, Anki uses the memory state instead.
    """
    if difficulty is None:
        return 2500
    share = (min(max(difficulty, 1.0), 10.0) - 1.0) / 9.0
    return round(2800 - 1500 * share)


def anki_schedule(
    state: CardState,
    position: int,
    *,
    suspended: bool = False,
    steps_left: int = 1,
    desired_retention: float | None = None,
    decay: float | None = None,
) -> AnkiSchedule:
    """The Anki card columns for a prepdeck card state.

    New cards keep their bank ``position``. Review cards are due on the day FSRS set, with
    the interval from the last review to that day. Learning and relearning cards are due at
    their time (within a day) or on their day, with ``steps_left`` learning steps to go.
    """
    if state.phase is CardPhase.NEW or state.due is None:
        schedule = AnkiSchedule(due=position)
    else:
        data: dict[str, Any] = {}
        if state.stability is not None and state.difficulty is not None:
            data = {"s": round(state.stability, 4), "d": round(state.difficulty, 4)}
            if desired_retention is not None:
                data["dr"] = round(desired_retention, 2)
            if decay is not None:
                data["decay"] = round(decay, 4)
        if state.last_review is not None:
            data["lrt"] = int(state.last_review.timestamp())
        last = state.last_review or state.due
        days = max(1, round((state.due - last).total_seconds() / _ANKI_DAY))
        common: dict[str, Any] = {
            "factor": ease_factor(state.difficulty),
            "reps": state.reps,
            "lapses": state.lapses,
            "data": json.dumps(data, separators=(",", ":")) if data else "",
        }
        if state.phase is CardPhase.REVIEW:
            schedule = AnkiSchedule(type=2, queue=2, due=_day_number(state.due), ivl=days, **common)
        else:
            within_day = (state.due - last).total_seconds() < _ANKI_DAY
            schedule = AnkiSchedule(
                type=int(state.phase),
                queue=1 if within_day else 3,
                due=int(state.due.timestamp()) if within_day else _day_number(state.due),
                ivl=0 if state.phase is CardPhase.LEARNING else days,
                left=max(steps_left, 1),
                **common,
            )
    if suspended:
        schedule = replace(schedule, queue=-1)
    return schedule


class _ScheduledCard(genanki.Card):  # type: ignore[misc]
    """A genanki card written with a schedule (genanki itself writes every card as new)."""

    def __init__(self, ord: int, schedule: AnkiSchedule) -> None:
        super().__init__(ord)
        self.schedule = schedule

    def write_to_db(
        self, cursor: Any, timestamp: float, deck_id: int, note_id: int, id_gen: Any, due: int = 0
    ) -> None:
        s = self.schedule
        cursor.execute(
            "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);",
            (next(id_gen), note_id, deck_id, self.ord, int(timestamp), -1, s.type, s.queue,
             s.due, s.ivl, s.factor, s.reps, s.lapses, s.left, 0, 0, 0, s.data),
        )  # fmt: skip


class _Note(genanki.Note):  # type: ignore[misc]
    def __init__(self, schedule: AnkiSchedule, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schedule = schedule

    @property
    def cards(self) -> list[_ScheduledCard]:
        return [_ScheduledCard(0, self.schedule)]


_TAG_UNSAFE = re.compile(r"\s+")


def _tag(text: str) -> str:
    return _TAG_UNSAFE.sub("_", text.strip())


def note_fields(item: Item) -> list[str]:
    """The note's field values for ``item`` (HTML, sanitised by :mod:`prepdeck.render`)."""
    rendered = render_item(item)
    return [
        rendered["question_html"],
        rendered["answer_html"],
        "<br>".join(rendered["references_html"]),
        html.escape(item.topic),
        html.escape(item.id),
        html.escape(item.question, quote=False),
        html.escape(item.answer, quote=False),
    ]


def note_tags(item: Item) -> list[str]:
    tags = [_tag(t) for t in item.tags if t.strip()]
    if item.topic.strip():
        tags.append("topic::" + _tag(item.topic))
    if item.difficulty:
        tags.append(f"difficulty::{item.difficulty}")
    return list(dict.fromkeys(tags))


@dataclass(frozen=True)
class ExportSummary:
    notes: int
    decks: int
    scheduled: int


def export_apkg(
    items: Iterable[Item],
    path: str | Path,
    *,
    deck: str = "prepdeck",
    cards: Mapping[str, ProgressCard] | None = None,
    desired_retention: float | None = None,
    decay: float | None = None,
    learning_steps: int = 2,
    relearning_steps: int = 1,
    timestamp: float | None = None,
    on_item: Callable[[int, int], None] | None = None,
) -> ExportSummary:
    """Write ``items`` to the Anki package ``path`` (atomically: all or nothing).

    ``cards`` maps item ids to the user's cards; without it every card is new. The
    learning step counts set how many steps a card in (re)learning has left in Anki.
    ``timestamp`` (Unix seconds, default now) is the notes' modification time: Anki updates
    a note it has already when the package's copy is newer. ``on_item(done, total)`` is
    called after each item (for a progress bar).
    """
    items = list(items)
    model = note_model()
    decks: dict[str, Any] = {}
    scheduled = 0
    notes = 0
    for position, item in enumerate(items, start=1):
        name = f"{deck}::{item.topic}" if item.topic.strip() else deck
        if name not in decks:
            decks[name] = genanki.Deck(stable_id("deck", name), name)
        card = cards.get(item.id) if cards else None
        state = card.state if card else CardState()
        if card is not None and state.phase is not CardPhase.NEW:
            scheduled += 1
        steps = learning_steps if state.phase is CardPhase.LEARNING else relearning_steps
        schedule = anki_schedule(
            state,
            position,
            suspended=bool(card and card.suspended),
            steps_left=max(steps - (state.step or 0), 1),
            desired_retention=desired_retention,
            decay=decay,
        )
        note = _Note(
            schedule,
            model=model,
            fields=note_fields(item),
            guid=note_guid(item.id),
            tags=note_tags(item),
        )
        decks[name].add_note(note)
        notes += 1
        if on_item is not None:
            on_item(notes, len(items))
    package = genanki.Package(list(decks.values()))

    def produce(tmp: Path) -> None:
        with warnings.catch_warnings():
            # genanki warns about tags its regex calls invalid; render's output is checked HTML.
            warnings.filterwarnings("ignore", module="genanki")
            package.write_to_file(str(tmp), timestamp=timestamp)

    write_atomically(Path(path), produce)
    return ExportSummary(notes=notes, decks=len(decks), scheduled=scheduled)

"""Progress JSON: export, import into a fresh database, idempotence, unknown items, bad files."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from prepdeck.interchange import progress as progress_json
from prepdeck.interchange.errors import InterchangeError
from prepdeck.interchange.progress import ProgressCard, UserProgress
from prepdeck.practice import PracticeSession
from prepdeck.scheduling import CardState, Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.store import SqlStore
from prepdeck.store.tables import users
from tests.interchange.conftest import small_items
from tests.store.conftest import T0

#: Parameters within FSRS's bounds (an import refuses others), not the defaults.
FITTED = [0.5, *Scheduler(load_settings()).parameters[1:]]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _studied(path: Path) -> tuple[SqlStore, int]:
    """A SQLite store with the small bank and a few days of practice, an undo and parameters."""
    store = SqlStore.open(f"sqlite:///{path}")
    store.sync_bank("/home/ann/bank", "bank", small_items())
    settings = load_settings(env={}, fuzz=False)
    user = store.user_id("ann")
    clock = Clock()
    for day in range(4):
        clock.now = T0 + timedelta(days=day)
        session = PracticeSession(store, Scheduler(settings), settings, user, clock=clock)
        for n in range(6):
            view = session.next()
            if view is None:
                break
            clock.now += timedelta(minutes=3)
            session.rate(view, Rating.GOOD if n % 3 else Rating.AGAIN, duration_ms=900 + n)
        if day == 1:
            assert session.undo() is not None
        session.finish()
    store.set_parameters(user, FITTED)
    return store, user


def _states(progress: UserProgress) -> dict[str, tuple[CardState, bool]]:
    return {c.item_key: (c.state, c.suspended) for c in progress.cards}


def test_progress_round_trip_into_a_fresh_database(tmp_path: Path, store: SqlStore) -> None:
    source, ann = _studied(tmp_path / "source.sqlite")
    exported = source.export_progress(ann)
    assert exported.user == "ann" and len(exported.cards) == 5
    kinds = [r.kind for r in exported.reviews]
    assert kinds.count("undo") == 1 and kinds.count("review") >= 10
    text = progress_json.dumps(exported)
    document = progress_json.loads(text, "p.json")
    assert document.to_dict()["reviews"] == json.loads(text)["reviews"]

    # The fresh database has the bank under another name (another machine's path).
    store.sync_bank("/home/bob/copy-of-bank", "bank", small_items())
    bob = store.user_id("bob")
    result = store.import_progress(bob, document)
    assert (result.cards_added, result.unknown, result.parameters_set) == (5, (), True)
    assert result.reviews_added == len(exported.reviews)
    imported = store.export_progress(bob)
    assert _states(imported) == _states(exported)
    assert [(r.kind, r.rating, r.reviewed_at, r.state_after) for r in imported.reviews] == [
        (r.kind, r.rating, r.reviewed_at, r.state_after) for r in exported.reviews
    ]
    # The undo still points at the rating it undid.
    undo = next(r for r in imported.reviews if r.kind == "undo")
    undone = next(r for r in imported.reviews if r.id == undo.undoes)
    original = next(r for r in exported.reviews if r.kind == "undo")
    assert undone.reviewed_at == next(
        r.reviewed_at for r in exported.reviews if r.id == original.undoes
    )
    assert store.parameters(bob) == FITTED

    again = store.import_progress(bob, document)
    assert not again.changed
    assert (again.cards_unchanged, again.reviews_added) == (5, 0)
    assert again.reviews_present == len(exported.reviews)
    assert len(store.export_progress(bob).reviews) == len(exported.reviews)
    source.close()


def test_unknown_items_are_reported_or_refused(tmp_path: Path, store: SqlStore) -> None:
    source, ann = _studied(tmp_path / "source.sqlite")
    exported = source.export_progress(ann)
    source.close()
    extra = ProgressCard("/elsewhere", "no-such-item", CardState())
    document = UserProgress(
        exported.user, exported.exported_at, (*exported.cards, extra), exported.reviews
    )
    store.sync_bank("/home/ann/bank", "bank", small_items())
    user = store.user_id("ann")

    with pytest.raises(InterchangeError, match=r"1 item.*no-such-item.*nothing was imported"):
        store.import_progress(user, document, strict=True)
    assert store.export_progress(user).cards == ()
    assert store.export_progress(user).reviews == ()

    result = store.import_progress(user, document)
    assert result.unknown == ("/elsewhere/no-such-item",)
    assert result.cards_added == 5


def test_a_card_reviewed_later_here_is_kept(tmp_path: Path, store: SqlStore) -> None:
    source, ann = _studied(tmp_path / "source.sqlite")
    exported = source.export_progress(ann)
    source.close()
    store.sync_bank("/home/ann/bank", "bank", small_items())
    user = store.user_id("ann")
    first = exported.cards[0]
    assert first.state.last_review is not None
    later = CardState(
        **{
            **first.state.__dict__,
            "last_review": first.state.last_review + timedelta(days=30),
            "reps": 99,
        }
    )
    store.import_progress(
        user,
        UserProgress(
            "ann", exported.exported_at, (ProgressCard(first.bank, first.item_key, later),)
        ),
    )
    result = store.import_progress(user, exported)
    assert result.conflicts == 1
    assert _states(store.export_progress(user))[first.item_key][0].reps == 99


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "document: expected an object, got a list"),
        ('{"format": "prepdeck-progress"}', "missing field 'schema_version'"),
        ('{"format": "other", "schema_version": 1}', "not a prepdeck progress file"),
        (
            '{"format": "prepdeck-progress", "schema_version": 7}',
            "schema_version 7 is not supported",
        ),
        (
            '{"format": "prepdeck-progress", "schema_version": 1, "cards": [{"bank": "b", "item_key": 3, "state": {}}]}',
            r"cards\[0\].item_key: expected a string, got an integer",
        ),
        (
            '{"format": "prepdeck-progress", "schema_version": 1, "reviews": [{"id": 1, "bank": "b", "item_key": "k", "kind": "review", "rating": 9, "reviewed_at": "2026-01-01T00:00:00+00:00"}]}',
            r"reviews\[0\].rating: a review needs a rating of 1 to 4",
        ),
        (
            '{"format": "prepdeck-progress", "schema_version": 1, "reviews": [{"id": 1, "bank": "b", "item_key": "k", "kind": "undo", "undoes": 5, "reviewed_at": "2026-01-01T00:00:00+00:00"}]}',
            r"reviews\[0\].undoes: 5 is not the id",
        ),
        (
            '{"format": "prepdeck-progress",\n "schema_version": 1,,}',
            r"p.json:2:\d+: not valid JSON",
        ),
    ],
)
def test_malformed_progress_files_name_the_field(text: str, message: str) -> None:
    with pytest.raises(InterchangeError, match=message) as caught:
        progress_json.loads(text, "p.json")
    assert str(caught.value).startswith("p.json")


def test_a_learner_reaches_only_the_banks_they_may_see(tmp_path: Path, store: SqlStore) -> None:
    source, ann = _studied(tmp_path / "source.sqlite")
    exported = source.export_progress(ann)
    source.close()
    store.sync_bank("/home/ann/bank", "bank", small_items())  # not published
    learner = store.user_id("lea")
    with store.engine.begin() as conn:
        conn.execute(
            update(users).where(users.c.id == learner).values(role="learner", password_hash="x")
        )
    result = store.import_progress(learner, exported)
    assert result.cards_added == 0 and result.reviews_added == 0
    assert len(result.unknown) == 5
    assert store.export_progress(learner).cards == ()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"parameters": [0.5] * 21},
            r"p\.json:1:1: document\.parameters: .*parameters\[4\] = 0\.5",
        ),
        ({"parameters": [1.0] * 3}, r"document\.parameters: Expected 21 parameters, got 3"),
        ({"settings": {"new_per_day": -4}}, r"p\.json:1:1: document\.settings\.new_per_day: "),
    ],
)
def test_parameters_and_settings_a_user_could_not_have_are_refused(
    extra: dict[str, object], message: str
) -> None:
    # They would become the importing user's scheduler and settings: every later page would fail.
    document = {"format": "prepdeck-progress", "schema_version": 1, **extra}
    with pytest.raises(InterchangeError, match=message):
        progress_json.loads(json.dumps(document), "p.json")
    fine = {"format": "prepdeck-progress", "schema_version": 1, "parameters": FITTED,
            "settings": {"new_per_day": 5}}  # fmt: skip
    assert progress_json.loads(json.dumps(fine), "p.json").parameters == tuple(FITTED)

"""Leeches: the threshold, suspend and unsuspend through the store, the editor command."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from prepdeck.leeches import (
    LeechError,
    edit_target,
    editor_command,
    editor_from,
    find_card,
    is_leech,
    leeches,
    set_suspended,
)
from prepdeck.practice import PracticeSession
from prepdeck.scheduling import CardState
from prepdeck.settings import SettingsError, load_settings
from prepdeck.store import SqlStore, StoreError
from tests.choices.helpers import SCHEDULER, lapse
from tests.store.conftest import T0


@pytest.fixture
def loaded(store: SqlStore, make_item: Any) -> SqlStore:
    store.sync_bank("b", "b.md", [make_item(n) for n in range(6)])
    return store


def pk(store: SqlStore, user: int, key: str) -> int:
    return find_card(store, user, key).view.item_pk


def test_threshold_flags_cards_at_and_above_it(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    lapse(loaded, user, pk(loaded, user, "q1"), 3, T0)
    lapse(loaded, user, pk(loaded, user, "q2"), 2, T0)
    assert find_card(loaded, user, "q1").view.state.lapses == 3
    found = leeches(loaded, user, threshold=2)
    assert [(x.card.view.item.id, x.card.view.state.lapses) for x in found] == [
        ("q1", 3),
        ("q2", 2),
    ]
    assert [x.card.view.item.id for x in leeches(loaded, user, threshold=3)] == ["q1"]
    assert leeches(loaded, user, threshold=4) == []
    assert is_leech(CardState(lapses=8), 8) and not is_leech(CardState(lapses=7), 8)
    assert leeches(loaded, loaded.user_id("bob"), threshold=1) == []  # per user


def test_suspend_removes_from_every_queue_and_unsuspend_restores(loaded: SqlStore) -> None:
    settings = load_settings(env={}, fuzz=False)
    user = loaded.user_id("ann")
    when = lapse(loaded, user, pk(loaded, user, "q1"), 1, T0)
    later = when + timedelta(days=30)

    def queued() -> list[str]:
        session = PracticeSession(loaded, SCHEDULER, settings, user, clock=lambda: later)
        return [v.item.id for v in session.queue]

    assert queued() == ["q1", "q0", "q2", "q3", "q4", "q5"]  # q1 due, then the new cards
    card = set_suspended(loaded, user, "q1", True)
    assert card.suspended and card.view.state.lapses == 1  # the state is kept
    set_suspended(loaded, user, "q3", True)  # a card never reviewed
    assert queued() == ["q0", "q2", "q4", "q5"]
    listed = leeches(loaded, user, threshold=1)
    assert [(x.card.view.item.id, x.leech, x.card.suspended) for x in listed] == [
        ("q1", True, True),
        ("q3", False, True),
    ]
    assert [x.card.view.item.id for x in leeches(loaded, user, 1, with_suspended=False)] == ["q1"]
    set_suspended(loaded, user, "q1", False)
    set_suspended(loaded, user, "q3", False)
    assert queued() == ["q1", "q0", "q2", "q3", "q4", "q5"]
    assert loaded.card(user, pk(loaded, user, "q1")).state.lapses == 1


def test_unknown_and_ambiguous_ids_name_the_field(loaded: SqlStore, make_item: Any) -> None:
    user = loaded.user_id("ann")
    with pytest.raises(LeechError, match=r"^id: no active item 'nope'"):
        set_suspended(loaded, user, "nope", True)
    loaded.sync_bank("c", "c.md", [make_item(1)])
    with pytest.raises(LeechError, match=r"in several banks \(b, c\); pick one with --bank"):
        find_card(loaded, user, "q1")
    assert find_card(loaded, user, "q1", bank="c").view.bank == "c"
    with pytest.raises(StoreError, match="no active item 99999"):
        loaded.set_suspended(user, 99999, True)


def test_a_copied_bank_shadows_the_bundled_one(loaded: SqlStore, make_item: Any) -> None:
    user = loaded.user_id("ann")
    loaded.sync_bank("bundled", "(bundled)", [make_item(1)])
    assert find_card(loaded, user, "q1").view.bank == "b"


def test_leech_threshold_setting() -> None:
    assert load_settings(env={}).leech_threshold == 8
    assert load_settings(env={"PREPDECK_LEECH_THRESHOLD": "3"}).leech_threshold == 3
    with pytest.raises(SettingsError, match="leech_threshold must be at least 1"):
        load_settings(env={"PREPDECK_LEECH_THRESHOLD": "0"})
    with pytest.raises(SettingsError, match="leech_threshold"):
        load_settings(env={"PREPDECK_LEECH_THRESHOLD": "many"})


@pytest.mark.parametrize(
    ("editor", "expected"),
    [
        ("vim", ["vim", "+12", "/b/p.md"]),
        ("nvim -u NONE", ["nvim", "-u", "NONE", "+12", "/b/p.md"]),
        ("/usr/bin/nano", ["/usr/bin/nano", "+12", "/b/p.md"]),
        ("code --wait", ["code", "--wait", "--goto", "/b/p.md:12"]),
        ("subl -w", ["subl", "-w", "/b/p.md:12"]),
        ("notepad", ["notepad", "/b/p.md"]),
    ],
)
def test_editor_command(editor: str, expected: list[str]) -> None:
    assert editor_command(editor, "/b/p.md", 12) == expected


def test_editor_from_prefers_visual() -> None:
    assert editor_from({"VISUAL": "code -w", "EDITOR": "vi"}) == "code -w"
    assert editor_from({"VISUAL": " ", "EDITOR": "vi"}) == "vi"
    assert editor_from({}) is None


def test_bundled_items_are_not_edited_in_place(loaded: SqlStore, make_item: Any) -> None:
    user = loaded.user_id("ann")
    loaded.sync_bank("bundled", "(bundled)", [make_item(1)])
    bundled = find_card(loaded, user, "q1", bank="bundled")
    with pytest.raises(LeechError, match="bundled bank") as caught:
        edit_target(bundled)
    assert "cp -r" in caught.value.message and "prepdeck bank add" in caught.value.message
    with pytest.raises(LeechError, match=r"^file: bank\.md is gone"):
        edit_target(find_card(loaded, user, "q1", bank="b"))

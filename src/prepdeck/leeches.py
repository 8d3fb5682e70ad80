"""Leeches: cards forgotten again and again after being learned.

A card whose lapses reach ``Settings.leech_threshold`` (8 by default) is a leech: reviewing it
more costs a lot and teaches little. Usually the question or the answer needs rewriting (too
long, ambiguous, two facts in one), so leeches are listed, can be suspended (they leave every
queue, their history kept) and opened in the user's editor at the item's file and line.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prepdeck.banks import bundled_bank_path
from prepdeck.errors import PrepdeckError
from prepdeck.scheduling import CardState
from prepdeck.storage import AdminCard, Store

#: Upper bound on the cards one listing reads.
MAX_LISTED = 10_000
BUNDLED = "bundled"

#: Editors that open a file at a line with ``+LINE FILE``.
_PLUS_LINE = frozenset(
    [
        "vi",
        "vim",
        "nvim",
        "gvim",
        "view",
        "nano",
        "pico",
        "emacs",
        "emacsclient",
        "kak",
        "micro",
        "joe",
        "jed",
        "ne",
        "mg",
        "vis",
        "mcedit",
    ]
)
#: Editors that take ``FILE:LINE`` (VS Code and its forks after ``--goto``).
_GOTO = frozenset({"code", "code-insiders", "codium", "cursor", "windsurf"})
_COLON = frozenset({"subl", "sublime_text", "hx", "helix", "zed", "mate", "gedit", "kate"})


class LeechError(PrepdeckError):
    """A card cannot be found, is ambiguous, or cannot be edited; the message says what to do."""


def is_leech(state: CardState, threshold: int) -> bool:
    return state.lapses >= threshold


@dataclass(frozen=True)
class Leech:
    """A listed card: a leech, or suspended, or both."""

    card: AdminCard
    leech: bool

    @property
    def bundled(self) -> bool:
        return self.card.view.bank == BUNDLED

    @property
    def location(self) -> str:
        where = self.card.view.item.location
        return f"{where.file}:{where.line}"

    def to_dict(self) -> dict[str, Any]:
        view = self.card.view
        return {
            "item_pk": view.item_pk,
            "id": view.item.id,
            "bank": view.bank,
            "topic": view.item.topic,
            "question": view.item.question,
            "lapses": view.state.lapses,
            "reps": view.state.reps,
            "phase": view.state.phase.name.lower(),
            "due": view.state.due.isoformat() if view.state.due else None,
            "leech": self.leech,
            "suspended": self.card.suspended,
            "file": view.item.location.file,
            "line": view.item.location.line,
            "bundled": self.bundled,
        }


def leeches(store: Store, user: int, threshold: int, *, with_suspended: bool = True) -> list[Leech]:
    """Leeches (most lapses first), then other suspended cards when ``with_suspended``."""
    found = [Leech(c, True) for c in store.cards_with_lapses(user, threshold, MAX_LISTED)]
    if with_suspended:
        seen = {leech.card.view.item_pk for leech in found}
        found += [
            Leech(c, False)
            for c in store.suspended_cards(user, MAX_LISTED)
            if c.view.item_pk not in seen
        ]
    return found


def find_card(store: Store, user: int, key: str, bank: str | None = None) -> AdminCard:
    """The card of the item with id ``key`` (in ``bank`` when given).

    When several banks hold the id, the one not bundled wins if it is alone (a copied bank
    shadows the bundled one); otherwise :class:`LeechError` asks for ``--bank``.
    """
    found = store.find_cards(user, key, bank)
    if not found:
        where = f" in bank {bank}" if bank else ""
        raise LeechError(f"id: no active item '{key}'{where}")
    if len(found) > 1:
        own = [c for c in found if c.view.bank != BUNDLED]
        if len(own) == 1:
            return own[0]
        banks = ", ".join(c.view.bank for c in found)
        raise LeechError(f"id: '{key}' is in several banks ({banks}); pick one with --bank")
    return found[0]


def set_suspended(
    store: Store, user: int, key: str, suspended: bool, bank: str | None = None
) -> AdminCard:
    """Suspend (or unsuspend) the card of item ``key``; the card as it is now."""
    card = find_card(store, user, key, bank)
    return store.set_suspended(user, card.view.item_pk, suspended)


def read_only_message(card: AdminCard) -> str:
    """Why a bundled item is not edited in place, and how to get an editable copy."""
    where = card.view.item.location
    return (
        f"{card.view.item.id} is in the bundled bank ({where.file}:{where.line}), which is part "
        "of the installed prepdeck package: edits there are lost on upgrade. Copy the bank and "
        f"load the copy, then edit it there:\n"
        f"  cp -r {shlex.quote(str(bundled_bank_path()))} ~/prepdeck-bank\n"
        "  prepdeck bank add ~/prepdeck-bank\n"
        f"  prepdeck leeches --edit {card.view.item.id}\n"
        f"  prepdeck leeches --suspend {card.view.item.id} --bank bundled   "
        "(so the bundled copy leaves your queue)"
    )


def editor_from(env: Mapping[str, str] | None = None) -> str | None:
    """The user's editor command: ``$VISUAL``, else ``$EDITOR``; None when neither is set."""
    env = os.environ if env is None else env
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            return value
    return None


def editor_command(editor: str, file: str, line: int) -> list[str]:
    """The argument list that opens ``file`` at ``line`` in ``editor`` (a shell-style command).

    Editors not known to take a line open the file at its start.
    """
    args = shlex.split(editor)
    if not args:
        raise LeechError("editor: $VISUAL/$EDITOR is empty")
    name = Path(args[0]).name.removesuffix(".exe")
    line = max(line, 1)
    if name in _PLUS_LINE:
        return [*args, f"+{line}", file]
    if name in _GOTO:
        return [*args, "--goto", f"{file}:{line}"]
    if name in _COLON:
        return [*args, f"{file}:{line}"]
    return [*args, file]


def edit_target(card: AdminCard) -> tuple[str, int]:
    """The file and line to edit for ``card``; :class:`LeechError` for a bundled or lost file."""
    if card.view.bank == BUNDLED:
        raise LeechError(read_only_message(card))
    where = card.view.item.location
    if not Path(where.file).is_file():
        raise LeechError(
            f"file: {where.file} is gone; the item was loaded from it by `prepdeck bank add`"
        )
    return where.file, where.line

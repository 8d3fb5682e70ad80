"""Loading a bank's items into the store: add, version, retire, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from prepdeck.model import Item
from prepdeck.scheduling import utcnow
from prepdeck.storage import SyncProgress, SyncResult
from prepdeck.store.rows import content_hash, item_data, item_row
from prepdeck.store.tables import banks, item_versions, items


def sync_bank(
    conn: Connection,
    name: str,
    source: str,
    bank_items: Sequence[Item],
    *,
    fingerprint: str | None = None,
    progress: SyncProgress | None = None,
) -> SyncResult:
    """Load a bank's items on ``conn``: add new, version changed, retire removed."""
    now = utcnow()
    added = updated = unchanged = 0
    duplicates: list[str] = []
    bank_id = conn.execute(select(banks.c.id).where(banks.c.name == name)).scalar()
    if bank_id is None:
        created = conn.execute(insert(banks).values(name=name, source=source))
        bank_id = created.inserted_primary_key[0]  # type: ignore[index]
    existing = {
        r.key: r
        for r in conn.execute(
            select(
                items.c.id,
                items.c.key,
                items.c.content_hash,
                items.c.active,
                items.c.position,
            ).where(items.c.bank_id == bank_id)
        )
    }
    seen: set[str] = set()
    new_rows: list[dict[str, Any]] = []
    versions: list[tuple[int, str, Item]] = []
    total = len(bank_items)
    for position, item in enumerate(bank_items):
        if item.id in seen:
            duplicates.append(item.id)
            continue
        seen.add(item.id)
        digest = content_hash(item)
        old = existing.get(item.id)
        if old is None:
            new_rows.append(item_row(item, bank_id, position, digest, now))
            added += 1
        elif old.content_hash != digest or not old.active:
            conn.execute(
                update(items)
                .where(items.c.id == old.id)
                .values(**item_row(item, bank_id, position, digest, now))
            )
            versions.append((old.id, digest, item))
            updated += 1
        else:
            if old.position != position:
                conn.execute(update(items).where(items.c.id == old.id).values(position=position))
            unchanged += 1
        if progress is not None and (position % 500 == 0 or position == total - 1):
            progress(position + 1, total)
    if new_rows:
        conn.execute(insert(items), new_rows)
        ids = dict(
            conn.execute(
                select(items.c.key, items.c.id).where(
                    items.c.bank_id == bank_id,
                    items.c.key.in_([r["key"] for r in new_rows]),
                )
            ).all()
        )
        by_key = {i.id: i for i in bank_items}
        versions += [(ids[r["key"]], r["content_hash"], by_key[r["key"]]) for r in new_rows]
    _add_versions(conn, versions, now)
    gone = [r.id for k, r in existing.items() if k not in seen and r.active]
    if gone:
        conn.execute(update(items).where(items.c.id.in_(gone)).values(active=False))
    conn.execute(
        update(banks)
        .where(banks.c.id == bank_id)
        .values(fingerprint=fingerprint, synced_at=now, source=source)
    )
    return SyncResult(name, added, updated, unchanged, len(gone), tuple(duplicates))


def _add_versions(conn: Connection, versions: list[tuple[int, str, Item]], now: datetime) -> None:
    if not versions:
        return
    known = set(
        conn.execute(
            select(item_versions.c.item_id, item_versions.c.content_hash).where(
                item_versions.c.item_id.in_([v[0] for v in versions])
            )
        ).all()
    )
    rows = [
        {
            "item_id": item_id,
            "content_hash": digest,
            "question": item.question,
            "answer": item.answer,
            "data": item_data(item),
            "created_at": now,
        }
        for item_id, digest, item in versions
        if (item_id, digest) not in known
    ]
    if rows:
        conn.execute(insert(item_versions), rows)

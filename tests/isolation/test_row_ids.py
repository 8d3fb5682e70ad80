"""An id in a route's path beyond what a row id can be is refused (422), never sent to the
database (PostgreSQL would fail the query: a 500)."""

from __future__ import annotations

from typing import Any

from tests.isolation.webapp import PASSWORD, bearer, store_of

TOO_BIG = 2**31  # one past the largest 32-bit row id


def test_a_token_or_account_id_out_of_range_is_a_422(app: Any) -> None:
    store = store_of(app)
    admin = bearer(app, store.create_account("root", PASSWORD, role="admin"))
    with admin:
        revoke = admin.delete(f"/api/tokens/{TOO_BIG}")
        disable = admin.put(f"/api/admin/users/{TOO_BIG}/disabled", json={"disabled": True})
        missing = admin.delete("/api/tokens/123456")
    assert revoke.status_code == 422, revoke.text
    assert disable.status_code == 422, disable.text
    assert missing.status_code == 404  # in range but no such token: as before

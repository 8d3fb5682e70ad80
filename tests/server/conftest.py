"""A throwaway PostgreSQL cluster for the tests that stop and restart the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.cluster import Cluster, unavailable_reason


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"a throwaway PostgreSQL cluster {reason}")
    made = Cluster()
    made.start()
    try:
        yield made
    finally:
        made.destroy()

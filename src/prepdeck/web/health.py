"""Health for load balancers and orchestrators: ``/healthz`` (alive) and ``/readyz`` (can serve).

``/healthz`` touches nothing: 200 while the process answers, so a supervisor restarts only a
hung worker. ``/readyz`` is 200 when the database answers and its schema is the one this
prepdeck expects (migrations run by ``prepdeck db upgrade``), else 503 with the reason and
``Retry-After``: a load balancer sends no traffic to a machine that would only fail. Neither needs
a sign-in or a CSRF token, and neither says more than that (no URLs, no versions of others).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from prepdeck.store.context import Context
from prepdeck.store.engine import StoreError, current_revision, head_revision
from prepdeck.web.errors import RETRY_AFTER_S

# not in /openapi.json: they are for the infrastructure, not part of the practice API
router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers (the database is not consulted)."""
    return {"status": "ok"}


def _readiness(ctx: Context) -> tuple[bool, dict[str, Any]]:
    expected = head_revision()
    try:
        found = current_revision(ctx.store.engine)
    except StoreError as exc:
        return False, {"status": "unavailable", "database": "unreachable", "detail": exc.message}
    if found != expected:
        detail = f"schema is at {found or 'nothing'}, this prepdeck needs {expected}: "
        detail += "run `prepdeck db upgrade`"
        return False, {"status": "unavailable", "database": "ok", "schema": found, "detail": detail}
    return True, {"status": "ready", "database": "ok", "schema": found}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and its schema is current (200), else 503."""
    ready, body = _readiness(request.app.state.ctx)
    if ready:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})

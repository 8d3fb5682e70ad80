"""Every route of the app, found from ``app.routes`` (so routes added later are tried too),
and a request for each built from a table of values by parameter name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel


@dataclass(frozen=True)
class Probe:
    method: str
    template: str  # the route's path, e.g. /api/practice/{sid}
    path_params: tuple[str, ...]
    fields: tuple[str, ...]  # form fields or JSON body fields
    json_body: bool
    query: tuple[str, ...] = ()  # required query parameters
    required: tuple[str, ...] = ()  # required body fields


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix, route
        elif hasattr(route, "original_router"):  # FastAPI >= 0.165 keeps included routers whole
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)


def _body(route: APIRoute) -> tuple[tuple[str, ...], bool, tuple[str, ...]]:
    """The body's field names, whether it is JSON, and which fields are required."""
    params = route.dependant.body_params
    if not params:
        return (), False, ()
    model = params[0].field_info.annotation if len(params) == 1 else None
    if isinstance(model, type) and issubclass(model, BaseModel) and params[0].name == "body":
        fields = model.model_fields
        return tuple(fields), True, tuple(k for k, v in fields.items() if v.is_required())
    required = tuple(p.name for p in params if p.field_info.is_required())
    return tuple(p.name for p in params), False, required


def probes(app: FastAPI) -> list[Probe]:
    found = []
    for prefix, route in _walk(app.routes):
        fields, is_json, required = _body(route)
        names = tuple(p.name for p in route.dependant.path_params)
        query = tuple(p.alias for p in route.dependant.query_params if p.field_info.is_required())
        for method in sorted(route.methods or ()):
            found.append(
                Probe(method, prefix + route.path, names, fields, is_json, query, required)
            )
    return found


def fill(template: str, values: dict[str, Any]) -> str:
    path = template
    for name, value in values.items():
        path = path.replace(f"{{{name}:path}}", str(value)).replace(f"{{{name}}}", str(value))
    assert "{" not in path, f"no value for a path parameter of {template}: add one to the test"
    return path

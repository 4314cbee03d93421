"""What every route needs: the store, the caller (from a Bearer token), and the filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine

from civwatch.domain.query import Filters, parse_date, split_values
from civwatch.services import access, auth
from civwatch.services.auth import AuthError, Principal


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("use 'Authorization: Bearer <token>'")
    return token.strip()


def optional_principal(request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> Principal | None:
    token = _bearer(request)
    if not token:
        return None
    resolved = getattr(request.state, "reader", None)  # the app's guard looked this token up already
    return resolved if resolved is not None else auth.principal_for_token(engine, token)


def writer(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise AuthError("authentication required: send an API token as 'Authorization: Bearer <token>'")
    return principal


def reader(request: Request, principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal | None:
    """The caller of a read. The app's AccessGuard has applied the access rule already; this
    applies the same rule (`services.access`) again for routers mounted without the guard.
    A read may come with the dashboard's session (the guard found its user); a write may not."""
    principal = principal or getattr(request.state, "reader", None)
    needed = access.need(request.method, request.url.path, getattr(request.app.state, "private_reads", False))
    refused = access.refusal(needed, principal)
    if refused:
        raise AuthError(refused[1]) if refused[0] == 401 else PermissionError(refused[1])
    return principal


def filters(
    source: Annotated[str | None, Query(max_length=32, description="count this source's reports instead of incidents")] = None,
    country: Annotated[str | None, Query(max_length=400, description="ISO alpha-3 codes, comma-separated")] = None,
    party_category: Annotated[str | None, Query(max_length=400)] = None,
    weapon: Annotated[str | None, Query(max_length=400)] = None,
    grade: Annotated[str | None, Query(max_length=200)] = None,
    violence_type: Annotated[str | None, Query(max_length=200)] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    date_from: Annotated[str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD (through the period's end)")] = None,
    populated_area: Annotated[bool | None, Query()] = None,
    explosive: Annotated[bool | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200, description="free text in headline, place and notes")] = None,
) -> Filters:
    return Filters(
        source=source or None,
        countries=split_values(country, upper=True),
        party_categories=split_values(party_category),
        weapons=split_values(weapon),
        grades=split_values(grade),
        violence_types=split_values(violence_type),
        year_from=year_from,
        year_to=year_to,
        date_from=parse_date(date_from, "date_from"),
        date_to=parse_date(date_to, "date_to", end=True),
        populated_area=populated_area,
        explosive=explosive,
        text=q or None,
    )

"""The incidents table (filters, sort, cursor paging) and one incident's page."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request, Response

from civwatch.domain.query import OutOfRange, check_int
from civwatch.services import audit_trail, dashboard
from civwatch.services import incidents as incident_service
from civwatch.web.evidence_pages import evidence_panel
from civwatch.web.filters import from_request
from civwatch.web.render import WebRoute, engine, page

router = APIRouter(route_class=WebRoute)

SORTS = ("-date", "date", "-civilian_deaths", "civilian_deaths")
LIMIT = 50
MAX_LIMIT = 500  # as GET /api/incidents


def page_limit(value: str | None) -> int:
    if value in (None, ""):
        return LIMIT
    try:
        n = int(value)
    except ValueError:
        raise HTTPException(400, f"limit must be a whole number, got {value[:20]!r}") from None
    return check_int(n, "limit", 1, MAX_LIMIT)


@router.get("/incidents", include_in_schema=False)
@router.get("/incidents.json", include_in_schema=False)
def incidents(request: Request, sort: str = "-date", cursor: str | None = None, limit: str | None = None) -> Response:
    """The API's `limit` (1-500, default 50) holds here too."""
    limit = page_limit(limit)
    if sort not in SORTS:
        raise HTTPException(400, f"sort must be one of {', '.join(SORTS)}")
    filters = from_request(request)
    try:
        data = incident_service.page(engine(request), filters, sort=sort, cursor=cursor or None, limit=limit)
    except OutOfRange:
        raise
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return page(request, "incidents.html", data, options=dashboard.filter_options(engine(request)))


def _history(request: Request, incident_id: int) -> list[dict]:
    entries = audit_trail.latest(engine(request), limit=100, entity="incident", entity_id=str(incident_id))
    out = []
    for e in entries:
        item = {"seq": e["seq"], "at": e["at"], "actor": e["actor"], "event": e["event"]}
        for side in ("before", "after"):
            try:
                item[side] = json.loads(e[side]) if e[side] else None
            except (TypeError, json.JSONDecodeError):
                item[side] = e[side]
        out.append(item)
    return out


@router.get("/incidents/{incident_id}", include_in_schema=False)
@router.get("/incidents/{incident_id}.json", include_in_schema=False)
def incident(request: Request, incident_id: int) -> Response:
    if not 1 <= incident_id <= 2**31 - 1:
        raise HTTPException(404, f"no incident {incident_id}")
    try:
        data = incident_service.get(engine(request), incident_id)
    except incident_service.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    data["country_name"] = dashboard.country_name(data["country_iso3"])
    data["history"] = _history(request, incident_id)
    return page(request, "incident.html", data, evidence=evidence_panel(request, incident_id=incident_id))

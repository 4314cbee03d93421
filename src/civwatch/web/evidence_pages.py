"""Evidence pages: an item with its metadata, links and custody; its download and thumbnail;
the decision log with override rates. Every page needs a logged-in user, because every view of
an item is a custody step recorded with who made it.

`evidence_panel` gives the incident and case pages the items linked to them (rendered in
templates/_evidence.html, thumbnails made server-side by Pillow).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse

from civwatch.domain.decisions import DecisionOutcome
from civwatch.domain.evidence import EvidenceRefused, content_disposition, download_type
from civwatch.services import decisions as decision_svc
from civwatch.services import evidence as svc
from civwatch.services.auth import Principal
from civwatch.web.render import WebRoute, current_user, engine, page, require_user

router = APIRouter(route_class=WebRoute)


def evidence_panel(request: Request, *, incident_id: int | None = None, case_id: int | None = None) -> dict | None:
    """The evidence list for an incident or case page; None for visitors not logged in."""
    user: Principal | None = current_user(request)
    if user is None:
        return None
    items = svc.for_incident(engine(request), incident_id) if incident_id is not None else svc.for_case(engine(request), case_id)
    return {"items": items}


def _id(item_id: int) -> int:
    if not 1 <= item_id <= 2**31 - 1:
        raise HTTPException(404, f"no evidence item {item_id}")
    return item_id


@router.get("/evidence/{item_id:int}", include_in_schema=False)
@router.get("/evidence/{item_id:int}.json", include_in_schema=False)
def item(request: Request, item_id: int) -> Response:
    user = require_user(request)
    try:
        doc = svc.view(engine(request), _id(item_id), user, why="item page")
    except svc.ItemNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    return page(request, "evidence_item.html", doc)


@router.get("/evidence/{item_id:int}/download", include_in_schema=False)
def download(request: Request, item_id: int) -> Response:
    user = require_user(request)
    try:
        path, row = svc.download(engine(request), _id(item_id), user, why="download from the item page")
    except svc.ItemNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    return FileResponse(path, media_type=download_type(row["media_type"]), headers={
        "Content-Disposition": content_disposition(row["name"]), "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'", "Cache-Control": "no-store"})


@router.get("/evidence/{item_id:int}/thumbnail.png", include_in_schema=False)
def thumbnail(request: Request, item_id: int) -> Response:
    user = require_user(request)
    try:
        path = svc.thumbnail(engine(request), _id(item_id), user)
    except (svc.ItemNotFound, EvidenceRefused) as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, no-store",
                                                               "X-Content-Type-Options": "nosniff"})


@router.get("/decisions", include_in_schema=False)
@router.get("/decisions.json", include_in_schema=False)
def decision_log(request: Request, system: str | None = None, unreviewed: bool = False,
                 incident: int | None = None, case: int | None = None) -> Response:
    require_user(request)
    for value in (incident, case):
        if value is not None and not 1 <= value <= 2**31 - 1:
            raise HTTPException(400, "incident and case are positive whole numbers")
    if system is not None and len(system) > 200:
        raise HTTPException(400, "system: at most 200 characters")
    eng = engine(request)
    data = {
        "filters": {"system": system, "unreviewed": unreviewed, "incident": incident, "case": case},
        "systems": decision_svc.rates(eng),
        "decisions": decision_svc.query(eng, system=system or None, unreviewed=unreviewed, incident_id=incident,
                                        case_id=case, limit=200),
    }
    return page(request, "decisions.html", data, outcomes=list(DecisionOutcome))

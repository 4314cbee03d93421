"""Screening pages: the application form, an assessment (criteria table, evidence with links
into incidents, a chart of the recipient's harm, the decision form for approvers), the list of
assessments and decisions, the consistency review. Each has a JSON twin; writes need the role
and the CSRF token and go through the same services as the API and the CLI.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from civwatch.domain import screening as dom
from civwatch.services import screening as svc
from civwatch.services import screening_tables as tables
from civwatch.web.render import WebRoute, current_user, engine, page, require_user
from civwatch.web.session import check_csrf

router = APIRouter(route_class=WebRoute)
FIELDS = ("recipient", "end_user", "item", "quantity", "value", "currency", "intended_use", "period_from", "period_to",
          "reference", "kind")


def _id(value: int) -> int:
    if not 1 <= value <= 2**31 - 1:
        raise HTTPException(404, f"no such id {value}")
    return value


def _choices() -> dict:
    return {"items": dom.ITEM_CATEGORIES, "end_users": [e.value for e in dom.EndUser], "kinds": [k.value for k in dom.Kind],
            "currencies": dom.CURRENCIES, "decisions": [d.value for d in dom.Decision]}


@router.get("/screening", include_in_schema=False)
@router.get("/screening.json", include_in_schema=False)
def assessments(request: Request) -> Response:
    rows = svc.list_assessments(engine(request))
    complete, total = svc.decisions_with_complete_evidence(engine(request))
    data = {"assessments": rows, "decided": total, "decided_with_complete_evidence": complete}
    return page(request, "screening_list.html", data)


@router.get("/screening/new", include_in_schema=False)
@router.get("/screening/new.json", include_in_schema=False)
def form(request: Request) -> Response:
    user = current_user(request)
    return page(request, "screening_form.html", {"defaults": dom.DEFAULT_CONFIG}, choices=_choices(),
                can_assess=bool(user and user.has(*svc.CREATE_ROLES)))


@router.post("/screening/new", include_in_schema=False)
async def create(request: Request) -> Response:
    user = require_user(request, *svc.CREATE_ROLES)
    f = await request.form()
    check_csrf(request.state.session, str(f.get("csrf", "")))
    raw = {k: str(f.get(k, "")) for k in FIELDS}
    window = str(f.get("window_years", "")).strip()
    if window and (not window.isdigit() or not 1 <= int(window) <= 50):
        raise ValueError("the window must be 1 to 50 years")
    aid = svc.new(engine(request), raw, user, config={"window_years": int(window)} if window else None)
    return RedirectResponse(f"/screening/{aid}", status_code=303)


@router.get("/screening/tables", include_in_schema=False)
@router.get("/screening/tables.json", include_in_schema=False)
def screening_tables(request: Request, table: str = "embargo", country: str = "", on: str = "") -> Response:
    """The embargo or diversion table in force, each embargo with its status on a date."""
    day = date.fromisoformat(on) if on else None
    data = tables.listing(engine(request), table, country.strip().upper() or None, day)
    user = current_user(request)
    return page(request, "screening_tables.html", data, can_import=bool(user and user.has(*tables.IMPORT_ROLES)))


@router.post("/screening/tables", include_in_schema=False)
async def import_table(request: Request) -> Response:
    """A table uploaded as a file or pasted as text, under a file name (a later import under the
    same name replaces it); role and CSRF token first."""
    user = require_user(request, *tables.IMPORT_ROLES)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > tables.MAX_BYTES + 100_000:
        raise HTTPException(413, f"a screening table is at most {tables.MAX_BYTES:,} bytes")
    f = await request.form()
    check_csrf(request.state.session, str(f.get("csrf", "")))
    upload = f.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data, name = await upload.read(tables.MAX_BYTES + 1), str(f.get("name") or upload.filename)
    else:
        data, name = str(f.get("text", "")).encode("utf-8"), str(f.get("name", ""))
    s = tables.import_bytes(engine(request), data, name, user)
    return RedirectResponse(f"/screening/tables?table={s['table']}", status_code=303)


@router.get("/screening/consistency", include_in_schema=False)
@router.get("/screening/consistency.json", include_in_schema=False)
def consistency(request: Request, max_distance: float = 0.5) -> Response:
    if not 0 <= max_distance <= 10:
        raise ValueError("max_distance must be between 0 and 10")
    return page(request, "screening_consistency.html", svc.consistency(engine(request), max_distance))


@router.get("/screening/{assessment_id}", include_in_schema=False)
@router.get("/screening/{assessment_id}.json", include_in_schema=False)
def assessment(request: Request, assessment_id: int) -> Response:
    try:
        a = svc.show(engine(request), _id(assessment_id))
    except svc.ScreeningNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    user = current_user(request)
    years = a["evidence"]["harm"]["by_year"]
    peak = max([y["deaths_best"] for y in years] + [1])
    return page(request, "screening.html", a, choices=_choices(), peak=peak,
                can_decide=bool(user and user.has(*svc.DECIDE_ROLES)) and a["decision"] is None)


@router.post("/screening/{assessment_id}/decision", include_in_schema=False)
async def decide(request: Request, assessment_id: int) -> Response:
    user = require_user(request, *svc.DECIDE_ROLES)
    f = await request.form()
    check_csrf(request.state.session, str(f.get("csrf", "")))
    try:
        svc.decide(engine(request), _id(assessment_id), str(f.get("decision", "")), str(f.get("reasons", "")),
                   str(f.get("mitigation", "")), user)
    except svc.ScreeningNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return RedirectResponse(f"/screening/{assessment_id}", status_code=303)

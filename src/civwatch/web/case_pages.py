"""CHMR case pages: the queue by priority, a case with its timeline and a form for each move,
the public report form (no account), the review queue of public reports, and the measures.

Forms post to the same services as the API and the CLI; a refused move re-renders the case
with the service's reason (422), a move that lost a race says so (409) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from civwatch.domain.cases import (
    OPEN_ROLES,
    PERSONAL_DATA_ROLES,
    AssessmentOutcome,
    Attribution,
    CaseState,
    CauseCategory,
    LessonStatus,
    Operation,
    PartyRole,
    ResponseKind,
    has_role,
    state_label,
)
from civwatch.domain.taxonomy import CivilianObject
from civwatch.services import case_publications as publications
from civwatch.services import cases as svc
from civwatch.web.evidence_pages import evidence_panel
from civwatch.web.render import WebRoute, current_user, engine, page, require_user
from civwatch.web.session import check_csrf

router = APIRouter(route_class=WebRoute)

CHOICES = {
    "outcome": list(AssessmentOutcome),
    "operation": list(Operation),
    "attribution": list(Attribution),
    "kind": list(ResponseKind),
    "status": list(LessonStatus),
    "cause_categories": list(CauseCategory),
    "party_role": list(PartyRole),
    "protected_objects": list(CivilianObject),
}
LINES = {"reasons", "evidence"}  # one item per line
FLAGS = {"ihl_concern", "recipient_consent"}  # checkboxes
NESTED = {"evidence": "investigation", "operation": "investigation", "unit": "investigation",
          "munition": "investigation", "time_on_target": "investigation"}


def details_from_form(target: str, form: dict[str, Any]) -> dict[str, Any]:
    """The details of a move from its form fields (empty fields left out)."""
    out: dict[str, Any] = {}
    for key, raw in form.items():
        if key in ("csrf", "to", "reason", "version"):
            continue
        if isinstance(raw, list):
            value: Any = [v for v in raw if v]
            if not value:
                continue
        elif key in FLAGS:
            value = raw in ("on", "true", "yes", "1")
        elif key == "harm_confirmed":
            if raw not in ("true", "false"):
                continue
            value = raw == "true"
        else:
            raw = raw.strip()
            if not raw:
                continue
            value = [line.strip() for line in raw.splitlines() if line.strip()] if key in LINES else raw
        if target == CaseState.FINDINGS.value and key in NESTED:
            out.setdefault("investigation", {})[key] = value
        else:
            out[key] = value
    if target == CaseState.FINDINGS.value:
        out.setdefault("ihl_concern", False)
    if target == CaseState.RESPONSE.value:
        out.setdefault("recipient_consent", False)
    return out


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    check_csrf(request.state.session, str(form.get("csrf", "")))
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if key in ("cause_categories", "protected_objects") else (values[0] if values else "")
    return out


# ---- the queue ---------------------------------------------------------------------------------


@router.get("/cases", include_in_schema=False)
@router.get("/cases.json", include_in_schema=False)
def queue(request: Request, state: str | None = None, overdue: bool = False) -> Response:
    states = [state] if state else None
    if state and state not in {s.value for s in CaseState}:
        raise HTTPException(400, f"state must be one of {', '.join(s.value for s in CaseState)}")
    items = svc.queue(engine(request), states=states, only_overdue=overdue)
    data = {"state": state, "overdue": overdue, "cases": svc.queue_document(items)}
    user = current_user(request)
    return page(request, "cases.html", data, states=list(CaseState), state_label=state_label,
                can_open=bool(user and has_role(user.roles, *OPEN_ROLES)), choices=CHOICES)


@router.post("/cases", include_in_schema=False)
async def open_case(request: Request) -> Response:
    form = await _form(request)
    user = await run_in_threadpool(require_user, request, *OPEN_ROLES)
    eng = engine(request)
    reason = form.get("reason", "")
    try:
        if form.get("incident_id", "").strip():
            try:
                incident_id = int(form["incident_id"])
            except ValueError:
                raise ValueError("incident: give the number of an incident of the register") from None
            case_id = await run_in_threadpool(svc.open_from_incident, eng, incident_id, user, reason)
        else:
            facts = {
                "summary": form.get("summary", ""), "country_iso3": form.get("country_iso3") or None,
                "date_start": form.get("date_start") or None, "location": form.get("location") or None,
                "civilian_deaths": form.get("civilian_deaths") or 0, "civilian_injuries": form.get("civilian_injuries") or 0,
                "children_harmed": form.get("children_harmed") or 0, "sexual_violence": form.get("sexual_violence") == "on",
                "explosive_weapons": form.get("explosive_weapons") == "on", "protected_objects": form.get("protected_objects", []),
            }
            case_id = await run_in_threadpool(svc.open_from_report, eng, facts, user, reason)
    except svc.CaseNotFound as exc:
        raise ValueError(str(exc).strip("'\"")) from None
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/measures", include_in_schema=False)
@router.get("/cases/measures.json", include_in_schema=False)
def measures(request: Request) -> Response:
    return page(request, "case_measures.html", svc.measures(engine(request)), state_label=state_label)


@router.get("/cases/public-reports", include_in_schema=False)
@router.get("/cases/public-reports.json", include_in_schema=False)
def public_reports(request: Request) -> Response:
    user = require_user(request, *OPEN_ROLES)
    return page(request, "public_reports.html", {"reports": svc.public_queue(engine(request), user)})


# ---- one case ----------------------------------------------------------------------------------


def _case_page(request: Request, case_id: int, status: int = 200, error: str | None = None,
               values: dict[str, Any] | None = None) -> Response:
    user = current_user(request)
    try:
        case = svc.get_case(engine(request), case_id, user)
    except svc.CaseNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    doc = svc.case_document(case)
    moves = [m for m in case["next_moves"] if user and has_role(user.roles, *m["roles"])]
    extra = {
        "moves": moves, "choices": CHOICES, "state_label": state_label, "error": error, "values": values or {},
        "can_add_party": bool(user and has_role(user.roles, *PERSONAL_DATA_ROLES)) and case["state"] != "closed",
        "evidence": evidence_panel(request, case_id=case_id),
    }
    if error:
        doc = {**doc, "error": error}
    return page(request, "case.html", doc, status=status, **extra)


@router.get("/cases/{case_id:int}.json", include_in_schema=False)
@router.get("/cases/{case_id:int}", include_in_schema=False)
def case(request: Request, case_id: int) -> Response:
    if not 1 <= case_id <= 2**31 - 1:
        raise HTTPException(404, f"no case {case_id}")
    return _case_page(request, case_id)


@router.post("/cases/{case_id:int}/move", include_in_schema=False)
async def move(request: Request, case_id: int) -> Response:
    form = await _form(request)
    user = await run_in_threadpool(require_user, request)
    target = form.get("to", "")
    try:
        version = int(form.get("version", ""))
    except ValueError:
        version = None
    details = details_from_form(target, form)
    try:
        await run_in_threadpool(svc.move, engine(request), case_id, target, user, form.get("reason", ""), details, version)
    except svc.CaseNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    except svc.CaseConflict as exc:
        return await run_in_threadpool(_case_page, request, case_id, 409, str(exc), {"to": target, **form})
    except (svc.CaseRuleError, svc.CaseForbidden) as exc:
        status = 403 if isinstance(exc, svc.CaseForbidden) else 422
        return await run_in_threadpool(_case_page, request, case_id, status, str(exc), {"to": target, **form})
    return RedirectResponse(f"/cases/{case_id}#timeline", status_code=303)


@router.post("/cases/{case_id:int}/parties", include_in_schema=False)
async def add_party(request: Request, case_id: int) -> Response:
    form = await _form(request)
    user = await run_in_threadpool(require_user, request, *PERSONAL_DATA_ROLES)
    try:
        await run_in_threadpool(
            svc.add_party, engine(request), case_id, user, form.get("party_role", ""),
            form.get("name") or None, form.get("identifier") or None, form.get("contact") or None,
            form.get("relationship") or None,
        )
    except svc.CaseNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    except (svc.CaseRuleError, ValueError) as exc:
        return await run_in_threadpool(_case_page, request, case_id, 422, str(exc), {"to": "party"})
    return RedirectResponse(f"/cases/{case_id}#people", status_code=303)


# ---- what of case work is public: the summaries approvers published -----------------------------


@router.get("/published-cases", include_in_schema=False)
@router.get("/published-cases.json", include_in_schema=False)
def published_cases(request: Request) -> Response:
    return page(request, "published_cases.html", {"published": publications.published(engine(request))})


# ---- reports from the public -------------------------------------------------------------------


@router.get("/report-harm", include_in_schema=False)
@router.get("/report-harm.json", include_in_schema=False)
def report_form(request: Request) -> Response:
    return page(request, "report_harm.html", {"values": {}, "error": None, "received": None}, choices=CHOICES)


@router.post("/report-harm", include_in_schema=False)
async def report_harm(request: Request) -> Response:
    form = await _form(request)
    facts = {
        "summary": form.get("summary", ""), "country_iso3": form.get("country_iso3") or None,
        "date_start": form.get("date_start") or None, "location": form.get("location") or None,
        "civilian_deaths": form.get("civilian_deaths") or 0, "civilian_injuries": form.get("civilian_injuries") or 0,
        "children_harmed": form.get("children_harmed") or 0, "sexual_violence": form.get("sexual_violence") == "on",
        "protected_objects": form.get("protected_objects", []),
    }
    address = request.client.host if request.client else "unknown"
    shown = {k: v for k, v in form.items() if k not in ("csrf", "reporter_name", "reporter_contact")}
    try:
        rid = await run_in_threadpool(
            svc.submit_public_report, engine(request), facts, address, form.get("reporter_name"), form.get("reporter_contact"),
        )
    except svc.RateLimited as exc:
        return page(request, "report_harm.html", {"values": shown, "error": str(exc), "received": None}, status=429, choices=CHOICES)
    except ValueError as exc:
        return page(request, "report_harm.html", {"values": shown, "error": str(exc), "received": None}, status=422, choices=CHOICES)
    return page(request, "report_harm.html", {"values": {}, "error": None, "received": rid}, status=201, choices=CHOICES)


@router.post("/cases/public-reports/{report_id:int}/review", include_in_schema=False)
async def review(request: Request, report_id: int) -> Response:
    form = await _form(request)
    user = await run_in_threadpool(require_user, request, *OPEN_ROLES)
    accept = form.get("decision") == "accept"
    try:
        case_id = await run_in_threadpool(svc.review_public_report, engine(request), report_id, user, accept, form.get("reason", ""))
    except svc.CaseNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    except svc.CaseConflict as exc:
        raise ValueError(str(exc)) from None
    return RedirectResponse(f"/cases/{case_id}" if case_id else "/cases/public-reports", status_code=303)

"""Missing-person pages: the family's report form and follow-up (no account), public figures,
the officers' queue (overdue first, children first), the case with its candidates side by side,
and the lists imported. Forms post to the same services as the API and the CLI."""

from __future__ import annotations

import shutil
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from civwatch.domain.missing import (
    CONFIRM_ROLES,
    OFFICER_ROLES,
    Circumstance,
    CloseReason,
    ListKind,
    MissingRuleError,
)
from civwatch.services import missing as svc
from civwatch.services import missing_lists, scratch, uploads
from civwatch.web.render import WebRoute, client_address, engine, page, require_user
from civwatch.web.session import check_csrf

router = APIRouter(route_class=WebRoute)
CHOICES = {"circumstance": list(Circumstance), "close_reason": list(CloseReason)}
PERSON_KEYS = ("name", "other_names", "sex", "date_of_birth", "age", "place_last_seen", "last_seen_date", "country_iso3",
               "circumstance", "circumstances_text", "reporter_name", "reporter_contact", "reporter_relation")


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    check_csrf(request.state.session, str(form.get("csrf", "")))
    return {k: str(form.get(k, "")) for k in form}


@router.get("/missing-report", include_in_schema=False)
@router.get("/missing-report.json", include_in_schema=False)
def report_form(request: Request) -> Response:
    return page(request, "missing_report.html", {"received": None, "error": None}, choices=CHOICES, values={})


@router.post("/missing-report", include_in_schema=False)
async def report(request: Request) -> Response:
    form = await _form(request)
    facts: dict[str, Any] = {k: (form.get(k) or None) for k in PERSON_KEYS}
    facts["other_names"] = form.get("other_names", "")
    facts["consent_share"] = form.get("consent_share") == "on"
    shown = {k: v for k, v in form.items() if k in ("sex", "circumstance")}
    try:
        out = await run_in_threadpool(svc.report_public, engine(request), facts, client_address(request))
    except svc.RateLimited as exc:
        return page(request, "missing_report.html", {"received": None, "error": str(exc)}, status=429, choices=CHOICES, values=shown)
    except (MissingRuleError, ValueError) as exc:
        return page(request, "missing_report.html", {"received": None, "error": str(exc)}, status=422, choices=CHOICES, values=shown)
    return page(request, "missing_report.html", {"received": {"code": out["code"], "secret": out["secret"]}, "error": None},
                status=201, choices=CHOICES, values={})


@router.get("/missing-follow", include_in_schema=False)
@router.get("/missing-follow.json", include_in_schema=False)
def follow_form(request: Request) -> Response:
    return page(request, "missing_follow.html", {"case": None, "error": None})


@router.post("/missing-follow", include_in_schema=False)
async def follow(request: Request) -> Response:
    form = await _form(request)
    try:
        case = await run_in_threadpool(svc.follow, engine(request), form.get("code", ""), form.get("secret", ""), client_address(request))
    except svc.RateLimited as exc:
        return page(request, "missing_follow.html", {"case": None, "error": str(exc)}, status=429)
    except svc.MissingNotFound as exc:
        return page(request, "missing_follow.html", {"case": None, "error": str(exc)}, status=404)
    return page(request, "missing_follow.html", {"case": case, "error": None})


@router.get("/missing-figures", include_in_schema=False)
@router.get("/missing-figures.json", include_in_schema=False)
def figures(request: Request) -> Response:
    return page(request, "missing_figures.html", svc.public_figures(engine(request)))


@router.get("/missing", include_in_schema=False)
@router.get("/missing.json", include_in_schema=False)
def queue(request: Request) -> Response:
    user = require_user(request, *OFFICER_ROLES)
    eng = engine(request)
    return page(request, "missing_queue.html", {"cases": svc.queue(eng, user), "measures": svc.measures(eng)})


def _case_page(request: Request, case_id: int, status: int = 200, error: str | None = None) -> Response:
    user = require_user(request, *OFFICER_ROLES)
    try:
        case = svc.get_case(engine(request), case_id, user)
    except svc.MissingNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    return page(request, "missing_case.html", {"case": case, "error": error}, status=status, choices=CHOICES,
                can_decide=user.has(*CONFIRM_ROLES))


@router.get("/missing/cases/{case_id:int}", include_in_schema=False)
@router.get("/missing/cases/{case_id:int}.json", include_in_schema=False)
def case_page(request: Request, case_id: int) -> Response:
    return _case_page(request, case_id)


@router.post("/missing/cases/{case_id:int}/move", include_in_schema=False)
async def move(request: Request, case_id: int) -> Response:
    form = await _form(request)
    user = await run_in_threadpool(require_user, request, *OFFICER_ROLES)
    try:
        await run_in_threadpool(svc.move, engine(request), case_id, form.get("to", ""), user, form.get("reason", ""),
                                form.get("close_reason") or None)
    except svc.MissingNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    except (MissingRuleError, svc.MissingConflict) as exc:
        return await run_in_threadpool(_case_page, request, case_id, 422, str(exc))
    return RedirectResponse(f"/missing/cases/{case_id}", status_code=303)


@router.post("/missing/cases/{case_id:int}/decision", include_in_schema=False)
async def decide(request: Request, case_id: int) -> Response:
    form = await _form(request)
    user = await run_in_threadpool(require_user, request, *CONFIRM_ROLES)
    try:
        candidate = int(form.get("candidate", ""))
    except ValueError:
        raise ValueError("candidate: give the number of one of the case's candidates") from None
    try:
        await run_in_threadpool(svc.decide, engine(request), case_id, candidate, user, form.get("decision") == "confirm",
                                form.get("reason", ""))
    except svc.MissingNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    except (MissingRuleError, svc.MissingConflict) as exc:
        return await run_in_threadpool(_case_page, request, case_id, 422, str(exc))
    return RedirectResponse(f"/missing/cases/{case_id}", status_code=303)


def _lists_page(request: Request, status: int = 200, imported: dict | None = None, error: str | None = None,
                values: dict | None = None) -> Response:
    user = require_user(request, *OFFICER_ROLES)
    eng = engine(request)
    rejected = missing_lists.rejections(eng, imported["id"], user) if imported else []
    return page(request, "missing_lists.html", {"lists": missing_lists.lists(eng, user), "imported": imported,
                                                "rejections": rejected, "error": error},
                status=status, kinds=list(ListKind), values=values or {})


@router.get("/missing/lists", include_in_schema=False)
@router.get("/missing/lists.json", include_in_schema=False)
def lists(request: Request) -> Response:
    return _lists_page(request)


@router.post("/missing/lists", include_in_schema=False)
async def upload_list(request: Request) -> Response:
    """A list uploaded from the page: CSRF token (in the form's action, as for /imports), role and
    declared size checked before a byte of the body is read; the file streams to the scratch
    folder (services/uploads.py), is imported as by the CLI, and is removed. The page then shows
    the row accounting and every rejected row with its reason."""
    check_csrf(request.state.session, request.query_params.get("csrf") or request.headers.get("x-csrf-token"))
    user = await run_in_threadpool(require_user, request, *OFFICER_ROLES)
    missing_lists.check_importer(user)
    limit = missing_lists.MAX_LIST_BYTES
    hint = "; import it with `civwatch missing lists import`"
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise HTTPException(413, f"the file is larger than {limit // (1024 * 1024)} MB{hint}")
    eng = engine(request)
    folder = await run_in_threadpool(scratch.folder, eng, "missing-list")
    fields: dict[str, str] = {}
    try:
        try:
            path, fields = await uploads.receive_upload(request.stream(), request.headers.get("content-type", ""), folder, limit, hint)
        except uploads.UploadTooLarge as exc:
            raise HTTPException(413, str(exc)) from None
        shown = {k: v for k, v in fields.items() if k in missing_lists.UPLOAD_FIELDS}
        fields = {k: v for k, v in fields.items() if k != "csrf"}
        try:
            out = await run_in_threadpool(missing_lists.import_upload, eng, path, fields, user)
        except (MissingRuleError, ValueError) as exc:  # a bad field or a file that cannot be read: said, nothing kept
            return await run_in_threadpool(_lists_page, request, 422, None, str(exc), shown)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return await run_in_threadpool(_lists_page, request, 201, out)

"""National action plan pages: the plan tree, the department view, a commitment with its
indicator chart (uPlot), the progress report with its approval form. Each has a JSON twin;
an illustrative plan says so at the top of every page."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from civwatch.services import plan as svc
from civwatch.web.render import WebRoute, current_user, engine, page, require_user
from civwatch.web.session import check_csrf

router = APIRouter(route_class=WebRoute)


def _date(request: Request, key: str, default: date | None = None) -> date | None:
    raw = request.query_params.get(key)
    if raw in (None, ""):
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{key} must be a date like 2024-12-31, got {raw[:12]!r}") from None


def _version(request: Request) -> int | None:
    raw = request.query_params.get("version")
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        raise ValueError(f"version must be a whole number, got {raw[:12]!r}")
    return int(raw)


def _plan(request: Request) -> str | None:
    return request.query_params.get("plan") or None


def _found(call):
    try:
        return call()
    except svc.PlanNotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None


@router.get("/plan", include_in_schema=False)
@router.get("/plan.json", include_in_schema=False)
def plan_tree(request: Request) -> Response:
    data = _found(lambda: svc.show(engine(request), _plan(request), _version(request), _date(request, "on")))
    return page(request, "plan.html", svc.jsonable(data))


@router.get("/plan/departments", include_in_schema=False)
@router.get("/plan/departments.json", include_in_schema=False)
def plan_departments(request: Request) -> Response:
    data = _found(lambda: svc.departments_view(engine(request), _plan(request), _date(request, "on"), _version(request)))
    return page(request, "plan_departments.html", svc.jsonable(data))


@router.get("/plan/report", include_in_schema=False)
@router.get("/plan/report.json", include_in_schema=False)
def plan_report(request: Request) -> Response:
    start, end = _date(request, "from"), _date(request, "to")
    if start is None or end is None:
        tree = _found(lambda: svc.show(engine(request), _plan(request), _version(request)))
        start = start or date.fromisoformat(str(tree["period"][0]))
        end = end or min(date.fromisoformat(str(tree["period"][1])), date.fromisoformat(str(tree["on"])))
    data = _found(lambda: svc.report(engine(request), start, end, _plan(request), _version(request)))
    user = current_user(request)
    can_approve = bool(user) and user.has(*svc.APPROVE_ROLES)
    return page(request, "plan_report.html", svc.jsonable(data), can_approve=can_approve)


@router.post("/plan/report/approve", include_in_schema=False)
async def plan_approve(request: Request) -> Response:
    form = await request.form()
    check_csrf(request.state.session, str(form.get("csrf", "")))
    user = await run_in_threadpool(require_user, request, *svc.APPROVE_ROLES)
    try:
        start, end = date.fromisoformat(str(form.get("from", ""))), date.fromisoformat(str(form.get("to", "")))
    except ValueError:
        raise ValueError("from and to must be dates like 2024-12-31") from None
    plan_id = str(form.get("plan") or "") or None
    narratives = {k.removeprefix("narrative_"): str(v) for k, v in form.items() if k.startswith("narrative_")}
    await run_in_threadpool(svc.approve, engine(request), user, start, end, narratives, plan_id)
    query = f"from={start}&to={end}" + (f"&plan={plan_id}" if plan_id else "")
    return RedirectResponse(f"/plan/report?{query}", status_code=303)


@router.get("/plan/commitments/{cid}.json", include_in_schema=False)
@router.get("/plan/commitments/{cid}", include_in_schema=False)
def plan_commitment(request: Request, cid: str) -> Response:
    cid = cid.removesuffix(".json")
    data = _found(lambda: svc.commitment(engine(request), cid, _plan(request), _version(request), _date(request, "on")))
    return page(request, "plan_commitment.html", svc.jsonable(data))

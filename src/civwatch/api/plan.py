"""The national action plan on POC over HTTP: the plan tree with live indicators, departments,
a commitment with its series, the progress report (JSON, CSV, XLSX; PDF streamed, or HTML, in
English or French through the briefs' renderer), the YAML of any version;
import and approval need a token with the role (analyst / approver). Refusals are problem+json
with every problem's line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader, writer
from civwatch.api.errors import problem
from civwatch.services import plan as svc
from civwatch.services import plan_report
from civwatch.services.auth import Principal

router = APIRouter(tags=["plan"])
PROBLEM = {"content": {"application/problem+json": {}}}
EngineDep = Annotated[Engine, Depends(get_engine)]
PlanId = Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", description="plan identifier (default: the first)")]
Version = Annotated[int | None, Query(ge=1, le=1_000_000, description="plan version (default: the latest)")]
On = Annotated[date | None, Query(description="compute indicators as of this date (default today)")]
MAX_YAML = 2_000_000
CHUNK = 64 * 1024


def _chunks(body: bytes) -> Iterator[bytes]:
    for i in range(0, len(body), CHUNK):
        yield body[i:i + CHUNK]


@router.get("/plan/queries", summary="The named, versioned queries a plan indicator may be bound to", dependencies=[Depends(reader)])
def queries() -> dict:
    return {"queries": svc.catalogue()}


@router.get("/plan", summary="The plan tree with every indicator's value and progress on a date", dependencies=[Depends(reader)], responses={404: PROBLEM})
def show(engine: EngineDep, plan: PlanId = None, version: Version = None, on: On = None) -> dict:
    return svc.show(engine, plan, version, on)


@router.get("/plan/yaml", summary="The YAML of a plan version, as imported", dependencies=[Depends(reader)],
            response_class=Response, responses={200: {"content": {"application/yaml": {}}}, 404: PROBLEM})
def export_yaml(engine: EngineDep, plan: PlanId = None, version: Version = None) -> Response:
    text = svc.export_yaml(engine, plan, version)
    return Response(text, media_type="application/yaml; charset=utf-8")


@router.post("/plan", response_model=None, summary="Import a YAML plan as its next version (role analyst); refused whole, with lines",
             status_code=201, responses={422: PROBLEM, 401: PROBLEM, 403: PROBLEM, 413: PROBLEM})
async def import_yaml(request: Request, engine: EngineDep, principal: Annotated[Principal, Depends(writer)],
                      note: Annotated[str | None, Query(max_length=500)] = None) -> dict | JSONResponse:
    body = await request.body()
    if len(body) > MAX_YAML:
        return problem(413, "Too large", f"a plan is at most {MAX_YAML:,} bytes")
    try:
        return svc.import_yaml(engine, body, principal, note=note)
    except svc.PlanRefused as exc:
        return problem(422, "Plan refused", str(exc),
                       errors=[{"line": p.line, "field": p.path, "message": p.message} for p in exc.problems])


@router.get("/plan/departments", summary="Per department: what it leads, partners in, what is overdue or at risk", dependencies=[Depends(reader)], responses={404: PROBLEM})
def departments(engine: EngineDep, plan: PlanId = None, version: Version = None, on: On = None) -> dict:
    return svc.departments_view(engine, plan, on, version)


@router.get("/plan/commitments/{cid}", summary="One commitment with each indicator's series beside the straight path", dependencies=[Depends(reader)], responses={404: PROBLEM})
def commitment(engine: EngineDep, cid: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")],
               plan: PlanId = None, version: Version = None, on: On = None) -> dict:
    return svc.commitment(engine, cid, plan, version, on)


@router.get("/plan/report", summary="Progress report for a period (JSON, CSV, XLSX, or PDF / HTML in English or French)",
            dependencies=[Depends(reader)],
            responses={404: PROBLEM, 200: {"content": {"application/json": {}, "text/csv": {}, "application/pdf": {}}}})
def report(engine: EngineDep, start: Annotated[date, Query(alias="from")], end: Annotated[date, Query(alias="to")],
           plan: PlanId = None, version: Version = None,
           format: Annotated[str, Query(pattern="^(json|csv|xlsx|pdf|html)$")] = "json",
           lang: Annotated[Literal["en", "fr"], Query(description="Language of the PDF / HTML report.")] = "en",
           paper: Annotated[Literal["a4", "letter"], Query(description="PDF page size.")] = "a4") -> Response:
    data = svc.report(engine, start, end, plan, version)
    if format == "json":
        return JSONResponse(svc.jsonable(data))
    if format in ("pdf", "html"):  # the briefs' renderer: one template, one catalogue
        body, media, name = plan_report.render(engine, data, format, lang, paper)
        headers = {"Content-Disposition": f'inline; filename="{name}"'}
        if format == "pdf":
            return StreamingResponse(_chunks(body), media_type=media, headers=headers)
        return Response(body, media_type=media, headers=headers)
    body, media, name = svc.report_export(data, format)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


class Approval(BaseModel):
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    plan: str | None = Field(default=None, max_length=64)
    narratives: dict[str, Annotated[str, Field(max_length=20_000)]] = Field(default_factory=dict)


@router.post("/plan/report/approve", summary="Approve the report for a period with a narrative per department (role approver)",
             status_code=201, responses={401: PROBLEM, 403: PROBLEM, 404: PROBLEM})
def approve(engine: EngineDep, principal: Annotated[Principal, Depends(writer)], body: Annotated[Approval, Body()]) -> dict:
    return svc.approve(engine, principal, body.start, body.end, body.narratives, body.plan)

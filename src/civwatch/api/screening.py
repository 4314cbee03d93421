"""Arms-export and assistance screening over HTTP: applications assessed criterion by
criterion, decisions (the approver role), the consistency review.

Errors are problem+json: an application refused is 422 with the valid values, a decision
without the role is 403, a change to a decided assessment is 409.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader, writer
from civwatch.api.errors import problem
from civwatch.domain import screening as dom
from civwatch.services import screening as svc
from civwatch.services import screening_tables as tables
from civwatch.services.auth import Principal

router = APIRouter(tags=["screening"])
PROBLEM = {"content": {"application/problem+json": {}}}
WRITE_RESPONSES = {401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 422: PROBLEM}
AssessmentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Lang = Annotated[str, Query(pattern="^(en|fr)$", description="en or fr")]
Paper = Annotated[str, Query(pattern="^(a4|letter)$", description="a4 or letter")]
T = TypeVar("T")


def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | JSONResponse:
    try:
        return fn(*args, **kwargs)
    except svc.ScreeningNotFound as exc:
        return problem(404, "Not found", str(exc))
    except svc.ScreeningImmutable as exc:
        return problem(409, "Conflict", str(exc))
    except svc.ScreeningError as exc:
        return problem(422, "Application refused", str(exc))


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recipient: str = Field(max_length=3, description="ISO 3166-1 alpha-3")
    end_user: str = Field(max_length=40)
    item: str = Field(max_length=8, description="ML1..ML22 or DU0..DU9")
    quantity: int = Field(ge=1, le=10**9)
    value: float = Field(gt=0, le=1e15)
    currency: str = Field(max_length=3)
    intended_use: str = Field(max_length=2000)
    period_from: date
    period_to: date
    reference: str = Field(max_length=100)
    kind: str = Field(default="export", max_length=16)
    config: dict[str, Any] | None = Field(default=None, description="thresholds/weights overriding the defaults")
    supersedes: int | None = Field(default=None, ge=1, le=2**31 - 1)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: str = Field(max_length=32, description="approve, approve_with_conditions, deny, refer")
    reasons: str = Field(min_length=1, max_length=4000)
    mitigation: str = Field(default="", max_length=4000)


def _doc(a: dict) -> Any:
    return jsonable_encoder(a)


@router.get("/screening", summary="Screening assessments, newest first", dependencies=[Depends(reader)])
def list_assessments(engine: Annotated[Engine, Depends(get_engine)],
                     decided: Annotated[bool | None, Query(description="only decided (true) or open (false)")] = None) -> Any:
    return {"assessments": jsonable_encoder(svc.list_assessments(engine, decided))}


@router.get("/screening/reference", summary="Item categories, their weapon families, criteria, default configuration",
            dependencies=[Depends(reader)])
def reference() -> dict:
    return {"items": [{"item": k, "name": v, "weapons": list(dom.weapons_for(k))} for k, v in dom.ITEM_CATEGORIES.items()],
            "end_users": [e.value for e in dom.EndUser], "decisions": [d.value for d in dom.Decision],
            "criteria": [{"id": c.id, "title": c.title, "inputs": list(c.inputs)} for c in dom.CRITERIA],
            "default_config": dom.DEFAULT_CONFIG}


@router.get("/screening/consistency", summary="Decided applications with like evidence and unlike decisions",
            dependencies=[Depends(reader)])
def consistency(engine: Annotated[Engine, Depends(get_engine)],
                max_distance: Annotated[float, Query(ge=0, le=10)] = 0.5) -> Any:
    return jsonable_encoder(svc.consistency(engine, max_distance))


@router.get("/screening/tables/{table}", summary="The embargo or diversion table in force: batches with their counts, rows",
            dependencies=[Depends(reader)], responses={422: PROBLEM})
def list_table(engine: Annotated[Engine, Depends(get_engine)],
               table: Annotated[str, Path(pattern="^(embargo|diversion)$", description="embargo or diversion")],
               country: Annotated[str | None, Query(pattern="^[A-Z]{3}$", description="ISO alpha-3")] = None,
               on: Annotated[date | None, Query(description="read each embargo's status on this date")] = None) -> Any:
    got = _run(tables.listing, engine, table, country, on)
    return got if isinstance(got, JSONResponse) else jsonable_encoder(got)


@router.post("/screening/tables", status_code=201, summary="Import an embargo or diversion table (CSV body; assessor, analyst)",
             responses={**WRITE_RESPONSES, 413: PROBLEM})
async def import_table(request: Request, engine: Annotated[Engine, Depends(get_engine)],
                       principal: Annotated[Principal, Depends(writer)],
                       name: Annotated[str, Query(max_length=104, description="the file name, e.g. embargoes.csv: "
                                                  "a later import under the same name replaces it")]) -> Any:
    if not principal.has(*tables.IMPORT_ROLES):
        return problem(403, "Forbidden", "importing a screening table needs the role assessor or analyst")
    body = await request.body()
    if len(body) > tables.MAX_BYTES:
        return problem(413, "Too large", f"a screening table is at most {tables.MAX_BYTES:,} bytes")
    got = _run(tables.import_bytes, engine, body, name, principal)
    return got if isinstance(got, JSONResponse) else JSONResponse(jsonable_encoder(got), status_code=201)


@router.get("/screening/{assessment_id}", summary="One assessment: application, configuration, evidence, criteria, decision",
            dependencies=[Depends(reader)], responses={404: PROBLEM})
def get_assessment(engine: Annotated[Engine, Depends(get_engine)], assessment_id: AssessmentId) -> Any:
    a = _run(svc.show, engine, assessment_id)
    return a if isinstance(a, JSONResponse) else _doc(a)


@router.get("/screening/{assessment_id}/export.json", summary="An assessment as it was made, for the file",
            dependencies=[Depends(reader)], responses={404: PROBLEM})
def export_assessment(engine: Annotated[Engine, Depends(get_engine)], assessment_id: AssessmentId) -> Any:
    a = _run(svc.export_json, engine, assessment_id)
    if isinstance(a, JSONResponse):
        return a
    return JSONResponse(jsonable_encoder(a), headers={"Content-Disposition": f'attachment; filename="screening-{assessment_id}.json"'})


@router.get("/screening/{assessment_id}/export.pdf", summary="An assessment as a PDF document, in English or French",
            dependencies=[Depends(reader)], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, 404: PROBLEM, 422: PROBLEM})
def export_pdf(engine: Annotated[Engine, Depends(get_engine)], assessment_id: AssessmentId, lang: Lang = "en",
               paper: Paper = "a4") -> Any:
    got = _run(svc.export_document, engine, assessment_id, "pdf", lang, paper)
    if isinstance(got, JSONResponse):
        return got
    body, media = got
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="screening-{assessment_id}-{lang}.pdf"'})


@router.post("/screening", status_code=201, summary="Assess an application (assessor, analyst, admin)", responses=WRITE_RESPONSES)
def new_assessment(body: ApplicationIn, engine: Annotated[Engine, Depends(get_engine)],
                   principal: Annotated[Principal, Depends(writer)]) -> Any:
    raw = body.model_dump(exclude={"config", "supersedes"})
    aid = _run(svc.new, engine, raw, principal, config=body.config, supersedes=body.supersedes)
    if isinstance(aid, JSONResponse):
        return aid
    return JSONResponse(_doc(svc.show(engine, aid)), status_code=201, headers={"Location": f"/api/screening/{aid}"})


@router.post("/screening/{assessment_id}/decision", summary="Decide (approver, admin); once only", responses=WRITE_RESPONSES)
def decide(body: DecisionIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)],
           assessment_id: AssessmentId) -> Any:
    a = _run(svc.decide, engine, assessment_id, body.decision, body.reasons, body.mitigation, principal)
    return a if isinstance(a, JSONResponse) else _doc(a)

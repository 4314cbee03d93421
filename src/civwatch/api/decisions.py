"""The decision log over HTTP. Every route needs a Bearer token (the log concerns targeting)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.encoders import jsonable_encoder
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, writer
from civwatch.api.errors import problem
from civwatch.domain.decisions import DecisionIn
from civwatch.services import decisions as svc
from civwatch.services.auth import Principal

router = APIRouter(tags=["decisions"])
PROBLEM = {"content": {"application/problem+json": {}}}
RESPONSES = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 422: PROBLEM}
Who = Annotated[Principal, Depends(writer)]
Eng = Annotated[Engine, Depends(get_engine)]


@router.post("/decisions", status_code=201, responses=RESPONSES, summary="Append a decision to the log")
def add(body: DecisionIn, engine: Eng, principal: Who) -> dict:
    return {"id": svc.record(engine, principal, body)}


@router.get("/decisions", responses=RESPONSES, summary="Entries, newest first (filters: system, unreviewed, incident, case)")
def entries(
    engine: Eng,
    principal: Who,
    system: Annotated[str | None, Query(max_length=200)] = None,
    unreviewed: bool = False,
    incident: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    case: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict:
    rows = svc.query(engine, system=system, unreviewed=unreviewed, incident_id=incident, case_id=case, limit=limit)
    return jsonable_encoder({"decisions": rows})


@router.get("/decisions/rates", responses=RESPONSES, summary="Per system: unreviewed entries and the override rate")
def rates(engine: Eng, principal: Who) -> dict:
    return {"systems": svc.rates(engine), **svc.summary(engine)}


@router.get("/decisions/{decision_id}", responses=RESPONSES, summary="One entry, checked against its audit entry")
def one(decision_id: Annotated[int, Path(ge=1, le=2**31 - 1)], engine: Eng, principal: Who):
    try:
        return jsonable_encoder(svc.show(engine, decision_id))
    except svc.DecisionNotFound as exc:
        return problem(404, "Not found", str(exc).strip("'\""))

"""Incidents: browse with filters and cursor pagination, read one, record and edit by hand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from civwatch.api.deps import filters, get_engine, reader, writer
from civwatch.domain.query import Filters
from civwatch.services import incidents as svc
from civwatch.services.auth import Principal

router = APIRouter(tags=["incidents"])
PROBLEM = {"content": {"application/problem+json": {}}}
WRITE_RESPONSES = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 422: PROBLEM}


@router.get("/incidents", summary="Incidents matching the filters, one page at a time", dependencies=[Depends(reader)])
def list_incidents(
    engine: Annotated[Engine, Depends(get_engine)],
    f: Annotated[Filters, Depends(filters)],
    sort: Annotated[str, Query(pattern=r"^-?(date|civilian_deaths|id)$")] = "-date",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict:
    return svc.page(engine, f, sort, cursor, limit)


@router.get("/incidents/{incident_id}", summary="One incident with its reports side by side", dependencies=[Depends(reader)], responses={404: PROBLEM})
def get_incident(engine: Annotated[Engine, Depends(get_engine)], incident_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> dict:
    return svc.get(engine, incident_id)


@router.post("/incidents", status_code=201, summary="Record an incident by hand (recorder, analyst, admin)", responses=WRITE_RESPONSES)
def create_incident(
    body: svc.IncidentIn,
    engine: Annotated[Engine, Depends(get_engine)],
    principal: Annotated[Principal, Depends(writer)],
) -> JSONResponse:
    created = svc.create(engine, principal, body)
    return JSONResponse(jsonable_encoder(created), status_code=201, headers={"Location": f"/api/incidents/{created['id']}"})


@router.patch("/incidents/{incident_id}", summary="Edit an incident (recorder, analyst, admin)", responses=WRITE_RESPONSES)
def patch_incident(
    body: svc.IncidentPatch,
    engine: Annotated[Engine, Depends(get_engine)],
    principal: Annotated[Principal, Depends(writer)],
    incident_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> dict:
    return svc.update(engine, principal, incident_id, body)

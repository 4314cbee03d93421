"""Analysts' linkage decisions over HTTP: the twins of `civwatch incidents merge|split|grade|responsibility`.

Each is audited by the linking service and survives every later `civwatch link`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader, writer
from civwatch.domain.taxonomy import Role
from civwatch.services import linking
from civwatch.services.auth import Principal

router = APIRouter(tags=["linkage"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Reason = Annotated[str, Field(min_length=1, max_length=2000, description="why: kept in the audit trail")]


def analyst(principal: Annotated[Principal, Depends(writer)]) -> Principal:
    if not principal.has(Role.ANALYST):
        raise PermissionError("linkage decisions need the analyst role")
    return principal


class MergeIn(BaseModel):
    other: Annotated[int, Field(ge=1, le=2**31 - 1, description="the incident merged into this one")]
    reason: Reason


class SplitIn(BaseModel):
    report_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(min_length=1, max_length=1000)]
    reason: Reason


class GradeIn(BaseModel):
    grade: Literal["confirmed", "fair", "weak", "contested", "discounted", "auto"]
    reason: Reason


class ResponsibilityIn(BaseModel):
    accepted: bool
    reason: Reason


def _require(engine: Engine, incident_id: int) -> None:
    try:
        linking.show(engine, incident_id)
    except ValueError as exc:
        from civwatch.services.incidents import NotFound

        raise NotFound(str(exc)) from None


@router.get("/incidents/{incident_id}/links", summary="An incident's reports, each source's figures side by side, and the analysts' decisions")
def links(incident_id: IncidentId, engine: Annotated[Engine, Depends(get_engine)],
          _: Annotated[Principal | None, Depends(reader)]) -> dict:
    _require(engine, incident_id)
    return linking.show(engine, incident_id)


@router.post("/incidents/{incident_id}/merge", summary="Merge another incident into this one (analyst)")
def merge(incident_id: IncidentId, body: MergeIn, engine: Annotated[Engine, Depends(get_engine)],
          principal: Annotated[Principal, Depends(analyst)]) -> dict:
    _require(engine, incident_id)
    _require(engine, body.other)
    kept = linking.merge(engine, incident_id, body.other, actor=principal.username, reason=body.reason)
    return {"incident_id": kept, "merged": body.other}


@router.post("/incidents/{incident_id}/split", summary="Move reports out of this incident into a new one (analyst)")
def split(incident_id: IncidentId, body: SplitIn, engine: Annotated[Engine, Depends(get_engine)],
          principal: Annotated[Principal, Depends(analyst)]) -> dict:
    _require(engine, incident_id)
    new_id = linking.split(engine, incident_id, body.report_ids, actor=principal.username, reason=body.reason)
    return {"incident_id": incident_id, "new_incident_id": new_id}


@router.post("/incidents/{incident_id}/grade", summary="Override the grade with a reason, or return to the computed one (analyst)")
def grade(incident_id: IncidentId, body: GradeIn, engine: Annotated[Engine, Depends(get_engine)],
          principal: Annotated[Principal, Depends(analyst)]) -> dict:
    _require(engine, incident_id)
    value, reasons = linking.set_grade(engine, incident_id, body.grade, body.reason, actor=principal.username)
    return {"incident_id": incident_id, "grade": value, "reasons": reasons}


@router.post("/incidents/{incident_id}/responsibility", summary="Record whether a party accepted responsibility (analyst)")
def responsibility(incident_id: IncidentId, body: ResponsibilityIn, engine: Annotated[Engine, Depends(get_engine)],
                   principal: Annotated[Principal, Depends(analyst)]) -> dict:
    _require(engine, incident_id)
    value = linking.set_responsibility(engine, incident_id, body.accepted, body.reason, actor=principal.username)
    return {"incident_id": incident_id, "grade": value}

"""CHMR case work over HTTP: the queue, one case with its timeline, moves, people, measures,
and the public report form (no account, rate-limited, queued for review).

Errors are problem+json: a move the rules forbid is 422 with the reason, a move that lost a
race is 409 (reload and decide again), too many public reports is 429.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, optional_principal, reader, writer
from civwatch.api.errors import problem
from civwatch.domain.cases import CaseState, PartyRole, ReportedHarm
from civwatch.services import case_publications as publications
from civwatch.services import cases as svc
from civwatch.services.auth import Principal

router = APIRouter(tags=["cases"])
PROBLEM = {"content": {"application/problem+json": {}}}
WRITE_RESPONSES = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 422: PROBLEM}
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
T = TypeVar("T")


def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | JSONResponse:
    """Call a case service; its refusals become problem+json with the service's reason."""
    try:
        return fn(*args, **kwargs)
    except svc.CaseNotFound as exc:
        return problem(404, "Not found", str(exc).strip("'\""))
    except svc.CaseConflict as exc:
        return problem(409, "Conflict", str(exc))
    except svc.CaseRuleError as exc:
        return problem(422, "Move not allowed", str(exc))
    except svc.RateLimited as exc:
        return problem(429, "Too many requests", str(exc))


class OpenCase(BaseModel):
    """Open a case from an incident of the register, or from a report of harm typed in."""

    model_config = ConfigDict(extra="forbid")
    incident_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    report: ReportedHarm | None = None
    reason: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _one(self) -> OpenCase:
        if (self.incident_id is None) == (self.report is None):
            raise ValueError("give either incident_id or report")
        return self


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: CaseState
    reason: str = Field(min_length=1, max_length=4000)
    details: dict[str, Any] = Field(default_factory=dict)
    expected_version: int | None = Field(default=None, ge=1, description="the version you read; 409 if the case changed since")


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: PartyRole
    name: str | None = Field(default=None, max_length=300)
    identifier: str | None = Field(default=None, max_length=100)
    contact: str | None = Field(default=None, max_length=300)
    relationship: str | None = Field(default=None, max_length=200)


class PublicReportIn(ReportedHarm):
    reporter_name: str | None = Field(default=None, max_length=300)
    reporter_contact: str | None = Field(default=None, max_length=300)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accept: bool
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/cases", summary="Open cases, highest priority first, with why each ranks where it does", dependencies=[Depends(reader)])
def list_cases(
    engine: Annotated[Engine, Depends(get_engine)],
    state: Annotated[list[CaseState] | None, Query()] = None,
    overdue: Annotated[bool, Query(description="only cases past their state's deadline")] = False,
) -> Any:
    items = _run(svc.queue, engine, states=[s.value for s in state] if state else None, only_overdue=overdue)
    return items if isinstance(items, JSONResponse) else {"cases": svc.queue_document(items)}


@router.get("/cases/measures", summary="Time to each state by case type, backlog, responses, lessons", dependencies=[Depends(reader)])
def case_measures(engine: Annotated[Engine, Depends(get_engine)]) -> dict:
    return svc.measures(engine)


@router.get("/cases/as-of", summary="Case work as it stood at a moment: assessed within the deadline, days to response", dependencies=[Depends(reader)])
def case_as_of(engine: Annotated[Engine, Depends(get_engine)], at: Annotated[datetime, Query(description="ISO 8601 moment (UTC if no offset)")]) -> dict:
    return svc.as_of(engine, at)


@router.get("/cases/export.csv", summary="Every case as CSV (people named only for roles granted personal data)",
            dependencies=[Depends(reader)], response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_cases(engine: Annotated[Engine, Depends(get_engine)],
                 principal: Annotated[Principal | None, Depends(optional_principal)]) -> Response:
    return Response(svc.export_csv(engine, principal), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="civwatch-cases.csv"'})


@router.get("/cases/{case_id}", summary="One case: facts, triage, timeline, people (personal data only for roles granted it)",
            dependencies=[Depends(reader)], responses={404: PROBLEM})
def get_case(
    engine: Annotated[Engine, Depends(get_engine)],
    principal: Annotated[Principal | None, Depends(optional_principal)],
    case_id: CaseId,
) -> Any:
    case = _run(svc.get_case, engine, case_id, principal)
    return case if isinstance(case, JSONResponse) else jsonable_encoder(svc.case_document(case))


@router.post("/cases", status_code=201, summary="Open a case (recorder, analyst, admin)", responses=WRITE_RESPONSES)
def open_case(body: OpenCase, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)]) -> Any:
    if body.incident_id is not None:
        case_id = _run(svc.open_from_incident, engine, body.incident_id, principal, body.reason)
    else:
        case_id = _run(svc.open_from_report, engine, body.report, principal, body.reason)
    if isinstance(case_id, JSONResponse):
        return case_id
    doc = svc.case_document(svc.get_case(engine, case_id, principal))
    return JSONResponse(jsonable_encoder(doc), status_code=201, headers={"Location": f"/api/cases/{case_id}"})


@router.post("/cases/{case_id}/moves", summary="Move a case, with a reason and the details the new state needs",
             responses=WRITE_RESPONSES)
def move_case(body: MoveIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)],
              case_id: CaseId) -> Any:
    moved = _run(svc.move, engine, case_id, body.to, principal, body.reason, body.details, body.expected_version)
    if isinstance(moved, JSONResponse):
        return moved
    return jsonable_encoder(svc.case_document(svc.get_case(engine, case_id, principal)))


@router.post("/cases/{case_id}/parties", status_code=201, summary="Record a victim, claimant, witness or recipient (personal data roles)",
             responses=WRITE_RESPONSES)
def add_party(body: PartyIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)],
              case_id: CaseId) -> Any:
    pid = _run(svc.add_party, engine, case_id, principal, body.role, body.name, body.identifier, body.contact, body.relationship)
    return pid if isinstance(pid, JSONResponse) else JSONResponse({"id": pid, "case_id": case_id}, status_code=201)


@router.post("/public-reports", status_code=202, summary="Report harm without an account: rate-limited, queued for review",
             responses={422: PROBLEM, 429: PROBLEM})
def submit_public_report(body: PublicReportIn, request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> Any:
    facts = ReportedHarm.model_validate(body.model_dump(exclude={"reporter_name", "reporter_contact"}))
    address = request.client.host if request.client else "unknown"
    rid = _run(svc.submit_public_report, engine, facts, address, body.reporter_name, body.reporter_contact)
    if isinstance(rid, JSONResponse):
        return rid
    return JSONResponse({"id": rid, "status": "pending", "detail": "received; it will be reviewed"}, status_code=202)


@router.get("/public-reports", summary="Public reports awaiting review (recorder, analyst, admin)", responses={401: PROBLEM, 403: PROBLEM})
def public_reports(engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)]) -> dict:
    return {"reports": jsonable_encoder(svc.public_queue(engine, principal))}


@router.post("/public-reports/{report_id}/review", summary="Accept (opens a case) or reject a public report", responses=WRITE_RESPONSES)
def review_public_report(body: ReviewIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)],
                         report_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Any:
    case_id = _run(svc.review_public_report, engine, report_id, principal, body.accept, body.reason)
    if isinstance(case_id, JSONResponse):
        return case_id
    return {"report_id": report_id, "status": "accepted" if body.accept else "rejected", "case_id": case_id}


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    summary: str = Field(min_length=20, max_length=5000, description="what the public may read: names no one")
    reason: str = Field(min_length=1, max_length=4000)


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=4000)


@router.post("/cases/{case_id}/publication", summary="Publish a case's summary (approver): explicit and audited",
             responses=WRITE_RESPONSES)
def publish(body: PublishIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)],
            case_id: CaseId) -> Any:
    done = _run(publications.publish, engine, case_id, principal, body.summary, body.reason)
    return done if isinstance(done, JSONResponse) else jsonable_encoder(done)


@router.post("/cases/{case_id}/publication/withdraw", summary="Withdraw a published case summary (approver)",
             responses=WRITE_RESPONSES)
def withdraw(body: WithdrawIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)],
             case_id: CaseId) -> Any:
    done = _run(publications.withdraw, engine, case_id, principal, body.reason)
    return done if isinstance(done, JSONResponse) else {"case_id": case_id, "published": False}


@router.get("/published-cases", summary="Case summaries their approvers made public", dependencies=[Depends(reader)])
def published(engine: Annotated[Engine, Depends(get_engine)]) -> dict:
    return {"published": jsonable_encoder(publications.published(engine))}

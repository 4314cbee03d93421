"""Missing persons over HTTP: the family's report and follow-up (no account, rate-limited), the
officers' queue, a case with its candidates, moves, decisions, measures, public figures.

Errors are problem+json: a refused move or input is 422 with the reason, a lost race 409, a
wrong code or secret 404 saying only that, too many attempts 429.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from civwatch.api.deps import get_engine, optional_principal, reader, writer
from civwatch.api.errors import problem
from civwatch.domain.missing import Circumstance, MissingRuleError
from civwatch.services import missing as svc
from civwatch.services import missing_lists, scratch, uploads
from civwatch.services.auth import Principal

router = APIRouter(tags=["missing persons"])
PROBLEM = {"content": {"application/problem+json": {}}}
WRITE_RESPONSES = {401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 422: PROBLEM, 429: PROBLEM}
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
T = TypeVar("T")


def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | JSONResponse:
    try:
        return fn(*args, **kwargs)
    except svc.MissingNotFound as exc:
        return problem(404, "Not found", str(exc).strip("'\""))
    except svc.MissingConflict as exc:
        return problem(409, "Conflict", str(exc))
    except MissingRuleError as exc:
        return problem(422, "Not allowed", str(exc))
    except svc.RateLimited as exc:
        return problem(429, "Too many requests", str(exc))


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=300, description="the missing person's name, any script")
    other_names: list[str] = Field(default_factory=list, max_length=20, description="former, alternative, transliterated names")
    sex: str = Field(default="", max_length=7, description="f, m or empty")
    date_of_birth: str | None = Field(default=None, max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")
    age: float | None = Field(default=None, ge=0, le=130)
    nationality_iso3: str | None = Field(default=None, max_length=3)
    country_iso3: str | None = Field(default=None, max_length=3)
    place_last_seen: str | None = Field(default=None, max_length=300)
    last_seen_date: str | None = Field(default=None, max_length=10)
    circumstance: Circumstance = Circumstance.UNKNOWN
    circumstances_text: str | None = Field(default=None, max_length=2000)
    reporter_name: str | None = Field(default=None, max_length=300)
    reporter_contact: str | None = Field(default=None, max_length=300)
    reporter_relation: str | None = Field(default=None, max_length=200)
    consent_share: bool = False


class OfficerCaseIn(PersonIn):
    incident_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class FollowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=20)
    secret: str = Field(min_length=1, max_length=64)


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: str = Field(max_length=20, description="registered, searching, closed")
    reason: str = Field(min_length=1, max_length=2000)
    close_reason: str | None = Field(default=None, max_length=20, description="reunited, remains_returned, other")
    expected_version: int | None = Field(default=None, ge=1)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confirm: bool
    reason: str = Field(min_length=1, max_length=2000)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/missing-reports", status_code=201, summary="Report a person missing, no account: gives a case code and a secret",
             responses={422: PROBLEM, 429: PROBLEM})
def public_report(body: PersonIn, request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> Any:
    out = run(svc.report_public, engine, body.model_dump(), _address(request))
    return out if isinstance(out, JSONResponse) else JSONResponse(out, status_code=201)


@router.post("/missing-follow", summary="A family follows its case by code and secret (state only, never candidates)",
             responses={404: PROBLEM, 429: PROBLEM})
def follow(body: FollowIn, request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> Any:
    out = run(svc.follow, engine, body.code, body.secret, _address(request))
    return out if isinstance(out, JSONResponse) else jsonable_encoder(out)


@router.get("/missing-figures", summary="Public figures: cases by state and circumstance, under 5 shown as '< 5'")
def figures(engine: Annotated[Engine, Depends(get_engine)]) -> dict:
    return svc.public_figures(engine)


@router.get("/missing/cases", summary="Open cases: overdue first, children first", dependencies=[Depends(reader)])
def queue(engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal | None, Depends(optional_principal)],
          request: Request) -> Any:
    out = run(svc.queue, engine, principal or getattr(request.state, "reader", None))
    return out if isinstance(out, JSONResponse) else {"cases": jsonable_encoder(out)}


@router.get("/missing/measures", summary="Report to registration, open cases by age and circumstance, share matched",
            dependencies=[Depends(reader)])
def measures(engine: Annotated[Engine, Depends(get_engine)]) -> dict:
    return jsonable_encoder(svc.measures(engine))


@router.get("/missing/cases/{case_id}", summary="One case with its candidates side by side (personal data for granted roles)",
            dependencies=[Depends(reader)], responses={404: PROBLEM})
def get_case(engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal | None, Depends(optional_principal)],
             request: Request, case_id: Id) -> Any:
    out = run(svc.get_case, engine, case_id, principal or getattr(request.state, "reader", None))
    return out if isinstance(out, JSONResponse) else jsonable_encoder(out)


@router.post("/missing/cases", status_code=201, summary="Open a case as an officer", responses=WRITE_RESPONSES)
def open_case(body: OfficerCaseIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)]) -> Any:
    out = run(svc.report_officer, engine, body.model_dump(), principal)
    return out if isinstance(out, JSONResponse) else JSONResponse(out, status_code=201)


@router.post("/missing/cases/{case_id}/moves", summary="Register, close (with its reason), reopen", responses=WRITE_RESPONSES)
def move(body: MoveIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)],
         case_id: Id) -> Any:
    return run(svc.move, engine, case_id, body.to, principal, body.reason, body.close_reason, body.expected_version)


@router.post("/missing/cases/{case_id}/candidates/{candidate_id}/decision",
             summary="Confirm or reject a candidate (investigator, approver, admin)", responses=WRITE_RESPONSES)
def decide(body: DecisionIn, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)],
           case_id: Id, candidate_id: Id) -> Any:
    return run(svc.decide, engine, case_id, candidate_id, principal, body.confirm, body.reason)


@router.get("/missing/lists", summary="The lists imported, with provenance, date and row accounting", dependencies=[Depends(reader)])
def lists(engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal | None, Depends(optional_principal)],
          request: Request) -> Any:
    out = run(missing_lists.lists, engine, principal or getattr(request.state, "reader", None))
    return out if isinstance(out, JSONResponse) else {"lists": jsonable_encoder(out)}


@router.get("/missing/lists/{list_id}/rejections", summary="A list's rejected rows with their reasons (the cells for granted roles)",
            dependencies=[Depends(reader)], responses={404: PROBLEM})
def rejections(engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal | None, Depends(optional_principal)],
               request: Request, list_id: Id) -> Any:
    out = run(missing_lists.rejections, engine, list_id, principal or getattr(request.state, "reader", None))
    return out if isinstance(out, JSONResponse) else {"list_id": list_id, "rejections": jsonable_encoder(out)}


@router.post("/missing/lists", status_code=201, responses={**WRITE_RESPONSES, 400: PROBLEM, 413: PROBLEM},
             summary="Import a list of persons: multipart/form-data with `file` (CSV, XLSX, HXL) and the fields kind, title, "
                     "provenance, list_date")
async def upload_list(request: Request, engine: Annotated[Engine, Depends(get_engine)],
                      principal: Annotated[Principal, Depends(writer)]) -> Any:
    """The role and the declared size are checked before a byte of the body is read; the file
    streams to the store's scratch folder (the one upload mechanism, services/uploads.py), is
    imported in one transaction (every row accepted or rejected with its reason: read = accepted
    + rejected), then removed. Every open case is searched in the new list."""
    missing_lists.check_importer(principal)
    limit = missing_lists.MAX_LIST_BYTES
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        return problem(413, "Too large", f"a list uploaded here is at most {limit // (1024 * 1024)} MB; import it with "
                                         "`civwatch missing lists import`")
    folder = await run_in_threadpool(scratch.folder, engine, "missing-list")
    try:
        try:
            path, fields = await uploads.receive_upload(request.stream(), request.headers.get("content-type", ""), folder,
                                                        limit, "; import it with `civwatch missing lists import`")
        except uploads.UploadTooLarge as exc:
            return problem(413, "Too large", str(exc))
        except uploads.BadUpload as exc:
            return problem(400, "Bad request", str(exc))
        except ClientDisconnect:
            return problem(400, "Bad request", "the upload was interrupted; nothing was kept")
        out = await run_in_threadpool(run, missing_lists.import_upload, engine, path, fields, principal)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out if isinstance(out, JSONResponse) else JSONResponse(jsonable_encoder(out), status_code=201)

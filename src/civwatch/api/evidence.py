"""Evidence over HTTP: streamed uploads, items with their custody, downloads, links, transfers.

Every route needs a Bearer token: custody records who viewed, downloaded or linked an item.
`POST /api/evidence?name=photo.jpg` takes the file as the raw request body (streamed to disk,
never held in memory); its Content-Type is the claimed type, checked against the content.
Downloads are always attachments with a safe type, never rendered inline.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from civwatch.api.deps import get_engine, writer
from civwatch.api.errors import problem
from civwatch.domain.evidence import (
    EvidenceRefused,
    EvidenceTooLarge,
    content_disposition,
    download_type,
)
from civwatch.services import evidence as svc
from civwatch.services import evidence_tsa as tsa
from civwatch.services.auth import Principal

router = APIRouter(tags=["evidence"])
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Who = Annotated[Principal, Depends(writer)]
Eng = Annotated[Engine, Depends(get_engine)]
PROBLEM = {"content": {"application/problem+json": {}}}
RESPONSES = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 413: PROBLEM, 422: PROBLEM, 502: PROBLEM}
IdList = Annotated[list[int] | None, Query(max_length=100)]


def _refusal(exc: Exception) -> JSONResponse:
    if isinstance(exc, EvidenceTooLarge):
        return problem(413, "Too large", str(exc))
    if isinstance(exc, svc.ItemNotFound):
        return problem(404, "Not found", str(exc).strip("'\""))
    if isinstance(exc, tsa.TimestampError):
        return problem(502, "Time-stamping authority unavailable", str(exc))
    return problem(422, "Evidence refused", str(exc))


REFUSALS = (EvidenceRefused, svc.ItemNotFound, tsa.TimestampError)


@router.post("/evidence", status_code=201, responses=RESPONSES, summary="Upload a file as evidence (raw body, streamed)")
async def upload(
    request: Request,
    engine: Eng,
    principal: Who,
    name: Annotated[str, Query(min_length=1, max_length=255, description="the file's name (no path)")],
    incident: IdList = None,
    report: IdList = None,
    case: IdList = None,
    why: Annotated[str | None, Query(max_length=2000)] = None,
    description: Annotated[str | None, Query(max_length=2000)] = None,
    source_url: Annotated[str | None, Query(max_length=2000)] = None,
):
    length = request.headers.get("content-length")
    try:
        declared = int(length) if length is not None else None
    except ValueError:
        return problem(400, "Bad request", "Content-Length is not a number")
    try:
        links = svc.parse_links(incident, report, case)
        incoming = svc.begin_upload(engine, principal, name, declared)
    except REFUSALS as exc:
        return _refusal(exc)
    try:
        async for chunk in request.stream():
            incoming.feed(chunk)
    except REFUSALS as exc:
        return _refusal(exc)
    except ClientDisconnect:
        incoming.discard()
        return problem(400, "Bad request", "the upload was interrupted; nothing was kept")
    except BaseException:
        incoming.discard()
        raise
    claimed = request.headers.get("content-type")
    try:
        result = await run_in_threadpool(
            svc.complete_upload, engine, incoming, principal, name, claimed, description, links, why, source_url)
    except REFUSALS as exc:
        return _refusal(exc)
    return JSONResponse(result, status_code=201 if result["new"] else 200)


class CaptureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sha256: str = Field(min_length=64, max_length=64)
    name: str = Field(min_length=1, max_length=255)
    source_url: str = Field(min_length=1, max_length=2000)
    description: str | None = Field(default=None, max_length=2000)
    incidents: list[int] = Field(default_factory=list, max_length=100)
    cases: list[int] = Field(default_factory=list, max_length=100)
    why: str | None = Field(default=None, max_length=2000)


@router.post("/evidence/captures", status_code=201, responses=RESPONSES, summary="Register an external capture by its SHA-256")
def capture(body: CaptureIn, engine: Eng, principal: Who):
    try:
        return svc.register_capture(engine, principal, sha256=body.sha256, name=body.name, source_url=body.source_url,
                                    description=body.description, why=body.why,
                                    links=svc.parse_links(body.incidents, None, body.cases))
    except REFUSALS as exc:
        return _refusal(exc)


@router.get("/evidence", responses=RESPONSES, summary="Evidence of an incident or a case (listing records no custody step)")
def listing(
    engine: Eng,
    principal: Who,
    incident: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    case: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> dict:
    if incident is not None:
        items = svc.for_incident(engine, incident)
    elif case is not None:
        items = svc.for_case(engine, case)
    else:
        items = svc.recent(engine)
    return jsonable_encoder({"items": items})


@router.get("/evidence/{item_id}", responses=RESPONSES, summary="One item with links and custody (the view is recorded)")
def item(item_id: ItemId, engine: Eng, principal: Who, why: Annotated[str | None, Query(max_length=2000)] = None):
    try:
        return jsonable_encoder(svc.view(engine, item_id, principal, why))
    except REFUSALS as exc:
        return _refusal(exc)


@router.get("/evidence/{item_id}/content", responses=RESPONSES, summary="Download the file (recorded; always an attachment)")
def content(item_id: ItemId, engine: Eng, principal: Who, why: Annotated[str | None, Query(max_length=2000)] = None):
    try:
        path, row = svc.download(engine, item_id, principal, why)
    except REFUSALS as exc:
        return _refusal(exc)
    return FileResponse(path, media_type=download_type(row["media_type"]), headers={
        "Content-Disposition": content_disposition(row["name"]), "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'", "Cache-Control": "no-store"})


@router.get("/evidence/{item_id}/custody", responses=RESPONSES, summary="The chain of custody")
def custody(item_id: ItemId, engine: Eng, principal: Who):
    try:
        return jsonable_encoder(svc.custody_report(engine, item_id))
    except REFUSALS as exc:
        return _refusal(exc)


class LinksIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    incidents: list[int] = Field(default_factory=list, max_length=100)
    reports: list[int] = Field(default_factory=list, max_length=100)
    cases: list[int] = Field(default_factory=list, max_length=100)
    why: str | None = Field(default=None, max_length=2000)


@router.post("/evidence/{item_id}/links", responses=RESPONSES, summary="Link an item to incidents, reports, cases")
def add_links(item_id: ItemId, body: LinksIn, engine: Eng, principal: Who):
    try:
        added = svc.link(engine, item_id, svc.parse_links(body.incidents, body.reports, body.cases), principal, body.why)
    except REFUSALS as exc:
        return _refusal(exc)
    return {"item_id": item_id, "new_links": added}


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: str = Field(min_length=1, max_length=300)
    why: str = Field(min_length=1, max_length=2000)


@router.post("/evidence/{item_id}/transfers", responses=RESPONSES, summary="Record a transfer of the item")
def add_transfer(item_id: ItemId, body: TransferIn, engine: Eng, principal: Who):
    try:
        seq = svc.transfer(engine, item_id, principal, body.to, body.why)
    except REFUSALS as exc:
        return _refusal(exc)
    return {"item_id": item_id, "audit_seq": seq}

"""Import batches with their counts and rejected rows; upload a file (logged-in recorders)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.responses import RedirectResponse

from civwatch.domain.taxonomy import Role
from civwatch.services import import_log
from civwatch.services.incidents import NotFound
from civwatch.web import jobs
from civwatch.web.render import WebRoute, current_user, engine, page, require_user
from civwatch.web.session import check_csrf

router = APIRouter(route_class=WebRoute)

IMPORT_ROLES = (Role.RECORDER, Role.ANALYST)
FORMATS = ("ucdp-ged", "ucdp-acd", "acled", "hxl", "victims")
REJECTS_SHOWN = 500


@router.get("/imports", include_in_schema=False)
@router.get("/imports.json", include_in_schema=False)
def imports(request: Request) -> Response:
    user = current_user(request)
    data = {"batches": import_log.batches(engine(request), limit=200)}
    return page(request, "imports.html", data, formats=FORMATS, can_import=bool(user and user.has(*IMPORT_ROLES)))


@router.post("/imports", include_in_schema=False)
def upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form()] = "",  # noqa: A002
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request.state.session, csrf)
    user = require_user(request, *IMPORT_ROLES)
    if format and format not in FORMATS:
        raise HTTPException(400, f"format must be one of {', '.join(FORMATS)}")
    try:
        path = jobs.save_upload(file.file, file.filename or "upload.csv")
    except jobs.UploadTooLarge as exc:
        raise HTTPException(413, str(exc)) from None
    job = jobs.start(engine(request), path, format or None, actor=user.username, owner=user.id)
    return RedirectResponse(f"/imports/jobs/{job.id}", status_code=303)


@router.get("/imports/jobs/{job_id}", include_in_schema=False)
@router.get("/imports/jobs/{job_id}.json", include_in_schema=False)
def import_job(request: Request, job_id: str) -> Response:
    user = require_user(request, *IMPORT_ROLES)
    job = jobs.get(job_id)
    if job is None or (job.owner != user.id and not user.has(Role.ADMIN)):
        raise HTTPException(404, "no such import in progress (jobs are kept until the server restarts)")
    return page(request, "import_job.html", job.as_dict())


@router.get("/imports/{batch_id}", include_in_schema=False)
@router.get("/imports/{batch_id}.json", include_in_schema=False)
def batch(request: Request, batch_id: int) -> Response:
    user = current_user(request)
    show_raw = bool(user and user.has(*IMPORT_ROLES))  # rows may hold personal data (victim lists)
    try:
        result = import_log.rejects(engine(request), batch_id, limit=REJECTS_SHOWN, show_raw=show_raw)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    data = {"batch": result["import"], "rejects": result["rejects"], "more": result["next_after"] is not None, "raw_shown": show_raw}
    return page(request, "batch.html", data)

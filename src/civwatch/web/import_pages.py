"""Import batches with their counts and rejected rows; upload a file (logged-in recorders)."""

from __future__ import annotations

import shutil

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from civwatch.domain.taxonomy import Role
from civwatch.services import import_log, scratch, uploads
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
async def upload(request: Request) -> Response:
    """Role, CSRF token (in the form's action, `?csrf=`, or an X-CSRF-Token header) and declared
    size are checked before a byte of the body is read; the body then streams to the scratch
    folder beside the store, and is removed on any failure."""
    check_csrf(request.state.session, request.query_params.get("csrf") or request.headers.get("x-csrf-token"))
    user = await run_in_threadpool(require_user, request, *IMPORT_ROLES)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > uploads.MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"the file is larger than {uploads.MAX_UPLOAD_BYTES // (1024 * 1024)} MB; import it with `civwatch import`")
    eng = engine(request)
    folder = await run_in_threadpool(scratch.folder, eng, "upload")
    try:
        path, fields = await uploads.receive_upload(request.stream(), request.headers.get("content-type", ""), folder)
        fmt = fields.get("format", "")
        if fmt and fmt not in FORMATS:
            raise HTTPException(400, f"format must be one of {', '.join(FORMATS)}")
    except uploads.UploadTooLarge as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(413, str(exc)) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job = await run_in_threadpool(jobs.start, eng, path, fmt or None, user.username, user.id)
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

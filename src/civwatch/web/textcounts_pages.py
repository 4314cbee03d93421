"""The recording form's "read figures from the text": a logged-in recorder posts the pasted text
(with the form's CSRF token) and gets back the figures with their spans, to accept or correct.
Nothing is stored; the recorder's figures are what the form then records.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from civwatch.domain.textcounts import TextError
from civwatch.services import textcounts as svc
from civwatch.web.record_pages import RECORD_ROLES
from civwatch.web.render import WebRoute, require_user
from civwatch.web.session import check_csrf

router = APIRouter(route_class=WebRoute)


@router.post("/record/textcounts.json", include_in_schema=False)
async def read_figures(request: Request) -> Response:
    form = await request.form()
    check_csrf(request.state.session, str(form.get("csrf", "")))
    await run_in_threadpool(require_user, request, *RECORD_ROLES)
    text = str(form.get("text", ""))[:20000]
    language = str(form.get("language", "")) or None
    try:
        body = await run_in_threadpool(svc.extract_for_form, text, language, svc.load_conventions())
    except TextError as exc:
        return JSONResponse({"error": str(exc)}, status_code=422)
    return JSONResponse(body)

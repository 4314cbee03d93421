"""Brief pages: the brief's document in the browser, its PDF, and its JSON twin.

`/briefs/{kind}/{ref}` is the very document the PDF is printed from (the shared renderer), with
links to the PDF in A4 or Letter and to the other language; `.json` gives the figures it prints.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse

from civwatch.services import briefs as svc
from civwatch.services import briefs_render
from civwatch.web.render import WebRoute, engine, error_page, language, wants_json

router = APIRouter(route_class=WebRoute)
BACK = {"country": "/countries/{ref}", "party": "/parties/{ref}", "forum": "/forums/{ref}"}


def _as_of(request: Request) -> date | None:
    text = request.query_params.get("as_of")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"as_of must be a date YYYY-MM-DD, got {text!r}") from None


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str:
    value = request.query_params.get(name, allowed[0])
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


@router.get("/briefs/brief.css", include_in_schema=False)
def stylesheet() -> Response:
    return Response(briefs_render.css_text(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/briefs/{kind}/{ref}", include_in_schema=False)
@router.get("/briefs/{kind}/{ref}.json", include_in_schema=False)
def brief(request: Request, kind: str, ref: str) -> Response:
    if kind not in BACK:
        return error_page(request, 404, f"no brief kind {kind!r}: country, party or forum")
    if ref.endswith(".json"):
        ref = ref[:-5]
    lang = language(request)  # ?lang= or the dashboard's language switch (cookie)
    fmt = _choice(request, "format", ("html", "pdf"))
    paper = _choice(request, "paper", ("a4", "letter"))
    as_of = _as_of(request)
    try:
        data = svc.build(engine(request), kind, ref, as_of)
    except svc.BriefNotFound as exc:
        return error_page(request, 404, str(exc))
    if wants_json(request) or request.url.path.endswith(".json"):
        return JSONResponse(jsonable_encoder(data))
    if fmt == "pdf":
        body = briefs_render.pdf(data, lang, paper)
        name = f"brief-{kind}-{data['subject']['id']}-{data['as_of']}-{lang}.pdf"
        return Response(body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
    base = f"/briefs/{kind}/{ref}"
    keep = {"as_of": request.query_params["as_of"]} if request.query_params.get("as_of") else {}

    def link(**params: str) -> str:
        return base + "?" + urlencode({**keep, **params})

    other = "fr" if lang == "en" else "en"
    links = {"back": BACK[kind].format(ref=data["subject"]["id"]), "pdf": link(lang=lang, format="pdf", paper="a4"),
             "pdf_letter": link(lang=lang, format="pdf", paper="letter"), other: link(lang=other)}
    return HTMLResponse(briefs_render.html(data, lang, paper, css_href="/briefs/brief.css", links=links))

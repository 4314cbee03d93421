"""Briefs over HTTP: a country, party or forum brief as PDF (streamed), HTML, or the JSON it is
printed from (`format=json`: the numbers and message ids, for checking every printed figure).
Reads follow the API's read rule; an unknown country, party or forum is 404 (problem+json)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader
from civwatch.api.errors import problem
from civwatch.services import briefs as svc
from civwatch.services import briefs_render

router = APIRouter(tags=["briefs"], dependencies=[Depends(reader)])
EngineDep = Annotated[Engine, Depends(get_engine)]
AsOf = Annotated[date | None, Query(description="The brief's date: treaty, forum and mission status on it; incidents up to it.")]
Lang = Annotated[Literal["en", "fr"], Query(description="Language of every label and sentence.")]
Fmt = Annotated[Literal["pdf", "html", "json"], Query(alias="format", description="pdf (streamed), html, or the JSON it is printed from.")]
Paper = Annotated[Literal["a4", "letter"], Query(description="PDF page size.")]
CHUNK = 64 * 1024


def _chunks(body: bytes) -> Iterator[bytes]:
    for i in range(0, len(body), CHUNK):
        yield body[i:i + CHUNK]


def _respond(engine: Engine, kind: str, ref: str, as_of: date | None, lang: str, fmt: str, paper: str) -> Response:
    try:
        data = svc.build(engine, kind, ref, as_of)
    except svc.BriefNotFound as exc:
        return problem(404, "Not found", str(exc))
    if fmt == "json":
        return JSONResponse(jsonable_encoder(data))
    body, media = briefs_render.render(data, fmt, lang, paper)
    name = f"brief-{kind}-{data['subject']['id']}-{data['as_of']}-{lang}.{fmt}"
    headers = {"Content-Disposition": f'inline; filename="{name}"', "X-Brief-Fingerprint": data["fingerprint"]}
    if fmt == "pdf":
        return StreamingResponse(_chunks(body), media_type=media, headers=headers)
    return Response(body, media_type=media, headers=headers)


@router.get("/briefs/country/{iso3}", summary="Country brief (PDF, HTML or JSON)")
def country(engine: EngineDep, iso3: Annotated[str, Path(min_length=2, max_length=8)], as_of: AsOf = None, lang: Lang = "en",
            fmt: Fmt = "pdf", paper: Paper = "a4") -> Response:
    return _respond(engine, "country", iso3, as_of, lang, fmt, paper)


@router.get("/briefs/party/{actor_id}", summary="Party brief (PDF, HTML or JSON)")
def party(engine: EngineDep, actor_id: Annotated[str, Path(max_length=12)], as_of: AsOf = None, lang: Lang = "en",
          fmt: Fmt = "pdf", paper: Paper = "a4") -> Response:
    return _respond(engine, "party", actor_id, as_of, lang, fmt, paper)


@router.get("/briefs/forum/{forum}", summary="Forum brief (PDF, HTML or JSON)")
def forum(engine: EngineDep, forum: Annotated[str, Path(max_length=24)], as_of: AsOf = None, lang: Lang = "en",
          fmt: Fmt = "pdf", paper: Paper = "a4") -> Response:
    return _respond(engine, "forum", forum, as_of, lang, fmt, paper)

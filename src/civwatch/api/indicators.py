"""GET /api/indicators, /api/indicators/{name}, /api/compare — the CLI's options as parameters."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy import Engine

from civwatch.api.deps import filters, get_engine, reader
from civwatch.domain.query import Filters
from civwatch.services import indicators as svc

router = APIRouter(tags=["indicators"], dependencies=[Depends(reader)])

Name = Literal[
    "civilian-deaths", "civilian-injuries", "incidents", "reports", "women-children-share", "ewipa-share", "active-conflicts"
]

Extracted = Literal["exclude", "include"]
EXTRACTED_HELP = ("include: add harm by sex and age read from report text to the women-and-children share "
                  "(default exclude: coded figures only); the result's `extracted` says which it shows")


def _json(result) -> Response:
    """The result's JSON, encoded once: results are cached per store state, and so is this."""
    body = getattr(result, "json_bytes", None)
    if body is None:
        body = json.dumps(result.as_dict(), ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")
        result.json_bytes = body
    return Response(body, media_type="application/json")


@router.get("/indicators", summary="List the indicators and their definitions")
def list_indicators() -> dict:
    return {"indicators": svc.definitions()}


@router.get("/indicators/{name}", summary="One indicator, grouped and filtered as `civwatch stats`")
def get_indicator(
    name: Name,
    engine: Annotated[Engine, Depends(get_engine)],
    f: Annotated[Filters, Depends(filters)],
    by: Annotated[str | None, Query(max_length=200, description="comma-separated: year, month, country, party_category, weapon, grade, source, ...")] = None,
    change: Annotated[Literal["yoy"] | None, Query(description="add year-on-year change")] = None,
    extracted: Annotated[Extracted, Query(description=EXTRACTED_HELP)] = "exclude",
) -> Response:
    return _json(svc.indicator(engine, name, by, f, change, extracted))


@router.get("/compare", summary="Actor-blind comparison: the same measures per party category")
def get_compare(
    engine: Annotated[Engine, Depends(get_engine)],
    f: Annotated[Filters, Depends(filters)],
    by: Annotated[str, Query(max_length=200)] = "party_category",
    extracted: Annotated[Extracted, Query(description=EXTRACTED_HELP)] = "exclude",
) -> Response:
    return _json(svc.compare(engine, by, f, extracted))

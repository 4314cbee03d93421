"""GET /api/exports/incidents.{format}: any filtered selection as a file."""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import Engine

from civwatch.api.deps import filters, get_engine, reader
from civwatch.domain.query import Filters
from civwatch.services import exports as svc

router = APIRouter(tags=["exports"], dependencies=[Depends(reader)])


@router.get(
    "/exports/incidents.{fmt}",
    summary="Export the selected incidents (csv, geojson, hxl, xlsx, parquet)",
    response_class=Response,
)
def export_incidents(
    engine: Annotated[Engine, Depends(get_engine)],
    f: Annotated[Filters, Depends(filters)],
    fmt: Annotated[Literal["csv", "geojson", "hxl", "xlsx", "parquet"], Path()],
    limit: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Response:
    media, ext = svc.MEDIA[fmt]
    headers = {"Content-Disposition": f'attachment; filename="civwatch-incidents.{ext}"'}
    if fmt in svc.STREAMED:
        chunks = svc.stream(engine, f, fmt, limit)
        first = next(chunks)  # the query runs here, so its errors become problems, not cut streams
        return StreamingResponse(itertools.chain([first], chunks), media_type=media, headers=headers)
    content, media, ext = svc.export(engine, f, fmt, limit)
    return Response(content, media_type=media, headers=headers)

"""GET /api/imports and /api/imports/{id}/rejects: what came in, and what was refused and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader
from civwatch.domain.taxonomy import Role
from civwatch.services import import_log
from civwatch.services.auth import Principal

router = APIRouter(tags=["imports"], dependencies=[Depends(reader)])


@router.get("/imports", summary="Import batches, newest first")
def list_imports(
    engine: Annotated[Engine, Depends(get_engine)],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> dict:
    return {"imports": import_log.batches(engine, limit, before_id)}


@router.get("/imports/{batch_id}/rejects", summary="Rejected rows of one import, each with its reason")
def list_rejects(
    engine: Annotated[Engine, Depends(get_engine)],
    batch_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    principal: Annotated[Principal | None, Depends(reader)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after_id: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
) -> dict:
    """The rows themselves are shown to recorders, analysts and admins only (they may hold personal data)."""
    show_raw = principal is not None and principal.has(Role.RECORDER, Role.ANALYST)
    return import_log.rejects(engine, batch_id, limit, after_id, show_raw=show_raw)

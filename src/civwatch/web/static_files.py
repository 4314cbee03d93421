"""The dashboard's own static files (CSS, JS, vendored libraries, map shapes), served by civwatch.

A route rather than a mount so that the web package is one APIRouter the app includes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

STATIC = Path(__file__).resolve().parent / "static"

router = APIRouter()


@lru_cache(maxsize=1)
def version() -> str:
    """A short digest of every static file: part of asset URLs so browsers cache them safely."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(STATIC)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@router.get("/static/{path:path}", include_in_schema=False)
def static(path: str, request: Request) -> Response:
    target = (STATIC / path).resolve()
    if not target.is_relative_to(STATIC) or not target.is_file():
        raise HTTPException(status_code=404, detail="no such file")
    cache = "public, max-age=31536000, immutable" if request.query_params.get("v") == version() else "no-cache"
    media = "application/json" if target.suffix == ".json" else None
    return FileResponse(target, media_type=media, headers={"Cache-Control": cache})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

"""Errors as application/problem+json (RFC 9457), never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from civwatch.domain.query import OutOfRange
from civwatch.services.auth import AuthError
from civwatch.services.incidents import NotFound

PROBLEM = "application/problem+json"
log = logging.getLogger("civwatch.api")


def problem(status: int, title: str, detail: str | None = None, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body |= extra
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _value_problem(status: int, title: str, exc: ValueError) -> JSONResponse:
    """A refused value as a problem; "name: why" messages name their field."""
    message = str(exc).splitlines()[0] if str(exc) else "invalid value"
    field = message.split(":", 1)[0] if ":" in message and " " not in message.split(":", 1)[0] else None
    extra = {"errors": [{"field": field, "message": message.split(":", 1)[1].strip()}]} if field else {}
    return problem(status, title, message, **extra)


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or str(loc[0] if loc else "request")


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field(tuple(e.get("loc", ()))), "in": str(e.get("loc", ("?",))[0]), "message": e.get("msg", "invalid")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, _TITLES.get(exc.status_code, "Error"), str(exc.detail) if exc.detail else None)

    @app.exception_handler(AuthError)
    async def _auth(_: Request, exc: AuthError) -> JSONResponse:
        return problem(401, "Not authenticated", str(exc))

    @app.exception_handler(PermissionError)
    async def _forbidden(_: Request, exc: PermissionError) -> JSONResponse:
        return problem(403, "Forbidden", str(exc))

    @app.exception_handler(NotFound)
    async def _missing(_: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Not found", str(exc))

    @app.exception_handler(OutOfRange)
    async def _range(_: Request, exc: OutOfRange) -> JSONResponse:
        return _value_problem(422, "Invalid request", exc)

    @app.exception_handler(OverflowError)
    async def _overflow(_: Request, exc: OverflowError) -> JSONResponse:
        return problem(422, "Invalid request", "a number in the request is too large for the store")

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        return problem(422, "Invalid request", "a value in the request does not fit the store (out of range or malformed)")

    @app.exception_handler(ValueError)
    async def _value(_: Request, exc: ValueError) -> JSONResponse:
        return _value_problem(400, "Bad request", exc)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "the error was logged")


_TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found", 405: "Method not allowed", 406: "Not acceptable", 409: "Conflict", 413: "Too large", 422: "Invalid request", 429: "Too many requests"}

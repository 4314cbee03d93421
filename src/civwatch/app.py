"""The web application: the JSON API (and, with the dashboard, the HTML pages) on one store."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civwatch import __version__, api, web
from civwatch.api import docs as api_docs
from civwatch.api import errors
from civwatch.services import access, auth, uploads
from civwatch.services.store import open_store
from civwatch.settings import Settings
from civwatch.web.render import error_html, language_or_english, wants_json
from civwatch.web.session import COOKIE, SessionCodec

MAX_BODY_BYTES = 1024 * 1024  # JSON bodies and forms; uploads have their own limit
UPLOAD_PATHS = ("/imports", "/missing/lists", "/api/missing/lists")  # multipart uploads: capped by their routes


class BodyTooLarge(HTTPException):
    """Raised from inside `receive`; an HTTPException so the body parser passes it on as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit // (1024 * 1024)} MB")


class AccessGuard:
    """Every request, before any route: the access rule (`services.access`) and a cap on the body.

    Runs ahead of routing, so no route can forget it, and a refused request is answered before
    its body is read. A body larger than its cap is refused by its Content-Length or, when it is
    streamed, as soon as it passes the cap.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = scope["app"].state
        needed = access.need(request.method, request.url.path, state.private_reads)
        if needed is not access.Need.NOTHING:
            try:
                principal = await run_in_threadpool(_principal, request, state)
                refused = access.refusal(needed, principal)
                scope.setdefault("state", {})["reader"] = principal  # who read: for the API's reads
            except auth.AuthError as exc:
                refused = (401, str(exc))
            if refused:
                await _refuse(request, *refused)(scope, receive, send)
                return
        upload = request.method == "POST" and request.url.path in UPLOAD_PATHS
        limit = uploads.MAX_UPLOAD_BYTES if upload else MAX_BODY_BYTES
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _too_large(request, limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await _too_large(request, limit)(scope, receive, send)


def _principal(request: Request, state: Any) -> auth.Principal | None:
    """The caller from a Bearer token (AuthError when it is bad) or from the session cookie."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise auth.AuthError("use 'Authorization: Bearer <token>'")
        return auth.principal_for_token(state.engine, token.strip())
    sid = state.session_codec.loads(request.cookies.get(COOKIE)).sid
    return auth.session_principal(state.engine, sid) if sid else None


def _as_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or wants_json(request)


def _refuse(request: Request, status: int, why: str) -> Response:
    if _as_json(request):
        return errors.problem(status, "Not authenticated" if status == 401 else "Forbidden", why)
    if status == 401 and request.method in ("GET", "HEAD"):
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
    return error_html(status, why, language_or_english(request))


def _too_large(request: Request, limit: int) -> Response:
    why = f"the request body is larger than {limit // (1024 * 1024)} MB"
    return errors.problem(413, "Too large", why) if _as_json(request) else error_html(413, why, language_or_english(request))


def create_app(engine: Engine | None = None, database_url: str | None = None, private_reads: bool | None = None) -> FastAPI:
    """The application on `engine` (or the configured store). Reads are public unless
    CIVWATCH_PRIVATE_READS (or `private_reads`) says otherwise; case work and writes always
    need a user (see services/access.py)."""
    settings = Settings.load(database_url)
    app = FastAPI(
        title="civwatch",
        version=__version__,
        description="Civilian harm in armed conflict: incidents, indicators, exports. "
        "Methodology: docs/methodology.md. Errors are application/problem+json.",
        docs_url=None,  # served by api.docs from vendored assets, offline
        redoc_url=None,
    )
    app.state.engine = engine if engine is not None else open_store(database_url)
    app.state.private_reads = settings.private_reads if private_reads is None else private_reads
    app.state.session_codec = SessionCodec(settings.secret_key)
    errors.install(app)
    app.include_router(api.router)
    app.include_router(api_docs.router)
    app.include_router(web.router)  # the dashboard pages and their JSON twins
    app.add_middleware(AccessGuard)
    return app

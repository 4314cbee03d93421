"""Log in and log out (session cookie; CSRF token on both forms)."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from civwatch.services import auth
from civwatch.web.render import WebRoute, client_address, current_user, engine, page
from civwatch.web.session import check_csrf, log_in, log_out

router = APIRouter(route_class=WebRoute)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", include_in_schema=False)
@router.get("/login.json", include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    user = current_user(request)
    return page(request, "login.html", {"logged_in_as": user.username if user else None, "next": _safe_next(next)})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf: str = Form(""),
    next: str = Form("/"),  # noqa: A002
) -> Response:
    check_csrf(request.state.session, csrf)
    try:
        principal = auth.authenticate(engine(request), username.strip()[:64], password[:1024], client_address(request))
    except auth.AuthError as exc:
        data = {"logged_in_as": None, "next": _safe_next(next), "error": str(exc), "username": username[:64]}
        return page(request, "login.html", data, status=429 if isinstance(exc, auth.Throttled) else 401)
    log_in(request.state.session, auth.start_session(engine(request), principal))
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf: str = Form("")) -> Response:
    check_csrf(request.state.session, csrf)
    if request.state.session.sid:
        auth.end_session(engine(request), request.state.session.sid)  # the cookie is dead on the server too
    log_out(request.state.session)
    return RedirectResponse("/", status_code=303)

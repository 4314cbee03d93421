"""Rendering a page and its JSON twin from the same data, plus what every page response carries.

Every page is registered twice: `/path` (HTML, or JSON when the client sends
`Accept: application/json`) and `/path.json`. Both render the one `data` dict that the page's
service call returned, so the HTML can never show a number the JSON does not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from fastapi import HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from sqlalchemy import Engine
from sqlalchemy.exc import DataError
from starlette.templating import Jinja2Templates

from civwatch.domain.query import OutOfRange
from civwatch.domain.taxonomy import TAXONOMIES, label
from civwatch.services import auth, messages
from civwatch.settings import Settings
from civwatch.web import js_messages, static_files
from civwatch.web.session import COOKIE, MAX_AGE, CsrfError, Session, SessionCodec

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Scripts only from civwatch itself; page data travels in <script type="application/json">.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


LANG_COOKIE = "civwatch_lang"
LANG_MAX_AGE = 365 * 24 * 3600


def language(request: Request) -> str:
    """The dashboard's language: `?lang=` (which the response then keeps in a cookie), else the
    cookie, else English. An unknown `?lang=` is refused (400) rather than silently ignored."""
    asked = request.query_params.get("lang")
    if asked:
        if asked not in messages.LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(messages.LANGUAGES)}, got {asked[:8]!r}")
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in messages.LANGUAGES else "en"


def language_or_english(request: Request) -> str:
    """The page language for a response made before any route ran (the bare refused page): the
    same `?lang=` and cookie as `language`, English for anything else (never an error)."""
    try:
        return language(request)
    except ValueError:
        return "en"


def _lang(ctx: Any) -> str:
    lang = ctx.get("lang") if ctx is not None else None
    return lang if lang in messages.LANGUAGES else "en"


def _number_in(lang: str, value: Any, digits: int = 0) -> str:
    """English keeps the dashboard's long-standing formatting; other languages go through Babel
    (CLDR: `12 345`, `0,5`)."""
    if value is None:
        return "–"
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if lang == "en":
        if isinstance(value, float) and digits:
            return f"{value:,.{digits}f}"
        return f"{round(value):,}"
    if isinstance(value, float) and digits:
        return messages.number(value, lang, digits)
    return messages.number(round(value), lang)


def _number(value: Any, digits: int = 0) -> str:
    return _number_in("en", value, digits)


@pass_context
def _number_filter(ctx: Any, value: Any, digits: int = 0) -> str:
    return _number_in(_lang(ctx), value, digits)


@pass_context
def _percent_filter(ctx: Any, value: float | None, digits: int = 1) -> str:
    lang = _lang(ctx)
    if lang == "en" or value is None:
        return _percent(value, digits)
    return messages.number(value * 100, lang, digits) + "\u202f%"


@pass_context
def _signed_percent_filter(ctx: Any, value: float | None) -> str:
    lang = _lang(ctx)
    if lang == "en" or value is None:
        return _signed_percent(value)
    return ("+" if value >= 0 else "") + messages.number(value * 100, lang, 1) + "\u202f%"


@pass_context
def _signed_number_filter(ctx: Any, value: float | None, digits: int = 2) -> str:
    """A signed decimal (`+0.25`; `+0,25` in French)."""
    lang = _lang(ctx)
    if value is None:
        return "–"
    if lang == "en":
        return f"{value:+.{digits}f}"
    return ("+" if value >= 0 else "-") + messages.number(abs(float(value)), lang, digits)


@pass_context
def _day_filter(ctx: Any, value: date | datetime | str | None) -> str:
    """A date per locale (`Dec 1, 2026`, `1 déc. 2026`); ISO text is read first."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    return messages.day(value, _lang(ctx))


@pass_context
def _when_filter(ctx: Any, value: date | datetime | str | None) -> str:
    """A date on a dashboard page: English keeps its long-standing ISO text (`2026-12-01`);
    other languages get CLDR's (`1 déc. 2026`). Empty stays empty; text that is not a date is
    printed as it is."""
    if value in (None, ""):
        return ""
    if _lang(ctx) == "en":
        return str(value)
    return _day_filter(ctx, value)


def _translated(lang: str, msgid: str) -> str | None:
    """Outside English, the catalogue's text for a name it may hold (a taxonomy value, a treaty's
    official title); None in English or where the catalogue has none, so the data's text is printed."""
    if lang != "en" and msgid in messages.catalogue(lang):
        return messages.text(msgid, lang)
    return None


@pass_context
def _label_filter(ctx: Any, value: Any, taxonomy: str | None = None) -> str:
    """A taxonomy value's label; outside English from the catalogue where it holds the value
    (`party_category.state_forces`, `weapon.air_launched_explosive`, `grade.confirmed`)."""
    if taxonomy and value is not None:
        translated = _translated(_lang(ctx), f"{taxonomy}.{getattr(value, 'value', value)}")
        if translated is not None:
            return translated
    return _label(value, taxonomy)


@pass_context
def _country(ctx: Any, iso3: str | None, name: str | None = None) -> str:
    """A country's name: the page's own English name, or CLDR's in another language."""
    lang = _lang(ctx)
    if lang == "en" or not iso3:
        return name or iso3 or "–"
    from civwatch.services.briefs_render import country_label

    return country_label(iso3, lang)


@pass_context
def _t(ctx: Any, msgid: str, **values: Any) -> str:
    """A dashboard label or sentence from the message catalogue, in the page's language."""
    return messages.text(msgid, _lang(ctx), **values)


@pass_context
def _t_msg(ctx: Any, m: dict | None, fallback: Any = None) -> str:
    """A sentence a service returned as `{"id", "params"}` (services.messages.msg), in the page's
    language; without one, the service's own text (`fallback`)."""
    if not m:
        return "" if fallback is None else str(fallback)
    return messages.text(m["id"], _lang(ctx), **(m.get("params") or {}))


@pass_context
def _js_messages(ctx: Any, *scripts: str) -> dict[str, str]:
    """The messages `scripts` draw, in the page's language, for a `<script type="application/json"
    id="messages">` block (`|tojson` escapes it for the page; see web/js_messages.py)."""
    return js_messages.for_scripts(_lang(ctx), *scripts)


@pass_context
def _country_names(ctx: Any) -> dict[str, str]:
    """The map shapes' names in the page's language (empty in English: Natural Earth's names)."""
    return js_messages.country_names(_lang(ctx))


@pass_context
def _t_or(ctx: Any, msgid: str, fallback: Any) -> str:
    """A name the catalogue may hold (a treaty's official title): English prints the data's own
    text; another language prints the catalogue's, or the data's text where it has none."""
    translated = _translated(_lang(ctx), msgid)
    if translated is not None:
        return translated
    return "–" if fallback is None else str(fallback)


@pass_context
def _figure(ctx: Any, fig: dict | None) -> str:
    """A {best, low, high} figure as "12 (10–15)"; a range only where it differs from best."""
    if not fig or fig.get("best") is None:
        return "–"
    lang = _lang(ctx)
    text = _number_in(lang, fig["best"])
    low, high = fig.get("low"), fig.get("high")
    if (low is not None or high is not None) and (low, high) != (fig["best"], fig["best"]):
        text += f" ({_number_in(lang, low)}–{_number_in(lang, high)})"
    return text


@pass_context
def _range(ctx: Any, row: dict | None) -> str:
    """A row's low–high, only where the data give a range (not best–best); else empty."""
    if not row:
        return ""
    best = row.get("best", row.get("value"))
    low, high = row.get("low"), row.get("high")
    if low is None or high is None or (low, high) == (best, best):
        return ""
    lang = _lang(ctx)
    return f"{_number_in(lang, low)}–{_number_in(lang, high)}"


def _as_json(value: Any) -> str:
    """A source row as JSON text, shown (escaped) as it was read."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f} %"


def _signed_percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.1f} %"


def _label(value: Any, taxonomy: str | None = None) -> str:
    if value is None:
        return "–"
    if taxonomy and taxonomy in TAXONOMIES:
        try:
            return label(TAXONOMIES[taxonomy](value))
        except ValueError:
            return str(value)
    return str(value).replace("_", " ").capitalize()


def _safe_url(value: str | None) -> str | None:
    """A link from source text only when it is http(s): never javascript: or data: URLs."""
    if not value:
        return None
    parsed = urlparse(value.strip())
    return value.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def _query(params: dict[str, Any], **changes: Any) -> str:
    """The current filters with some changed, as a query string (None drops a key)."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "", [])}
    return "?" + urlencode(merged, doseq=True) if merged else ""


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # everything from source text is escaped; never mark it safe
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "default": str}
    env.filters.update(number=_number_filter, percent=_percent_filter, signed_percent=_signed_percent_filter, label=_label_filter,
                       safe_url=_safe_url, figure=_figure, as_json=_as_json, range=_range, day=_day_filter,
                       when=_when_filter, signed_number=_signed_number_filter)
    env.globals.update(query=_query, taxonomies={k: list(v) for k, v in TAXONOMIES.items()}, t=_t, t_or=_t_or, t_msg=_t_msg, country=_country, js_messages=_js_messages, country_names=_country_names,
                       languages=messages.LANGUAGES)
    return env


templates = Jinja2Templates(env=_environment())


def wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def engine(request: Request) -> Engine:
    return request.app.state.engine


def _codec(request: Request) -> SessionCodec:
    codec = getattr(request.app.state, "session_codec", None)
    if codec is None:
        codec = request.app.state.session_codec = SessionCodec(Settings.load().secret_key)
    return codec


def session(request: Request) -> Session:
    return request.state.session


def current_user(request: Request) -> auth.Principal | None:
    """The logged-in user (session cookie), or the holder of a Bearer token: a page's JSON twin
    is read by scripts with the same token as the API. Forms still need the session's CSRF token."""
    if not hasattr(request.state, "user") and hasattr(request.state, "reader"):
        request.state.user = request.state.reader  # the app's guard resolved the caller the same way
    if not hasattr(request.state, "user"):
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            request.state.user = auth.principal_for_token(engine(request), token.strip())
        else:
            sid = request.state.session.sid
            request.state.user = auth.session_principal(engine(request), sid) if sid else None
    return request.state.user


def client_address(request: Request) -> str:
    """The caller's address. uvicorn rewrites it from X-Forwarded-For only when the connection
    comes from an address in CIVWATCH_TRUSTED_PROXIES (see `civwatch serve`)."""
    return request.client.host if request.client else "unknown"


def asset(path: str) -> str:
    return f"/static/{path}?v={static_files.version()}"


def page(request: Request, template: str, data: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    """The page as HTML, or its JSON twin: `data` is the whole JSON body and what the HTML shows."""
    if wants_json(request):
        return JSONResponse(jsonable_encoder(data), status_code=status)
    try:
        lang = language(request)
    except ValueError:
        if status < 400:
            raise
        lang = "en"  # the error page of a bad ?lang= itself
    context = {
        "data": data,
        "user": current_user(request),
        "csrf": request.state.session.csrf,
        "asset": asset,
        "path": request.url.path,
        "params": dict(request.query_params),
        "json_url": json_twin(request),
        "lang": lang,
        **extra,
    }
    return templates.TemplateResponse(request, template, context, status_code=status)


def json_twin(request: Request) -> str:
    path = request.url.path
    if path.endswith(".json"):
        return str(request.url.path) + ("?" + request.url.query if request.url.query else "")
    base = "/overview" if path == "/" else path.rstrip("/")
    return base + ".json" + ("?" + request.url.query if request.url.query else "")


def error_html(status: int, message: str, lang: str = "en") -> HTMLResponse:
    """A bare error page for requests refused before any route ran (no session loaded yet), in the
    language of `?lang=` or the `civwatch_lang` cookie (`language_or_english`); the reason itself,
    the access guard's sentence, stays English."""
    lang = lang if lang in messages.LANGUAGES else "en"
    body = templates.env.get_template("refused.html").render(status=status, detail=message, asset=asset, lang=lang)
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def error_page(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"status": status, "detail": message}, status_code=status, media_type="application/problem+json")
    return page(request, "error.html", {"status": status, "detail": message}, status=status)


class WebRoute(APIRoute):
    """Loads the session before a page, saves it and adds security headers after."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            request.state.session = _codec(request).loads(request.cookies.get(COOKIE))
            try:
                response = await handler(request)
            except (CsrfError, auth.AuthError, PermissionError) as exc:
                response = error_page(request, 403, str(exc))
            except (OutOfRange, OverflowError, DataError) as exc:  # a number the store cannot hold
                response = error_page(request, 422, str(exc) if isinstance(exc, OutOfRange) else "a number in the request is out of range")
            except ValueError as exc:  # a service refused the request: say why
                response = error_page(request, 400, str(exc))
            except HTTPException as exc:
                if exc.status_code in (404, 400, 405, 413):
                    response = error_page(request, exc.status_code, str(exc.detail))
                else:
                    raise
            asked = request.query_params.get("lang")
            if asked in messages.LANGUAGES and request.cookies.get(LANG_COOKIE) != asked:
                response.set_cookie(LANG_COOKIE, asked, max_age=LANG_MAX_AGE, httponly=True, samesite="lax",
                                    secure=request.url.scheme == "https", path="/")
            sess: Session = request.state.session
            if sess.changed:
                response.set_cookie(
                    COOKIE, _codec(request).dumps(sess), max_age=MAX_AGE, httponly=True,
                    samesite="lax", secure=request.url.scheme == "https", path="/",
                )
            for key, value in SECURITY_HEADERS.items():
                response.headers.setdefault(key, value)
            if isinstance(response, HTMLResponse | JSONResponse) or response.media_type in ("text/html", "application/json"):
                response.headers.setdefault("Vary", "Accept, Cookie")
            return response

        return route


def require_user(request: Request, *roles: Any) -> auth.Principal:
    """The logged-in user holding one of `roles`; otherwise AuthError (a 403 page)."""
    user = current_user(request)
    if user is None:
        raise auth.AuthError("log in first: only logged-in recorders may change data")
    if roles and not user.has(*roles):
        raise auth.AuthError(f"your roles ({', '.join(sorted(r.value for r in user.roles))}) do not allow this")
    return user


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None

"""GET /docs (Swagger UI) and /redoc (ReDoc): the API's documentation pages, served offline.

FastAPI's own pages load their scripts from a CDN; these load the copies vendored under
/static/vendor/ (web/static/vendor/VENDOR.md) and an init script, with no inline script.
Their CSP allows inline styles, which both viewers set from JavaScript.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
VENDOR = "/static/vendor"


def _page(request: Request, title: str, head: str, body: str) -> HTMLResponse:
    openapi = escape(request.app.openapi_url or "/openapi.json")
    html = (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><link rel=\"icon\" href=\"/favicon.ico\">{head}</head>"
        f"<body data-openapi=\"{openapi}\">{body}</body></html>"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP, "X-Content-Type-Options": "nosniff",
                                       "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"})


@router.get("/docs")
def swagger(request: Request) -> HTMLResponse:
    return _page(
        request, f"{request.app.title} API",
        f"<link rel=\"stylesheet\" href=\"{VENDOR}/swagger-ui/swagger-ui.css\">",
        f"<div id=\"swagger-ui\"></div><script src=\"{VENDOR}/swagger-ui/swagger-ui-bundle.js\"></script>"
        "<script src=\"/static/js/api-docs.js\"></script>",
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return _page(
        request, f"{request.app.title} API (ReDoc)", "",
        f"<div id=\"redoc\"></div><script src=\"{VENDOR}/redoc/redoc.standalone.js\"></script>"
        "<script src=\"/static/js/api-docs.js\"></script>",
    )

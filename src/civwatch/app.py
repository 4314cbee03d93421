"""The web application: the JSON API (and, with the dashboard, the HTML pages) on one store."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from civwatch import __version__, api, web
from civwatch.api import docs as api_docs
from civwatch.api import errors
from civwatch.services.store import open_store
from civwatch.settings import Settings


def create_app(engine: Engine | None = None, database_url: str | None = None, private_reads: bool | None = None) -> FastAPI:
    """The application on `engine` (or the configured store). Reads are public unless
    CIVWATCH_PRIVATE_READS (or `private_reads`) says otherwise; writes always need a token."""
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
    errors.install(app)
    app.include_router(api.router)
    app.include_router(api_docs.router)
    app.include_router(web.router)  # the dashboard pages and their JSON twins
    return app

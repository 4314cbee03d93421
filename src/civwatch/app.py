"""The web application: the dashboard pages (and, with the API issue, the JSON API) on one store."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from civwatch import __version__, web
from civwatch.services.store import open_store


def create_app(engine: Engine | None = None, database_url: str | None = None) -> FastAPI:
    app = FastAPI(title="civwatch", version=__version__)
    app.state.engine = engine if engine is not None else open_store(database_url)
    app.include_router(web.router)
    return app

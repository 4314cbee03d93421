"""The dashboard: HTML pages (each with a JSON twin) over the services, and its static files.

`router` is one FastAPI APIRouter; the app includes it. The engine comes from `app.state.engine`.
"""

from fastapi import APIRouter

from civwatch.web import (
    auth_pages,
    case_pages,
    import_pages,
    incident_pages,
    methodology_pages,
    overview_pages,
    record_pages,
    static_files,
)

router = APIRouter()
for module in (static_files, auth_pages, overview_pages, incident_pages, import_pages, record_pages, case_pages, methodology_pages):
    router.include_router(module.router)

__all__ = ["router"]

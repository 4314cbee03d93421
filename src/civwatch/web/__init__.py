"""The dashboard: HTML pages (each with a JSON twin) over the services, and its static files.

`router` is one FastAPI APIRouter; the app includes it. The engine comes from `app.state.engine`.
"""

from fastapi import APIRouter

from civwatch.web import (
    auth_pages,
    brief_pages,
    case_pages,
    evidence_pages,
    forecast_pages,
    import_pages,
    incident_pages,
    methodology_pages,
    missing_pages,
    mission_pages,
    overview_pages,
    party_pages,
    plan_pages,
    record_pages,
    screening_pages,
    static_files,
    textcounts_pages,
    treaty_pages,
)

router = APIRouter()
PAGES = (
    static_files,
    auth_pages,
    overview_pages,
    incident_pages,
    import_pages,
    record_pages,
    case_pages,
    treaty_pages,
    mission_pages,
    forecast_pages,
    evidence_pages,
    textcounts_pages,
    party_pages,
    methodology_pages,
    screening_pages,
    brief_pages,
    plan_pages,
    missing_pages,
)
for module in PAGES:
    router.include_router(module.router)

__all__ = ["router"]

"""The dashboard: HTML pages (each with a JSON twin) over the services, and its static files.

`router` is one FastAPI APIRouter; the app includes it. The engine comes from `app.state.engine`.
"""

from fastapi import APIRouter

from civwatch.web import auth_pages, static_files

router = APIRouter()
router.include_router(static_files.router)
router.include_router(auth_pages.router)

__all__ = ["router"]

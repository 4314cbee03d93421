"""The JSON API: indicators, incidents, imports, exports; writes need a Bearer token."""

from __future__ import annotations

from fastapi import APIRouter

from civwatch.api import (
    briefs,
    cases,
    exports,
    forecasts,
    imports,
    incidents,
    indicators,
    linkage,
    missing,
    missions,
    parties,
    treaties,
)
from civwatch.api import decisions as decisions_api
from civwatch.api import evidence as evidence_api
from civwatch.api import plan as plan_api
from civwatch.api import screening as screening_api
from civwatch.api import textcounts as text_api

router = APIRouter(prefix="/api")
router.include_router(indicators.router)
router.include_router(incidents.router)
router.include_router(imports.router)
router.include_router(exports.router)
router.include_router(cases.router)
router.include_router(linkage.router)
router.include_router(treaties.router)
router.include_router(forecasts.router)
router.include_router(missions.router)
router.include_router(evidence_api.router)
router.include_router(decisions_api.router)
router.include_router(text_api.router)
router.include_router(parties.router)
router.include_router(screening_api.router)
router.include_router(briefs.router)
router.include_router(plan_api.router)
router.include_router(missing.router)

"""The JSON API: indicators, incidents, imports, exports; writes need a Bearer token."""

from __future__ import annotations

from fastapi import APIRouter

from civwatch.api import cases, exports, imports, incidents, indicators, linkage, parties

router = APIRouter(prefix="/api")
router.include_router(indicators.router)
router.include_router(incidents.router)
router.include_router(imports.router)
router.include_router(exports.router)
router.include_router(cases.router)
router.include_router(linkage.router)
router.include_router(parties.router)

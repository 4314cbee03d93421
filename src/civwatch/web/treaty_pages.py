"""Treaty pages: the register, an instrument (curve, world map of status), a forum (members x
instruments), coalition targets, and the treaty section of the country page. Each page has its
JSON twin (`.json`); tables export as CSV/XLSX through /api/treaties/exports/. Reads only."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response

from civwatch.domain import forums as fdom
from civwatch.domain import treaties as tdom
from civwatch.services import treaties as svc
from civwatch.web.render import WebRoute, engine, page

router = APIRouter(route_class=WebRoute)
STATUS_LABELS = {"party": "Party", "signatory": "Signed, not bound", "withdrawn": "Withdrawn", "none": "No action", None: "No data"}


def _as_of(request: Request) -> date | None:
    text = request.query_params.get("as_of")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"as_of must be a date like 2015-12-31, got {text!r}") from None


def _extra() -> dict:
    return {"status_labels": STATUS_LABELS, "forums": [f for f in fdom.FORUMS], "register": tdom.INSTRUMENTS}


@router.get("/treaties", include_in_schema=False)
@router.get("/treaties.json", include_in_schema=False)
def register(request: Request) -> Response:
    return page(request, "treaties.html", svc.instruments(engine(request), _as_of(request)), **_extra())


@router.get("/treaties/targets", include_in_schema=False)
@router.get("/treaties/targets.json", include_in_schema=False)
def targets(request: Request, forum: str = "NATO", instrument: str = "ccm", horizon_years: int = 5) -> Response:
    if not 1 <= horizon_years <= 20:
        raise ValueError("horizon_years must be between 1 and 20")
    data = svc.targets(engine(request), forum, instrument, _as_of(request), horizon_years)
    return page(request, "treaty_targets.html", data, **_extra())


@router.get("/treaties/{ref}", include_in_schema=False)
@router.get("/treaties/{ref}.json", include_in_schema=False)
def instrument(request: Request, ref: str) -> Response:
    data = svc.instrument_view(engine(request), ref, _as_of(request))
    return page(request, "treaty.html", data, **_extra())


@router.get("/forums/{forum}", include_in_schema=False)
@router.get("/forums/{forum}.json", include_in_schema=False)
def forum(request: Request, forum: str) -> Response:
    data = svc.forum_view(engine(request), forum, _as_of(request))
    return page(request, "forum.html", data, **_extra())


@router.get("/countries/{iso3}/treaties", include_in_schema=False)
@router.get("/countries/{iso3}/treaties.json", include_in_schema=False)
def country_treaties(request: Request, iso3: str) -> Response:
    data = svc.profile(engine(request), iso3, _as_of(request))
    return page(request, "country_treaties.html", data, **_extra())

"""Peace operations pages: the missions list, a mission (deployments map by year, troops over
time, harm near vs far with the counts behind each share, mandate history, departures,
peacekeepers as perpetrators), contributors, and the deployments layer of the map page."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from civwatch.domain.missions import DEFAULT_DISTANCE_KM, DISTANCES_KM, check_distance
from civwatch.services import missions as svc
from civwatch.services.incidents import NotFound
from civwatch.web.render import WebRoute, engine, page

router = APIRouter(route_class=WebRoute)


def _within(request: Request) -> float:
    raw = request.query_params.get("within_km")
    if raw in (None, ""):
        return float(DEFAULT_DISTANCE_KM)
    try:
        return check_distance(float(raw))
    except ValueError as exc:
        raise ValueError(f"within_km: {exc}") from None


def _year(request: Request) -> int | None:
    raw = request.query_params.get("year")
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 1940 <= int(raw) <= 2100:
        raise ValueError(f"year must be a year like 2016, got {raw[:10]!r}")
    return int(raw)


@router.get("/missions", include_in_schema=False)
@router.get("/missions.json", include_in_schema=False)
def missions(request: Request) -> Response:
    return page(request, "missions.html", svc.list_missions(engine(request)))


@router.get("/map/deployments.json", include_in_schema=False)
def deployments(request: Request) -> Response:
    return page(request, "missions.html", svc.deployments_layer(engine(request), _year(request)))


@router.get("/missions/{acronym}.json", include_in_schema=False)
@router.get("/missions/{acronym}", include_in_schema=False)
def mission(request: Request, acronym: str) -> Response:
    acronym = acronym.removesuffix(".json")
    try:
        data = svc.mission_detail(engine(request), acronym, _within(request))
    except NotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    data["near"].pop("_results", None), data["near"].pop("_events", None)
    data["mission"].pop("raw", None)
    return page(request, "mission.html", data, distances=DISTANCES_KM)


@router.get("/contributors", include_in_schema=False)
@router.get("/contributors.json", include_in_schema=False)
def contributors(request: Request) -> Response:
    return page(request, "contributors.html", svc.contributors(engine(request)))


@router.get("/contributors/{iso3}.json", include_in_schema=False)
@router.get("/contributors/{iso3}", include_in_schema=False)
def contributor(request: Request, iso3: str) -> Response:
    try:
        data = svc.contributor(engine(request), iso3.removesuffix(".json"))
    except NotFound as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    return page(request, "contributor.html", data)

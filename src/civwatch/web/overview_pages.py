"""Overview, map, countries and the party comparison: figures from the indicators service."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from civwatch.domain.countries import is_known
from civwatch.services import dashboard, indicators, treaties
from civwatch.web.filters import filter_params, from_request
from civwatch.web.render import WebRoute, engine, page

router = APIRouter(route_class=WebRoute)


@router.get("/", include_in_schema=False)
@router.get("/overview", include_in_schema=False)
@router.get("/overview.json", include_in_schema=False)
def overview(request: Request) -> Response:
    filters = from_request(request)
    data = dashboard.overview(engine(request), filters)
    return page(
        request, "overview.html", data,
        options=dashboard.filter_options(engine(request)), incident_filters=filter_params(request),
    )


@router.get("/map", include_in_schema=False)
@router.get("/map.json", include_in_schema=False)
def world_map(request: Request) -> Response:
    filters = from_request(request)
    data = dashboard.map_view(engine(request), filters)
    return page(request, "map.html", data, options=dashboard.filter_options(engine(request)), incident_filters=filter_params(request))


@router.get("/countries", include_in_schema=False)
@router.get("/countries.json", include_in_schema=False)
def countries(request: Request) -> Response:
    filters = from_request(request)
    rows = sorted(dashboard.country_rows(engine(request), filters), key=lambda r: -(r["value"] or 0))
    return page(request, "countries.html", {"filters": filters.as_dict(), "countries": rows})


@router.get("/countries/{iso3}", include_in_schema=False)
@router.get("/countries/{iso3}.json", include_in_schema=False)
def country(request: Request, iso3: str) -> Response:
    code = iso3.upper()
    if not is_known(code):
        raise HTTPException(404, f"no country {iso3[:10]!r}: country pages are at ISO 3166-1 alpha-3 codes such as /countries/UKR")
    filters = from_request(request)
    data = dashboard.country_profile(engine(request), code, filters)
    data["treaties"] = treaties.country_section(engine(request), code)  # None until treaties are imported
    return page(
        request, "country.html", data,
        options=dashboard.filter_options(engine(request)), incident_filters=filter_params(request),
    )


@router.get("/compare", include_in_schema=False)
@router.get("/compare.json", include_in_schema=False)
def compare(request: Request) -> Response:
    filters = from_request(request)
    try:
        extracted = indicators.check_extracted(request.query_params.get("extracted"))
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    data = indicators.compare(engine(request), by="party_category", filters=filters, extracted=extracted).as_dict()
    return page(
        request, "compare.html", data,
        options=dashboard.filter_options(engine(request)), incident_filters=filter_params(request),
    )

"""Early-warning pages: the probability of harm next month on a map, a fan chart per place, the
backtest table. Each page has its JSON twin; forecasts are labelled as forecasts."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response

from civwatch.services import dashboard
from civwatch.services import forecasts as svc
from civwatch.web.render import WebRoute, engine, error_page, page

router = APIRouter(route_class=WebRoute)


@router.get("/forecasts", include_in_schema=False)
@router.get("/forecasts.json", include_in_schema=False)
def forecasts(request: Request, level: Literal["country", "admin1"] = "country", horizon: int = Query(1, ge=1, le=6)) -> Response:
    data = svc.overview(engine(request), level, horizon)
    for u in data["units"]:
        u["name"] = dashboard.country_name(u["country"])
        u["iso_numeric"] = dashboard.iso_numeric(u["country"])
    return page(request, "forecasts.html", data)


@router.get("/forecasts/{country}", include_in_schema=False)
@router.get("/forecasts/{country}.json", include_in_schema=False)
def forecast_country(request: Request, country: str) -> Response:
    return _unit_page(request, country)


@router.get("/forecasts/{country}/{admin1}", include_in_schema=False)
@router.get("/forecasts/{country}/{admin1}.json", include_in_schema=False)
def forecast_admin1(request: Request, country: str, admin1: str) -> Response:
    return _unit_page(request, f"{country}/{admin1}")


def _unit_page(request: Request, unit: str) -> Response:
    try:
        data = svc.unit_view(engine(request), unit)
    except LookupError as exc:
        return error_page(request, 404, str(exc).strip("'\""))
    data["name"] = dashboard.country_name(unit.split("/")[0]) + (f" · {unit.split('/', 1)[1]}" if "/" in unit else "")
    return page(request, "forecast.html", data)

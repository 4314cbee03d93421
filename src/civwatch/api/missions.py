"""Peace operations: missions, a mission's deployments and harm near them, contributors.

Association, not effect: the near/far counts say where harm was recorded, not what a mission did."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader
from civwatch.domain.missions import DEFAULT_DISTANCE_KM
from civwatch.services import missions as svc

router = APIRouter(tags=["missions"], dependencies=[Depends(reader)])
PROBLEM = {"content": {"application/problem+json": {}}}
Acronym = Annotated[str, Path(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9 .\-]+$")]
Within = Annotated[float, Query(gt=0, le=500, description="distance in km (10, 25 or 50 offered)")]


def _clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if not k.startswith("_")}


@router.get("/missions", summary="UN peace operations with dates, status, hosts, troops and POC mandate")
def list_missions(engine: Annotated[Engine, Depends(get_engine)]) -> dict:
    return svc.list_missions(engine)


@router.get("/missions/near", summary="Civilian harm near deployments vs elsewhere in the host countries, every mission-year")
def near_all(engine: Annotated[Engine, Depends(get_engine)], within_km: Within = DEFAULT_DISTANCE_KM) -> dict:
    return _clean(svc.near(engine, within_km))


@router.get("/missions/deployments", summary="Deployed locations of every mission in one year (for maps)")
def deployments(engine: Annotated[Engine, Depends(get_engine)], year: Annotated[int | None, Query(ge=1940, le=2100)] = None) -> dict:
    return svc.deployments_layer(engine, year)


@router.get("/missions/poc-personnel", summary="Troops in missions with a POC mandate on a date (Geo-PKO, indicative)")
def poc_personnel(engine: Annotated[Engine, Depends(get_engine)], as_of: Annotated[date | None, Query()] = None) -> dict:
    return svc.poc_personnel(engine, as_of)


@router.get("/missions/{acronym}", summary="One mission: mandates, troops, deployments, harm near and far, departures", responses={404: PROBLEM})
def mission(engine: Annotated[Engine, Depends(get_engine)], acronym: Acronym, within_km: Within = DEFAULT_DISTANCE_KM) -> dict:
    data = svc.mission_detail(engine, acronym, within_km)
    data["near"] = _clean(data["near"])
    return data


@router.get("/contributors", summary="Troop-contributing countries (Geo-PKO)")
def contributors(engine: Annotated[Engine, Depends(get_engine)]) -> dict:
    return svc.contributors(engine)


@router.get("/contributors/{iso3}", summary="One country's deployments over time by mission", responses={404: PROBLEM})
def contributor(engine: Annotated[Engine, Depends(get_engine)], iso3: Annotated[str, Path(pattern=r"^[A-Za-z]{3}$")]) -> dict:
    return svc.contributor(engine, iso3)

"""Treaty universalization over HTTP: instruments, status as of a date, forum members and gaps,
state profiles, coalition targets, the backtest, and CSV/XLSX exports. Reads only (imports run
from the CLI); errors are problem+json (a ValueError of the service is a 400 with its reason)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader
from civwatch.services import treaties as svc

router = APIRouter(tags=["treaties"], dependencies=[Depends(reader)])
EngineDep = Annotated[Engine, Depends(get_engine)]
AsOf = Annotated[date | None, Query(description="Date the status is asked for (default today).")]
Ref = Annotated[str, Path(max_length=40, description="Instrument id (XXVI-5) or key (ottawa).")]
Forum = Annotated[str, Path(max_length=24, description="Forum id: G7, G20, NATO, EU, OSCE, AU, ASEAN, OAS, COMMONWEALTH, OIF, UN.")]


@router.get("/treaties/instruments", summary="The register with party counts on a date")
def instruments(engine: EngineDep, as_of: AsOf = None) -> dict:
    return svc.instruments(engine, as_of)


@router.get("/treaties/instruments/{ref}", summary="One instrument: counts, curve, by region, every state's status")
def instrument(engine: EngineDep, ref: Ref, as_of: AsOf = None) -> dict:
    return svc.instrument_view(engine, ref, as_of)


@router.get("/treaties/instruments/{ref}/curve", summary="Universalization curve, overall and by region or forum")
def curve(engine: EngineDep, ref: Ref, as_of: AsOf = None,
          by: Annotated[str | None, Query(max_length=24, description="region, or a forum id")] = None) -> dict:
    return svc.curves(engine, ref, as_of, by)


@router.get("/treaties/status", summary="Status of one state for one instrument on a date")
def status(engine: EngineDep, country: Annotated[str, Query(min_length=3, max_length=3)],
           instrument: Annotated[str, Query(max_length=40)], as_of: AsOf = None) -> dict:
    return svc.status(engine, country, instrument, as_of)


@router.get("/treaties/profile/{country}", summary="A state's status across every instrument")
def profile(engine: EngineDep, country: Annotated[str, Path(min_length=3, max_length=3)], as_of: AsOf = None) -> dict:
    return svc.profile(engine, country, as_of)


@router.get("/forums/{forum}", summary="A forum's members x instruments on a date")
def forum(engine: EngineDep, forum: Forum, as_of: AsOf = None) -> dict:
    return svc.forum_view(engine, forum, as_of)


@router.get("/forums/{forum}/members", summary="ISO3 codes of a forum's members on a date")
def members(engine: EngineDep, forum: Forum, as_of: AsOf = None) -> dict:
    day = as_of or date.today()
    return {"forum": forum.upper(), "as_of": day, "members": svc.forum_members(engine, forum, day)}


@router.get("/forums/{forum}/gaps/{ref}", summary="Members not party: signed-not-ratified, withdrawn, never acted")
def gaps(engine: EngineDep, forum: Forum, ref: Ref, as_of: AsOf = None) -> dict:
    return svc.gaps(engine, forum, ref, as_of)


@router.get("/forums/{forum}/targets/{ref}", summary="Coalition targets: non-party members ranked by likelihood of joining")
def targets(engine: EngineDep, forum: Forum, ref: Ref, as_of: AsOf = None,
            horizon_years: Annotated[int, Query(ge=1, le=20)] = 5) -> dict:
    return svc.targets(engine, forum, ref, as_of, horizon_years)


@router.get("/treaties/backtest", summary="Backtest of the likely-joiners model against baselines (slow: tens of seconds)")
def backtest(engine: EngineDep, as_of: date = date(2015, 12, 31), until: date = date(2026, 2, 3),
             horizon_years: Annotated[int, Query(ge=1, le=30)] = 10,
             instrument: Annotated[str | None, Query(max_length=40)] = None) -> dict:
    return svc.backtest(engine, as_of, until, horizon_years, instrument)


@router.get("/treaties/exports/{kind}.{fmt}", summary="A treaty table as CSV or XLSX (formula-safe)", response_class=Response)
def export(engine: EngineDep, kind: Literal["instrument", "forum", "targets", "profile"], fmt: Literal["csv", "xlsx"],
           ref: Annotated[str | None, Query(max_length=40)] = None, forum: Annotated[str | None, Query(max_length=24)] = None,
           country: Annotated[str | None, Query(max_length=3)] = None, as_of: AsOf = None) -> Response:
    data = _data(engine, kind, ref, forum, country, as_of)
    content, media, ext = svc.export(kind, data, fmt)
    name = "-".join(x for x in ("civwatch", kind, ref, forum, country) if x)
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{ext}"'})


def _data(engine: Engine, kind: str, ref: str | None, forum: str | None, country: str | None, as_of: date | None) -> dict:
    def need(value: str | None, what: str) -> str:
        if not value:
            raise ValueError(f"the {kind} export needs {what}")
        return value

    if kind == "instrument":
        return svc.instrument_view(engine, need(ref, "ref"), as_of)
    if kind == "forum":
        return svc.forum_view(engine, need(forum, "forum"), as_of)
    if kind == "targets":
        return svc.targets(engine, need(forum, "forum"), need(ref, "ref"), as_of)
    return svc.profile(engine, need(country, "country"), as_of)

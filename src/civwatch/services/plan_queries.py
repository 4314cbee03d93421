"""The named, versioned queries a plan's indicators are bound to, computed as of a date by the
existing services (case work, treaties, indicators, peace operations), a manual figure with
its evidence, and the reserved slot for arms-export screening.

Every result says what it is over: a value, its base where it is a share, or why it is not
available ("unknown is not zero")."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine

from civwatch.domain import plan as dom
from civwatch.domain.query import Filters

# Arms-export screening is its own capability; the slot is filled by its function:
#   complete_evidence_share(engine, as_of: date) -> {"value": share | None, "base": int, ...}
SCREENING_MODULE = "civwatch.services.screening"
SCREENING_FUNCTION = "complete_evidence_share"
SCREENING_MISSING = "not available: screening not loaded"


def end_of_day(on: date) -> datetime:
    """A date as of its last instant, UTC (what happened during the day counts)."""
    return datetime.combine(on, time.max, tzinfo=UTC)


def _result(value: float | None, unit: str, available: bool = True, reason: str | None = None, **detail: Any) -> dict[str, Any]:
    return {"value": value, "unit": unit, "available": available, "reason": reason, "detail": detail}


def _cases_share(engine: Engine, ind: dom.Indicator, on: date, ctx: dict) -> dict:
    from civwatch.services import cases

    fig = cases.as_of(engine, end_of_day(on))["initial_assessment"]
    if not fig["base"]:
        return _result(None, "share", False, "unknown: no case with a known outcome by this date", **fig)
    return _result(fig["share_within"], "share", numerator=fig["within"], **fig)


def _cases_median(engine: Engine, ind: dom.Indicator, on: date, ctx: dict) -> dict:
    from civwatch.services import cases

    fig = cases.as_of(engine, end_of_day(on))["response"]
    if not fig["cases"]:
        return _result(None, "days", False, "unknown: no case had reached response by this date", base=0)
    return _result(fig["median_days"], "days", base=fig["cases"])


def _treaty_parties(engine: Engine, ind: dom.Indicator, on: date, ctx: dict) -> dict:
    from civwatch.domain import treaties as tdom
    from civwatch.services import treaties

    forum, instrument = str(ind.params["forum"]), str(ind.params["instrument"])
    inst = tdom.instrument(instrument)
    w = ctx.get("world")
    if w is None:
        w = ctx["world"] = treaties.world(engine)
    members = treaties.forum_members(engine, forum, on, w=w)
    if not members:
        return _result(None, "states", False, f"unknown: no members of {forum} recorded on {on} (forum memberships not loaded)")
    if w.covered_until(inst.id) is None:
        return _result(None, "states", False, f"unknown: no status data for {inst.id} loaded")
    parties = [m for m in members if treaties.status(engine, m, inst.id, on, w=w)["status"] == "party"]
    return _result(len(parties), "states", base=len(members), parties=parties, instrument=inst.id, forum=forum)


def _civilian_deaths(engine: Engine, ind: dom.Indicator, on: date, ctx: dict) -> dict:
    from civwatch.services import indicators

    window = int(ind.params.get("window_days", 365))
    if not 1 <= window <= 3660:
        raise ValueError(f"window_days must be 1..3660, got {window}")
    if not indicators.indicator(engine, "incidents").rows:
        return _result(None, "people", False, "unknown: no incident data loaded")

    def tup(key: str) -> tuple[str, ...]:
        v = ind.params.get(key) or ()
        return tuple(v.split(",")) if isinstance(v, str) else tuple(v)

    try:
        first = on - timedelta(days=window - 1)
    except OverflowError:
        raise ValueError(f"the date {on} is too early for a {window}-day window") from None
    f = Filters(date_from=first, date_to=on, countries=tup("countries"), party_categories=tup("party_categories"))
    rows = indicators.indicator(engine, "civilian-deaths", filters=f).rows
    value = rows[0]["value"] if rows else 0
    return _result(value, "people", window_days=window, date_from=f.date_from, date_to=on,
                   low=rows[0]["low"] if rows else 0, high=rows[0]["high"] if rows else 0)


def _poc_personnel(engine: Engine, ind: dom.Indicator, on: date, ctx: dict) -> dict:
    from civwatch.services import missions

    data = missions.poc_personnel(engine, on)
    if data["troops"] is None:
        return _result(None, "people", False, f"unknown: no Geo-PKO troop figure for a POC-mandated mission in {on.year}",
                       missions_without_figure=data["missions_without_figure"])
    return _result(data["troops"], "people", missions=data["missions"], missions_without_figure=data["missions_without_figure"])


def _screening(engine: Engine, ind: dom.Indicator, on: date, ctx: dict) -> dict:
    if importlib.util.find_spec(SCREENING_MODULE) is None:
        return _result(None, "share", False, SCREENING_MISSING)
    fn = getattr(importlib.import_module(SCREENING_MODULE), SCREENING_FUNCTION, None)
    if fn is None:
        return _result(None, "share", False, SCREENING_MISSING)
    out = fn(engine, on)
    if out.get("value") is None:
        return _result(None, "share", False, out.get("reason") or "unknown: no screening decision by this date", base=out.get("base", 0))
    return _result(out["value"], "share", base=out.get("base"))


def _manual(engine: Engine, ind: dom.Indicator, on: date, ctx: dict) -> dict:
    known = [v for v in ind.values if v.date <= on]
    if not known:
        return _result(None, "number", False, f"unknown: no figure entered on or before {on}")
    v = max(known, key=lambda x: x.date)
    return _result(v.value, "number", entered_for=v.date, evidence=v.evidence, note=v.note)


RUNNERS: dict[str, Callable[[Engine, dom.Indicator, date, dict], dict]] = {
    "cases.assessed_within_deadline@1": _cases_share,
    "cases.median_days_to_response@1": _cases_median,
    "treaties.forum_parties@1": _treaty_parties,
    "indicators.civilian_deaths@1": _civilian_deaths,
    "missions.poc_personnel@1": _poc_personnel,
    "screening.complete_evidence_share@1": _screening,
    "manual@1": _manual,
}
assert set(RUNNERS) == set(dom.QUERIES), "every catalogued query has one implementation"


def compute(engine: Engine, ind: dom.Indicator, on: date, ctx: dict | None = None) -> dict[str, Any]:
    """The indicator's value on `on`, with the query that gave it."""
    spec = dom.query(ind.query)
    out = RUNNERS[spec.ref](engine, ind, on, {} if ctx is None else ctx)
    return {"on": on, "query": spec.ref, **out}


def catalogue() -> list[dict[str, Any]]:
    return [{"query": q.ref, "name": q.name, "version": q.version, "kind": q.kind, "unit": q.unit, "title": q.title,
             "definition": q.definition, "params": list(q.params), "required": list(q.required),
             "available": q.kind != "screening" or importlib.util.find_spec(SCREENING_MODULE) is not None}
            for q in dom.QUERIES.values()]

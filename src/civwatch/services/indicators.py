"""Indicators: the one implementation behind `civwatch stats`, /api/indicators and the pages.

    result = indicator(engine, "civilian-deaths", by=["year"], filters=Filters(countries=("UKR",)))
    result.rows        # [{"year": 2014, "value": 663, "low": ..., "high": ..., "sources": [...]}, ...]
    result.definition  # what the number means, with a link into docs/methodology.md
    result.coverage    # level (incident/report), linkage statement, records with figures
    result.sources     # contributing sources and their report counts

Without a source filter, counts are over incidents (each linked incident once); with one, over
that source's reports. Sums come from the maintained cube (store/cube.py): imports, edits and
linkage keep it current in their own transaction (store/cube_delta.py); a read rebuilds it only
when the store changed some other way. Results are cached per store state.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from civwatch.analytics import measures
from civwatch.analytics.definitions import (
    CHANGE_SECTION,
    COMPARE_SECTION,
    DEFINITIONS,
    METHODOLOGY,
    METHODOLOGY_PAGE,
    definition,
)
from civwatch.domain.query import Filters, parse_dimensions
from civwatch.domain.textcounts import METHOD_VERSION
from civwatch.store import conflict_queries as conflict_store
from civwatch.store import cube, cube_delta, cube_grouped, linkage_status
from civwatch.store import linkage as linkage_store
from civwatch.store import textcounts as extracted_store

ALIASES = {"conflicts": "active-conflicts"}  # the import issue's first name for it
# harm by sex and age read from report text (harm_extracted): left out unless asked for, because
# it is read, not coded, and reports name women and children more often than men (docs/textcounts.md)
EXTRACTED = ("exclude", "include")
SEX_AGE_INDICATORS = ("women-children-share",)
FRESHNESS_SECONDS = 0.0  # how long a checked fingerprint is trusted (0: check on every call; three primary-key lookups)
CACHE_SIZE = 512


@dataclass
class IndicatorResult:
    name: str
    by: list[str]
    filters: Filters
    level: str
    rows: list[dict]
    definition: dict
    coverage: dict
    sources: list[dict]
    change: str | None = None
    notes: list[str] = field(default_factory=list)
    extracted: dict = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.name,
            "by": self.by,
            "filters": self.filters.as_dict(),
            "change": self.change,
            "extracted": self.extracted,
            "definition": self.definition,
            "coverage": self.coverage,
            "sources": self.sources,
            "rows": self.rows,
        }


@dataclass
class CompareResult:
    by: list[str]
    filters: Filters
    level: str
    rows: list[dict]
    coverage: dict
    sources: list[dict]
    extracted: dict = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "filters": self.filters.as_dict(),
            "extracted": self.extracted,
            "definition": {
                "title": "Actor-blind comparison",
                "definition": "The same measures for every group, computed by the same code: incidents, civilian "
                "deaths per incident, share of incidents in populated areas, share with explosive weapons, "
                "share of casualties who are women or children. No party identity enters any rule.",
                "methodology": f"{METHODOLOGY}#{COMPARE_SECTION}",
                "methodology_url": f"{METHODOLOGY_PAGE}#{COMPARE_SECTION}",
            },
            "coverage": self.coverage,
            "sources": self.sources,
            "rows": self.rows,
        }


def names() -> list[str]:
    return list(DEFINITIONS)


def definitions() -> list[dict]:
    return [d.as_dict() for d in DEFINITIONS.values()]


# --- freshness and caching --------------------------------------------------------------------

_lock = threading.Lock()
_checked: dict[str, tuple[float, str]] = {}  # engine url -> (monotonic time, fingerprint)
_cache: OrderedDict[tuple, Any] = OrderedDict()


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _window() -> float:
    """CIVWATCH_FRESH_WITHIN lets a busy server skip the fingerprint query for that long: writes by
    other processes then show within that many seconds (this process's own writes at once)."""
    value = os.environ.get("CIVWATCH_FRESH_WITHIN")
    if not value:
        return FRESHNESS_SECONDS
    try:
        return max(0.0, min(float(value), 60.0))
    except ValueError:
        raise ValueError(f"CIVWATCH_FRESH_WITHIN must be a number of seconds, got {value!r}") from None


def ensure_fresh(engine: Engine, force: bool = False) -> str:
    """Rebuild the cube when the store changed since it was built; returns the store fingerprint."""
    url = _key(engine)
    now = time.monotonic()
    seen = _checked.get(url)
    if seen and not force and now - seen[0] < _window():
        return seen[1]
    with engine.connect() as conn:
        fp = cube.fingerprint(conn)
        st = cube.state(conn)
    if force or st is None or st["fingerprint"] != fp:
        with _lock, engine.begin() as conn:
            st = cube.state(conn)
            if force or st is None or st["fingerprint"] != cube.fingerprint(conn):
                cube.rebuild(conn)
            fp = cube.fingerprint(conn)
    _checked[url] = (time.monotonic(), fp)
    return fp


def _fresh_on(engine: Engine, conn: Connection) -> tuple[str, bool]:
    """`ensure_fresh` on a reader's own connection: the store's and the cube's fingerprints in
    one statement (one round trip on PostgreSQL). Returns the fingerprint and whether it was
    read just now (not trusted from within CIVWATCH_FRESH_WITHIN)."""
    url = _key(engine)
    seen = _checked.get(url)
    if seen and time.monotonic() - seen[0] < _window():
        return seen[1], False
    fp, kept = cube.fingerprints(conn)
    if kept != fp:
        conn.rollback()  # end this read before the rebuild (its own transaction, under the lock)
        return ensure_fresh(engine), True
    _checked[url] = (time.monotonic(), fp)
    return fp, True


def refresh(engine: Engine) -> int:
    """Rebuild the cube now (after an import or a linkage run); returns its row count."""
    with _lock, engine.begin() as conn:
        rows = cube.rebuild(conn)
        fp = cube.fingerprint(conn)
    _checked[_key(engine)] = (time.monotonic(), fp)
    return rows


def after_batch(conn: Connection, batch_id: int) -> bool:
    """In an import batch's transaction, after its rows and audit entry: add the batch's new
    reports and incidents to the cube (store/cube_delta.py). Returns whether the cube was kept
    current (otherwise the next read rebuilds it)."""
    ran = cube_delta.add_batch(conn, batch_id)
    _checked.pop(_key(conn.engine), None)
    return ran


def before_change(conn: Connection, incident_ids: Iterable[int]) -> bool:
    """First thing in the transaction of a write to stored incidents: take their contribution
    out of the cube. Pass the returned token to `after_change`."""
    return cube_delta.begin_change(conn, incident_ids)


def after_change(conn: Connection, token: bool, incident_ids: Iterable[int]) -> bool:
    """Last thing in that transaction (after its audit entry): put the touched incidents' new
    contribution in (those touched before, and any the write created)."""
    ran = cube_delta.end_change(conn, token, incident_ids)
    _checked.pop(_key(conn.engine), None)
    return ran


def rebuild_in(conn: Connection) -> int:
    """Rebuild the cube inside the caller's transaction (after a write that changes everything)."""
    rows = cube.rebuild(conn)
    _checked.pop(_key(conn.engine), None)
    return rows


def freshness(engine: Engine) -> dict:
    """Whether the cube answers for the store as it is now, and when it was last brought up to date."""
    with engine.connect() as conn:
        fp = cube.fingerprint(conn)
        st = cube.state(conn)
    return {
        "current": bool(st and st["fingerprint"] == fp),
        "store": fp,
        "cube": st["fingerprint"] if st else None,
        "refreshed_at": st["refreshed_at"].isoformat() if st and st["refreshed_at"] else None,
        "rows": st["rows"] if st else 0,
    }


def store_fingerprint(engine: Engine) -> str:
    with engine.connect() as conn:
        return cube.fingerprint(conn)


def _cached(key: tuple, compute):
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


# --- the indicators ---------------------------------------------------------------------------

def indicator(
    engine: Engine,
    name: str,
    by: list[str] | str | None = None,
    filters: Filters | None = None,
    change: str | None = None,
    extracted: str | None = None,
) -> IndicatorResult:
    """Compute one indicator grouped by `by` under `filters`; `change="yoy"` adds year-on-year change.

    `extracted="include"` adds the harm by sex and age read from report text to the sex-and-age
    indicators (default "exclude": coded figures only); the result's `extracted` says which it shows."""
    name = ALIASES.get(name, name)
    extracted = check_extracted(extracted)
    d = definition(name)
    dims = _conflict_dims(by) if name == "active-conflicts" else parse_dimensions(by)
    filters = filters or Filters()
    if change not in (None, "", "yoy"):
        raise ValueError(f"change must be 'yoy', got {change!r}")
    change = change or None
    if change and not {"year", "month"} & set(dims):
        raise ValueError("--change yoy needs --by year or --by month")
    if name == "active-conflicts":
        return _active_conflicts(engine, dims, filters, change)
    with engine.connect() as conn:  # one connection for the checks and the sums
        fp, now = _fresh_on(engine, conn)
        store_fp = fp if now else cube.fingerprint(conn)  # the linkage status is kept at the store's
        x_fp = None
        if name in SEX_AGE_INDICATORS:
            x_fp = extracted_store.fingerprint(conn)
            fp += ":" + x_fp
        key = ("indicator", _key(engine), fp, name, tuple(dims), filters_key(filters), change, extracted)
        return _cached(key, lambda: _compute(engine, d.name, dims, filters, change, extracted, conn, store_fp, x_fp))


def check_extracted(value: str | None) -> str:
    """"exclude" (the default) or "include"; anything else is refused with the valid values."""
    value = (value or "exclude").strip().lower()
    if value not in EXTRACTED:
        raise ValueError(f"extracted must be one of {', '.join(EXTRACTED)}, got {value!r}")
    return value


def _extracted_fingerprint(engine: Engine) -> str:
    with engine.connect() as conn:
        return extracted_store.fingerprint(conn)


NO_EXTRACTED = "x0"  # textcounts.fingerprint of a store holding no harm read from text


def _with_extracted(conn, summed: list[dict], level: str, dims: list[str], filters: Filters, extracted: str,
                    extracted_fp: str | None = None) -> tuple[list[dict], dict, dict]:
    """The coded sums, with the extracted sex-and-age sums added when `extracted == "include"`;
    also the extracted sums per group and overall, and the statement of which figures are shown.
    `extracted_fp`: the store's extracted fingerprint when read already (none: nothing to sum)."""
    extra = [] if extracted_fp == NO_EXTRACTED else extracted_store.aggregate(conn, level, dims, filters)
    per_group: dict[tuple, dict] = {}
    for e in extra:
        acc = per_group.setdefault(tuple(e[d] for d in dims), dict.fromkeys(extracted_store.MEASURES, 0))
        for m in extracted_store.MEASURES:
            acc[m] += e[m]
    total = {m: sum(e[m] for e in extra) for m in extracted_store.MEASURES}
    if extracted == "include":
        index = {tuple(r[d] for d in dims): r for r in summed}
        for key, add in per_group.items():
            row = index.get(key)
            if row is None:  # cannot happen (each extracted record is a fact row); kept, never dropped
                row = {**dict(zip(dims, key, strict=True)), **dict.fromkeys(measures.SUMMED, 0)}
                summed.append(row)
                index[key] = row
            for m, v in add.items():
                row[m] += v
    n, cas, wc = total["n_disaggregated"], total["casualties_disaggregated"], total["casualties_women_children"]
    if extracted == "include":
        text = (f"includes harm by sex and age read from report text ({METHOD_VERSION}): {cas:,} civilian casualties "
                f"({wc:,} women or children) in {n:,} records with no coded sex or age; read, not coded")
    else:
        text = (f"coded figures only; {cas:,} civilian casualties by sex or age read from the text of {n:,} records "
                f"are left out (extracted=include adds them)")
    summary = {"shown": "included" if extracted == "include" else "excluded", "method": METHOD_VERSION, "records": n,
               "casualties_disaggregated": cas, "casualties_women_children": wc, "statement": text}
    return summed, per_group, summary


def _compare_rows(summed: list[dict], dims: list[str], shown: str) -> list[dict]:
    if shown == "included":
        return measures.compare(summed, dims, measures.EXTRACTED_BASE)
    return measures.compare(summed, dims)


def _not_applicable(extracted: str) -> dict:
    return {"shown": "not applicable", "requested": extracted,
            "statement": "coded figures only: figures read from text enter the sex-and-age indicators alone"}


def linkage_run(engine: Engine) -> dict:
    """Whether `civwatch link` has run on the current reports (one scan per store state)."""
    with engine.connect() as conn:
        return _linkage_run_on(engine, conn, cube.fingerprint(conn))


def _linkage_run_on(engine: Engine, conn: Connection, fp: str) -> dict:
    """`linkage_run` on a reader's connection, the store's fingerprint `fp` read already."""

    def scan() -> dict:
        kept = linkage_status.read(conn, fp)  # one row, no scan
        if kept is not None:
            return kept
        if not linkage_store.any_seen(conn) and cube_delta.is_current(conn):
            # never linked: every report is unlinked, and the cube counts them (no scan)
            total = sum(r["n"] for r in cube.aggregate(conn, "report", [], Filters()))
            return {"reports": total, "reports_not_linked": total, "last_run_at": None}
        return linkage_store.run_state(conn)

    return _cached(("linkage-run", _key(engine), fp), scan)


def filters_key(f: Filters) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in f.as_dict().items()))


def _compute(engine: Engine, name: str, dims: list[str], filters: Filters, change: str | None,
             extracted: str = "exclude", conn: Connection | None = None, fp: str | None = None,
             extracted_fp: str | None = None) -> IndicatorResult:
    if conn is None:
        with engine.connect() as own:
            return _compute(engine, name, dims, filters, change, extracted, own, cube.fingerprint(own))
    level = "report" if filters.source else "incident"
    per_group: dict[tuple, dict] = {}
    helper = measures.helper_dims(dims)
    # summed per group by the store when the cube answers and nothing is added to its sums
    # (extracted harm "include" adds per group and source): a row per group, not per group and source
    row_measures = measures.ROW_MEASURES.get(name, measures.SUMMED)
    store_groups = None if extracted == "include" and name in SEX_AGE_INDICATORS else \
        cube_grouped.grouped(conn, level, dims, filters, row_measures)
    summed: list[dict] = []
    if store_groups is None:
        summed = cube.aggregate(conn, level, helper, filters)
    if name in SEX_AGE_INDICATORS:
        summed, per_group, ex = _with_extracted(conn, summed, level, helper, filters, extracted, extracted_fp)
    else:
        ex = _not_applicable(extracted)
    run = _linkage_run_on(engine, conn, fp or cube.fingerprint(conn))
    if store_groups is not None and name in measures.COUNTS:
        rows = measures.count_rows(name, store_groups[0], dims)
        totals = measures.summed_totals(store_groups[1])
    elif store_groups is not None:
        rows = measures.indicator_rows(name, summed, dims, measures.summed_groups(store_groups[0], dims, row_measures))
        totals = measures.summed_totals(store_groups[1])
    else:
        groups = measures.collapse(summed, dims)  # once: the rows, and the totals from the groups
        totals = measures.total(groups)
        rows = measures.indicator_rows(name, summed, dims, groups)
    if name in SEX_AGE_INDICATORS:
        measures.add_extracted(rows, per_group, dims, ex["shown"])
    if change:
        rows = measures.add_change(rows, dims)
    d = definition(name).as_dict()
    if change:
        d["change"] = {"kind": "yoy", "methodology": f"{METHODOLOGY}#{CHANGE_SECTION}", "methodology_url": f"{METHODOLOGY_PAGE}#{CHANGE_SECTION}"}
    return IndicatorResult(
        name=name,
        by=dims,
        filters=filters,
        level=level,
        rows=rows,
        definition=d,
        coverage=measures.overall_coverage(summed, level, filters.source, run, totals),
        sources=measures.source_totals(summed, totals),
        change=change,
        extracted=ex,
    )


CONFLICT_DIMS = {"year", "intensity", "type_of_conflict", "region", "country"}


def _conflict_dims(by: list[str] | str | None) -> list[str]:
    items = by.split(",") if isinstance(by, str) else list(by or [])
    dims = []
    for item in items:
        key = item.strip().lower().replace("-", "_")
        key = {"type": "type_of_conflict", "intensity_level": "intensity"}.get(key, key)
        if key and key not in dims:
            if key not in CONFLICT_DIMS:
                raise ValueError(f"active-conflicts groups by {', '.join(sorted(CONFLICT_DIMS))}, not {item!r}")
            dims.append(key)
    return dims


def _active_conflicts(engine: Engine, dims: list[str], filters: Filters, change: str | None) -> IndicatorResult:
    bad = [d for d in dims if d not in CONFLICT_DIMS]
    if bad:
        raise ValueError(f"active-conflicts groups by {', '.join(sorted(CONFLICT_DIMS))}, not {', '.join(bad)}")
    with engine.connect() as conn:
        rows_in = conflict_store.conflict_years(conn, filters)
    rows = measures.count_conflicts(rows_in, dims)
    if change:
        rows = measures.add_change(rows, dims)
    return IndicatorResult(
        name="active-conflicts",
        by=dims,
        filters=filters,
        level="conflict-year",
        rows=rows,
        definition=definition("active-conflicts").as_dict(),
        coverage={"level": "conflict-year", "records": len(rows_in), "threshold": "25 battle-related deaths in the year"},
        sources=[{"source": "ucdp-prio-acd", "reports": len(rows_in)}] if rows_in else [],
        change=change,
        extracted=_not_applicable("exclude"),
    )


def compare(engine: Engine, by: list[str] | str | None = "party_category", filters: Filters | None = None,
            extracted: str | None = None) -> CompareResult:
    """Actor-blind comparison: the same measures per party category (or any other dimension);
    `extracted="include"` adds the harm by sex and age read from text to its women-and-children share."""
    dims = parse_dimensions(by) or ["party_category"]
    filters = filters or Filters()
    extracted = check_extracted(extracted)
    level = "report" if filters.source else "incident"
    fp = ensure_fresh(engine) + ":" + _extracted_fingerprint(engine)

    def run() -> CompareResult:
        with engine.connect() as conn:
            summed = cube.aggregate(conn, level, measures.helper_dims(dims), filters)
            summed, _, ex = _with_extracted(conn, summed, level, measures.helper_dims(dims), filters, extracted)
        run = linkage_run(engine)
        return CompareResult(
            by=dims,
            filters=filters,
            level=level,
            rows=_compare_rows(summed, dims, ex["shown"]),
            coverage=measures.overall_coverage(summed, level, filters.source, run),
            sources=measures.source_totals(summed),
            extracted=ex,
        )

    return _cached(("compare", _key(engine), fp, tuple(dims), filters_key(filters), extracted), run)

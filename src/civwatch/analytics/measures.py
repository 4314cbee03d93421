"""Indicator values from summed facts (rows of measure sums grouped by dimensions).

The store sums; this module divides, collapses helper dimensions, and states coverage, so the
CLI, the API and the pages all get numbers from one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter

from civwatch.domain.query import SUMMED_MEASURES

SUMMED = SUMMED_MEASURES


def _blank() -> dict:
    return {k: 0 for k in SUMMED} | {"_sources": defaultdict(int)}


def collapse(rows: Iterable[dict], by: list[str]) -> dict[tuple, dict]:
    """Sum rows that share the `by` dimensions; the helper dimension "source" (which the store
    grouped by as well) becomes the list of contributing sources with their report counts."""
    out: dict[tuple, dict] = defaultdict(_blank)
    for row in rows:
        acc = out[tuple(row[d] for d in by)]
        for k in SUMMED:
            acc[k] += row[k]
        for name in str(row.get("source") or "").split(","):
            if name:
                acc["_sources"][name] += row["n_reports"]
    return out


def total(groups: dict[tuple, dict]) -> dict[tuple, dict]:
    """`collapse(rows, [])` from the groups `collapse` already made of the same rows (fewer
    rows to add up: one per group, not one per group and source)."""
    acc = _blank()
    for g in groups.values():
        for k in SUMMED:
            acc[k] += g[k]
        for name, n in g["_sources"].items():
            acc["_sources"][name] += n
    return {(): acc} if groups else {}


@lru_cache(maxsize=1024)
def _names(joined: str | None) -> frozenset[str]:
    return frozenset(name for name in (joined or "").split(",") if name)


@lru_cache(maxsize=1024)
def _sorted_names(joined: str | None) -> tuple[str, ...]:
    return tuple(sorted(_names(joined)))


# the summed measures each indicator's rows read (value_of, row_coverage); totals read them all.
# For the counts, in the order of their value, low and high (`count_rows`).
ROW_MEASURES: dict[str, tuple[str, ...]] = {
    "civilian-deaths": ("deaths_best", "deaths_low", "deaths_high"),
    "civilian-injuries": ("injuries_best", "injuries_low", "injuries_high"),
    "incidents": ("n",),
    "reports": ("n_reports",),
    "women-children-share": ("n", "n_disaggregated", "casualties_disaggregated", "casualties_women_children", "casualties"),
    "ewipa-share": ("casualties", "casualties_ewipa", "casualties_weapon_unknown", "casualties_place_unknown"),
}


def summed_groups(rows: Iterable[tuple], by: list[str], summed: tuple[str, ...] = SUMMED) -> dict[tuple, dict]:
    """Groups as `collapse` makes them, from rows the store summed per group already: the `by`
    values, the `summed` measures in order, then the group's sources joined by commas. Each
    group's `_sources` holds the names of its sources only (their report counts come with
    `summed_totals`), which is all `indicator_rows` and `compare` read of it."""
    k, n = len(by), len(summed)
    out: dict[tuple, dict] = {}
    for row in rows:
        acc = dict(zip(summed, map(int, row[k:k + n]), strict=True))
        acc["_sources"] = _names(row[k + n])
        out[tuple(row[:k])] = acc
    return out


COUNTS = ("civilian-deaths", "civilian-injuries", "incidents", "reports")


def count_rows(name: str, rows: Iterable[tuple], by: list[str]) -> list[dict]:
    """`indicator_rows(name, [], by, summed_groups(rows, by, ROW_MEASURES[name]))` for a count
    (`COUNTS`), built straight from the store's rows: no dict of sums per group in between."""
    k = len(by)
    ordered = _in_order(list(rows), k)
    present = "violence_type" in by
    ranged = len(ROW_MEASURES[name]) == 3
    out = []
    for r in ordered:
        if k == 1 and not present:
            row = {by[0]: r[0]}
        else:
            row = {d: _present(d, v) for d, v in zip(by, r[:k], strict=True)} if present else dict(zip(by, r[:k], strict=True))
        if ranged:
            row["value"], row["low"], row["high"] = r[k], r[k + 1], r[k + 2]
        else:
            row["value"], row["low"], row["high"] = r[k], None, None
        row["sources"] = list(_sorted_names(r[-1]))
        out.append(row)
    return out


def summed_totals(per_source: Iterable[tuple]) -> dict[tuple, dict]:
    """`collapse(rows, [])` from sums the store made per sources value (the value, then every
    summed measure in order): the totals over the whole selection and each source's reports."""
    acc = _blank()
    seen = False
    reports_at = 1 + SUMMED.index("n_reports")
    for row in per_source:
        seen = True
        for k, v in zip(SUMMED, row[1:], strict=True):
            acc[k] += int(v)
        for name in str(row[0] or "").split(","):  # as `collapse` splits them
            if name:
                acc["_sources"][name] += int(row[reports_at])
    return {(): acc} if seen else {}


def ratio(num: int, den: int) -> float | None:
    return None if not den else round(num / den, 6)


def share_text(num: int, den: int, base: str) -> str:
    """A share with the base it is taken over: "31 % of 58 incidents with a known weapon";
    "unknown (no incidents with a known weapon)" when the base is empty. Unknown is not zero."""
    if not den:
        return f"unknown (no {base})"
    pct = 100 * num / den
    shown = f"{pct:.0f}" if pct >= 1 or pct == 0 else f"{pct:.1f}"
    return f"{shown} % of {den:,} {base}"


def populated_base(acc: dict) -> int:
    """The base of the populated-area share: incidents whose place type is known, but only where
    the data can say "not populated". The importers record a place as populated or leave it
    unknown (no source states that a place is not populated), so a base holding only "yes"
    answers measures what was recorded, not where incidents happened: the share is unknown."""
    known, yes = acc["n_populated_known"], acc["n_populated"]
    return known if known > yes else 0


def value_of(name: str, acc: dict) -> dict:
    """value / low / high (and, for shares, numerator / denominator) of one indicator."""
    if name == "civilian-deaths":
        return {"value": acc["deaths_best"], "low": acc["deaths_low"], "high": acc["deaths_high"]}
    if name == "civilian-injuries":
        return {"value": acc["injuries_best"], "low": acc["injuries_low"], "high": acc["injuries_high"]}
    if name == "incidents":
        return {"value": acc["n"], "low": None, "high": None}
    if name == "reports":
        return {"value": acc["n_reports"], "low": None, "high": None}
    if name == "women-children-share":
        num, den = acc["casualties_women_children"], acc["casualties_disaggregated"]
        return {"value": ratio(num, den), "low": None, "high": None, "numerator": num, "denominator": den}
    if name == "ewipa-share":
        num, den = acc["casualties_ewipa"], acc["casualties"] - acc["casualties_weapon_unknown"]
        return {"value": ratio(num, den), "low": None, "high": None, "numerator": num, "denominator": den}
    raise ValueError(f"no measure {name!r}")


def row_coverage(name: str, acc: dict) -> dict | None:
    """What a share leaves out, per row; None for counts."""
    if name == "women-children-share":
        return {
            "records_disaggregated": acc["n_disaggregated"],
            "records": acc["n"],
            "casualties_disaggregated": acc["casualties_disaggregated"],
            "casualties": acc["casualties"],
        }
    if name == "ewipa-share":
        return {
            "casualties_weapon_unknown": acc["casualties_weapon_unknown"],
            "casualties_place_unknown": acc["casualties_place_unknown"],
            "casualties": acc["casualties"],
        }
    return None


SHARE_BASES = {
    "women-children-share": "civilian casualties with sex or age recorded",
    "ewipa-share": "civilian casualties with a known weapon",
}


def helper_dims(by: list[str]) -> list[str]:
    """Dimensions the store must also group by (collapsed away afterwards): the source."""
    return by if "source" in by else [*by, "source"]


def _order(value) -> tuple:
    """Sort key of one dimension value: numbers as zero-padded text, unknown (None) last."""
    return (value is None, f"{value:012d}" if isinstance(value, int) else str(value))


def _in_order(rows: list[tuple], k: int) -> list[tuple]:
    """Rows sorted by their first `k` values as `indicator_rows` sorts its groups (`_order`). One
    column of text only, or of whole numbers from 0 to 10**12, sorts by the values themselves:
    the same order, without a key made per row."""
    if k == 1 and rows:
        first = {type(r[0]) for r in rows}
        if first == {str} or (first == {int} and 0 <= min(r[0] for r in rows) and max(r[0] for r in rows) < 10**12):
            return sorted(rows, key=itemgetter(0))
        return sorted(rows, key=lambda r: _order(r[0]))
    return sorted(rows, key=lambda r: tuple(map(_order, r[:k])))


def indicator_rows(name: str, summed: Iterable[dict], by: list[str], groups: dict | None = None) -> list[dict]:
    """One output row per group: the dimensions under their names, value, low, high, sources.
    `groups`: `collapse(summed, by)` when the caller made it already."""
    groups = collapse(summed, by) if groups is None else groups
    present = "violence_type" in by  # the only dimension shown otherwise than stored
    rows = []
    for key in sorted(groups, key=(lambda k: _order(k[0])) if len(by) == 1 else (lambda k: tuple(map(_order, k)))):
        acc = groups[key]
        row = {d: _present(d, v) for d, v in zip(by, key, strict=True)} if present else dict(zip(by, key, strict=True))
        row |= value_of(name, acc)
        if "denominator" in row:
            row["base"] = share_text(row["numerator"], row["denominator"], SHARE_BASES[name])
        cov = row_coverage(name, acc)
        if cov is not None:
            row["coverage"] = cov
        row["sources"] = sorted(acc["_sources"])
        rows.append(row)
    return rows


EXTRACTED_BASE = "civilian casualties with sex or age recorded or read from text"


def add_extracted(rows: list[dict], per_group: dict[tuple, dict], by: list[str], shown: str) -> None:
    """Each row of a sex-and-age indicator says what was read from text for its group, and whether
    it is in the value ("included") or left out ("excluded")."""
    helper = by if "source" in by else [*by, "source"]
    sums: dict[tuple, dict] = {}
    for key, add in per_group.items():
        acc = sums.setdefault(tuple(_present(d, v) for d, v in zip(helper, key, strict=True) if d in by), dict.fromkeys(add, 0))
        for m, v in add.items():
            acc[m] += v
    for row in rows:
        add = sums.get(tuple(row[d] for d in by), {})
        if shown == "included" and "denominator" in row:
            row["base"] = share_text(row["numerator"], row["denominator"], EXTRACTED_BASE)
        row["extracted"] = {
            "shown": shown,
            "records": add.get("n_disaggregated", 0),
            "casualties_disaggregated": add.get("casualties_disaggregated", 0),
            "casualties_women_children": add.get("casualties_women_children", 0),
        }


def _present(dim: str, value):
    if dim == "violence_type" and not value:
        return "unknown"
    return value


def source_totals(summed: Iterable[dict], totals: dict | None = None) -> list[dict]:
    """Reports per contributing source over the whole selection (`totals`: `collapse(summed, [])`
    or `total(groups)` when the caller made it already)."""
    acc = collapse(summed, []) if totals is None else totals
    if not acc:
        return []
    counts = acc[()]["_sources"]
    return [{"source": s, "reports": counts[s]} for s in sorted(counts)]


def overall_coverage(summed: Iterable[dict], level: str, source: str | None, run: dict | None = None,
                     totals: dict | None = None) -> dict:
    """How far the numbers reach, and the linkage statement that says what one unit is.

    `run` is the store's linkage state (reports, reports_not_linked, last_run_at): whether
    `civwatch link` has run on the current reports is read from it, never guessed from counts."""
    groups = collapse(summed, []) if totals is None else totals
    acc = groups.get((), _blank())
    sources = sorted(acc["_sources"])
    out = {
        "level": level,
        "records": acc["n"],
        "reports": acc["n_reports"],
        "records_with_civilian_deaths": acc["n_deaths_known"],
        "records_with_civilian_injuries": acc["n_injuries_known"],
        "records_disaggregated": acc["n_disaggregated"],
        "sources": sources,
    }
    if level == "report":
        out["linkage"] = f"counting the reports of {source}; other sources are not included"
    elif acc["n"] and acc["n_reports"] == acc["n"]:
        text = "no linkage yet: each report is its own incident"
        if len(sources) > 1:
            text += f"; reports of one event from several sources ({', '.join(sources)}) are counted separately"
        out["linkage"] = text
    else:
        out["linkage"] = f"{acc['n_reports']} reports linked into {acc['n']} incidents; each incident counted once"
    if run is not None:
        out["linkage_run"] = run
        if level == "incident":
            out["linkage"] = linkage_statement(run, acc["n_reports"], acc["n"], sources)
    if not acc["n"]:
        out["linkage"] = "no records match"
    out["linked"] = level == "incident" and acc["n_reports"] > acc["n"]
    return out


def linkage_statement(run: dict, n_reports: int, n: int, sources: list[str]) -> str:
    """What one counted unit is, from whether and when `civwatch link` ran."""
    if run.get("last_run_at") is None:
        text = "no linkage yet: civwatch link has not run, so each report is its own incident"
        if len(sources) > 1:
            text += f"; reports of one event from several sources ({', '.join(sources)}) are counted separately"
        return text
    day = str(run["last_run_at"])[:10]
    pending = run.get("reports_not_linked", 0)
    if pending:
        return (f"civwatch link last ran on {day}; {pending:,} of {run.get('reports', 0):,} reports were imported or "
                f"changed since and are not linked yet (run civwatch link); {n_reports:,} reports in {n:,} incidents")
    return f"civwatch link has run on all current reports (last on {day}): {n_reports:,} reports in {n:,} incidents, each counted once"


def add_change(rows: list[dict], by: list[str]) -> list[dict]:
    """Year-on-year change: each row beside the same group one year (or 12 months) earlier."""
    if "year" in by:
        step = "year"
    elif "month" in by:
        step = "month"
    else:
        raise ValueError("--change yoy needs --by year or --by month")
    index = {tuple(r[d] for d in by): r for r in rows}
    pos = by.index(step)
    for row in rows:
        key = list(tuple(row[d] for d in by))
        if step == "year":
            key[pos] = row["year"] - 1
        else:
            y, m = row["month"].split("-")
            key[pos] = f"{int(y) - 1:04d}-{m}"
        prev = index.get(tuple(key))
        previous = prev["value"] if prev else None
        row["previous"] = previous
        if previous is None or row["value"] is None:
            row["change"] = None
            row["change_abs"] = None
        else:
            row["change_abs"] = round(row["value"] - previous, 6)
            row["change"] = None if not previous else round((row["value"] - previous) / previous, 6)
    return rows


def compare(summed: Iterable[dict], by: list[str], wc_base: str = SHARE_BASES["women-children-share"]) -> list[dict]:
    """The same measures for every group (party category by default), by the same code."""
    groups = collapse(summed, by)
    rows = []
    for key in sorted(groups, key=lambda k: tuple(str(v) for v in k)):
        acc = groups[key]
        row = {d: _present(d, v) for d, v in zip(by, key, strict=True)}
        row |= {
            "incidents": acc["n"],
            "civilian_deaths": acc["deaths_best"],
            "civilian_deaths_low": acc["deaths_low"],
            "civilian_deaths_high": acc["deaths_high"],
            "civilian_deaths_per_incident": ratio(acc["deaths_best"], acc["n"]),
            "populated_area_share": ratio(acc["n_populated"], populated_base(acc)),
            "explosive_weapons_share": ratio(acc["n_explosive"], acc["n_weapon_known"]),
            "women_children_share": ratio(acc["casualties_women_children"], acc["casualties_disaggregated"]),
            "bases": {
                "populated_area_share": share_text(acc["n_populated"], populated_base(acc), "incidents whose place is known to be populated or not"),
                "explosive_weapons_share": share_text(acc["n_explosive"], acc["n_weapon_known"], "incidents with a known weapon"),
                "women_children_share": share_text(acc["casualties_women_children"], acc["casualties_disaggregated"], wc_base),
            },
            "coverage": {
                "incidents_place_known": acc["n_populated_known"],
                "incidents_recorded_populated": acc["n_populated"],
                "incidents_weapon_known": acc["n_weapon_known"],
                "casualties_disaggregated": acc["casualties_disaggregated"],
                "casualties": acc["casualties"],
            },
            "sources": sorted(acc["_sources"]),
        }
        rows.append(row)
    return rows





def count_conflicts(conflict_years: Iterable[dict], by: list[str]) -> list[dict]:
    """Active conflicts (>= 25 battle-related deaths) per group of year / intensity / type / region.

    Each row of `conflict_years` is one conflict in one year, as the UCDP/PRIO ACD lists it.
    """
    groups: dict[tuple, set] = defaultdict(set)
    for row in conflict_years:
        key = tuple(row[d] for d in by)
        groups[key].add(row["conflict_id"])
    return [
        {d: v for d, v in zip(by, key, strict=True)} | {"value": len(groups[key]), "low": None, "high": None}
        for key in sorted(groups, key=lambda k: tuple(str(v) for v in k))
    ]

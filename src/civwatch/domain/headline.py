"""An incident's headline fields from its reports (docs/linkage.md, "Headline rule").

- Figures (civilian deaths, civilian injuries): best = the median of the reports' best values,
  the lower one of the middle two when their number is even, so the headline is always a
  figure some source reported and never inflated by averaging; low = the lowest low (or best)
  and high = the highest high (or best) of any source: the range across sources.
- Date: the report with the most precise date (shortest span), then the earliest.
- Place: the report with the most precise location (exact < near < admin2 < admin1 < country).
- Weapon and violence type: the most frequent known value; ties go to the more precise report.
- Perpetrator category: the one category all sources that name one agree on; "unknown" when
  they disagree (the grade then says Contested) or none names one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from statistics import median_low

GEO_ORDER = {"exact": 0, "near": 1, "admin2": 2, "admin1": 3, "country": 4, "unknown": 5}
FIGURES = ("civilian_deaths", "civilian_injuries")


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def combine_figure(reports: Sequence[Mapping[str, object]], prefix: str) -> tuple[int | None, int | None, int | None]:
    """(low, best, high) across reports, by the rule above; Nones when no report has a figure."""
    bests = [int(r[f"{prefix}_best"]) for r in reports if r.get(f"{prefix}_best") is not None]
    if not bests:
        return None, None, None
    lows = [int(r.get(f"{prefix}_low") if r.get(f"{prefix}_low") is not None else r[f"{prefix}_best"])
            for r in reports if r.get(f"{prefix}_best") is not None]
    highs = [int(r.get(f"{prefix}_high") if r.get(f"{prefix}_high") is not None else r[f"{prefix}_best"])
             for r in reports if r.get(f"{prefix}_best") is not None]
    best = int(median_low(bests))
    return min(min(lows), best), best, max(max(highs), best)


def _most_frequent(values: list[str], unknown: str = "unknown") -> str | None:
    known = [v for v in values if v and v != unknown]
    if not known:
        return None
    counts = Counter(known)
    top = max(counts.values())
    return next(v for v in known if counts[v] == top)  # first in precision order


def headline_fields(reports: Sequence[Mapping[str, object]]) -> dict[str, object]:
    """The incidents-row fields for a group of report rows (names as in the reports table)."""
    if not reports:
        raise ValueError("an incident needs at least one report")
    by_date = sorted(reports, key=lambda r: ((_as_date(r["date_end"]) - _as_date(r["date_start"])).days,
                                             _as_date(r["date_start"]), str(r["source"]), str(r["source_id"])))
    by_place = sorted(reports, key=lambda r: (GEO_ORDER.get(str(r.get("geo_precision") or "unknown"), 5),
                                              str(r["source"]), str(r["source_id"])))
    when, where = by_date[0], by_place[0]
    start = _as_date(when["date_start"])
    out: dict[str, object] = {
        "date_start": start,
        "date_end": _as_date(when["date_end"]),
        "date_precision": when.get("date_precision") or "day",
        "year": start.year,
        "month": f"{start.year:04d}-{start.month:02d}",
        "country_iso3": where["country_iso3"],
        "latitude": where.get("latitude"),
        "longitude": where.get("longitude"),
        "geo_precision": where.get("geo_precision") or "unknown",
        "admin1": where.get("admin1"),
        "admin2": where.get("admin2"),
        "location": where.get("location"),
        "populated_area": where.get("populated_area"),
    }
    for prefix in FIGURES:
        low, best, high = combine_figure(reports, prefix)
        out.update({f"{prefix}_low": low, f"{prefix}_best": best, f"{prefix}_high": high})
    out["weapon"] = _most_frequent([str(r.get("weapon") or "unknown") for r in by_date]) or "unknown"
    out["violence_type"] = _most_frequent([str(r.get("violence_type") or "") for r in by_date], unknown="")
    categories = {str(r.get("perpetrator_category") or "unknown") for r in reports} - {"unknown"}
    out["perpetrator_category"] = categories.pop() if len(categories) == 1 else "unknown"
    out["sources"] = ",".join(sorted({str(r["source"]) for r in reports}))
    out["n_reports"] = len(reports)
    out["headline"] = next((r.get("headline") for r in by_date if r.get("headline")), None)
    return out

"""UCDP/PRIO Armed Conflict Dataset: one row per conflict and year with >= 25 battle deaths.

The file quotes every field; multi-valued fields (gwno_loc, side_b) are comma-separated lists.
Used for "active armed conflicts per year".
"""

from __future__ import annotations

from collections.abc import Iterator

from civwatch.domain.records import ConflictYearRecord, Rejection
from civwatch.sources import countries
from civwatch.sources.base import RawBuilder, SourceError, Table, check_width, raw_json

SOURCE = "ucdp-acd"
REQUIRED = ("conflict_id", "year", "location", "side_a", "side_b", "intensity_level", "type_of_conflict", "gwno_loc")


def _small_int(text: str, what: str, allowed: range) -> int | None:
    s = text.strip()
    if not s:
        return None
    try:
        n = int(s)
    except ValueError:
        raise ValueError(f"non-numeric {what} {text[:20]!r}") from None
    if n not in allowed:
        raise ValueError(f"{what} {n} out of range")
    return n


class AcdAdapter:
    source = SOURCE
    format = "ucdp-acd"

    def records(self, table: Table) -> Iterator[ConflictYearRecord | Rejection]:
        header = table.header
        idx = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(header)}
        missing = [c for c in REQUIRED if c not in idx]
        if missing:
            raise SourceError(f"not a UCDP/PRIO ACD file: missing column(s) {', '.join(missing)}")
        builder = RawBuilder(header)
        width = len(header)
        for line, row in table.rows:
            bad = check_width(row, width)
            if bad:
                yield Rejection(line, bad, raw_json(builder.obj(row)))
                continue

            def get(name: str, row: list[str] = row) -> str:
                i = idx.get(name)
                return row[i].strip() if i is not None else ""

            try:
                conflict_id = get("conflict_id")
                if not conflict_id:
                    raise ValueError("missing conflict_id")
                year = _small_int(get("year"), "year", range(1900, 2200))
                if year is None:
                    raise ValueError("missing year")
                gw = [c.strip() for c in get("gwno_loc").split(",") if c.strip()]
                iso = [countries.from_gw(c) for c in gw]
                if not gw or any(i is None for i in iso):
                    raise ValueError(f"unknown country: gwno_loc {get('gwno_loc')[:40]!r}")
                intensity = _small_int(get("intensity_level"), "intensity_level", range(1, 3))
                kind = _small_int(get("type_of_conflict"), "type_of_conflict", range(1, 5))
                incompat = _small_int(get("incompatibility"), "incompatibility", range(0, 4))
            except ValueError as exc:
                yield Rejection(line, str(exc), raw_json(builder.obj(row)))
                continue
            raw, digest = builder.raw(row)
            yield ConflictYearRecord(
                conflict_id=conflict_id, year=year, location=get("location"), country_iso3=iso[0],
                gwno_loc=get("gwno_loc"), side_a=get("side_a"), side_b=get("side_b"),
                incompatibility=incompat, intensity_level=intensity, type_of_conflict=kind,
                region=get("region"), content_sha=digest, raw=raw, line=line,
            )

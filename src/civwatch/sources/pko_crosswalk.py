"""The mission-to-host-country crosswalk (XLSX: mission_acronym, mission_name, iso3c).

One row per mission and country; a few rows (aggregates) have no ISO3 and are kept without one.
Historical codes (YAR, YUG, ...) are mapped where civwatch knows them and kept as received.
"""

from __future__ import annotations

from collections.abc import Iterator

from civwatch.domain.missions import SourceRow
from civwatch.domain.records import Rejection
from civwatch.sources import countries
from civwatch.sources.base import RawBuilder, SourceError, Table, raw_json

FORMAT = "un-pko-crosswalk"
HISTORICAL = {"YAR": "YEM", "YMD": "YEM"}


def records(table: Table) -> Iterator[SourceRow | Rejection]:
    idx = {h.strip().lower(): i for i, h in enumerate(table.header)}
    missing = [c for c in ("mission_acronym", "iso3c") if c not in idx]
    if missing:
        raise SourceError(f"not the mission-country crosswalk: missing column(s) {', '.join(missing)}")
    builder = RawBuilder(table.header)
    seen: set[tuple[str, str]] = set()
    for line, row in table.rows:
        raw = raw_json(builder.obj(row))
        cells = row + [""] * (len(table.header) - len(row))
        acronym = " ".join(cells[idx["mission_acronym"]].split())
        received = cells[idx["iso3c"]].strip().upper()
        if not acronym:
            yield Rejection(line, "missing mission_acronym", raw)
            continue
        iso3 = None
        if received:
            iso3 = HISTORICAL.get(received) or countries.from_iso3(received)
            if iso3 is None:
                yield Rejection(line, f"unknown ISO3 code {received[:10]!r}", raw)
                continue
        if (acronym, received) in seen:
            yield Rejection(line, f"{acronym} / {received or 'no country'} listed twice", raw)
            continue
        seen.add((acronym, received))
        yield SourceRow(line, {"mission": acronym, "iso3_received": received or None, "country_iso3": iso3}, raw)

"""Election calendars: IFES ElectionGuide's scrape (`date, country, election, status`), which is
also the documented layout for newer dates (docs/forecasts.md).

Dates are AP-style ("Sept. 13, 2021", "May 6, 2021") or ISO; `None` has no date and is
rejected. Countries are official long names; a few that the country converter does not know
are named below by the state they are. Sub-national units (Wales, Corsica, ...), the European
Union and entities without an ISO 3166 code are rejected with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from civwatch.domain.forecasts import ElectionRecord
from civwatch.domain.records import Rejection
from civwatch.sources import countries
from civwatch.sources.base import RawBuilder, SourceError, Table, check_width, parse_date, raw_json

REQUIRED = ("date", "country", "election", "status")

# Official long names in ElectionGuide that the converter does not resolve, and the state each
# names. "Republic of Bostwana" is the file's own spelling.
STATE_NAMES = {
    "commonwealth of australia": "AUS", "cooperative republic of guyana": "GUY",
    "federation of saint kitts and nevis": "KNA", "oriental republic of uruguay": "URY",
    "republic of bostwana": "BWA", "republic of rwanda": "RWA", "republic of turkey": "TUR",
    "socialist republic of vietnam": "VNM", "tunisian republic": "TUN", "union of myanmar": "MMR",
    "occupied palestinian territories": "PSE", "commonwealth of puerto rico": "PRI",
    "country of curacao": "CUW", "country of sint maarten": "SXM", "territory of guam": "GUM",
    "overseas lands of french polynesia": "PYF", "territory of new caledonia and dependencies": "NCL",
    "territory of the cocos (keeling) islands": "CCK", "pitcairn, henderson, ducie, and oeno islands": "PCN",
    "macau special administrative region": "MAC",
}


def country_code(name: str) -> str | None:
    s = " ".join(name.split())
    return STATE_NAMES.get(s.lower()) or countries.from_name(s)


class ElectionsAdapter:
    source = "elections"
    format = "elections"

    def records(self, table: Table) -> Iterator[ElectionRecord | Rejection]:
        idx = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(table.header)}
        missing = [c for c in REQUIRED if c not in idx]
        if missing:
            raise SourceError(f"not an election calendar: missing column(s) {', '.join(missing)}")
        builder = RawBuilder(table.header)
        width = len(table.header)
        for line, row in table.rows:
            bad = check_width(row, width)
            if bad:
                yield Rejection(line, bad, raw_json(builder.obj(row)))
                continue
            get = {c: row[idx[c]].strip() for c in REQUIRED}
            try:
                if not get["date"] or get["date"].lower() == "none":
                    raise ValueError("no date")
                when = parse_date(get["date"])
                if not get["country"]:
                    raise ValueError("no country")
                iso = country_code(get["country"])
                if iso is None:
                    raise ValueError(f"not a state with an ISO 3166 code: {get['country'][:60]!r}")
                if not get["election"]:
                    raise ValueError("no election named")
            except ValueError as exc:
                yield Rejection(line, str(exc), raw_json(builder.obj(row)))
                continue
            raw, digest = builder.raw(row)
            yield ElectionRecord(iso, get["country"], when, get["election"], get["status"] or "unknown", digest, raw, line)

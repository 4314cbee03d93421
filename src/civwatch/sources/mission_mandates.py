"""The mandate list the user keeps: one CSV row per mandate period.

Layout (header required; docs/missions.md#mandates):
    mission,kind,from,to,resolution,note
    MONUSCO,poc,2010-07-01,,S/RES/1925 (2010),
`kind` is `poc` or `robust`; `from` is required, `to` empty while it runs; `resolution` names the
Security Council resolution. The official texts: https://www.un.org/securitycouncil/content/resolutions
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from civwatch.domain.missions import MandateKind, MissionLife, SourceRow
from civwatch.domain.records import Rejection
from civwatch.sources.base import RawBuilder, SourceError, Table, check_width, raw_json

FORMAT = "mission-mandates"
REQUIRED = ("mission", "kind", "from", "to", "resolution")


def _date(text: str, what: str) -> date | None:
    s = text.strip()
    if not s:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"{what} {s[:20]!r} is not a date (YYYY-MM-DD)") from None


def records(table: Table, lives: Mapping[str, MissionLife]) -> Iterator[SourceRow | Rejection]:
    idx = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(table.header)}
    missing = [c for c in REQUIRED if c not in idx]
    if missing:
        raise SourceError(f"not a mandate list: missing column(s) {', '.join(missing)} (layout: {', '.join(REQUIRED)}, note)")
    builder = RawBuilder(table.header)
    width = len(table.header)
    for line, row in table.rows:
        raw = raw_json(builder.obj(row))
        bad = check_width(row, width)
        if bad:
            yield Rejection(line, bad, raw)
            continue

        def get(name: str, row: list[str] = row) -> str:
            i = idx.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        try:
            mission = " ".join(get("mission").split())
            if mission not in lives:
                raise ValueError(f"unknown mission {mission[:40]!r}: not in the UN DPPA/DPO mission list")
            try:
                kind = MandateKind(get("kind").lower())
            except ValueError:
                raise ValueError(f"kind {get('kind')[:20]!r} is not one of {', '.join(MandateKind)}") from None
            start = _date(get("from"), "from")
            if start is None:
                raise ValueError("missing from")
            end = _date(get("to"), "to")
            if end is not None and end < start:
                raise ValueError(f"to {end} before from {start}")
            life = lives[mission]
            for d in (start, end):
                why = life.why_not(d.year) if d else None
                if why:
                    raise ValueError(why)
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)
            continue
        yield SourceRow(line, {"mission": mission, "kind": kind.value, "date_from": start, "date_to": end,
                               "resolution": get("resolution") or None, "note": get("note") or None}, raw)

"""Truth for one source exported twice: ACLED's Ethiopia export against its Africa 2016 workbook.

The two files hold the same Ethiopian events of 2016-01-01..05-28 under different id schemes
(`ETH3675` vs `1753RTA`), with no id in common, and ACLED recoded some between releases (the
date moved by a day or three, the place renamed: Kombolcha/Kembolcha, Buur/Negele). What
identifies an ACLED event across its releases is its written description: `notes` is carried
over while date, place and deaths are recoded. So the truth is read from the raw files with
the csv module, never from the linker:

- the same event: the two records are each other's most similar notes (Jaccard over
  lower-case words) at 0.8 or more; where several records tie (a file that gives one
  description to two events), the one with the same date and fatalities, if exactly one;
  otherwise no counterpart (either could be it);
- distinct events: a merge of two records is a *false merge* when either record has a truth
  counterpart other than the other, or when their notes share less than half their words and
  they differ in date, place or fatalities (the fields that identify an event); the other
  merges (no counterpart either side, notes alike or every identifying field equal) are
  counted as unverified.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

PERIOD = (date(2016, 1, 1), date(2016, 5, 28))
SAME_NOTES = 0.8
DISTINCT_NOTES = 0.5
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass(frozen=True)
class Event:
    source_id: str
    day: date
    location: str
    fatalities: int
    words: frozenset[str]


def _read(path: Path) -> list[dict]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.DictReader(text.splitlines()))


def _day(value: str) -> date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%y", "%d %B %Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {value!r}")


def ethiopia_events(path: Path) -> list[Event]:
    """Ethiopian events of the period from either layout (upper- or lower-case headers)."""
    out = []
    for row in _read(path):
        r = {k.lower(): (v or "") for k, v in row.items() if k}
        if r.get("country", "").strip() != "Ethiopia":
            continue
        day = _day(r["event_date"])
        if not PERIOD[0] <= day <= PERIOD[1]:
            continue
        out.append(Event(r["event_id_cnty"].strip(), day, r["location"].strip(), int(r["fatalities"] or 0), words(r["notes"])))
    return out


@dataclass
class Truth:
    a: list[Event]
    b: list[Event]
    same: list[tuple[str, str]]  # (id in a, id in b): one event in both files

    @property
    def partner(self) -> dict[str, str]:
        out = {x: y for x, y in self.same}
        out.update({y: x for x, y in self.same})
        return out


def _agree(x: Event, y: Event) -> bool:
    return x.day == y.day and x.fatalities == y.fatalities


def _best(me: Event, sims: list[float], others: list[Event]) -> int | None:
    """The most similar record by notes; ties broken by the same date and fatalities."""
    top = max(sims, default=0.0)
    if top < SAME_NOTES:
        return None
    tied = [k for k, s in enumerate(sims) if s == top]
    if len(tied) > 1:
        tied = [k for k in tied if _agree(me, others[k])]
    return tied[0] if len(tied) == 1 else None


def truth(path_a: Path, path_b: Path) -> Truth:
    a, b = ethiopia_events(path_a), ethiopia_events(path_b)
    sims = [[jaccard(x.words, y.words) for y in b] for x in a]
    best_b = [_best(b[j], [sims[i][j] for i in range(len(a))], a) for j in range(len(b))]
    same = []
    for i, row in enumerate(sims):
        j = _best(a[i], row, b)
        if j is not None and best_b[j] == i:
            same.append((a[i].source_id, b[j].source_id))
    return Truth(a, b, same)


def distinct(x: Event, y: Event) -> bool:
    """Different descriptions and a different date, place or death toll."""
    differ = x.day != y.day or x.location.casefold() != y.location.casefold() or x.fatalities != y.fatalities
    return jaccard(x.words, y.words) < DISTINCT_NOTES and differ


@dataclass
class SameSourceScore:
    overlap: int  # events in both files (truth)
    counted_once: int  # of those, how many end as one incident
    merged_pairs: int  # cross-file pairs of records in one incident
    false_merges: int
    unverified: int

    @property
    def share(self) -> float:
        return self.counted_once / self.overlap if self.overlap else float("nan")


def score(t: Truth, incident_of: Mapping[str, object]) -> SameSourceScore:
    """`incident_of` maps a source id (of either file) to its incident."""
    partner = t.partner
    counted = sum(1 for x, y in t.same if x in incident_of and incident_of[x] == incident_of.get(y))
    by_incident: dict[object, tuple[list[Event], list[Event]]] = {}
    for side, events in ((0, t.a), (1, t.b)):
        for e in events:
            if e.source_id in incident_of:
                by_incident.setdefault(incident_of[e.source_id], ([], []))[side].append(e)
    merged = false = unverified = 0
    for xs, ys in by_incident.values():
        for x in xs:
            for y in ys:
                merged += 1
                if partner.get(x.source_id) == y.source_id:
                    continue
                if x.source_id in partner or y.source_id in partner or distinct(x, y):
                    false += 1
                else:
                    unverified += 1
    return SameSourceScore(len(t.same), counted, merged, false, unverified)

"""The tables users maintain for screening: arms embargoes and diversion reports.

Both are documented, sourced CSV layouts (docs/screening.md). A row names its source, the
source's address and date; a row that breaks the layout is refused with its reason. Absence
from either table never reads as "no embargo" or "no diversion risk": the tables are a start
the user completes, and every reading says what it is based on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Scope(StrEnum):
    ARMS = "arms"            # all arms and related materiel to the destination
    PARTIAL = "partial"      # some categories or end users only (e.g. the EU 1989 China embargo: lethal weapons)
    TARGETED = "targeted"    # named persons or non-governmental entities only
    DUAL_USE = "dual_use"    # dual-use goods
    REPRESSION = "repression"  # equipment that might be used for internal repression
    LIFTED = "lifted"        # a statement that an embargo ended, its date not recorded


class DiversionKind(StrEnum):
    DIVERSION = "diversion"                  # arms reached an unauthorised end user
    RE_EXPORT = "re_export"                  # re-exported without the exporter's consent
    END_USE_VIOLATION = "end_use_violation"  # used against the end-use undertaking
    SEIZURE = "seizure"                      # arms of that state's supply found with an unauthorised holder


EMBARGO_COLUMNS = ("source", "url", "date", "destination_iso3", "scope", "start", "end")
EMBARGO_OPTIONAL = ("text",)
DIVERSION_COLUMNS = ("source", "url", "date", "country_iso3", "kind")
DIVERSION_OPTIONAL = ("event_date", "items", "text")
CAAT_FOOTNOTE_COLUMNS = ("name", "text")
# The shipped start: the UK official footnotes by destination as copied by CAAT (PROVENANCE.md of
# shared data arms_transfers/: caatdata/uk-arms-export-data, HEAD e9983cd, 2026-05-08).
UK_FOOTNOTES_SOURCE = "UK official footnotes by destination (Export Control Joint Unit reports; CAAT copy)"
UK_FOOTNOTES_URL = "https://github.com/caatdata/uk-arms-export-data/blob/e9983cd/footnotes-region.csv"
UK_FOOTNOTES_DATE = date(2026, 5, 8)


class TableRowError(ValueError):
    """A row refused, with its reason."""


@dataclass(frozen=True)
class Embargo:
    line: int
    source: str
    url: str
    stated_on: date
    destination_iso3: str
    scope: str
    starts_on: date | None
    ends_on: date | None
    text: str = ""


@dataclass(frozen=True)
class DiversionReport:
    line: int
    source: str
    url: str
    reported_on: date
    country_iso3: str
    kind: str
    event_date: date | None
    items: str = ""
    text: str = ""


def _required(row: dict, key: str, limit: int = 2000) -> str:
    v = (row.get(key) or "").strip()
    if not v:
        raise TableRowError(f"{key} is empty")
    if len(v) > limit:
        raise TableRowError(f"{key} is longer than {limit} characters")
    return v


def _url(row: dict) -> str:
    v = _required(row, "url", 1000)
    if not re.match(r"^https?://\S+$", v):
        raise TableRowError(f"url {v[:60]!r} is not an http(s) address")
    return v


def _day(row: dict, key: str, required: bool) -> date | None:
    v = (row.get(key) or "").strip()
    if not v:
        if required:
            raise TableRowError(f"{key} is empty (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise TableRowError(f"{key} {v[:20]!r} is not a date YYYY-MM-DD") from None


def _iso3(row: dict, key: str, known: set[str]) -> str:
    v = (row.get(key) or "").strip().upper()
    if v not in known:
        raise TableRowError(f"{key} {v[:12]!r} is not an ISO 3166-1 alpha-3 code")
    return v


def _enum(row: dict, key: str, valid: tuple[str, ...]) -> str:
    v = (row.get(key) or "").strip().lower()
    if v not in valid:
        raise TableRowError(f"{key} {v[:20]!r} unknown: valid values are {', '.join(valid)}")
    return v


def check_embargo(line: int, row: dict, known: set[str]) -> Embargo:
    start, end = _day(row, "start", False), _day(row, "end", False)
    if start and end and end < start:
        raise TableRowError("end is before start")
    return Embargo(line, _required(row, "source", 500), _url(row), _day(row, "date", True),  # type: ignore[arg-type]
                   _iso3(row, "destination_iso3", known), _enum(row, "scope", tuple(s.value for s in Scope)),
                   start, end, (row.get("text") or "").strip()[:4000])


def check_diversion(line: int, row: dict, known: set[str]) -> DiversionReport:
    return DiversionReport(line, _required(row, "source", 500), _url(row), _day(row, "date", True),  # type: ignore[arg-type]
                           _iso3(row, "country_iso3", known), _enum(row, "kind", tuple(k.value for k in DiversionKind)),
                           _day(row, "event_date", False), (row.get("items") or "").strip()[:1000],
                           (row.get("text") or "").strip()[:4000])


TARGETED = re.compile(r"non-governmental|designated|named members|targeted|individuals and entities", re.I)
LIFTED = re.compile(r"\b(lifted|terminated)\b", re.I)
PARTIAL_LIFT = re.compile(r"partial(ly)? lift", re.I)
EMBARGO_WORDS = re.compile(r"embargo|sanction", re.I)


def footnote_scope(text: str) -> str:
    """The scope a UK footnote states (docs/screening.md "The shipped start"): targeted when it
    names persons or non-governmental entities, lifted when it says the embargo was lifted or
    terminated (a partial lift is not), arms otherwise."""
    if TARGETED.search(text):
        return Scope.TARGETED.value
    if LIFTED.search(text) and not PARTIAL_LIFT.search(text):
        return Scope.LIFTED.value
    return Scope.ARMS.value


def check_footnote(line: int, row: dict, iso3: str | None) -> Embargo:
    """A UK footnote row as an embargo row: its destination known and its text an embargo or
    sanctions statement; start and end are not recorded (the footnotes carry no dates)."""
    text = (row.get("text") or "").strip()
    name = (row.get("name") or "").strip()
    if not iso3:
        raise TableRowError(f"destination {name[:40]!r} is not a known country name")
    if not EMBARGO_WORDS.search(text):
        raise TableRowError("not an embargo statement (the text names no embargo or sanctions)")
    return Embargo(line, UK_FOOTNOTES_SOURCE, UK_FOOTNOTES_URL, UK_FOOTNOTES_DATE, iso3, footnote_scope(text), None, None,
                   text[:4000])


# --- reading the table on a date --------------------------------------------------------------

def embargo_status(row: dict, on: date) -> str:
    """in_force | start_not_recorded | not_yet | ended | lifted for a stored row on a date."""
    if row["scope"] == Scope.LIFTED.value:
        return "lifted"
    if row["ends_on"] is not None and row["ends_on"] < on:
        return "ended"
    if row["starts_on"] is None:
        return "start_not_recorded"
    return "not_yet" if row["starts_on"] > on else "in_force"


def applies(row: dict, end_user: str, item: str) -> bool:
    """Whether a statement bears on this end user and item: a targeted embargo only on a
    non-state or private end user, a dual-use one only on a dual-use item."""
    if row["scope"] == Scope.TARGETED.value:
        return end_user in ("non_state", "private_company")
    if row["scope"] == Scope.DUAL_USE.value:
        return item.startswith("DU")
    return row["scope"] != Scope.LIFTED.value

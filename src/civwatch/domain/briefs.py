"""Briefs: kinds, their sections, and the talking points written from templates filled with numbers.

Pure: no I/O. A talking point is a message id of the catalogue plus the numbers that fill it;
a point is only made when the numbers support it (a gap of zero yields the "all party" sentence,
never a claim of a gap). Every label and sentence is a message id (`locale/*/civwatch.po`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class BriefKind(StrEnum):
    COUNTRY = "country"
    PARTY = "party"
    FORUM = "forum"


class SectionStatus(StrEnum):
    OK = "ok"
    EMPTY = "empty"  # loaded, but nothing in this selection
    NOT_LOADED = "not_loaded"  # the data this section needs are not in the store


SECTIONS: dict[BriefKind, tuple[str, ...]] = {
    BriefKind.COUNTRY: (
        "harm_over_time", "map", "by_source", "by_party_category", "by_weapon", "shares", "active_conflicts",
        "largest_incidents", "cases", "treaties", "screening", "missions", "coverage",
    ),
    BriefKind.PARTY: ("party_harm", "party_map", "party_trend", "party_grades", "peers"),
    BriefKind.FORUM: ("members_map", "matrix", "gaps", "likely_joiners", "forces_record"),
}

LANGUAGES = ("en", "fr")
PAPER = ("a4", "letter")
FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class TalkingPoint:
    """A templated sentence: `msgid` names the template, `values` fill its {placeholders}."""

    msgid: str
    values: dict[str, Any] = field(default_factory=dict)


def forum_gap_points(members: int, instrument_msgid: str, not_party: int, signed_not_ratified: int, withdrawn: int) -> list[TalkingPoint]:
    """The talking points of one forum x instrument gap, only as far as the numbers go."""
    if members == 0:
        return []
    if not_party == 0:
        return [TalkingPoint("tp.forum_all_party", {"members": members, "instrument": instrument_msgid})]
    points = [TalkingPoint("tp.forum_gap", {"not_party": not_party, "members": members, "instrument": instrument_msgid})]
    if signed_not_ratified:
        points.append(TalkingPoint("tp.forum_signed_not_ratified", {"count": signed_not_ratified}))
    if withdrawn:
        points.append(TalkingPoint("tp.forum_withdrawn", {"count": withdrawn}))
    return points


def country_harm_point(year: int | None, deaths: int | None, previous: int | None) -> list[TalkingPoint]:
    """'In 2023, 1 234 civilian deaths were recorded, +72 % on 2022' — only with both years known."""
    if year is None or deaths is None:
        return []
    if previous:
        return [TalkingPoint("tp.country_deaths_change", {"year": str(year), "deaths": deaths, "change": (deaths - previous) / previous,
                                                           "previous_year": str(year - 1)})]
    return [TalkingPoint("tp.country_deaths", {"year": str(year), "deaths": deaths})]


def party_share_point(incidents: int, explosive_share: float | None, base: int) -> list[TalkingPoint]:
    if not incidents:
        return []
    if explosive_share is None:
        return [TalkingPoint("tp.party_incidents", {"incidents": incidents})]
    return [TalkingPoint("tp.party_explosive", {"incidents": incidents, "share": explosive_share, "base": base})]


def canonical(value: Any) -> Any:
    """A JSON-able, order-stable form for fingerprints."""
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def fingerprint(store_state: dict, version: str, parameters: dict) -> str:
    """SHA-256 over what the brief read (store state), the code version and the parameters."""
    body = json.dumps(canonical({"store": store_state, "version": version, "parameters": parameters}),
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()

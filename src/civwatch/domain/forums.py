"""Forums (G7, NATO, UN, ...) and the rule for who is a member on a date.

Membership comes as events: `observed` (the 2020 CIA World Factbook snapshot says the state is a
member on that day, start not given), `joined` and `left` (each with a date and a source).
A state is a member on day D when the latest join on or before D is not followed by a
departure on or before D; with only an observation, it is a member from an unknown start: on
days before the observation it is presumed a member unless a recorded join falls after D
(`since_known` is then False, and pages say "member since: date not in source"). A suspension
is recorded but does not end membership (DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ForumEvent(StrEnum):
    OBSERVED = "observed"
    JOINED = "joined"
    LEFT = "left"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class Forum:
    id: str
    name: str
    source_org_id: str | None  # `org_id` in the 2020 memberships file; None when no file has it
    note: str = ""


FORUMS: tuple[Forum, ...] = (
    Forum("G7", "Group of Seven", "G-7"),
    Forum("G20", "Group of Twenty (states; the EU and the AU are not states)", "G-20"),
    Forum("NATO", "North Atlantic Treaty Organization", "NATO"),
    Forum("EU", "European Union", "EU"),
    Forum("OSCE", "Organization for Security and Co-operation in Europe", "OSCE"),
    Forum("AU", "African Union", "AU"),
    Forum("ASEAN", "Association of Southeast Asian Nations", "ASEAN"),
    Forum("OAS", "Organization of American States", "OAS"),
    Forum("COMMONWEALTH", "Commonwealth of Nations", "C"),
    Forum("OIF", "Organisation internationale de la Francophonie (members, not observers)", "OIF"),
    Forum("UN", "United Nations (member states)", "UN"),
    Forum("UN-AFRICAN", "UN regional group: African States", None, "no data file: import a membership CSV (docs/treaties.md)"),
    Forum("UN-ASIA-PACIFIC", "UN regional group: Asia-Pacific States", None, "no data file: import a membership CSV"),
    Forum("UN-EEG", "UN regional group: Eastern European States", None, "no data file: import a membership CSV"),
    Forum("UN-GRULAC", "UN regional group: Latin American and Caribbean States", None, "no data file: import a membership CSV"),
    Forum("UN-WEOG", "UN regional group: Western European and Other States", None, "no data file: import a membership CSV"),
)
BY_ID = {f.id: f for f in FORUMS}
BY_ORG_ID = {f.source_org_id: f for f in FORUMS if f.source_org_id}


def forum(ref: str) -> Forum:
    found = BY_ID.get(ref.strip().upper())
    if found is None:
        raise ValueError(f"unknown forum {ref!r}; forums are {', '.join(BY_ID)}")
    return found


@dataclass(frozen=True)
class Membership:
    member: bool
    since: date | None = None
    since_known: bool = False
    ended: date | None = None


def member_on(events: list[tuple[ForumEvent, date]], on: date) -> Membership:
    """Membership of one state in one forum on `on` (see the module docstring)."""
    joins = sorted(d for e, d in events if e is ForumEvent.JOINED)
    lefts = sorted(d for e, d in events if e is ForumEvent.LEFT)
    observed = sorted(d for e, d in events if e is ForumEvent.OBSERVED)
    last_join = max((d for d in joins if d <= on), default=None)
    last_left = max((d for d in lefts if d <= on), default=None)
    if last_join is not None:
        if last_left is not None and last_left >= last_join:
            return Membership(False, ended=last_left)
        return Membership(True, last_join, True)
    # no join on or before `on`: a recorded later join means not yet a member
    if any(d > on for d in joins):
        return Membership(False)
    if observed:
        if last_left is not None:
            # observed member, later left: left on or before `on`
            if any(o > last_left for o in observed if o <= on):
                return Membership(True)
            return Membership(False, ended=last_left)
        return Membership(True)
    return Membership(False)

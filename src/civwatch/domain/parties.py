"""The party register's rules: how a source's party name becomes an actor, and what an
analyst's merge, split or correction may do. Pure functions; the country resolver is passed in.

An actor has a canonical name, a category (`PartyCategory`), a branch for state forces
(military, police, other government, or unspecified where the source does not say, as UCDP's
"Government of X" does), the state it belongs to for state forces (ISO3) and, for the others,
the countries it operates in. Each source name of an actor is kept with the period ACLED writes
into it ("(2019-)", "(1995-2018)") and the codes the source gives (UCDP side ids, ACLED inter).

The forces of a state are the actors of category state forces whose state is that state
(DESIGN "Definitions"), never a list of names; no rule that grades or scores reads a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from civwatch.domain.events import AuditEvent
from civwatch.domain.taxonomy import PartyCategory


class Branch(StrEnum):
    """Which part of a state's forces an actor is (state forces only)."""

    MILITARY = "military"
    POLICE = "police"
    GOVERNMENT = "government"  # other government agents (ACLED "Government of X")
    UNSPECIFIED = "unspecified"  # the state's forces as a whole (UCDP "Government of X")


class NameStatus(StrEnum):
    """How a source name came to its actor."""

    MATCHED = "matched"  # built from the source's own structure
    AMBIGUOUS = "ambiguous"  # matched, but the source gives it more than one category
    UNMATCHED = "unmatched"  # no actor: an analyst must say whose name it is
    ANALYST = "analyst"  # placed by an analyst (assign, split); builds never move it


BRANCH_LABEL = {
    Branch.MILITARY: "Military forces",
    Branch.POLICE: "Police forces",
    Branch.GOVERNMENT: "Government",
    Branch.UNSPECIFIED: "State forces",
}

ResolveCountry = Callable[[str], str | None]


class PartyError(ValueError):
    """A refused request on the register, with the reason in the message."""


class ActorNotFound(PartyError):
    pass


@dataclass(frozen=True, slots=True)
class Derived:
    """What the register reads from one source name (before any analyst decision)."""

    status: NameStatus
    reason: str
    auto_key: str | None = None  # actors built from names with the same key are one actor
    canonical: str | None = None
    category: str = PartyCategory.UNKNOWN.value
    branch: str | None = None
    state_iso3: str | None = None
    country_hint: str | None = None  # a country named in the name, for the others
    period_from: int | None = None
    period_to: int | None = None
    unit: str | None = None  # ACLED's sub-unit after the period ("Liyu Police")


_PERIOD = r"\((?P<from>\d{4})-(?P<to>\d{4})?\)"
# ACLED: "Military Forces of Ethiopia (2018-) Liyu Police", "Police Forces of Ukraine (2019-)",
# "Government of Ethiopia (1995-2018)"; the period is optional for hand-made names.
_ACLED_STATE = re.compile(
    r"^(?P<kind>Military Forces|Police Forces|Government) of (?P<country>.+?)(?: " + _PERIOD + r"(?: (?P<unit>.+))?)?$"
)
_UCDP_STATE = re.compile(r"^Government of (?P<country>.+)$")
_TRAILING_PERIOD = re.compile(r"\s*" + _PERIOD + r"\s*$")
_PAREN_COUNTRY = re.compile(r"\((?P<country>[^()0-9]+)\)\s*$")
_KIND = {"Military Forces": Branch.MILITARY, "Police Forces": Branch.POLICE, "Government": Branch.GOVERNMENT}


def normalise(name: str) -> str:
    """Case, spacing, punctuation and ACLED's period suffix removed: the key names are matched on."""
    text = _TRAILING_PERIOD.sub("", " ".join(name.split()))
    text = re.sub(r"[^\w]+", " ", text.casefold())
    return " ".join(text.split())


def _resolve(country: str, resolve: ResolveCountry) -> str | None:
    text = country.strip()
    found = resolve(text)
    if found is None and text.lower().startswith("the "):
        found = resolve(text[4:])
    return found


def derive(source: str, name: str, category: str, resolve: ResolveCountry, associated_only: bool = False) -> Derived:
    """The actor a source name belongs to, from the source's own structure.

    `category` is the per-report category the importer gave (from UCDP's side naming or
    ACLED's inter code). A name is a state's forces when its form says so and its country
    resolves; a state-forces name whose state cannot be told is unmatched, never guessed.
    `associated_only`: the source names it only beside a main actor (ACLED's assoc_actor, which
    carries the main actor's inter code), so its category is not its own.
    """
    text = " ".join(name.split())
    if not text:
        return Derived(NameStatus.UNMATCHED, "empty name")
    is_ucdp = source.startswith("ucdp")
    m = (_UCDP_STATE if is_ucdp else _ACLED_STATE).match(text)
    if m:
        country = m.group("country")
        iso3 = _resolve(country, resolve)
        branch = Branch.UNSPECIFIED if is_ucdp else _KIND[m.group("kind")]
        period_from = period_to = None
        unit = None
        if not is_ucdp and m.group("from"):
            period_from = int(m.group("from"))
            period_to = int(m.group("to")) if m.group("to") else None
            unit = m.group("unit")
        if iso3 is None:
            return Derived(NameStatus.UNMATCHED, f"state {country!r} not recognised by the country converter",
                           category=PartyCategory.STATE_FORCES.value, branch=branch.value,
                           period_from=period_from, period_to=period_to, unit=unit)
        return Derived(
            NameStatus.MATCHED,
            f"{'UCDP' if is_ucdp else 'ACLED'} state name; {country} -> {iso3}",
            auto_key=f"state_forces|{branch.value}|{iso3}",
            canonical=f"{BRANCH_LABEL[branch]} of {_TRAILING_PERIOD.sub('', country)}",
            category=PartyCategory.STATE_FORCES.value,
            branch=branch.value,
            state_iso3=iso3,
            period_from=period_from,
            period_to=period_to,
            unit=unit,
        )
    if category == PartyCategory.STATE_FORCES.value and associated_only:
        return Derived(
            NameStatus.AMBIGUOUS,
            "named only as an associate of state forces (the source gives associates the main actor's "
            "code); category unknown until an analyst says",
            auto_key=f"unknown|name|{normalise(text)}",
            canonical=_TRAILING_PERIOD.sub("", text),
            category=PartyCategory.UNKNOWN.value,
        )
    if category == PartyCategory.STATE_FORCES.value:
        return Derived(NameStatus.UNMATCHED, "coded as state forces, but the name does not say which state",
                       category=category)
    period = _TRAILING_PERIOD.search(text)
    hint_match = _PAREN_COUNTRY.search(text)
    hint = _resolve(hint_match.group("country"), resolve) if hint_match else None
    canonical = _TRAILING_PERIOD.sub("", text)
    return Derived(
        NameStatus.MATCHED,
        "non-state name, matched on its normalised form" if category != PartyCategory.UNKNOWN.value
        else "category unknown in the source; matched on its normalised form",
        auto_key=f"{category}|name|{normalise(text)}",
        canonical=canonical,
        category=category,
        country_hint=hint,
        period_from=int(period.group("from")) if period else None,
        period_to=int(period.group("to")) if period and period.group("to") else None,
    )


# --- what an actor may be, and what analysts may do ------------------------------------------

CATEGORIES = {c.value for c in PartyCategory}
BRANCHES = {b.value for b in Branch}


def check_actor(category: str, state_iso3: str | None, branch: str | None, canonical: str,
                known_iso3: set[str] | None = None) -> None:
    """Refuse an actor the register cannot hold: unknown category, state forces without a state."""
    if not canonical or not canonical.strip():
        raise PartyError("an actor needs a canonical name")
    if category not in CATEGORIES:
        raise PartyError(f"unknown category {category!r}; categories are {', '.join(sorted(CATEGORIES))}")
    if category == PartyCategory.STATE_FORCES.value:
        if not state_iso3:
            raise PartyError("a state forces actor needs the state it belongs to (ISO3)")
        if known_iso3 is not None and state_iso3 not in known_iso3:
            raise PartyError(f"unknown state {state_iso3!r} (ISO 3166-1 alpha-3 expected)")
        if branch is not None and branch not in BRANCHES:
            raise PartyError(f"unknown branch {branch!r}; branches are {', '.join(sorted(BRANCHES))}")
    elif state_iso3:
        raise PartyError("only state forces belong to a state; give the countries it operates in instead")


def check_merge(categories: list[str], reason: str | None) -> None:
    """Actors of different categories are merged only with a stated reason."""
    if len(set(categories)) > 1 and not (reason or "").strip():
        raise PartyError(
            f"the actors are of different categories ({', '.join(sorted(set(categories)))}); "
            "give a reason to merge them"
        )


def check_states(states: list[str | None], reason: str | None) -> None:
    """State forces of different states are merged only with a stated reason, too."""
    present = {s for s in states if s}
    if len(present) > 1 and not (reason or "").strip():
        raise PartyError(f"the actors belong to different states ({', '.join(sorted(present))}); give a reason")


# --- audit events ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ActorsMerged(AuditEvent):
    kind: ClassVar[str] = "actors_merged"
    entity: ClassVar[str] = "actor"


@dataclass(frozen=True)
class ActorSplit(AuditEvent):
    kind: ClassVar[str] = "actor_split"
    entity: ClassVar[str] = "actor"


@dataclass(frozen=True)
class ActorCorrected(AuditEvent):
    kind: ClassVar[str] = "actor_corrected"
    entity: ClassVar[str] = "actor"


@dataclass(frozen=True)
class ActorNameAssigned(AuditEvent):
    kind: ClassVar[str] = "actor_name_assigned"
    entity: ClassVar[str] = "actor_name"


@dataclass(frozen=True)
class RegisterBuilt(AuditEvent):
    kind: ClassVar[str] = "party_register_built"
    entity: ClassVar[str] = "actor"

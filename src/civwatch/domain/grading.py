"""Grading an incident's evidence on Airwars' scale, from evidence alone, with reasons.

The inputs are kinds, never identities: which publisher reported it (a source is not a
party), the party *category* each source attributes it to, whether the source describes
belligerent action, whether a party accepted responsibility, and an analyst's override. No
party name can reach `grade`: `SourceEvidence` has no field for one, and `evidence_from_report`
reads only the keys in `EVIDENCE_KEYS`.

  Confirmed   a party has accepted responsibility
  Contested   sources attribute it to different party categories
  Fair        two or more independent credible sources, with likely belligerent action
  Weak        a single source (or several, none describing belligerent action)
  Discounted  only by an analyst, with a reason (any override needs a reason)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from civwatch.domain.taxonomy import Grade, PartyCategory, ViolenceType, Weapon, label

EVIDENCE_KEYS = ("source", "perpetrator_category", "weapon", "violence_type")
_ARMED_CATEGORIES = {
    PartyCategory.STATE_FORCES, PartyCategory.NON_STATE_ARMED_GROUP,
    PartyCategory.PRIVATE_MILITARY_SECURITY, PartyCategory.PEACEKEEPERS,
}


@dataclass(frozen=True, slots=True)
class SourceEvidence:
    """What one source's report says, reduced to what grading may use."""

    source: str  # the publisher, e.g. "ucdp-ged", "acled"
    perpetrator_category: PartyCategory = PartyCategory.UNKNOWN
    belligerent_action: bool = False
    credible: bool = True


def evidence_from_report(report: Mapping[str, object], credible: bool = True) -> SourceEvidence:
    """Evidence from a report row; only EVIDENCE_KEYS are read."""
    category = PartyCategory(str(report.get("perpetrator_category") or "unknown"))
    weapon = Weapon(str(report.get("weapon") or "unknown"))
    violence = report.get("violence_type")
    armed = (
        category in _ARMED_CATEGORIES
        or weapon not in (Weapon.UNKNOWN, Weapon.OTHER)
        or (violence is not None and ViolenceType(str(violence)) is not ViolenceType.OTHER)
    )
    return SourceEvidence(str(report["source"]), category, armed, credible)


def grade(
    evidence: Iterable[SourceEvidence],
    responsibility_accepted: bool = False,
    override: Grade | str | None = None,
    override_reason: str | None = None,
) -> tuple[Grade, list[str]]:
    """The grade and the reasons for it, in words a reader can check."""
    evidence = list(evidence)
    sources = sorted({e.source for e in evidence})
    if override:
        if not override_reason or not override_reason.strip():
            raise ValueError("an analyst's grade needs a reason")
        chosen = Grade(override)
        return chosen, [f"set by an analyst: {override_reason.strip()}"]
    if responsibility_accepted:
        return Grade.CONFIRMED, ["a party has accepted responsibility"]
    categories = sorted({e.perpetrator_category for e in evidence} - {PartyCategory.UNKNOWN})
    if len(categories) > 1:
        names = ", ".join(label(c).lower() for c in categories)
        return Grade.CONTESTED, [f"sources attribute it to different party categories: {names}"]
    credible = sorted({e.source for e in evidence if e.credible})
    armed = any(e.belligerent_action for e in evidence if e.credible)
    if len(credible) >= 2 and armed:
        return Grade.FAIR, [f"{len(credible)} independent credible sources: {', '.join(credible)}", "likely belligerent action"]
    if len(credible) >= 2:
        return Grade.WEAK, [f"{len(credible)} sources, none describing belligerent action"]
    if not sources:
        return Grade.WEAK, ["no source"]
    return Grade.WEAK, [f"a single source: {sources[0]}" if len(sources) == 1 else "a single credible source"]

"""Arms-export and assistance screening: applications, the item-to-harm table, the criteria and
the rule that turns evidence into findings and suggested ratings.

The rule is actor-blind: it reads only the evidence figures of an assessment (never a state's
name or code), and its thresholds and weights are configuration stored with every assessment.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from civwatch.domain.events import AuditEvent
from civwatch.domain.taxonomy import Weapon


class ScreeningError(ValueError):
    """An application or decision refused, with the reason (and the valid values)."""


class ScreeningNotFound(ScreeningError):
    """No such assessment."""


class ScreeningImmutable(ScreeningError):
    """A decided assessment cannot be changed; a new one supersedes it."""


# EU Common Military List / Wassenaar ML1-ML22, short names as in the UK control-list ratings
# (CAAT `caat_uk_control_list_ratings.csv` in shared data arms_transfers/).
ITEM_CATEGORIES: dict[str, str] = {
    "ML1": "Small arms", "ML2": "Light weapons, artillery", "ML3": "Ammunition",
    "ML4": "Grenades, bombs, missiles, countermeasures",
    "ML5": "Target acquisition, weapon control and countermeasure systems", "ML6": "Armoured vehicles, tanks",
    "ML7": "Chemical, biological agents", "ML8": "Explosives", "ML9": "Warships",
    "ML10": "Aircraft, helicopters, drones", "ML11": "Other electronic equipment", "ML12": "Kinetic energy weapons",
    "ML13": "Armoured plate, body armour, helmets", "ML14": "Military training equipment", "ML15": "Imaging equipment",
    "ML16": "Unfinished goods for military equipment", "ML17": "Miscellaneous", "ML18": "Production equipment",
    "ML19": "Directed energy weapons", "ML20": "Cryogenic and superconductive equipment", "ML21": "Software",
    "ML22": "Technology",
    # Dual-use: the ten categories of Annex I to Regulation (EU) 2021/821
    "DU0": "Dual-use 0: nuclear materials, facilities and equipment", "DU1": "Dual-use 1: special materials and related equipment",
    "DU2": "Dual-use 2: materials processing", "DU3": "Dual-use 3: electronics", "DU4": "Dual-use 4: computers",
    "DU5": "Dual-use 5: telecommunications and information security", "DU6": "Dual-use 6: sensors and lasers",
    "DU7": "Dual-use 7: navigation and avionics", "DU8": "Dual-use 8: marine", "DU9": "Dual-use 9: aerospace and propulsion",
}

W = Weapon
EXPLOSIVE_AIR_GROUND = (W.EXPLOSIVE_AIR_LAUNCHED, W.EXPLOSIVE_GROUND_LAUNCHED, W.EXPLOSIVE_CLUSTER_MUNITION)
# Which weapon families each item category can deliver (docs/screening.md "Item to harm").
ITEM_WEAPONS: dict[str, tuple[Weapon, ...]] = {
    "ML1": (W.SMALL_ARMS,),
    "ML2": (W.EXPLOSIVE_GROUND_LAUNCHED, W.SMALL_ARMS),
    "ML3": (W.SMALL_ARMS, W.EXPLOSIVE_GROUND_LAUNCHED, W.EXPLOSIVE_AIR_LAUNCHED, W.EXPLOSIVE_GRENADE),
    "ML4": (*EXPLOSIVE_AIR_GROUND, W.EXPLOSIVE_GRENADE, W.EXPLOSIVE_LANDMINE_ERW, W.DRONE),
    "ML5": (*EXPLOSIVE_AIR_GROUND, W.DRONE),
    "ML6": (W.EXPLOSIVE_GROUND_LAUNCHED, W.SMALL_ARMS),
    "ML7": (W.CHEMICAL,),
    "ML8": (*EXPLOSIVE_AIR_GROUND, W.EXPLOSIVE_IMPROVISED, W.EXPLOSIVE_GRENADE),
    "ML9": (W.EXPLOSIVE_GROUND_LAUNCHED,),
    "ML10": (W.EXPLOSIVE_AIR_LAUNCHED, W.DRONE),
    "ML11": (W.EXPLOSIVE_AIR_LAUNCHED, W.DRONE, W.CYBER),
    "ML12": (W.OTHER,),
    "ML15": (W.EXPLOSIVE_AIR_LAUNCHED, W.DRONE),
    "ML19": (W.OTHER,),
    "ML21": (W.AI_ENABLED_TARGETING, W.CYBER),
    "DU4": (W.CYBER,), "DU5": (W.CYBER,),
    "DU9": (W.EXPLOSIVE_AIR_LAUNCHED, W.DRONE),
}


def weapons_for(item: str) -> tuple[str, ...]:
    """Weapon families an item can deliver; () where it delivers none directly (ML13 body armour)."""
    return tuple(w.value for w in ITEM_WEAPONS.get(item, ()))


class EndUser(StrEnum):
    ARMED_FORCES = "armed_forces"
    POLICE_INTERNAL_SECURITY = "police_internal_security"
    OTHER_GOVERNMENT = "other_government"
    PRIVATE_COMPANY = "private_company"
    NON_STATE = "non_state"


class Kind(StrEnum):
    EXPORT = "export"
    TRAINING = "training"
    FINANCING = "financing"
    EQUIPMENT = "equipment"


class Decision(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    DENY = "deny"
    REFER = "refer"


class Finding(StrEnum):
    INDICATORS_FOUND = "indicators_found"
    NONE_FOUND = "none_found"
    INSUFFICIENT_DATA = "insufficient_data"


CURRENCIES = ("CAD", "USD", "EUR", "GBP", "CHF", "JPY", "AUD", "NOK", "SEK")


def _choice(value: Any, valid: list[str] | tuple[str, ...], what: str) -> str:
    v = str(value or "").strip()
    if v not in valid:
        raise ScreeningError(f"unknown {what} {v!r}: valid values are {', '.join(valid)}")
    return v


@dataclass(frozen=True)
class Application:
    recipient: str  # ISO alpha-3
    end_user: str
    item: str
    quantity: int
    value: float
    currency: str
    intended_use: str
    period_from: date
    period_to: date
    reference: str
    kind: str = Kind.EXPORT.value

    def as_dict(self) -> dict:
        d = asdict(self)
        d["period_from"], d["period_to"] = self.period_from.isoformat(), self.period_to.isoformat()
        return d


def check_application(raw: dict, known_recipients: set[str], today: date) -> Application:
    """Refuse an unknown recipient, end user, item, currency or kind (listing the valid values),
    no item, a non-positive quantity or value, and a period that lies in the past."""
    recipient = str(raw.get("recipient") or "").strip().upper()
    if recipient not in known_recipients:
        raise ScreeningError(f"unknown recipient {recipient!r}: give an ISO 3166-1 alpha-3 code such as "
                             f"{', '.join(sorted(known_recipients)[:8])}, ... ({len(known_recipients)} valid codes)")
    if not str(raw.get("item") or "").strip():
        raise ScreeningError(f"no item: give an item category, one of {', '.join(ITEM_CATEGORIES)}")
    item = _choice(str(raw["item"]).upper(), tuple(ITEM_CATEGORIES), "item category")
    end_user = _choice(raw.get("end_user"), [e.value for e in EndUser], "end user")
    kind = _choice(raw.get("kind") or Kind.EXPORT.value, [k.value for k in Kind], "kind")
    currency = _choice(str(raw.get("currency") or "").upper(), CURRENCIES, "currency")
    try:
        quantity, value = int(raw.get("quantity")), float(raw.get("value"))
        pf = raw["period_from"] if isinstance(raw.get("period_from"), date) else date.fromisoformat(str(raw.get("period_from")))
        pt = raw["period_to"] if isinstance(raw.get("period_to"), date) else date.fromisoformat(str(raw.get("period_to")))
    except (TypeError, ValueError, KeyError) as exc:
        raise ScreeningError(f"quantity, value and period (YYYY-MM-DD) are required: {exc}") from None
    if quantity <= 0 or not math.isfinite(value) or value <= 0:
        raise ScreeningError("quantity and value must be positive")
    if pt < pf:
        raise ScreeningError("the period ends before it starts")
    if pt < today:
        raise ScreeningError(f"the period {pf}..{pt} lies in the past (today is {today})")
    reference = str(raw.get("reference") or "").strip()
    if not reference or len(reference) > 100:
        raise ScreeningError("the exporter's reference is required (at most 100 characters)")
    intended = str(raw.get("intended_use") or "").strip()
    if not intended or len(intended) > 2000:
        raise ScreeningError("the intended use is required (at most 2000 characters)")
    return Application(recipient, end_user, item, quantity, value, currency, intended, pf, pt, reference, kind)


# --- the criteria ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    inputs: tuple[str, ...]  # which evidence measures bear on it
    # measures that raise an indicator when present but whose absence leaves the finding as the
    # other inputs make it (CHMR case work exists only where a force records it)
    optional: tuple[str, ...] = ()


CRITERIA: tuple[Criterion, ...] = (
    Criterion("ATT-6.1", "ATT 6.1: transfer would violate UN Security Council measures (arms embargo)", ("embargo",)),
    Criterion("ATT-6.2", "ATT 6.2: transfer would violate other international obligations", ("embargo", "obligations")),
    Criterion("ATT-6.3", "ATT 6.3: knowledge the arms would be used in attacks on civilians or war crimes", ("harm_matching", "harm_confirmed"), ("chmr",)),
    Criterion("ATT-7.1", "ATT 7.1: overriding risk of serious violations of IHL or human rights law", ("harm", "ewipa", "conflict"), ("chmr",)),
    Criterion("ATT-7.4", "ATT 7.4: risk of serious acts of gender-based violence or violence against women and children", ("sexual_violence",)),
    Criterion("ATT-11", "ATT 11: risk of diversion", ("diversion",)),
    Criterion("EIPA-7.3-IHL", "EIPA 7.3: substantial risk of a serious violation of international humanitarian law", ("harm", "ewipa", "conflict"), ("chmr",)),
    Criterion("EIPA-7.3-IHRL", "EIPA 7.3: substantial risk of a serious violation of international human rights law", ("harm",)),
    Criterion("EIPA-7.3-TERROR", "EIPA 7.3: substantial risk of an act of terrorism", ("diversion",)),
    Criterion("EIPA-7.3-TOC", "EIPA 7.3: substantial risk of transnational organized crime", ("diversion",)),
    Criterion("EIPA-7.4", "EIPA 7.4: risk of serious acts of gender-based violence or violence against women and children", ("sexual_violence",)),
    Criterion("EU-1", "EU Common Position criterion 1: international obligations and embargoes", ("embargo", "obligations")),
    Criterion("EU-2", "EU Common Position criterion 2: human rights and international humanitarian law", ("harm", "ewipa", "harm_matching"), ("chmr",)),
    Criterion("EU-3", "EU Common Position criterion 3: internal situation (armed conflict)", ("conflict",)),
    Criterion("EU-4", "EU Common Position criterion 4: regional peace, security and stability", ("conflict",)),
    Criterion("EU-5", "EU Common Position criterion 5: security of member states and allies", ()),
    Criterion("EU-6", "EU Common Position criterion 6: behaviour towards the international community (terrorism, law)", ("obligations",)),
    Criterion("EU-7", "EU Common Position criterion 7: risk of diversion or re-export", ("diversion",)),
    Criterion("EU-8", "EU Common Position criterion 8: compatibility with the recipient's technical and economic capacity", ()),
)
CRITERION_IDS = tuple(c.id for c in CRITERIA)

# Thresholds and weights: configuration, stored with every assessment (docs/screening.md).
DEFAULT_CONFIG: dict[str, Any] = {
    "window_years": 5,
    # grades whose incidents count towards the harm thresholds; imports arrive ungraded, so
    # ungraded counts until an analyst grades (Weak/Contested are shown, never counted)
    "harm_grades": ["confirmed", "fair", "ungraded"],
    "thresholds": {
        "civilian_deaths": 25,          # best estimate over the window, Confirmed/Fair incidents
        "matching_share": 0.10,         # share of the forces' civilian deaths by matching weapons
        "ewipa_share": 0.25,            # share of casualties from explosive weapons in populated areas
        "sexual_violence_incidents": 1,
        "conflict_years": 1,
        "min_incidents": 1,             # below this the harm record is "insufficient data"
        "chmr_ihl_findings": 1,         # CHMR findings of an IHL concern against the forces
        "diversion_records": 1,         # SIPRI proxy deals plus diversion-table reports in the window
    },
    "weights": {"harm": 0.4, "harm_matching": 0.3, "ewipa": 0.1, "conflict": 0.1, "obligations": 0.1, "chmr": 0.2},
    "ratings": [[0.6, "high"], [0.3, "medium"], [0.0, "low"]],
}


@dataclass
class CriterionResult:
    criterion: str
    title: str
    finding: str
    score: float | None
    rating: str
    indicators: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # evidence keys behind it


def _rating(score: float | None, config: dict) -> str:
    if score is None:
        return "unrated"
    for cut, name in config["ratings"]:
        if score >= cut:
            return name
    return config["ratings"][-1][1]


def signals(ev: dict, config: dict) -> dict[str, tuple[bool | None, str]]:
    """Each evidence measure as (indicator present? None when unknown, why). Reads figures only."""
    t = config["thresholds"]
    h = ev.get("harm") or {}
    out: dict[str, tuple[bool | None, str]] = {}
    if not h.get("loaded"):
        unknown = (None, "no harm data loaded for the recipient's forces in the window")
        out |= {"harm": unknown, "harm_confirmed": unknown, "harm_matching": unknown, "ewipa": unknown, "sexual_violence": unknown}
    else:
        grades = config["harm_grades"]
        by_grade = h.get("by_grade") or {}
        deaths = sum(by_grade.get(g, {}).get("deaths_best", 0) for g in grades)
        counted = sum(by_grade.get(g, {}).get("incidents", 0) for g in grades)
        out["harm"] = (None, "no incident with a civilian death figure") if h.get("civilian_deaths") is None else (
            deaths >= t["civilian_deaths"],
            f"{deaths} civilian deaths (best; grades {', '.join(grades)}) against a threshold of {t['civilian_deaths']}")
        out["harm_confirmed"] = (counted >= t["min_incidents"], f"{counted} incidents of grades {', '.join(grades)}")
        share = h.get("matching_share")
        out["harm_matching"] = (None, "no matching-weapon base (no deaths with a known weapon)") if share is None else (
            share >= t["matching_share"], f"matching-weapon share {share:.2f} against {t['matching_share']}")
        ew = h.get("ewipa_share")
        out["ewipa"] = (None, "EWIPA share unknown (no casualty base)") if ew is None else (
            ew >= t["ewipa_share"], f"EWIPA share {ew:.2f} against {t['ewipa_share']}")
        sv = h.get("sexual_violence_incidents", 0)
        out["sexual_violence"] = (sv >= t["sexual_violence_incidents"], f"{sv} sexual-violence incidents")
    c = ev.get("conflict") or {}
    if not c.get("loaded"):
        out["conflict"] = (None, "no UCDP/PRIO conflict data loaded for the window")
    else:
        n = c.get("conflict_years", 0)
        out["conflict"] = (n >= t["conflict_years"], f"{n} conflict-years with the recipient as a party")
    o = ev.get("obligations") or {}
    known = [k for k, v in o.items() if isinstance(v, dict) and v.get("known")]
    if not known:
        out["obligations"] = (None, "no treaty data loaded")
    else:
        outside = [k for k in known if o[k]["status"] != "party"]
        out["obligations"] = (bool(outside), f"not party to {', '.join(outside)}" if outside else "party to every instrument checked")
    out["embargo"] = _embargo_signal(ev.get("embargo") or {})
    out["diversion"] = _diversion_signal(ev.get("diversion") or {}, t)
    out["chmr"] = _chmr_signal(ev.get("chmr") or {}, t)
    return out


def _embargo_signal(e: dict) -> tuple[bool | None, str]:
    """Absence from the table is not proof of no embargo: without a statement in force, unknown."""
    check = "check the UN, EU and national lists"
    if not e.get("loaded"):
        return None, f"no embargo table imported: {check}"
    if e.get("in_force"):
        return True, f"{e['in_force']} embargo statements in force on {e['on']}"
    undated, lifted = e.get("start_not_recorded", 0), e.get("lifted_statements", 0)
    if undated and lifted:
        return None, (f"{undated} embargo statements and {lifted} of a lifting, none dated: date them in the table; {check}")
    if undated:
        return True, f"{undated} embargo statements (start not recorded)"
    return None, f"no embargo statement in force in the table loaded: {check}"


def _diversion_signal(d: dict, t: dict) -> tuple[bool | None, str]:
    """Diversion evidence can raise an indicator; its absence is never "no risk"."""
    if not d.get("loaded"):
        return None, "no diversion data loaded"
    n = d.get("records", 0)
    if n >= t.get("diversion_records", 1):
        parts = [f"{len(d.get('supplied_to_non_state', []))} SIPRI deals supplied to non-state actors",
                 f"{len(d.get('non_state_recipients_in_country', []))} to non-state actors in the country",
                 f"{len(d.get('reports', []))} diversion reports"]
        return True, "; ".join(parts)
    if not d.get("table_loaded"):
        return None, "no diversion data loaded (diversion table not imported; SIPRI proxies show none)"
    return None, "no diversion record in the window (absence from the tables is not evidence of no risk)"


def _chmr_signal(c: dict, t: dict) -> tuple[bool | None, str]:
    n = c.get("cases_with_findings", 0)
    if not n:
        return None, "no CHMR finding recorded against the recipient's forces"
    ihl = c.get("ihl_concern", 0)
    why = f"{n} CHMR findings against the forces: {c.get('harm_confirmed', 0)} harm confirmed, {ihl} IHL concern"
    return ihl >= t.get("chmr_ihl_findings", 1), why


def assess(ev: dict, config: dict) -> list[CriterionResult]:
    """Findings and suggested ratings for every criterion from the evidence figures."""
    sig = signals(ev, config)
    weights = config["weights"]
    out = []
    for c in CRITERIA:
        keys = (*c.inputs, *c.optional)
        found = [k for k in keys if sig[k][0] is True]
        missing = [k for k in keys if sig[k][0] is None]
        if found:
            finding = Finding.INDICATORS_FOUND
        elif not c.inputs or any(k in c.inputs for k in missing):
            finding = Finding.INSUFFICIENT_DATA
        else:
            finding = Finding.NONE_FOUND
        weighed = [k for k in keys if k in weights and sig[k][0] is not None]
        score = None
        if weighed:
            total = sum(weights[k] for k in weighed)
            score = round(sum(weights[k] for k in weighed if sig[k][0]) / total, 4) if total else None
        elif found:
            score = 1.0
        rating = _rating(score, config) if finding != Finding.INSUFFICIENT_DATA or found else "unrated"
        out.append(CriterionResult(c.id, c.title, finding.value, score, rating,
                                   [sig[k][1] for k in found], [sig[k][1] for k in missing], list(keys)))
    return out


def evidence_vector(ev: dict) -> dict[str, float | None]:
    """The figures compared in the consistency review (log scale for counts)."""
    h = ev.get("harm") or {}
    c = ev.get("conflict") or {}
    return {
        "log_deaths": math.log1p(h["civilian_deaths"]["best"]) if h.get("loaded") and h.get("civilian_deaths") else None,
        "matching_share": h.get("matching_share"),
        "ewipa_share": h.get("ewipa_share"),
        "log_conflict_years": math.log1p(c["conflict_years"]) if c.get("loaded") else None,
    }


def distance(a: dict, b: dict) -> float | None:
    """Mean absolute difference over the figures both assessments know; None when none shared."""
    keys = [k for k in a if a.get(k) is not None and b.get(k) is not None]
    if not keys:
        return None
    return round(sum(abs(a[k] - b[k]) for k in keys) / len(keys), 4)


def check_decision(decision: str, reasons: str) -> str:
    d = _choice(decision, [x.value for x in Decision], "decision")
    if not (reasons or "").strip():
        raise ScreeningError("a decision needs its reasons")
    return d


@dataclass(frozen=True)
class ScreeningAssessed(AuditEvent):
    kind: ClassVar[str] = "screening_assessed"
    entity: ClassVar[str] = "screening"


@dataclass(frozen=True)
class ScreeningDecided(AuditEvent):
    kind: ClassVar[str] = "screening_decided"
    entity: ClassVar[str] = "screening"


@dataclass(frozen=True)
class SipriImported(AuditEvent):
    kind: ClassVar[str] = "sipri_import"
    entity: ClassVar[str] = "import_batch"

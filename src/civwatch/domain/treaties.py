"""Treaties: the register of instruments, the actions a state takes on one, and its status on a date.

Definitions (docs/treaties.md): a state is **party** from the date of its ratification,
accession, acceptance, approval, succession or (CCW protocols, non-UN instruments) consent to be
bound / endorsement; a signature alone is not party; a withdrawal or denunciation ends it on the
date it takes effect. Status is always asked as of a date.

Identifiers are pinned: UN-deposited instruments by their UNTC chapter-number (`XXVI-5`), the
others by a short id (`AP-I`). The key (`ottawa`) is the one used by the 2026 scrape; two
published scrapers gave one number to two treaties, so imports check key and number together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Action(StrEnum):
    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCESSION = "accession"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    SUCCESSION = "succession"
    CONSENT = "consent"  # consent to be bound, where UNTC gives only that column (CCW protocols)
    ENDORSEMENT = "endorsement"  # political declarations (EWIPA, Safe Schools, ...)
    WITHDRAWAL = "withdrawal"
    DENUNCIATION = "denunciation"


PARTY_ACTIONS = frozenset({Action.RATIFICATION, Action.ACCESSION, Action.ACCEPTANCE, Action.APPROVAL,
                           Action.SUCCESSION, Action.CONSENT, Action.ENDORSEMENT})
EXIT_ACTIONS = frozenset({Action.WITHDRAWAL, Action.DENUNCIATION})


class Status(StrEnum):
    PARTY = "party"
    SIGNATORY = "signatory"  # signed, not (yet) bound
    WITHDRAWN = "withdrawn"  # was party, left
    NONE = "none"  # no action recorded


@dataclass(frozen=True)
class Instrument:
    id: str  # pinned: UNTC chapter-number, or a short id for instruments deposited elsewhere
    key: str
    name: str
    opened: int  # year opened for signature / adopted
    family: str  # humanitarian-disarmament | arms-control | human-rights | ihl | political
    depositary: str = "UN Secretary-General"
    official_list: str = ""  # where the authoritative list is published
    poc: bool = False  # directly named by the POC roundtable


UNTC = "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no={id}&chapter={ch}&clang=_en"


def _un(id: str, key: str, name: str, opened: int, family: str, poc: bool = False) -> Instrument:
    ch = {"XXVI": 26, "IV": 4, "XVIII": 18}[id.split("-")[0]]
    return Instrument(id, key, name, opened, family, official_list=UNTC.format(id=id, ch=ch), poc=poc)


INSTRUMENTS: tuple[Instrument, ...] = (
    # chapter XXVI, disarmament (2026 file: 12 treaties)
    _un("XXVI-1", "enmod", "Environmental Modification Convention (ENMOD)", 1976, "arms-control"),
    _un("XXVI-2", "ccw", "Convention on Certain Conventional Weapons (Protocols I-III)", 1980, "humanitarian-disarmament"),
    _un("XXVI-2-a", "ccw_p4", "CCW Protocol IV (blinding laser weapons)", 1995, "humanitarian-disarmament"),
    _un("XXVI-2-b", "ccw_p2a", "CCW Amended Protocol II (mines, booby-traps)", 1996, "humanitarian-disarmament"),
    _un("XXVI-2-c", "ccw_art1", "CCW amended Article 1", 2001, "humanitarian-disarmament"),
    _un("XXVI-2-d", "ccw_p5", "CCW Protocol V (explosive remnants of war)", 2003, "humanitarian-disarmament"),
    _un("XXVI-3", "cwc", "Chemical Weapons Convention", 1993, "arms-control"),
    _un("XXVI-4", "ctbt", "Comprehensive Nuclear-Test-Ban Treaty", 1996, "arms-control"),
    _un("XXVI-5", "ottawa", "Anti-Personnel Mine Ban Convention", 1997, "humanitarian-disarmament", poc=True),
    _un("XXVI-6", "ccm", "Convention on Cluster Munitions", 2008, "humanitarian-disarmament", poc=True),
    _un("XXVI-8", "att", "Arms Trade Treaty", 2013, "humanitarian-disarmament", poc=True),
    _un("XXVI-9", "tpnw", "Treaty on the Prohibition of Nuclear Weapons", 2017, "arms-control"),
    # chapter IV, human rights (2026 file: 18 instruments)
    _un("IV-2", "cerd", "Convention on the Elimination of Racial Discrimination", 1965, "human-rights"),
    _un("IV-3", "icescr", "International Covenant on Economic, Social and Cultural Rights", 1966, "human-rights"),
    _un("IV-3-a", "icescr_op", "Optional Protocol to the ICESCR", 2008, "human-rights"),
    _un("IV-4", "iccpr", "International Covenant on Civil and Political Rights", 1966, "human-rights"),
    _un("IV-5", "iccpr_op1", "Optional Protocol to the ICCPR", 1966, "human-rights"),
    _un("IV-12", "iccpr_op2", "Second Optional Protocol to the ICCPR (death penalty)", 1989, "human-rights"),
    _un("IV-8", "cedaw", "Convention on the Elimination of Discrimination against Women", 1979, "human-rights"),
    _un("IV-8-b", "cedaw_op", "Optional Protocol to CEDAW", 1999, "human-rights"),
    _un("IV-9", "cat", "Convention against Torture", 1984, "human-rights"),
    _un("IV-9-b", "cat_op", "Optional Protocol to the Convention against Torture", 2002, "human-rights"),
    _un("IV-11", "crc", "Convention on the Rights of the Child", 1989, "human-rights"),
    _un("IV-11-b", "crc_op_ac", "Optional Protocol to the CRC on children in armed conflict", 2000, "human-rights", poc=True),
    _un("IV-11-c", "crc_op_sc", "Optional Protocol to the CRC on the sale of children", 2000, "human-rights"),
    _un("IV-11-d", "crc_op_ic", "Optional Protocol to the CRC on a communications procedure", 2011, "human-rights"),
    _un("IV-13", "cmw", "Convention on the Rights of All Migrant Workers", 1990, "human-rights"),
    _un("IV-15", "crpd", "Convention on the Rights of Persons with Disabilities", 2006, "human-rights"),
    _un("IV-15-a", "crpd_op", "Optional Protocol to the CRPD", 2006, "human-rights"),
    _un("IV-16", "ced", "Convention for the Protection of All Persons from Enforced Disappearance", 2006, "human-rights", poc=True),
    # chapter XVIII (2015 table only)
    _un("XVIII-10", "rome", "Rome Statute of the International Criminal Court", 1998, "ihl", poc=True),
    # not deposited with the UN Secretary-General: imported from the documented CSV layout
    Instrument("AP-I", "ap1", "Additional Protocol I to the Geneva Conventions", 1977, "ihl", "Swiss Federal Council",
               "https://ihl-databases.icrc.org/en/ihl-treaties/api-1977/state-parties", poc=True),
    Instrument("AP-II", "ap2", "Additional Protocol II to the Geneva Conventions", 1977, "ihl", "Swiss Federal Council",
               "https://ihl-databases.icrc.org/en/ihl-treaties/apii-1977/state-parties", poc=True),
    Instrument("EWIPA", "ewipa", "Political Declaration on Explosive Weapons in Populated Areas (2022)", 2022, "political",
               "Ireland (Department of Foreign Affairs)", "https://www.dfa.ie/our-role-policies/international-priorities/peace-and-security/ewipa-consultations/", poc=True),
    Instrument("SSD", "safe_schools", "Safe Schools Declaration", 2015, "political", "Norway (Ministry of Foreign Affairs)",
               "https://ssd.protectingeducation.org/endorsement/", poc=True),
    Instrument("MONTREUX", "montreux", "Montreux Document on private military and security companies", 2008, "political",
               "Switzerland (FDFA) and ICRC", "https://www.montreuxdocument.org/about/participants.html", poc=True),
    Instrument("VANCOUVER", "vancouver", "Vancouver Principles on peacekeeping and child soldiers", 2017, "political",
               "Canada (Global Affairs Canada)", "https://www.international.gc.ca/world-monde/issues_development-enjeux_developpement/human_rights-droits_homme/principles-vancouver-principes.aspx", poc=True),
    Instrument("PARIS-PRINCIPLES", "paris_principles", "Paris Principles on children associated with armed forces or groups", 2007, "political",
               "France (Ministry for Europe and Foreign Affairs) and UNICEF", "https://www.diplomatie.gouv.fr/en/french-foreign-policy/human-rights/children-s-rights/", poc=True),
)
BY_ID = {i.id: i for i in INSTRUMENTS}
BY_KEY = {i.key: i for i in INSTRUMENTS}
_BY_ID_FOLDED = {i.id.upper(): i for i in INSTRUMENTS}  # ids mix cases (IV-11-b): match either
UN_DEPOSITED = frozenset(i.id for i in INSTRUMENTS if i.depositary == "UN Secretary-General")


def instrument(ref: str) -> Instrument:
    """An instrument by its pinned id (`XXVI-5`, case-insensitive) or key (`ottawa`)."""
    ref = ref.strip()
    found = _BY_ID_FOLDED.get(ref.upper()) or BY_KEY.get(ref.lower())
    if found is None:
        raise ValueError(f"unknown instrument {ref!r}; use an id such as XXVI-5 or a key such as ottawa (see `civwatch treaties status --help`)")
    return found


@dataclass(frozen=True)
class ActionRecord:
    """One action by one state on one instrument, as read from a source."""

    instrument: str
    country_iso3: str
    action: Action
    action_date: date
    name_as_received: str
    source: str  # untc-2015 | untc-2026 | csv
    source_url: str | None = None
    line: int = 0


@dataclass(frozen=True)
class StateStatus:
    status: Status
    party_since: date | None = None  # the party-making action that is in force
    signed: date | None = None
    left: date | None = None
    actions: tuple[tuple[str, date], ...] = field(default_factory=tuple)

    @property
    def is_party(self) -> bool:
        return self.status is Status.PARTY


def status_on(actions: list[tuple[Action, date]], on: date) -> StateStatus:
    """The status of one state for one instrument on `on`, from its actions (any order).

    Party-making actions and exits are applied in date order; on the same day an exit comes
    after a joining (the later state wins). A state that left and rejoined is party again."""
    relevant = sorted((d, a not in EXIT_ACTIONS, a) for a, d in actions if d <= on)
    party_since: date | None = None
    signed: date | None = None
    left: date | None = None
    for d, _, a in sorted(relevant, key=lambda t: (t[0], 0 if t[2] in PARTY_ACTIONS else 1)):
        if a is Action.SIGNATURE:
            signed = signed or d
        elif a in PARTY_ACTIONS:
            if party_since is None:
                party_since = d
        elif a in EXIT_ACTIONS and party_since is not None:
            party_since, left = None, d
    hist = tuple((a.value, d) for d, _, a in relevant)
    if party_since is not None:
        return StateStatus(Status.PARTY, party_since, signed, left, hist)
    if left is not None:
        return StateStatus(Status.WITHDRAWN, None, signed, left, hist)
    if signed is not None:
        return StateStatus(Status.SIGNATORY, None, signed, None, hist)
    return StateStatus(Status.NONE, actions=hist)


def joined_between(actions: list[tuple[Action, date]], start: date, end: date) -> bool:
    """Not party on the day before `start`, party on some day in [start, end]."""
    before = status_on(actions, date.fromordinal(start.toordinal() - 1)).is_party
    if before:
        return False
    return any(a in PARTY_ACTIONS and start <= d <= end and status_on(actions, d).is_party for a, d in actions)


# ---- likely joiners: the features and the scoring rule ------------------------------------------
# Every feature is computed from what is known on the as-of date only, and from the state's
# position (its region, its forums, its own record), never from its name (docs/treaties.md).

FEATURES: tuple[tuple[str, str], ...] = (
    ("signed", "signed, not yet bound"),
    ("withdrawn", "was party and left"),
    ("subregion_share", "share of the state's M49 sub-region party"),
    ("region_share", "share of the state's M49 region party"),
    ("forum_share", "highest share party in a forum the state belongs to"),
    ("peer_momentum", "share of sub-regional peers that joined in the last 5 years"),
    ("years_open", "log(1 + years since the instrument opened)"),
    ("family_share", "share of the other instruments of the same family the state is party to"),
    ("all_share", "share of all other open instruments the state is party to"),
    ("recent_joiner", "the state joined any instrument in the last 5 years"),
    ("activity", "share of the other open instruments the state joined in the last 5 years"),
    ("signed_years", "log(1 + years since signature) for a signatory, else 0"),
    ("conflict", "location of an active armed conflict (UCDP/PRIO ACD) in the last 5 years"),
)
FEATURE_NAMES = tuple(n for n, _ in FEATURES)
FEATURE_LABELS = dict(FEATURES)


@dataclass(frozen=True)
class ScoringRule:
    """A fitted logistic rule: p = 1 / (1 + exp(-(b0 + sum w_j (x_j - m_j) / s_j)))."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    intercept: float
    means: tuple[float, ...]
    scales: tuple[float, ...]

    def logit(self, x: dict[str, float]) -> float:
        return self.intercept + sum(c for _, c in self.contributions(x))

    def probability(self, x: dict[str, float]) -> float:
        import math

        z = self.logit(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def contributions(self, x: dict[str, float]) -> list[tuple[str, float]]:
        """Each feature's push on the log-odds, against the average candidate of the fit."""
        return [(f, w * (x[f] - m) / s) for f, w, m, s in zip(self.features, self.weights, self.means, self.scales, strict=True)]

    def reasons(self, x: dict[str, float], top: int = 3) -> list[dict]:
        """The features that moved this score most, with their direction and value."""
        ranked = sorted(self.contributions(x), key=lambda t: -abs(t[1]))[:top]
        return [{"feature": f, "label": FEATURE_LABELS.get(f, f), "value": round(x[f], 3), "effect": round(c, 3)} for f, c in ranked if abs(c) > 1e-9]

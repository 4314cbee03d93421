"""Every taxonomy civwatch records, in one place.

The values are the stored codes: lower-case, stable, never renamed once data exists.
Labels are for people; codes are for machines and exports.
"""

from __future__ import annotations

from enum import StrEnum


class PartyCategory(StrEnum):
    """Who a party is, by kind. Grading and scoring may use this, never a party's name."""

    STATE_FORCES = "state_forces"
    NON_STATE_ARMED_GROUP = "non_state_armed_group"
    PRIVATE_MILITARY_SECURITY = "private_military_security"
    PEACEKEEPERS = "peacekeepers"
    CIVILIANS = "civilians"
    UNKNOWN = "unknown"


class Weapon(StrEnum):
    """Means of harm (Standards for Casualty Recording, extended for EWIPA and new technology)."""

    EXPLOSIVE_AIR_LAUNCHED = "explosive_air_launched"
    EXPLOSIVE_GROUND_LAUNCHED = "explosive_ground_launched"  # shelling, artillery, rockets, missiles
    EXPLOSIVE_IMPROVISED = "explosive_improvised"  # IED, suicide bomb, car bomb
    EXPLOSIVE_LANDMINE_ERW = "explosive_landmine_erw"  # landmines and explosive remnants of war
    EXPLOSIVE_CLUSTER_MUNITION = "explosive_cluster_munition"
    EXPLOSIVE_GRENADE = "explosive_grenade"
    EXPLOSIVE_UNSPECIFIED = "explosive_unspecified"
    DRONE = "drone"  # uncrewed aerial/ground/sea system
    AI_ENABLED_TARGETING = "ai_enabled_targeting"
    SMALL_ARMS = "small_arms"
    MELEE = "melee"  # knives, blunt force, arson by hand
    SEXUAL_VIOLENCE = "sexual_violence"
    ABDUCTION = "abduction"  # incl. enforced disappearance
    SIEGE_STARVATION = "siege_starvation"
    CYBER = "cyber"
    CHEMICAL = "chemical"
    OTHER = "other"
    UNKNOWN = "unknown"

    @property
    def is_explosive(self) -> bool:
        """Explosive weapons for EWIPA measures (drones count when they deliver explosives)."""
        return self.value.startswith("explosive_") or self is Weapon.DRONE


class HarmOutcome(StrEnum):
    KILLED = "killed"
    INJURED = "injured"
    MISSING = "missing"
    ABDUCTED = "abducted"
    DETAINED = "detained"
    DISPLACED = "displaced"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class AgeGroup(StrEnum):
    CHILD = "child"  # under 18
    ADULT = "adult"
    ELDERLY = "elderly"  # 60 and over, where the source distinguishes
    UNKNOWN = "unknown"


class CivilianObject(StrEnum):
    """Kinds of civilian objects damaged or destroyed."""

    HEALTH = "health"
    EDUCATION = "education"
    WATER = "water"
    ENERGY = "energy"
    SHELTER = "shelter"
    CULTURAL = "cultural"
    RELIGIOUS = "religious"
    HUMANITARIAN = "humanitarian"
    FOOD = "food"
    OTHER = "other"


class Grade(StrEnum):
    """Airwars' grading scale for an incident's evidence."""

    CONFIRMED = "confirmed"
    FAIR = "fair"
    WEAK = "weak"
    CONTESTED = "contested"
    DISCOUNTED = "discounted"
    UNGRADED = "ungraded"


class DatePrecision(StrEnum):
    """How exactly a date is known; ordered from finest to coarsest."""

    DAY = "day"
    WEEK = "week"  # within a span of up to 7 days
    MONTH = "month"
    YEAR = "year"
    SPAN = "span"  # a longer span, start and end kept


class GeoPrecision(StrEnum):
    """How exactly a place is known; ordered from finest to coarsest."""

    EXACT = "exact"  # the named place itself
    NEAR = "near"  # within ~25 km of the named place
    ADMIN2 = "admin2"
    ADMIN1 = "admin1"
    COUNTRY = "country"
    UNKNOWN = "unknown"


class ViolenceType(StrEnum):
    """UCDP's three kinds of organised violence, kept for every source where known."""

    STATE_BASED = "state_based"
    NON_STATE = "non_state"
    ONE_SIDED = "one_sided"
    OTHER = "other"


class Role(StrEnum):
    VIEWER = "viewer"
    RECORDER = "recorder"
    ANALYST = "analyst"
    ASSESSOR = "assessor"
    INVESTIGATOR = "investigator"
    APPROVER = "approver"
    ADMIN = "admin"


LABELS: dict[StrEnum, str] = {
    PartyCategory.STATE_FORCES: "State forces",
    PartyCategory.NON_STATE_ARMED_GROUP: "Non-state armed group",
    PartyCategory.PRIVATE_MILITARY_SECURITY: "Private military or security company",
    PartyCategory.PEACEKEEPERS: "Peacekeepers",
    PartyCategory.CIVILIANS: "Civilians",
    PartyCategory.UNKNOWN: "Unknown",
}


def label(value: StrEnum) -> str:
    """A human label for any taxonomy value."""
    return LABELS.get(value) or value.value.replace("_", " ").capitalize()


TAXONOMIES: dict[str, type[StrEnum]] = {
    "party_category": PartyCategory,
    "weapon": Weapon,
    "harm_outcome": HarmOutcome,
    "sex": Sex,
    "age_group": AgeGroup,
    "civilian_object": CivilianObject,
    "grade": Grade,
    "date_precision": DatePrecision,
    "geo_precision": GeoPrecision,
    "violence_type": ViolenceType,
    "role": Role,
}

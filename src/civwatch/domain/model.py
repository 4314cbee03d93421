"""The records civwatch keeps, as plain dataclasses (no persistence here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from civwatch.domain.taxonomy import (
    AgeGroup,
    CivilianObject,
    DatePrecision,
    GeoPrecision,
    Grade,
    HarmOutcome,
    PartyCategory,
    Sex,
    ViolenceType,
    Weapon,
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A count with its uncertainty. `best` is the headline; low <= best <= high."""

    best: int
    low: int | None = None
    high: int | None = None

    def __post_init__(self) -> None:
        if self.best < 0 or (self.low is not None and self.low < 0) or (
            self.high is not None and self.high < 0
        ):
            raise ValueError("a casualty figure cannot be negative")
        if self.low is not None and self.low > self.best:
            raise ValueError(f"low ({self.low}) is above best ({self.best})")
        if self.high is not None and self.high < self.best:
            raise ValueError(f"high ({self.high}) is below best ({self.best})")


@dataclass(frozen=True, slots=True)
class Harm:
    """One cell of the disaggregated harm table: outcome x sex x age group."""

    outcome: HarmOutcome
    figure: Figure
    sex: Sex = Sex.UNKNOWN
    age_group: AgeGroup = AgeGroup.UNKNOWN
    civilian: bool = True


@dataclass(frozen=True, slots=True)
class Party:
    """A party to an incident as a source names it; `category` is what rules may use."""

    name: str
    category: PartyCategory = PartyCategory.UNKNOWN
    role: str = "perpetrator"  # perpetrator | target | other
    source_code: str | None = None  # the source's own actor id / inter code, kept verbatim


@dataclass(frozen=True, slots=True)
class DamagedObject:
    kind: CivilianObject
    count: int = 1
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    country_iso3: str
    latitude: float | None = None
    longitude: float | None = None
    precision: GeoPrecision = GeoPrecision.UNKNOWN
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    location: str | None = None
    populated_area: bool | None = None
    country_code_received: str | None = None  # e.g. GW number or ISO numeric, as in the file

    def __post_init__(self) -> None:
        if len(self.country_iso3) != 3 or not self.country_iso3.isupper():
            raise ValueError(f"country must be an ISO 3166-1 alpha-3 code, got {self.country_iso3!r}")
        if self.latitude is not None and not -90.0 <= self.latitude <= 90.0:
            raise ValueError(f"latitude {self.latitude} is out of range")
        if self.longitude is not None and not -180.0 <= self.longitude <= 180.0:
            raise ValueError(f"longitude {self.longitude} is out of range")


@dataclass(frozen=True, slots=True)
class When:
    """A date as precisely as the source knows it: a start and end day plus the precision."""

    start: date
    end: date
    precision: DatePrecision = DatePrecision.DAY

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"date end {self.end} is before start {self.start}")


@dataclass(slots=True)
class Report:
    """One source's record of an incident. `raw` keeps every field of the source verbatim."""

    source: str  # e.g. "ucdp-ged", "acled", "airwars", "manual"
    source_id: str
    when: When
    place: Place
    civilian_deaths: Figure | None = None
    civilian_injuries: Figure | None = None
    total_deaths: Figure | None = None
    harm: list[Harm] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    weapon: Weapon = Weapon.UNKNOWN
    violence_type: ViolenceType | None = None
    damaged_objects: list[DamagedObject] = field(default_factory=list)
    event_type: str | None = None
    headline: str | None = None
    notes: str | None = None
    source_url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def perpetrator_category(self) -> PartyCategory:
        for party in self.parties:
            if party.role == "perpetrator":
                return party.category
        return PartyCategory.UNKNOWN


@dataclass(slots=True)
class Incident:
    """What happened, once: one or more reports linked together, counted once."""

    id: int | None
    when: When
    place: Place
    civilian_deaths: Figure | None = None
    civilian_injuries: Figure | None = None
    weapon: Weapon = Weapon.UNKNOWN
    perpetrator_category: PartyCategory = PartyCategory.UNKNOWN
    grade: Grade = Grade.UNGRADED
    grade_reasons: list[str] = field(default_factory=list)
    responsibility_accepted: bool = False
    reports: list[Report] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row an import could not accept, kept with where it was and why."""

    line: int
    reason: str
    raw: dict[str, Any] | list[str]


@dataclass(slots=True)
class ImportBatch:
    id: int | None
    source_format: str
    file_name: str
    file_sha256: str
    started_at: datetime
    finished_at: datetime | None = None
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    updated: int = 0
    unchanged: int = 0
    status: str = "running"

"""Flat records an import hands from a source adapter to the store.

`ReportRecord` is a report as stored: one attribute per `reports` column (dates as ISO text,
taxonomy codes as their string values), built in tight loops, so it does no validation itself;
the adapters validate before building one and reject the row otherwise. `raw` is the JSON text
of the source row, every field verbatim; `content_sha` is its SHA-256, which makes re-imports
idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The column that keys a bulk import's frames (reports, parties, harm) to one another: the row's
# line in its file, unique within a batch.
LINE_KEY = "_line"

# The reports columns an adapter fills, in the order the store writes them.
REPORT_FIELDS: tuple[str, ...] = (
    "source",
    "source_id",
    "content_sha",
    "date_start",
    "date_end",
    "date_precision",
    "year",
    "month",
    "country_iso3",
    "country_code_received",
    "latitude",
    "longitude",
    "geo_precision",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "populated_area",
    "civilian_deaths_low",
    "civilian_deaths_best",
    "civilian_deaths_high",
    "civilian_injuries_low",
    "civilian_injuries_best",
    "civilian_injuries_high",
    "total_deaths_low",
    "total_deaths_best",
    "total_deaths_high",
    "weapon",
    "violence_type",
    "event_type",
    "perpetrator_category",
    "perpetrator_name",
    "target_category",
    "target_name",
    "headline",
    "notes",
    "source_url",
    "raw",
)

# The incidents columns mirrored from a report when the report is its own incident.
INCIDENT_FIELDS: tuple[str, ...] = (
    "date_start",
    "date_end",
    "date_precision",
    "year",
    "month",
    "country_iso3",
    "latitude",
    "longitude",
    "geo_precision",
    "admin1",
    "admin2",
    "location",
    "populated_area",
    "civilian_deaths_low",
    "civilian_deaths_best",
    "civilian_deaths_high",
    "civilian_injuries_low",
    "civilian_injuries_best",
    "civilian_injuries_high",
    "weapon",
    "perpetrator_category",
    "violence_type",
    "headline",
)


@dataclass(slots=True)
class HarmRow:
    outcome: str
    best: int
    sex: str = "unknown"
    age_group: str = "unknown"
    civilian: bool = True
    low: int | None = None
    high: int | None = None


@dataclass(slots=True)
class PartyRow:
    name: str
    category: str
    role: str  # perpetrator | target | other
    source_code: str | None = None


@dataclass(slots=True)
class ReportRecord:
    source: str
    source_id: str
    content_sha: str
    date_start: str
    date_end: str
    date_precision: str
    year: int
    month: str
    country_iso3: str
    raw: str
    line: int = 0  # spreadsheet row number in the file (header = 1); not stored
    rows_in: int = 1  # file rows this record stands for (victim lists: one per victim)
    country_code_received: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = "unknown"
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    location: str | None = None
    populated_area: bool | None = None
    civilian_deaths_low: int | None = None
    civilian_deaths_best: int | None = None
    civilian_deaths_high: int | None = None
    civilian_injuries_low: int | None = None
    civilian_injuries_best: int | None = None
    civilian_injuries_high: int | None = None
    total_deaths_low: int | None = None
    total_deaths_best: int | None = None
    total_deaths_high: int | None = None
    weapon: str = "unknown"
    violence_type: str | None = None
    event_type: str | None = None
    perpetrator_category: str = "unknown"
    perpetrator_name: str | None = None
    target_category: str | None = None
    target_name: str | None = None
    headline: str | None = None
    notes: str | None = None
    source_url: str | None = None
    harm: list[HarmRow] = field(default_factory=list)
    parties: list[PartyRow] = field(default_factory=list)
    victims: list[dict] = field(default_factory=list)  # personal data: protected table only


@dataclass(slots=True)
class ConflictYearRecord:
    """One row of the UCDP/PRIO Armed Conflict Dataset: a conflict active in a year."""

    conflict_id: str
    year: int
    location: str
    country_iso3: str | None
    gwno_loc: str
    side_a: str
    side_b: str
    incompatibility: int | None
    intensity_level: int | None
    type_of_conflict: int | None
    region: str
    content_sha: str
    raw: str
    line: int = 0
    rows_in: int = 1


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that could not be accepted: where it was, why, and the row as read."""

    line: int
    reason: str
    raw: str  # JSON text of the row as read (personal fields removed for victim lists)

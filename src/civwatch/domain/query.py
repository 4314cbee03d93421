"""What a question about the data may group by and filter on; shared by store, analytics, API.

Plain values only: the store turns them into SQL, analytics into numbers, entry points into
options and query parameters.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date

from civwatch.domain.countries import check_code
from civwatch.domain.taxonomy import Grade, PartyCategory, ViolenceType, Weapon

# The sources whose reports the store holds ("manual": recorded by hand in civwatch).
SOURCES: tuple[str, ...] = ("ucdp-ged", "acled", "hxl", "airwars", "manual")

class OutOfRange(ValueError):
    """A number too large (or small) for what it counts: a 422 in the API, one line in the CLI."""


# The widest whole number the store keeps in a counted column on every backend (PostgreSQL INTEGER).
MAX_INT = 2**31 - 1


def check_int(value: int, name: str, low: int = -MAX_INT, high: int = MAX_INT) -> int:
    if not low <= value <= high:
        raise OutOfRange(f"{name}: {str(value)[:24]} is out of range ({low}..{high})")
    return value


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(value: str | date | None, name: str, end: bool = False) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD -> a day: the first day of the period, or its last with `end`.

    The error names the option or parameter (`name`), so the CLI and the API say the same."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    m = _DATE.match(text)
    try:
        if not m:
            raise ValueError
        year, month, day = int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if day is None:
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{name}: {value[:40]!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD") from None

# Grouping dimensions, in the order they appear in outputs. "source" groups by the report's
# source (with --source) or by the combination of sources behind an incident (without).
DIMENSIONS: tuple[str, ...] = (
    "year",
    "month",
    "country",
    "party_category",
    "weapon",
    "grade",
    "source",
    "violence_type",
    "populated_area",
)

# Aliases accepted from people ("party-category", "country_iso3", ...).
_ALIASES = {"country_iso3": "country", "perpetrator_category": "party_category", "sources": "source"}


def parse_dimension(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in DIMENSIONS:
        raise ValueError(f"cannot group by {name!r}; dimensions are {', '.join(DIMENSIONS)}")
    return key


def parse_dimensions(value: str | list[str] | None) -> list[str]:
    """'year,country' or ['year', 'country'] -> ['year', 'country'] (validated, no repeats)."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    out: list[str] = []
    for item in items:
        if item.strip():
            dim = parse_dimension(item)
            if dim not in out:
                out.append(dim)
    return out


@dataclass(frozen=True)
class Filters:
    """Every filter an indicator, a list of incidents or an export accepts. Empty = no filter.

    Multi-valued filters hold any-of values. `source` switches indicators to report level.
    """

    source: str | None = None
    countries: tuple[str, ...] = ()
    party_categories: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    violence_types: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    populated_area: bool | None = None
    explosive: bool | None = None
    text: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, year in (("year_from", self.year_from), ("year_to", self.year_to)):
            if year is not None:
                check_int(year, name, 1, 9999)
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError(f"year_from {self.year_from} is after year_to {self.year_to}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        for code in self.countries:
            if code != check_code(code, "country"):
                raise ValueError(f"country: write the code in capitals, {code.upper()!r}")
        if self.source is not None and self.source not in SOURCES:
            raise ValueError(f"source: unknown source {self.source[:40]!r}; sources are {', '.join(SOURCES)}")
        for name, values, enum in (
            ("party_category", self.party_categories, PartyCategory),
            ("weapon", self.weapons, Weapon),
            ("grade", self.grades, Grade),
            ("violence_type", self.violence_types, ViolenceType),
        ):
            known = {m.value for m in enum}
            for value in values:
                if value not in known:
                    raise ValueError(f"{name}: unknown code {value!r}; codes are {', '.join(sorted(known))}")
        for name, value in (("source", self.source), ("q", self.text)):
            if value is not None and ("\x00" in value or not value.isprintable()):
                raise ValueError(f"{name}: control characters are not allowed")
        if self.text is not None and len(self.text) > 200:
            raise ValueError("free text filter is limited to 200 characters")

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def as_dict(self) -> dict:
        """Only the filters that are set, for echoing back in outputs."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, (), {}, ""):
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else (value.isoformat() if isinstance(value, date) else value)
        return out


def split_values(value: str | list[str] | None, upper: bool = False, code: bool = True) -> tuple[str, ...]:
    """'UKR,SYR' or ['UKR', 'SYR,AFG'] -> ('UKR', 'SYR', 'AFG'). `code`: taxonomy-code spelling."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    out = []
    for item in items:
        item = item.strip()
        if item:
            if upper:
                item = item.upper()
            elif code:
                item = item.lower().replace("-", "_")
            out.append(item)
    return tuple(dict.fromkeys(out))


# The sums the indicator cube keeps and the indicators divide: one list for store and analytics.
SUMMED_MEASURES: tuple[str, ...] = (
    "n",
    "n_reports",
    "n_deaths_known",
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "n_injuries_known",
    "injuries_low",
    "injuries_best",
    "injuries_high",
    "n_disaggregated",
    "casualties_disaggregated",
    "casualties_women_children",
    "casualties",
    "casualties_ewipa",
    "casualties_weapon_unknown",
    "casualties_place_unknown",
    "n_explosive",
    "n_weapon_known",
    "n_populated",
    "n_populated_known",
)

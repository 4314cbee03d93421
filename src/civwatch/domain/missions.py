"""Peace operations: missions, their deployments and mandates, and the rule that says whether
an event is near a deployment. Pure functions; no I/O.

Everything here describes association, not effect: harm near a deployment is counted beside
harm elsewhere in the host country, and no figure is an impact of the mission.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

ASSOCIATION_NOTE = (
    "Association, not effect: these counts say where harm was recorded relative to deployed "
    "peacekeepers, not what the mission caused or prevented. Missions deploy where violence is "
    "expected, and recording coverage changes when they arrive or leave."
)
TROOPS_NOTE = (
    "Troop numbers are Geo-PKO v2.3's yearly location averages (ave.no.troops); the team does "
    "not document how months are aggregated, so treat them as indicative."
)

DISTANCES_KM = (10, 25, 50)
DEFAULT_DISTANCE_KM = 25
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

# How far the recorded point may be from where the event happened, by geo precision. Only
# these precisions can be placed relative to a distance; coarser ones never are.
PRECISION_RADIUS_KM: dict[str, float] = {"exact": 0.0, "near": 25.0}


class Proximity(StrEnum):
    NEAR = "near"
    FAR = "far"
    IMPRECISE = "imprecise"  # "place too imprecise" for the distance asked


PROXIMITY_LABELS = {
    Proximity.NEAR: "near a deployment",
    Proximity.FAR: "elsewhere in the host country",
    Proximity.IMPRECISE: "place too imprecise",
}


class MandateKind(StrEnum):
    POC = "poc"  # protection of civilians
    ROBUST = "robust"  # authorised to use force beyond self-defence (HKS 2013's flag)


def classify(distance_km: float | None, precision: str, within_km: float) -> Proximity:
    """Near when the event is within `within_km` wherever it happened inside its precision
    radius; far when it is beyond wherever it happened; otherwise too imprecise to say."""
    radius = PRECISION_RADIUS_KM.get(precision)
    if radius is None or distance_km is None or not math.isfinite(distance_km):
        return Proximity.IMPRECISE
    if distance_km + radius <= within_km:
        return Proximity.NEAR
    if distance_km - radius > within_km:
        return Proximity.FAR
    return Proximity.IMPRECISE


def check_distance(km: float) -> float:
    if not (0 < km <= 500):
        raise ValueError(f"distance {km:g} km is outside 0–500 km (offered: {', '.join(map(str, DISTANCES_KM))})")
    return float(km)


# ---------------------------------------------------------------- numbers as published

def parse_decimal(text: str, what: str) -> float | None:
    """A number written with a decimal point or a decimal comma ('15,9833'); None when empty."""
    s = text.strip().replace("\u00a0", "")
    if not s or s.upper() == "NA":
        return None
    if "," in s and "." not in s:
        s = s.replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        raise ValueError(f"non-numeric {what} {text[:40]!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"non-numeric {what} {text[:40]!r}")
    return value


def check_point(lat: float | None, lon: float | None) -> str | None:
    """Why a point is impossible, or None when it is a place on Earth (or absent)."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        return "only one of latitude and longitude given"
    if not -90 <= lat <= 90:
        return f"impossible latitude {lat:g}"
    if not -180 <= lon <= 180:
        return f"impossible longitude {lon:g}"
    if lat == 0 and lon == 0:
        return "coordinates 0, 0 (a placeholder, not a place)"
    return None


# ---------------------------------------------------------------- contributors

_PART = re.compile(r"^\s*(?P<country>.+?)\s*\((?P<size>[^()]*)\)\s*$")


@dataclass(frozen=True)
class Contribution:
    """One troop-contributing country at a location, as Geo-PKO's overview text gives it."""

    country: str
    size: int | None  # None: the text says the size is unknown, or gives none
    size_text: str  # what stood in the parentheses, verbatim ("" when none)


def parse_contributors(text: str) -> list[Contribution]:
    """'Nepal (size unknown), India (150)' -> contributions; the text itself is kept by the caller.

    Splits at commas outside parentheses. A part without parentheses is a country without a size."""
    parts: list[str] = []
    depth, cur = 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    out: list[Contribution] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        m = _PART.match(part)
        if not m:
            out.append(Contribution(part, None, ""))
            continue
        size_text = m.group("size").strip()
        digits = size_text.replace(",", "").replace(" ", "")
        size = int(digits) if digits.isdigit() else None
        out.append(Contribution(m.group("country").strip(), size, size_text))
    return out


# ---------------------------------------------------------------- mission lives

@dataclass(frozen=True)
class MissionLife:
    acronym: str
    start: date | None
    end: date | None  # None: still running (as far as the list and corrections say)

    def covers_year(self, year: int) -> bool:
        if self.start is not None and year < self.start.year:
            return False
        return not (self.end is not None and year > self.end.year)

    def why_not(self, year: int) -> str | None:
        if self.start is not None and year < self.start.year:
            return f"year {year} before {self.acronym} began ({self.start.isoformat()})"
        if self.end is not None and year > self.end.year:
            return f"year {year} after {self.acronym} ended ({self.end.isoformat()})"
        return None


def active_on(start: date | None, end: date | None, flag_received: str | None, as_of: date) -> bool | None:
    """Whether a mission runs on `as_of`: from its dates when they say so (a closed mission is
    not active whatever the flag says), else from the published flag; None when nothing says."""
    if end is not None:
        return (start is None or start <= as_of) and as_of <= end
    if start is not None and start > as_of:
        return False
    flag = (flag_received or "").strip().lower()
    if flag in ("yes", "y", "true", "1"):
        return True
    if flag in ("no", "n", "false", "0"):
        return False
    return None


def mandate_periods(months: list[tuple[int, int, bool]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Runs of consecutive flagged months: [(year, month, flag)] -> [((y0, m0), (y1, m1))]."""
    runs: list[tuple[tuple[int, int], tuple[int, int]]] = []
    start = prev = None
    for y, m, flag in sorted(set(months)):
        key = y * 12 + (m - 1)
        if flag and start is not None and prev is not None and key == prev + 1:
            prev = key
            continue
        if start is not None and prev is not None:
            runs.append(((start // 12, start % 12 + 1), (prev // 12, prev % 12 + 1)))
            start = prev = None
        if flag:
            start = prev = key
    if start is not None and prev is not None:
        runs.append(((start // 12, start % 12 + 1), (prev // 12, prev % 12 + 1)))
    return runs


@dataclass
class SourceRow:
    """One accepted row of a peacekeeping file: its line, the values to store, the row as read."""

    line: int
    values: dict
    raw: str  # JSON of the row as read

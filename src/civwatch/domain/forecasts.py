"""Early warning: what a forecast of civilian harm is, and the rules that do not depend on data.

A forecast is made at an origin month t for a unit (a country, or a first-level administrative
unit) and a target month t + h, h = 1..6. It is a predictive distribution of civilian deaths in
the target month, given as quantiles, plus the probabilities of at least 1 and at least 25
civilian deaths. Every input is known at t. Months are counted as integers
(year * 12 + month - 1) so that arithmetic on them is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

HORIZONS: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
THRESHOLDS: tuple[int, ...] = (1, 25)
QUANTILES: tuple[float, ...] = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
# Lower edges of the outcome classes the log score is taken over (deaths in a month).
LOG_SCORE_BINS: tuple[int, ...] = (0, 1, 3, 6, 11, 26, 51, 101, 251, 1001)
# A unit needs this many months of record before the origin to get a number.
MIN_HISTORY_MONTHS = 24
# ... and at least this many months with a recorded event in them.
MIN_EVENT_MONTHS = 3
# The model's version: bump it when features, model or its parameters change.
MODEL_VERSION = "gbm-hurdle-own12-1"


class Level(StrEnum):
    country = "country"
    admin1 = "admin1"


class ModelName(StrEnum):
    boosted = "boosted"  # the gradient-boosted model
    no_harm = "no_harm"  # always zero
    last_value = "last_value"  # the unit's value at the origin month
    conflictology = "conflictology"  # the unit's empirical distribution over the last 12 months


BASELINES: tuple[ModelName, ...] = (ModelName.no_harm, ModelName.last_value, ModelName.conflictology)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_index(month: str) -> int:
    """'2016-03' -> an integer count of months; inverse of `month_label`."""
    match = _MONTH.match(month)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"not a month: {month!r}")
    return int(match[1]) * 12 + int(match[2]) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(text: str, option: str = "month") -> int:
    """A user's month (YYYY-MM, or YYYY-MM-DD whose month is taken), with an error naming the option."""
    try:
        return month_index(text.strip()[:7])
    except (ValueError, IndexError):
        raise ValueError(f"{option}: expected YYYY-MM, got {text!r}") from None


def enough_data(history_months: int, event_months: int) -> bool:
    """A unit with too short or too empty a record gets 'not enough data', not a number."""
    return history_months >= MIN_HISTORY_MONTHS and event_months >= MIN_EVENT_MONTHS


def log_score_bin(deaths: float) -> int:
    """The class of an outcome for the log score: the last bin edge at or below it."""
    k = 0
    for i, edge in enumerate(LOG_SCORE_BINS):
        if deaths >= edge:
            k = i
    return k


@dataclass(frozen=True, slots=True)
class ElectionRecord:
    """A national election as scheduled in a calendar (IFES ElectionGuide or the documented CSV)."""

    country_iso3: str
    country_received: str
    date: str  # ISO date
    election: str
    status: str
    content_sha: str
    raw: str
    line: int = 0
    rows_in: int = 1


# Elections whose date no longer holds are not used as features.
ELECTION_STATUS_IGNORED = frozenset({"cancelled", "postponed"})

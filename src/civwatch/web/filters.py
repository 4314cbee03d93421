"""Query parameters of the pages -> the `Filters` every service takes (same names as the API)."""

from __future__ import annotations

from datetime import date

from fastapi import HTTPException, Request

from civwatch.domain.query import Filters, OutOfRange, parse_date, split_values

# The page parameters that are filters (others, such as sort and cursor, are the page's own).
FILTER_PARAMS = (
    "source", "country", "party_category", "weapon", "grade", "violence_type",
    "year_from", "year_to", "date_from", "date_to", "populated_area", "explosive", "q",
)


def _int(name: str, value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise HTTPException(400, f"{name} must be a whole number, got {value!r}") from None


def _date(name: str, value: str | None, end: bool = False) -> date | None:
    try:
        return parse_date(value, name, end=end)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


def _bool(name: str, value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    if value.lower() in ("1", "true", "yes"):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise HTTPException(400, f"{name} must be 1 or 0, got {value!r}")


def from_request(request: Request) -> Filters:
    """The filters in the page's query string; a malformed value is a 400 naming the parameter."""
    p = request.query_params

    def many(name: str, upper: bool = False) -> tuple[str, ...]:
        return split_values(p.getlist(name), upper=upper)

    try:
        return Filters(
            source=p.get("source") or None,
            countries=many("country", upper=True),
            party_categories=many("party_category"),
            weapons=many("weapon"),
            grades=many("grade"),
            violence_types=many("violence_type"),
            year_from=_int("year_from", p.get("year_from")),
            year_to=_int("year_to", p.get("year_to")),
            date_from=_date("date_from", p.get("date_from")),
            date_to=_date("date_to", p.get("date_to"), end=True),
            populated_area=_bool("populated_area", p.get("populated_area")),
            explosive=_bool("explosive", p.get("explosive")),
            text=(p.get("q") or "").strip() or None,
        )
    except OutOfRange:
        raise  # a 422, as in the API
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


def filter_params(request: Request) -> dict[str, str]:
    """Only the filter parameters that are set, to carry into links (figures -> incidents)."""
    return {k: v for k, v in request.query_params.items() if k in FILTER_PARAMS and v}

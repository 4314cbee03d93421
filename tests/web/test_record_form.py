"""The record form maps onto the API's IncidentIn, and the API's rules map back onto form fields."""

from __future__ import annotations

from pydantic import ValidationError

from civwatch.services.incidents import IncidentIn
from civwatch.web.record_pages import errors_from, payload_from_form


def _errors(values: dict[str, str]) -> dict[str, str]:
    body, errors = payload_from_form(values)
    try:
        IncidentIn.model_validate(body)
    except ValidationError as exc:
        return errors_from(exc) | errors
    return errors


def test_a_complete_form_is_a_valid_incident() -> None:
    body, errors = payload_from_form({
        "date_start": "2023-03-04", "country": "SDN", "headline": "Market shelled", "civilian_deaths_best": "12",
        "civilian_deaths_low": "11", "harm_killed_female_child": "3", "latitude": "13.6", "longitude": "25.3",
        "populated_area": "true", "weapon": "explosive_ground_launched",
    })
    assert errors == {}
    incident = IncidentIn.model_validate(body)
    assert incident.civilian_deaths.best == 12 and incident.civilian_deaths.low == 11
    assert [(h.outcome, h.sex, h.age_group, h.best) for h in incident.harm] == [("killed", "female", "child", 3)]
    assert incident.populated_area is True


def test_each_problem_is_named_on_its_own_field() -> None:
    errors = _errors({
        "date_start": "2023-03-04", "date_end": "2023-03-01", "headline": "ok headline",
        "civilian_deaths_best": "-1", "civilian_injuries_best": "4", "civilian_injuries_low": "9",
        "latitude": "north", "source_url": "javascript:alert(1)",
    })
    assert errors["country"] == "required"
    assert errors["civilian_deaths_best"] == "cannot be negative"
    assert "above best" in errors["civilian_injuries_best"]
    assert errors["latitude"].startswith("must be a decimal number")
    assert errors["source_url"].startswith("must be a web address")


def test_dates_in_the_wrong_order_point_at_the_end_date() -> None:
    errors = _errors({"date_start": "2023-03-04", "date_end": "2023-03-01", "country": "SDN", "headline": "ok headline"})
    assert list(errors) == ["date_end"]

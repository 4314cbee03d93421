"""Every mistake gets one clear answer: problem+json 4xx naming what is valid, never a 500 or an empty 200."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from tests.api.conftest import bearer
from tests.seed import add_report

HUGE = "9" * 30


def _cursor(value, row_id) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, row_id]).encode()).decode().rstrip("=")


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


@pytest.mark.parametrize("params, words", [
    ({"source": "bbc"}, ["unknown source 'bbc'", "ucdp-ged", "acled", "manual"]),
    ({"country": "ZZZ"}, ["unknown country code 'ZZZ'"]),
    ({"country": "Atlantis"}, ["not an ISO 3166-1 alpha-3 code"]),
    ({"weapon": "laser"}, ["'laser'", "small_arms"]),
    ({"party_category": "rebels"}, ["'rebels'", "state_forces"]),
    ({"grade": "excellent"}, ["'excellent'", "confirmed"]),
    ({"date_from": "2020-13"}, ["date_from", "YYYY, YYYY-MM or YYYY-MM-DD"]),
])
def test_unknown_values_list_what_is_valid_in_api_and_page_twins(client, params, words) -> None:
    for url in ("/api/indicators/incidents", "/api/incidents", "/api/compare", "/overview.json", "/incidents.json", "/compare.json"):
        body = _problem(client.get(url, params=params), 400)
        for word in words:
            assert word in body["detail"], (url, body)


def test_dates_take_a_year_a_month_or_a_day(client, store) -> None:
    add_report(store, day=date(2019, 12, 31), deaths=1)
    add_report(store, day=date(2020, 2, 29), deaths=10)
    add_report(store, day=date(2020, 3, 1), deaths=100)

    def deaths(**params) -> int:
        rows = client.get("/api/indicators/civilian-deaths", params=params).json()["rows"]
        return rows[0]["value"] if rows else 0

    assert deaths(date_from="2020", date_to="2020") == 110
    assert deaths(date_from="2020-02", date_to="2020-02") == 10  # through the last day of February
    assert deaths(date_from="2019-12-31", date_to="2020-02-29") == 11
    assert deaths(date_to="2019") == 1


def test_unknown_country_page_is_404(client, store) -> None:
    add_report(store, country="UKR", deaths=3)
    assert client.get("/countries/UKR.json").json()["country"] == "UKR"
    assert "no country 'XXX'" in _problem(client.get("/countries/XXX.json"), 404)["detail"]
    assert client.get("/countries/XXX").status_code == 404
    assert client.get("/countries/ZZZZ").status_code == 404


def test_overflowing_numbers_are_422_not_500(client, store) -> None:
    add_report(store, deaths=1)
    for url in (f"/api/indicators/incidents?year_from={HUGE}", f"/incidents.json?year_from={HUGE}",
                f"/api/incidents?cursor={_cursor(2**70, 2**70)}&sort=-civilian_deaths",
                f"/api/incidents?cursor={_cursor('2020-01-01', 2**70)}", f"/incidents.json?cursor={_cursor(3_000_000_000, 1)}&sort=-civilian_deaths",
                f"/api/incidents/{HUGE}", f"/api/incidents?limit={HUGE}", f"/incidents.json?limit={HUGE}", f"/imports/{HUGE}.json"):
        _problem(client.get(url), 422)
    assert len(client.get("/incidents.json?limit=1").json()["items"]) == 1  # the twin honours the API's limit


def test_patch_with_null_dates_is_422(client, tokens) -> None:
    created = client.post("/api/incidents", headers=bearer(tokens["rita"]),
                          json={"date_start": "2022-03-01", "country_iso3": "UKR", "headline": "Shelling of a market"})
    assert created.status_code == 201, created.text
    iid = created.json()["id"]
    for body in ({"date_start": None}, {"date_end": None}, {"country_iso3": None}, {"date_start": "2022-03-05", "date_end": "2022-03-01"}):
        _problem(client.patch(f"/api/incidents/{iid}", headers=bearer(tokens["rita"]), json=body), 422)
    assert client.get(f"/api/incidents/{iid}").json()["date_start"] == "2022-03-01"


def test_unknown_country_codes_are_refused_in_bodies(client, tokens) -> None:
    for code in ("ZZZ", "XXA"):
        body = _problem(client.post("/api/incidents", headers=bearer(tokens["rita"]),
                                    json={"date_start": "2022-03-01", "country_iso3": code, "headline": "Shelling"}), 422)
        assert "unknown country code" in body["detail"]

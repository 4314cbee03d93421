"""The pages' JSON twins carry the API's numbers: the map's shading, a country's trend, the
party comparison, the incidents table. Twin == API is a consistency check only; beside each
stands the figure computed here from the bundled raw files with the csv module."""

from __future__ import annotations

from collections import Counter, defaultdict

import httpx

from tests.helpers import ged_country_iso3, ged_perpetrator_category
from tests.web import ged

TIMEOUT = 60  # the first request builds the indicator cube; slow on a loaded machine


def _api(base: str, path: str, **params: str) -> dict:
    return httpx.get(f"{base}/api/{path}", params=params, timeout=TIMEOUT).json()


def test_map_shading_is_civilian_deaths_by_country(live_server) -> None:
    twin = httpx.get(f"{live_server.url}/map.json", params={"year_from": "2014", "year_to": "2016"}, timeout=TIMEOUT).json()
    api = _api(live_server.url, "indicators/civilian-deaths", by="country", year_from="2014", year_to="2016")
    shading = {c["country"]: c["value"] for c in twin["countries"]}
    assert shading == {r["country"]: r["value"] for r in api["rows"]}
    window = [r for r in ged.events().values() if 2014 <= int(r["date_start"][:4]) <= 2016]
    expected: dict[str, int] = defaultdict(int)
    for r in window:
        expected[ged_country_iso3(r["country"])] += int(r["deaths_civilians"])
    assert {k: v for k, v in shading.items() if v} == {k: v for k, v in expected.items() if v}
    assert twin["points_total"] == _api(live_server.url, "indicators/incidents", year_from="2014", year_to="2016")["rows"][0]["value"]
    assert twin["points_total"] == len(window)
    deaths = [p["deaths"] or 0 for p in twin["points"]]
    assert deaths == sorted(deaths, reverse=True)  # the largest incidents are the ones drawn
    assert deaths[0] == max(int(r["deaths_civilians"]) for r in window)


def test_country_trend_is_the_indicator_for_that_country(live_server) -> None:
    twin = httpx.get(f"{live_server.url}/countries/UKR.json", timeout=TIMEOUT).json()
    api = _api(live_server.url, "indicators/civilian-deaths", by="year", country="UKR")
    assert [(r["year"], r["value"]) for r in twin["trend"]] == [(r["year"], r["value"]) for r in api["rows"]]
    expected = ged.civilian_deaths_by_year(ged.events(), country="Ukraine")
    assert {r["year"]: r["value"] for r in twin["trend"] if r["value"]} == {y: v for y, v in expected.items() if v}
    largest = _api(live_server.url, "incidents", country="UKR", sort="-civilian_deaths", limit="10")["items"]
    assert [i["id"] for i in twin["largest"]] == [i["id"] for i in largest]
    ukraine = sorted((int(r["deaths_civilians"]) for r in ged.events().values() if r["country"] == "Ukraine"), reverse=True)
    assert [i["civilian_deaths"]["best"] for i in largest] == ukraine[:10]


def test_compare_and_incidents_twins_are_the_api(live_server) -> None:
    twin_rows = httpx.get(f"{live_server.url}/compare.json", timeout=TIMEOUT).json()["rows"]
    assert twin_rows == _api(live_server.url, "compare", by="party_category")["rows"]
    events = ged.events().values()
    incidents = Counter(ged_perpetrator_category(r) for r in events)
    deaths: dict[str, int] = defaultdict(int)
    for r in events:
        deaths[ged_perpetrator_category(r)] += int(r["deaths_civilians"])
    got = {r["party_category"]: r for r in twin_rows}
    assert {k: r["incidents"] for k, r in got.items() if r["incidents"]} == dict(incidents)
    assert {k: r["civilian_deaths"] for k, r in got.items() if r["incidents"]} == dict(deaths)
    for category, n in incidents.items():
        assert got[category]["civilian_deaths_per_incident"] == round(deaths[category] / n, 6)
    twin = httpx.get(f"{live_server.url}/incidents.json", params={"country": "UKR", "sort": "-civilian_deaths"}, timeout=TIMEOUT).json()
    api = _api(live_server.url, "incidents", country="UKR", sort="-civilian_deaths")
    assert twin["items"] == api["items"] and twin["next_cursor"] == api["next_cursor"]
    assert [i["civilian_deaths"]["best"] for i in twin["items"]][:3] == sorted(
        (int(r["deaths_civilians"]) for r in events if r["country"] == "Ukraine"), reverse=True)[:3]

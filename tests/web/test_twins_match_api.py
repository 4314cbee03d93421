"""The pages' JSON twins carry the API's numbers: the map's shading, a country's trend, the
party comparison, the incidents table."""

from __future__ import annotations

import httpx


def _api(base: str, path: str, **params: str) -> dict:
    return httpx.get(f"{base}/api/{path}", params=params).json()


def test_map_shading_is_civilian_deaths_by_country(live_server) -> None:
    twin = httpx.get(f"{live_server.url}/map.json", params={"year_from": "2014", "year_to": "2016"}).json()
    api = _api(live_server.url, "indicators/civilian-deaths", by="country", year_from="2014", year_to="2016")
    assert {c["country"]: c["value"] for c in twin["countries"]} == {r["country"]: r["value"] for r in api["rows"]}
    assert twin["points_total"] == _api(live_server.url, "indicators/incidents", year_from="2014", year_to="2016")["rows"][0]["value"]
    deaths = [p["deaths"] or 0 for p in twin["points"]]
    assert deaths == sorted(deaths, reverse=True)  # the largest incidents are the ones drawn


def test_country_trend_is_the_indicator_for_that_country(live_server) -> None:
    twin = httpx.get(f"{live_server.url}/countries/UKR.json").json()
    api = _api(live_server.url, "indicators/civilian-deaths", by="year", country="UKR")
    assert [(r["year"], r["value"]) for r in twin["trend"]] == [(r["year"], r["value"]) for r in api["rows"]]
    largest = _api(live_server.url, "incidents", country="UKR", sort="-civilian_deaths", limit="10")["items"]
    assert [i["id"] for i in twin["largest"]] == [i["id"] for i in largest]


def test_compare_and_incidents_twins_are_the_api(live_server) -> None:
    assert httpx.get(f"{live_server.url}/compare.json").json()["rows"] == _api(live_server.url, "compare", by="party_category")["rows"]
    twin = httpx.get(f"{live_server.url}/incidents.json", params={"country": "UKR", "sort": "-civilian_deaths"}).json()
    api = _api(live_server.url, "incidents", country="UKR", sort="-civilian_deaths")
    assert twin["items"] == api["items"] and twin["next_cursor"] == api["next_cursor"]

"""Incidents in Chromium: sort, cursor paging, open one and see its reports and harm table."""

from __future__ import annotations

import httpx
import pytest

from tests.web.test_overview import every_event

pytestmark = pytest.mark.browser


def test_sort_page_and_open_an_incident(page, live_server, screenshot) -> None:
    page.goto("/incidents")
    screenshot(page, "incidents")
    rows = page.locator("#incidents tbody tr")
    assert rows.count() == 50
    first_ids = rows.locator("td:first-child a").evaluate_all("els => els.map(e => e.href)")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_load_state()
    second_ids = page.locator("#incidents tbody tr td:first-child a").evaluate_all("els => els.map(e => e.href)")
    assert second_ids and not set(first_ids) & set(second_ids)

    page.goto("/incidents")
    page.get_by_role("link", name="Civilian deaths").click()  # ascending? the first click sorts descending
    page.wait_for_load_state()
    assert "sort=-civilian_deaths" in page.url
    events = every_event(live_server)
    largest = max(events.values(), key=lambda r: int(r["deaths_civilians"]))
    top = page.locator("#incidents tbody tr").first
    assert int(top.locator("td").nth(3).inner_text().split(" ")[0].replace(",", "")) == int(largest["deaths_civilians"])
    top.locator("td:first-child a").click()
    page.wait_for_load_state()
    screenshot(page, "incident")
    assert page.locator("h1").inner_text().startswith("Incident ")
    report = page.locator("article.report").first
    assert report.locator("h3").inner_text().startswith("ucdp-ged · ")
    source_id = report.locator("h3").inner_text().split(" · ")[1].split(" ")[0]
    row = events[source_id]
    assert int(row["deaths_civilians"]) == int(largest["deaths_civilians"])
    harm = report.locator("table").first
    assert "Killed" in harm.inner_text()
    assert str(int(row["deaths_civilians"])) in harm.inner_text()
    # the JSON twin of the page is the API's incident, plus its history
    iid = page.url.rsplit("/", 1)[1]
    twin = httpx.get(f"{live_server.url}/incidents/{iid}.json").json()
    api = httpx.get(f"{live_server.url}/api/incidents/{iid}").json()
    assert {k: v for k, v in twin.items() if k not in ("history", "country_name")} == api


def test_an_unknown_incident_is_a_404_page(page) -> None:
    response = page.goto("/incidents/99999999")
    assert response.status == 404
    assert "no incident" in page.get_by_role("alert").inner_text()


def test_an_incident_page_shows_its_probable_duplicates(page, live_server) -> None:
    from civwatch.services import linking

    groups = linking.twins(live_server.engine)
    assert groups  # GED Ukraine holds records identical in every field linkage compares
    first, second = groups[0][0], groups[0][1]
    page.goto(f"/incidents/{first['incident_id']}")
    section = page.get_by_role("heading", name="Probable duplicates in one source")
    assert section.is_visible()
    item = page.locator("ul[aria-labelledby=twins-h] li").first
    assert second["source_id"] in item.inner_text() and first["source_id"] in item.inner_text()
    item.get_by_role("link", name=f"incident {second['incident_id']}").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/incidents/{second['incident_id']}")
    assert page.get_by_role("heading", name="Probable duplicates in one source").is_visible()
    twin = httpx.get(f"{live_server.url}/incidents/{second['incident_id']}.json").json()
    assert [r["source_id"] for r in twin["twins"][0]["reports"]] == [r["source_id"] for r in groups[0]]

"""The overview in Chromium: headline figures equal the raw files and the API, before and after
a filter; it fits 1280 px and 390 px; its JSON twin carries the same numbers."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from civwatch.services import import_log
from tests.web import ged

pytestmark = pytest.mark.browser


def _int(text: str) -> int:
    return int(text.replace(",", "").strip())


def _expected(live_server) -> dict[int, int]:
    return ged.civilian_deaths_by_year(every_event(live_server))


def every_event(server) -> dict[str, dict[str, str]]:
    """Every GED event of the bundled files, none left out. The server's store must have read
    each file's every row (counted here with the csv module) and rejected none."""
    rows_in = ged.rows_per_file()
    got = {b["file_name"]: (b["read"], b["rejected"]) for b in import_log.batches(server.engine)}
    assert {name: got.get(name) for name in rows_in} == {name: (n, 0) for name, n in rows_in.items()}
    return ged.events()


def latest_full_year(totals: dict[int, int]) -> int:
    return max(y for y, v in totals.items() if v and y < date.today().year)


def api_value(base: str, year: int, **params: str) -> int:
    body = httpx.get(f"{base}/api/indicators/civilian-deaths", params={"by": "year", **params}).json()
    return next(r["value"] for r in body["rows"] if r["year"] == year)


def test_overview_figures_are_the_data(page, live_server, viewport, screenshot) -> None:
    page.set_viewport_size(viewport)
    page.goto("/")
    page.wait_for_selector("body[data-ready='1']")
    expected = _expected(live_server)
    year = latest_full_year(expected)
    assert page.locator("h1").inner_text() == f"Civilian harm in {year}"
    assert _int(page.locator("#fig-deaths .value").inner_text()) == expected[year] == api_value(live_server.url, year)
    previous = expected[year - 1]
    change = (expected[year] - previous) / previous * 100
    assert f"{change:+.1f} %" in page.locator("#fig-deaths").inner_text()
    assert f"({previous:,})" in page.locator("#fig-deaths").inner_text()
    # the map drew country shapes from civwatch's own files, and the trend chart has a canvas
    assert page.locator("#map canvas").count() >= 1
    assert page.locator("#legend .swatch").count() >= 3  # "none" and the shades of the data
    assert page.locator("#trend canvas").count() == 1
    # nothing wider than the window: usable at 390 px
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.errors == []
    screenshot(page, "overview")


def test_a_filter_changes_the_figure_to_what_the_api_returns(page, live_server, screenshot) -> None:
    page.goto("/")
    page.wait_for_selector("body[data-ready='1']")
    before = _int(page.locator("#fig-deaths .value").inner_text())
    page.get_by_label("Country", exact=True).select_option(label="Ukraine")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_selector("body[data-ready='1']")
    assert "country=UKR" in page.url
    year = int(page.locator("h1").inner_text().rsplit(" ", 1)[1])
    shown = _int(page.locator("#fig-deaths .value").inner_text())
    expected = ged.civilian_deaths_by_year(every_event(live_server), country="Ukraine")
    assert year == latest_full_year(expected)
    assert shown == api_value(live_server.url, year, country="UKR") == expected[year]
    assert shown != before
    screenshot(page, "overview-ukraine")


def test_each_figure_links_to_its_incidents(page, live_server) -> None:
    page.goto("/?country=UKR")
    page.wait_for_selector("body[data-ready='1']")
    year = int(page.locator("h1").inner_text().rsplit(" ", 1)[1])
    page.locator("#fig-deaths a").focus()
    page.keyboard.press("Enter")  # keyboard, not mouse
    page.wait_for_url("**/incidents?**")
    assert "country=UKR" in page.url and f"year_from={year}" in page.url
    first = page.locator("#incidents tbody tr").first
    assert first.locator("td").nth(1).inner_text() == "UKR"
    # sorted by civilian deaths, most first: the first row is the year's largest in the raw file
    rows = [r for r in every_event(live_server).values() if r["country"] == "Ukraine" and r["date_start"].startswith(str(year))]
    assert _int(first.locator("td").nth(3).inner_text().split(" ")[0]) == max(int(r["deaths_civilians"]) for r in rows)


def test_the_json_twin_has_the_same_figures(live_server) -> None:
    with httpx.Client(base_url=live_server.url) as client:
        twin = client.get("/overview.json").json()
        negotiated = client.get("/", headers={"Accept": "application/json"}).json()
        html = client.get("/").text
    assert twin == negotiated
    year = twin["year"]
    assert twin["figures"]["civilian_deaths"]["value"] == api_value(live_server.url, year) == _expected(live_server)[year]
    assert f'data-value="{twin["figures"]["civilian_deaths"]["value"]}"' in html

"""Peace operations pages in Chromium over the real peacekeeping files and ACLED's Africa 2016
export (read from the shared data): the year slider shows each year's deployed locations as the
raw file lists them, the near/far table equals the JSON twin and the API, the map page's
deployments layer loads, and pages say "association, not effect"."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from civwatch.services import importing
from civwatch.services import missions_import as mi
from tests.web.conftest import LiveServer, _serve, sample_store

pytestmark = pytest.mark.browser
DEPLOYMENTS = "geopko_v2_3_deployments_by_location_year.csv"


@pytest.fixture(scope="module")
def pko_server(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[LiveServer]:
    folder = shared_data / "peacekeeping"
    if not folder.is_dir():
        pytest.skip("no peacekeeping folder in the shared data")
    engine = sample_store(tmp_path_factory.mktemp("web-pko"))
    mi.import_path(engine, folder, actor="test")
    acled = shared_data / "acled" / "acled_all_africa_2016-01-01_to_2016-05-28.csv"
    if acled.is_file():
        importing.import_file(engine, acled, actor="test")
    yield from _serve(engine)


@pytest.fixture
def server(pko_server: LiveServer) -> LiveServer:
    return pko_server


def _locations_by_year(shared_data: Path, mission: str) -> dict[int, int]:
    seen: dict[int, set] = {}
    with open(shared_data / "peacekeeping" / DEPLOYMENTS, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["mission"] == mission:
                seen.setdefault(int(r["year"]), set()).add((r["location"], r["latitude"], r["longitude"]))
    return {y: len(v) for y, v in seen.items()}


def test_missions_list_corrects_the_stale_flag(page, server: LiveServer) -> None:
    page.goto("/missions")
    row = page.locator("#missions tr", has_text="MINUSMA").first
    assert "2023-12-31" in row.inner_text() and "list says “Yes”" in row.inner_text()
    assert "Association, not effect" in page.content()
    page.locator("#missions a", has_text="MINUSMA").first.click()
    page.wait_for_url("**/missions/MINUSMA")
    assert page.errors == []


def test_mission_page_slider_map_troops_and_near_far(page, server: LiveServer, shared_data: Path, screenshot) -> None:
    expected = _locations_by_year(shared_data, "MINUSMA")
    expected.pop(2024)  # rejected: after MINUSMA ended (2023-12-31)
    years = sorted(expected)
    page.goto("/missions/MINUSMA")
    page.wait_for_selector("body[data-ready='1']")
    assert int(page.locator("body").get_attribute("data-year")) == years[-1]
    assert int(page.locator("body").get_attribute("data-points")) == expected[years[-1]]
    assert page.locator("#map canvas").count() >= 1  # the map draws on a canvas (preferCanvas)
    slider = page.locator("#year-slider")
    slider.fill(str(years.index(2016)))
    slider.dispatch_event("input")
    assert page.locator("body").get_attribute("data-year") == "2016"
    assert int(page.locator("body").get_attribute("data-points")) == expected[2016]
    assert page.locator("#year-label").inner_text() == "2016"
    assert page.locator("#troops canvas").count() >= 1  # uPlot drew the troop series
    twin = httpx.get(f"{server.url}/missions/MINUSMA.json").json()
    api = httpx.get(f"{server.url}/api/missions/MINUSMA").json()
    assert twin["near"]["rows"] == api["near"]["rows"]
    r2016 = next(r for r in twin["near"]["rows"] if r["year"] == 2016)
    cells = page.locator("#near tr[data-year='2016'] td").all_inner_texts()
    assert cells[3] == str(r2016["near"]["incidents"]) and cells[5] == str(r2016["far"]["incidents"]) and cells[7] == str(r2016["imprecise"]["incidents"])
    assert f"of {r2016['near_share_of_placed_incidents']['base']}" in cells[8]
    assert "no incident in the store" in page.locator("#near tr[data-year='2014']").inner_text()
    assert "Association, not effect" in page.locator("#association").inner_text()
    assert "impact" not in page.locator("main").inner_text().lower()
    screenshot(page, "minusma")
    # another distance: the form reloads the counts for it
    page.select_option("#within", "50")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**within_km=50**")
    assert "within 50 km" in page.locator("#near-h").inner_text()
    assert page.errors == []


def test_contributor_page_lists_canada(page, server: LiveServer) -> None:
    page.goto("/contributors")
    page.locator("#contributors a", has_text="Canada").click()
    page.wait_for_url("**/contributors/CAN")
    text = page.locator("#deployments").inner_text()
    assert "MINUSMA" in text and "Gao (650)" in text and "size unknown" in text
    assert page.errors == []


def test_map_page_deployments_layer(page, server: LiveServer) -> None:
    page.goto("/map")
    page.wait_for_selector("body[data-ready='1']")
    page.check("#deployments-toggle")
    page.wait_for_selector("body[data-deployments]")
    data = httpx.get(f"{server.url}/map/deployments.json").json()
    assert int(page.locator("body").get_attribute("data-deployments")) == len(data["points"]) > 0
    page.select_option("#deployments-year", "2016")
    page.wait_for_selector("body[data-deployments-year='2016']")
    n2016 = len(httpx.get(f"{server.url}/map/deployments.json", params={"year": 2016}).json()["points"])
    assert page.locator("body").get_attribute("data-deployments") == str(n2016)
    assert page.errors == []


def test_unknown_mission_and_bad_distance(server: LiveServer) -> None:
    assert httpx.get(f"{server.url}/missions/NOPE").status_code == 404
    r = httpx.get(f"{server.url}/missions/MINUSMA.json", params={"within_km": "900"})
    assert r.status_code == 400 and "within_km" in r.json()["detail"]
    r = httpx.get(f"{server.url}/api/missions/MINUSMA", params={"within_km": "0"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")

"""Treaty pages in headless Chromium: instrument (curve + status map), forum matrix, targets,
the country page's treaty section, JSON twins equal to the services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from civwatch.services import treaties as svc
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.web.conftest import ARTIFACTS, LiveServer, _serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def treaty_server(tmp_path_factory, shared_data: Path) -> Iterator[LiveServer]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('web-treaties') / 't.sqlite'}")
    migrate.upgrade(engine)
    svc.import_all(engine, svc.shared_files(shared_data))
    yield from _serve(engine)


@pytest.fixture
def server(treaty_server: LiveServer) -> LiveServer:
    return treaty_server


def test_instrument_page_draws_curve_and_map(page, server: LiveServer) -> None:
    page.goto("/treaties/XXVI-6?as_of=2026-02-03")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=20000)
    assert page.locator("#curve canvas").count() >= 1
    assert page.locator("#map canvas, #map path").count() >= 1
    legend = page.locator("#legend").inner_text()
    assert "party" in legend and "withdrawn" in legend
    twin = httpx.get(f"{server.url}/treaties/XXVI-6.json?as_of=2026-02-03").json()
    assert f"{twin['counts']['party']} of {twin['states']} states party" in page.locator("#headline").inner_text()
    assert page.locator("#states tbody tr").count() == twin["states"]
    assert "Lithuania" in page.locator(".notice").inner_text()  # no longer listed in 2026
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "treaty-instrument.png"), full_page=False)
    assert page.errors == []


def test_forum_matrix_and_targets(page, server: LiveServer) -> None:
    page.goto("/forums/NATO?as_of=2026-02-03")
    assert page.locator("#matrix tbody tr").count() == 32
    fin = page.locator("#matrix tbody tr[data-country='FIN']").inner_text()
    assert "2023-04-04" in fin
    page.set_default_timeout(120000)  # the first targets page fits the model (seconds on a busy machine)
    page.get_by_role("link", name="24 of 32").first.click()
    page.wait_for_url("**/treaties/targets**")
    assert "of 32 NATO members are party" in page.locator("#headline").inner_text()
    rows = page.locator("#targets tbody tr")
    twin = httpx.get(f"{server.url}/treaties/targets.json?forum=NATO&instrument=XXVI-6&as_of=2026-02-03", timeout=120).json()
    assert rows.count() == len(twin["targets"]) and rows.first.get_attribute("data-country") == twin["targets"][0]["country"]
    assert page.errors == []


def test_country_page_has_a_treaty_section(page, server: LiveServer) -> None:
    page.goto("/countries/CAN")
    section = page.locator("#treaties")
    assert section.count() == 1
    assert "Party" in section.locator("tr[data-instrument='XXVI-5']").inner_text()
    twin = httpx.get(f"{server.url}/countries/CAN.json", timeout=60).json()
    assert twin["treaties"]["country"] == "CAN"
    page.goto("/countries/CAN/treaties")
    assert page.locator("#treaties tbody tr").count() == len(httpx.get(f"{server.url}/countries/CAN/treaties.json").json()["rows"])
    assert page.errors == []


def test_bad_input_pages_say_why(page, server: LiveServer) -> None:
    page.goto("/treaties/XXVI-77")
    assert "unknown instrument" in page.content()
    r = httpx.get(f"{server.url}/forums/NATO.json?as_of=not-a-date")
    assert r.status_code == 400 and "as_of must be a date" in r.json()["detail"]

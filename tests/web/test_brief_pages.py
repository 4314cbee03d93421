"""Brief pages in headless Chromium: the "Brief" button on country, party and forum pages, the
brief document under the dashboard's CSP (no console error), the language switch, the PDF link,
and the JSON twin equal to the API's JSON for the same date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from civwatch.services import importing, parties
from civwatch.services import treaties as tsvc
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.web.conftest import LiveServer, _serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def brief_server(tmp_path_factory, shared_data: Path) -> Iterator[LiveServer]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('web-briefs') / 'b.sqlite'}")
    migrate.upgrade(engine)
    importing.import_file(engine, shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv")
    tsvc.import_all(engine, tsvc.shared_files(shared_data))
    yield from _serve(engine)


@pytest.fixture
def server(brief_server: LiveServer) -> LiveServer:
    return brief_server


def test_country_page_brief_button_opens_the_brief(page, server: LiveServer) -> None:
    page.goto("/countries/SYR")
    page.locator("#brief").click()
    page.wait_for_load_state()
    assert page.url.endswith("/briefs/country/SYR")
    assert page.locator("h1").inner_text() == "Country brief: Syria"
    assert page.locator("#sec-harm_over_time svg rect").count() >= 1
    assert page.locator("#sec-screening .none").inner_text().startswith("Not loaded")
    page.get_by_role("link", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Fiche pays : Syrie"
    assert page.errors == []  # no CSP violation, no script error
    pdf = httpx.get(server.url + "/briefs/country/SYR?format=pdf&paper=letter&lang=fr", timeout=60)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_forum_and_party_pages_have_the_brief_button(page, server: LiveServer) -> None:
    page.goto("/forums/NATO?as_of=2020-06-30")
    page.locator("#brief").click()
    page.wait_for_load_state()
    assert "Forum brief" in page.locator("h1").inner_text()
    assert page.locator("#points li").count() >= 1
    actor = parties.list_actors(server.engine)[0]
    page.goto(f"/parties/{actor['id']}")
    page.locator("#brief").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == f"Party brief: {actor['canonical_name']}"
    assert page.errors == []


def test_json_twin_equals_the_api_and_unknown_is_404(server: LiveServer) -> None:
    twin = httpx.get(server.url + "/briefs/country/SYR.json?as_of=2020-06-30", timeout=60).json()
    api = httpx.get(server.url + "/api/briefs/country/SYR?format=json&as_of=2020-06-30", timeout=60).json()
    assert twin == api
    assert httpx.get(server.url + "/briefs/country/XXZ", timeout=30).status_code == 404
    assert httpx.get(server.url + "/briefs/forum/NOPE.json", timeout=30).status_code == 404

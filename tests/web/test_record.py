"""Recording an incident in Chromium: log in, get told which fields are wrong, then record it
and find it on its page, in the history of edits and in the API."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import VIEWER, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def server(writable_server):
    return writable_server


def test_log_in_and_record_an_incident(page, server, screenshot) -> None:
    log_in(page)
    page.get_by_role("link", name="Record an incident").click()
    page.wait_for_load_state()
    # a bad form: no country, negative deaths, low above best, a javascript: link
    page.get_by_label("First day", exact=True).fill("2023-03-04")
    page.get_by_label("Killed, best estimate", exact=True).fill("-3")
    page.get_by_label("Injured, low", exact=True).fill("9")
    page.get_by_label("Injured, best estimate", exact=True).fill("4")
    page.get_by_label("Link to the source", exact=True).fill("javascript:alert(1)")
    page.get_by_role("button", name="Record the incident").click()
    page.wait_for_load_state()
    screenshot(page, "record-errors")
    problems = page.locator(".problem")
    assert page.get_by_role("alert").is_visible()
    messages = {el.get_attribute("id"): el.inner_text() for el in problems.element_handles()}
    assert "r-country-problem" in messages
    assert messages["r-civilian_deaths_best-problem"] == "cannot be negative"
    assert "r-source_url-problem" in messages
    assert page.get_by_label("Country", exact=True).get_attribute("aria-invalid") == "true"
    # what was typed is kept
    assert page.get_by_label("First day", exact=True).input_value() == "2023-03-04"

    page.get_by_label("Country", exact=True).select_option("SDN")
    page.get_by_label("Place", exact=True).fill("El Fasher market")
    page.get_by_label("Latitude", exact=True).fill("13.6279")
    page.get_by_label("Longitude", exact=True).fill("25.3494")
    page.get_by_label("Populated area", exact=True).select_option("true")
    page.get_by_label("Weapon", exact=True).select_option("explosive_ground_launched")
    page.get_by_label("Party category", exact=True).select_option("non_state_armed_group")
    page.get_by_label("Killed, low", exact=True).fill("11")
    page.get_by_label("Killed, best estimate", exact=True).fill("12")
    page.get_by_label("Killed, high", exact=True).fill("15")
    page.get_by_label("Injured, low", exact=True).fill("")
    page.get_by_label("Injured, best estimate", exact=True).fill("30")
    page.get_by_label("Killed: women", exact=True).fill("4")
    page.get_by_label("Killed: girls", exact=True).fill("3")
    page.get_by_label("Headline", exact=True).fill("Shelling of the market <b>bold</b>")
    page.get_by_label("Link to the source", exact=True).fill("https://example.org/report")
    page.get_by_role("button", name="Record the incident").click()
    page.wait_for_url("**/incidents/*")
    screenshot(page, "recorded")
    assert page.locator("h1").inner_text() == f"Incident {page.url.rsplit('/', 1)[1]}: Shelling of the market <b>bold</b>"
    assert page.locator("#incident-deaths").inner_text() == "12 (11–15)"
    harm = page.locator("article.report table").first.inner_text()
    assert "Female\tAdult\t–\t4" in harm and "Female\tChild\t–\t3" in harm
    history = page.locator("h2:has-text('History of edits') + .tablewrap").inner_text()
    assert "rita.recorder" in history and "incident created" in history

    iid = int(page.url.rsplit("/", 1)[1])
    api = httpx.get(f"{server.url}/api/incidents/{iid}").json()
    assert api["country_iso3"] == "SDN" and api["civilian_deaths"] == {"best": 12, "low": 11, "high": 15}
    assert api["populated_area"] is True and api["weapon"] == "explosive_ground_launched"


def test_a_viewer_cannot_record(page) -> None:
    log_in(page, VIEWER)
    assert page.get_by_role("link", name="Record an incident").count() == 1  # shown, but refused
    response = page.goto("/record")
    assert response.status == 403


def test_no_write_without_logging_in(server) -> None:
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/record").status_code == 403
        form = client.get("/login").text
        token = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        response = client.post("/record", data={"csrf": token, "date_start": "2023-01-01", "country": "SDN", "headline": "x y z"})
        assert response.status_code == 403

"""Every page in Chromium at 1280 px and 390 px: loads without script errors, every form field
has a label, nothing is wider than the window, keyboard focus is visible; each has a JSON twin.
Screenshots of each page go to test-artifacts/."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import log_in

pytestmark = pytest.mark.browser

PAGES = ["/", "/map", "/incidents", "/incidents/{incident}", "/countries", "/countries/UKR", "/compare", "/imports", "/login"]

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 60))"""


def _first_incident(base: str) -> int:
    return httpx.get(f"{base}/api/incidents", params={"sort": "-civilian_deaths", "limit": 1}).json()["items"][0]["id"]


@pytest.mark.parametrize("path", PAGES)
def test_page_works_at_both_widths(page, live_server, viewport, screenshot, path: str) -> None:
    path = path.format(incident=_first_incident(live_server.url))
    page.set_viewport_size(viewport)
    response = page.goto(path)
    assert response.status == 200
    if page.locator("script[src*='common.js']").count() and path not in ("/incidents",):
        page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "wider than the window"
    # the skip link is the first thing the keyboard reaches, and it is visible when focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.locator("a.skip").bounding_box()["x"] >= 0
    assert page.errors == []
    screenshot(page, path.strip("/").replace("/", "-") or "overview")


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/login"])
def test_json_twin(live_server, path: str) -> None:
    path = path.format(incident=_first_incident(live_server.url))
    with httpx.Client(base_url=live_server.url) as client:
        twin = client.get(("/overview" if path == "/" else path) + ".json")
        negotiated = client.get(path, headers={"Accept": "application/json"})
        html = client.get(path)
    assert twin.status_code == negotiated.status_code == 200
    assert twin.headers["content-type"].startswith("application/json")
    assert twin.json() == negotiated.json()
    assert html.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in html.headers["content-security-policy"]


def test_record_page_at_both_widths(page, viewport, screenshot) -> None:
    log_in(page)
    page.set_viewport_size(viewport)
    page.goto("/record")
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, "record")


def test_pages_load_nothing_from_elsewhere(page, live_server) -> None:
    """Works offline: every request a page makes goes to civwatch itself."""
    seen: list[str] = []
    page.on("request", lambda req: seen.append(req.url))
    for path in ("/", "/map", "/countries/UKR", "/compare"):
        page.goto(path)
        page.wait_for_selector("body[data-ready='1']")
    assert seen and all(url.startswith(live_server.url) for url in seen), [u for u in seen if not u.startswith(live_server.url)]

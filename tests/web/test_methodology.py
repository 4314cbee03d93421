"""Inside the served dashboard, offline: the methodology page and every definition link resolve;
the API docs (/docs, /redoc) render from vendored assets with no request leaving the server; the
party comparison says "unknown" where a share has no known base and names the base where it has."""

from __future__ import annotations

from urllib.parse import urlparse

import httpx
import pytest

pytestmark = pytest.mark.browser


def _offline(page, base: str) -> list[str]:
    """Refuse (and record) every request that is not to the civwatch server."""
    outside: list[str] = []
    host = urlparse(base).netloc

    def route(r) -> None:
        if urlparse(r.request.url).netloc != host and not r.request.url.startswith(("data:", "blob:")):
            outside.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    page.route("**/*", route)
    return outside


def test_every_definition_link_opens_its_section(page, live_server, screenshot) -> None:
    outside = _offline(page, live_server.url)
    definitions = httpx.get(f"{live_server.url}/api/indicators").json()["indicators"]
    links = {d["methodology_url"] for d in definitions}
    compare = httpx.get(f"{live_server.url}/api/compare").json()
    links.add(compare["definition"]["methodology_url"])
    page.goto("/")
    links |= {a for a in page.eval_on_selector_all("a[href^='/methodology']", "els => els.map(e => e.getAttribute('href'))")}
    assert len(links) >= len(definitions) + 1
    for link in sorted(links):
        page.goto(link)
        anchor = urlparse(link).fragment
        if anchor:
            assert page.locator(f"#{anchor}").count() == 1, link
            assert page.locator(f"#{anchor}").is_visible()
    page.goto("/methodology#ewipa-share")
    assert "Unknown is not zero" in page.locator("#methodology").inner_text()
    screenshot(page, "methodology")
    assert outside == [] and page.errors == []


@pytest.mark.parametrize("path, ready", [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")])
def test_api_docs_render_offline(page, live_server, screenshot, path: str, ready: str) -> None:
    outside = _offline(page, live_server.url)
    page.goto(path)
    page.wait_for_selector(ready, timeout=20_000)
    assert "civwatch" in page.locator(ready).first.inner_text()
    page.get_by_text("/api/indicators", exact=False).first.wait_for(timeout=20_000)  # the operations came from /openapi.json
    screenshot(page, path.strip("/"))
    assert outside == []
    # ReDoc's "powered by" badge points at its CDN; the page's CSP blocks it before any request
    blocked = [e for e in page.errors if "Content Security Policy" in e and "cdn.redoc.ly/redoc/logo-mini.svg" not in e]
    assert blocked == []


def test_compare_page_states_each_share_with_its_base(page, live_server) -> None:
    page.goto("/compare")
    rows = httpx.get(f"{live_server.url}/compare.json").json()["rows"]
    assert rows
    table = page.locator("#compare tbody").inner_text()
    for r in rows:
        for key in ("explosive_weapons_share", "populated_area_share", "women_children_share"):
            assert r["bases"][key] in table
            if r[key] is None:
                assert r["bases"][key].startswith("unknown")
    # UCDP GED never records "not populated": the share is unknown for every party, not 100 %
    assert all(r["populated_area_share"] is None for r in rows)
    assert "100.0 %" not in table

"""The dashboard's language switch in Chromium: the nav, the overview and the brief pages in
French from the same catalogue as the briefs, kept in a cookie from page to page; numbers
formatted per locale; the nav grouped with every link still visible; back to English."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_switch_to_french_and_back(page, server: LiveServer) -> None:
    page.goto("/")
    page.wait_for_selector("body[data-ready='1']")
    english_h1 = page.locator("h1").inner_text()
    assert english_h1.startswith("Civilian harm")
    groups = page.locator("nav .nav-group-name").all_text_contents()
    assert groups == ["Record", "Analyse", "Policy", "Case work"]
    assert all(a.is_visible() for a in page.locator("nav a").all())  # grouped, nothing hidden
    page.locator("#lang-switch").get_by_role("link", name="Français").click()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("html").get_attribute("lang") == "fr"
    year = english_h1.rsplit(" ", 1)[1]
    assert page.locator("h1").inner_text() == f"Atteintes aux civils en {year}"
    assert page.locator("nav").get_by_role("link", name="Vue d'ensemble").count() == 1
    assert page.locator("nav .nav-group-name").all_text_contents() == ["Saisir", "Analyser", "Politique", "Suivi des dossiers"]
    assert page.get_by_role("link", name="Se connecter").is_visible()
    # every number per locale: the JSON twin's values, grouped the French way (narrow no-break space)
    twin = httpx.get(server.url + "/overview.json").json()
    rows = [r for r in twin["trend"] if r["value"] is not None]
    big = max(rows, key=lambda r: r["value"])
    cells = [tr.locator("td").all_text_contents() for tr in page.locator("#trend-h ~ details tbody tr").all()]
    want = f"{big['value']:,}".replace(",", "\u202f")
    assert [str(big["year"]), want] in [c[:2] for c in cells], (want, cells[:3])
    # the cookie carries the choice: the next page and a brief open in French without ?lang=
    page.locator("nav").get_by_role("link", name="Pays").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto("/briefs/country/SYR")
    assert page.locator("h1").inner_text() == "Fiche pays : Syrie"
    page.goto("/")
    page.locator("#lang-switch").get_by_role("link", name="English").click()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("h1").inner_text() == english_h1
    assert page.errors == []


def test_an_unknown_language_is_a_clear_error(server: LiveServer) -> None:
    r = httpx.get(server.url + "/?lang=de")
    assert r.status_code == 400 and "lang must be one of en, fr" in r.text
    assert "civwatch_lang" not in r.headers.get("set-cookie", "")


def test_the_bare_refused_page_follows_the_language_cookie(server: LiveServer) -> None:
    """A write refused by the access guard, before any route or session: the page is French with
    the cookie or `?lang=fr`, English without (or with a language it does not know)."""
    def refused(url: str, cookies: dict[str, str] | None = None) -> httpx.Response:
        r = httpx.post(server.url + url, data={"x": "1"}, headers={"Accept": "text/html"}, cookies=cookies)
        assert r.status_code == 403, r.status_code
        return r

    for r in (refused("/record", {"civwatch_lang": "fr"}), refused("/record?lang=fr")):
        assert '<html lang="fr">' in r.text and "<h1>Non autorisé</h1>" in r.text and "Se connecter" in r.text
    for r in (refused("/record"), refused("/record?lang=de"), refused("/record", {"civwatch_lang": "xx"})):
        assert '<html lang="en">' in r.text and "<h1>Not allowed</h1>" in r.text and "Log in" in r.text

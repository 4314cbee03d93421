"""The recording form reads figures from pasted notes in Chromium; the recorder copies them in."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def server(writable_server):
    return writable_server


def test_figures_read_from_the_notes_fill_the_form(page, server, screenshot) -> None:
    log_in(page)
    page.goto(server.url + "/record")
    page.get_by_label("Notes", exact=True).fill(
        "Militants attacked the <b>village</b>, killing two women and a child. At least 4 soldiers were wounded."
    )
    page.get_by_role("button", name="Read figures from the notes").click()
    items = page.locator("#tc-figures li")
    items.first.wait_for()
    assert [items.nth(i).inner_text() for i in range(items.count())] == [
        "killed 2 (stated; female, adult): killing two women",
        "killed 1 (stated; child): a child",
        "injured at least 4 (at-least; combatant): At least 4 soldiers were wounded",
    ]
    assert page.locator("#textcounts b").count() == 0  # nothing of the source's markup is rendered
    page.get_by_role("button", name="Use these figures").click()
    assert page.get_by_label("Killed, best estimate", exact=True).input_value() == "3"
    assert page.get_by_label("Killed: women", exact=True).input_value() == "2"
    assert page.get_by_label("Injured, best estimate", exact=True).input_value() == ""  # soldiers are not civilians
    screenshot(page, "textcounts-form")
    page.get_by_label("Notes", exact=True).fill("Los soldados mataron a cinco personas en el pueblo.")
    page.get_by_role("button", name="Read figures from the notes").click()
    page.locator("#tc-result .problem").wait_for()
    assert "unsupported language" in page.locator("#tc-result .problem").inner_text()


def test_reading_needs_a_logged_in_recorder_and_the_form_token(server) -> None:
    r = httpx.post(server.url + "/record/textcounts.json", data={"text": "Two killed.", "csrf": "forged"},
                   headers={"Accept": "application/json"})
    assert r.status_code == 403


def test_the_figure_reader_writes_french_on_a_french_page(page, server) -> None:
    """The same figures, described from the catalogue (outcome, basis, who, the buttons and hints);
    the quoted words stay as the notes wrote them."""
    log_in(page)
    page.goto(server.url + "/record?lang=fr")
    page.locator("#r-notes").fill("Militants attacked the village, killing two women and a child. At least 4 soldiers were wounded.")
    page.locator("#tc-read").click()
    items = page.locator("#tc-figures li")
    items.first.wait_for()
    assert [items.nth(i).inner_text() for i in range(items.count())] == [
        "tués 2 (énoncé; femme, adulte): killing two women",
        "tués 1 (énoncé; enfant): a child",
        "blessés au moins 4 (au moins; combattant): At least 4 soldiers were wounded",
    ]
    assert page.locator("#tc-use").inner_text() == "Utiliser ces chiffres"
    assert "« Enregistrer l'incident »" in page.locator("#tc-result .hint").last.inner_text()
    page.locator("#tc-use").click()
    assert page.locator("#tc-result .hint").last.inner_text().startswith("Copiés dans le formulaire")
    assert page.errors == []

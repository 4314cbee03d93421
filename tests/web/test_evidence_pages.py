"""Evidence pages in Chromium: thumbnails on the incident and case pages (made server-side), the
item page with its custody (the view itself appears in it), downloads as attachments, the
decision log. Own server, store and local TSA (`openssl ts`)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from civwatch.domain.decisions import DecisionIn
from civwatch.services import cases, decisions
from civwatch.services import evidence as svc
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.case_support import PASSWORD, make_users, one_sided_rows, register_incidents
from tests.evidence_support import jpeg, pdf, start_tsa
from tests.web.conftest import LiveServer, start_server

pytestmark = pytest.mark.browser
ENV = ("CIVWATCH_EVIDENCE_ROOT", "CIVWATCH_TSA_URL", "CIVWATCH_TSA_CA_FILE")


@pytest.fixture(scope="module")
def evidence_server(tmp_path_factory, shared_data) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("evidence-pages")
    tsa_server = start_tsa(folder / "tsa")
    saved = {k: os.environ.get(k) for k in ENV}
    os.environ.update(CIVWATCH_EVIDENCE_ROOT=str(folder / "evidence"), CIVWATCH_TSA_URL=tsa_server.url,
                      CIVWATCH_TSA_CA_FILE=str(tsa_server.ca))
    engine = make_engine(f"sqlite:///{folder / 'store.sqlite'}")
    migrate.upgrade(engine)
    incident = next(iter(register_incidents(engine, one_sided_rows(shared_data, 1)).values()))
    users = make_users(engine)
    case_id = cases.open_from_incident(engine, incident, users["rita"], "evidence test")
    photo = jpeg(folder / "market.jpg", size=(800, 600))
    image = svc.add_file(engine, photo, users["rita"], links=svc.parse_links(incidents=[incident]), why="witness photo")
    statement = svc.add_file(engine, pdf(folder / "statement.pdf"), users["rita"], links=svc.parse_links(cases=[case_id]))
    decisions.record(engine, users["lena"], DecisionIn(
        system="TestAid", system_version="0.1-test", kind="assessment", inputs=[image["id"]],
        output="<b>no civilians</b> detected", confidence=0.6, reviewer=None, decision="unreviewed",
        decided_at=datetime(2024, 2, 27, 14, 0, tzinfo=UTC), incident_id=incident))
    server, thread, url = start_server(engine)
    live = LiveServer(url=url, engine=engine)
    live.incident, live.case, live.image, live.statement, live.photo = incident, case_id, image, statement, photo
    yield live
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
    tsa_server.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture
def as_user(browser, evidence_server):
    contexts = []

    def open_as(username: str | None, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, base_url=evidence_server.url)
        contexts.append(context)
        pg = context.new_page()
        pg.errors = []
        pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
        if username:
            pg.goto("/login")
            pg.get_by_label("Username").fill(username)
            pg.get_by_label("Password").fill(PASSWORD)
            pg.get_by_role("button", name="Log in").click()
            pg.wait_for_load_state()
        return pg

    yield open_as
    for c in contexts:
        c.close()


def test_visitors_see_no_evidence_and_cannot_open_an_item(as_user, evidence_server):
    pg = as_user(None)
    pg.goto(f"/incidents/{evidence_server.incident}")
    assert pg.locator("#evidence-login").is_visible()
    assert pg.locator("img.thumb").count() == 0
    response = pg.goto(f"/evidence/{evidence_server.image['id']}")
    assert response.status == 403
    with httpx.Client(base_url=evidence_server.url) as client:
        assert client.get(f"/evidence/{evidence_server.image['id']}/download").status_code == 403


@pytest.mark.parametrize("width", [1280, 390])
def test_the_incident_page_shows_a_server_side_thumbnail_and_the_item_its_custody(width, as_user, evidence_server, screenshot):
    pg = as_user("vic", width)
    pg.goto(f"/incidents/{evidence_server.incident}")
    thumb = pg.locator("img.thumb").first
    thumb.wait_for()
    natural = thumb.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert natural[0] and natural[1] == 240 and natural[2] == 180  # 800x600 made 240x180 by the server
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(pg, "incident-evidence")
    pg.locator(".evidence-item a", has_text="market.jpg").click()
    pg.wait_for_load_state()
    assert pg.locator("#item-sha256").inner_text() == hashlib.sha256(evidence_server.photo.read_bytes()).hexdigest()
    assert "RFC 3161" in pg.locator("#item-timestamp").inner_text()
    assert "device: TestCam T1" in pg.locator("#item-meta").inner_text()
    rows = pg.locator("#custody tbody tr").all_inner_texts()
    assert "added" in rows[0] and "witness photo" in rows[0]
    assert "vic" in rows[-1] and "viewed" in rows[-1] and "item page" in rows[-1]  # this very view
    assert "chain" in pg.locator("#custody-state").inner_text()
    screenshot(pg, "item")
    download = pg.request.get(pg.locator("#download").get_attribute("href"))
    assert download.status == 200 and download.body() == evidence_server.photo.read_bytes()
    assert download.headers["content-disposition"].startswith("attachment")
    assert not pg.errors


def test_the_case_page_lists_its_evidence_and_that_of_its_incident(as_user, evidence_server):
    pg = as_user("lena")
    pg.goto(f"/cases/{evidence_server.case}")
    names = pg.locator(".evidence-item a:not(:has(img))").all_inner_texts()
    assert sorted(names) == ["market.jpg", "statement.pdf"]
    assert not pg.errors


def test_the_decision_log_shows_unreviewed_entries_and_unknown_rates(as_user, evidence_server, screenshot):
    pg = as_user("lena")
    pg.goto("/decisions")
    rates = pg.locator("#rates tbody tr").all_inner_texts()
    assert len(rates) == 1 and "TestAid" in rates[0] and "unknown (none reviewed)" in rates[0]
    entry = pg.locator("#entries tbody tr").first
    assert "<b>no civilians</b> detected" in entry.inner_text()  # escaped, shown as text
    assert entry.locator("b").count() == 0
    assert "no human review" in entry.inner_text() and "yes" in entry.inner_text()
    pg.get_by_label("Only with no human review").check()
    pg.get_by_role("button", name="Show").click()
    pg.wait_for_load_state()
    assert pg.locator("#entries tbody tr").count() == 1
    screenshot(pg, "decisions")
    assert not pg.errors

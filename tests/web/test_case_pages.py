"""Case work in Chromium: open a case from a real GED incident, walk it through every state with
the forms (including the forbidden moves), report harm without an account, review it, and see
personal data withheld from those not granted it. Own server and store, so other page tests
keep their numbers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.case_support import PASSWORD, make_users, one_sided_rows, register_incidents
from tests.web.conftest import LiveServer, start_server

pytestmark = pytest.mark.browser

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)"""


@pytest.fixture(scope="module")
def case_server(tmp_path_factory, shared_data) -> Iterator[LiveServer]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('cases') / 'cases.sqlite'}")
    migrate.upgrade(engine)
    rows = one_sided_rows(shared_data, 3)
    ids = register_incidents(engine, rows)
    make_users(engine)
    server, thread, url = start_server(engine)
    live = LiveServer(url=url, engine=engine)
    live.rows, live.incidents = rows, ids
    yield live
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture
def as_user(browser, case_server):
    contexts = []

    def open_as(username: str | None, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, base_url=case_server.url)
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


def move(pg, to: str, reason: str, **fields) -> None:
    form = pg.locator(f"form#move-{to}")
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.fill(value)
    form.locator("[name='reason']").fill(reason)
    form.locator("button[type='submit']").click()
    pg.wait_for_load_state()


def test_a_case_walks_from_report_to_closed_in_the_browser(as_user, case_server, screenshot) -> None:
    row = case_server.rows[0]
    incident_id = case_server.incidents[row["id"]]
    rita = as_user("rita")
    rita.goto("/cases")
    rita.get_by_label("Incident number").fill(str(incident_id))
    rita.get_by_label("Why open it").fill("register incident with civilian deaths")
    rita.get_by_role("button", name="Open the case").click()
    rita.wait_for_load_state()
    case_url = rita.url
    assert "/cases/" in case_url and rita.locator("h1").inner_text().endswith("reported")
    triage = rita.locator("#triage tbody tr").first.locator("td")
    assert triage.nth(1).inner_text() == row["deaths_civilians"]
    assert triage.nth(2).inner_text() == str(min(2 * int(row["deaths_civilians"]), 30))

    abe = as_user("abe")
    abe.goto(case_url)
    move(abe, "initial_assessment", "screened the report", outcome="credible", reasons="UCDP GED record\nlocal media")
    assert abe.locator("#case-version").inner_text() == "2"
    move(abe, "investigation", "I agree with myself")
    assert "cannot approve their own assessment" in abe.locator("#move-error").inner_text()
    assert abe.locator("#case-version").inner_text() == "2"

    ann = as_user("ann")
    ann.goto(case_url)
    assert ann.locator("form#move-findings").count() == 0  # skipping investigation is not offered
    move(ann, "investigation", "assessment is sound")
    ivan = as_user("ivan")
    ivan.goto(case_url)
    move(ivan, "findings", "investigation complete", evidence="strike log\nimagery", operation="own", unit="Task Force 3",
         munition="mortar", harm_confirmed="true", attribution="own_forces", ihl_concern="on")
    assert "referral" in ivan.locator("#move-error").inner_text()  # IHL concern without a referral
    move(ivan, "findings", "investigation complete", evidence="strike log\nimagery", operation="own", unit="Task Force 3",
         munition="mortar", harm_confirmed="true", attribution="own_forces", ihl_concern="on", referral="military prosecutor")
    ivan.locator("form[aria-label='Record a person'] [name='name']").fill("Amina Yusuf-Qz")
    ivan.locator("form[aria-label='Record a person'] [name='contact']").fill("+252 61 000 0000")
    ivan.get_by_role("button", name="Record the person").click()
    ivan.wait_for_load_state()
    assert "Amina Yusuf-Qz" in ivan.locator("#people-table").inner_text()

    ann.goto(case_url)
    move(ann, "response", "payment approved", kind="ex_gratia_payment", amount="1500", currency="USD", recipient_consent="on")
    lena = as_user("lena")
    lena.goto(case_url)
    lena.locator("#m-lesson_learned-cc-pattern_of_life").check()
    move(lena, "lesson_learned", "after-action review", recommendation="Check civilian presence", owner="J3")
    ann.goto(case_url)
    move(ann, "closed", "done")
    assert ann.locator("h1").inner_text().endswith("closed")
    assert [f.get_attribute("id") for f in ann.locator("form[id^='move-']").all()] == ["move-reported"]  # only reopening
    steps = ann.locator("#timeline-table tbody tr td:nth-child(4)").all_inner_texts()
    assert steps == ["open", "assess", "approve assessment and investigate", "record findings", "record response",
                     "record lesson", "close"]
    screenshot(ann, "closed-case")

    rita = as_user("rita")  # a case role without personal data
    rita.goto(case_url)
    people = rita.locator("#people-table").inner_text()
    assert "Amina" not in people and "[withheld]" in people and "+252" not in people
    assert rita.locator("form[id^='move-']").count() == 0
    vic = as_user("vic")  # a viewer holds no case-work role: case files are private
    response = vic.goto(case_url)
    assert response.status == 403 and "Amina" not in vic.content()
    with httpx.Client(base_url=case_server.url) as client:
        anonymous = client.get(case_url.replace(case_server.url, "") + ".json")
        assert anonymous.status_code == 401 and "Amina" not in anonymous.text
    assert abe.errors == ann.errors == ivan.errors == rita.errors == []


def test_public_report_review_and_the_queue_at_both_widths(as_user, case_server, screenshot) -> None:
    anon = as_user(None, width=390)
    anon.goto("/report-harm")
    assert anon.evaluate(UNLABELLED) == []
    anon.get_by_label("What happened").fill("A clinic was shelled <b>at night</b>; two nurses killed")
    anon.get_by_label("Civilians killed").fill("2")
    anon.get_by_label("health").check()
    anon.get_by_label("Your name (optional)").fill("Samir Odeh-Qk")
    anon.get_by_role("button", name="Send the report").click()
    anon.wait_for_load_state()
    assert "was received" in anon.locator("#report-received").inner_text()
    assert anon.evaluate("document.documentElement.scrollWidth") <= 390

    rita = as_user("rita")
    rita.goto("/cases/public-reports")
    report = rita.locator("article.report").last
    assert "<b>at night</b>" in report.inner_text()  # shown as text, never as markup
    assert "Samir" not in report.inner_text()  # a recorder is not granted personal data
    report.get_by_label("Why").fill("plausible: clinic known")
    report.get_by_role("button", name="Decide").click()
    rita.wait_for_load_state()
    assert "/cases/" in rita.url and rita.locator("h1").inner_text().endswith("reported")
    narrow = as_user("ann", width=390)
    narrow.goto(rita.url)
    assert narrow.locator("form#move-initial_assessment").count() == 0  # an approver does not assess
    assert narrow.evaluate(UNLABELLED) == []
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(narrow, "case-390")

    anon.goto("/cases")
    assert "/login" in anon.url  # the queue is case work: anonymous visitors are sent to log in
    for width in (1280, 390):
        pg = as_user("rita", width=width)
        pg.goto("/cases")
        rows = pg.locator("#case-queue tbody tr")
        scores = [float(s) for s in pg.locator("#case-queue tbody tr td:nth-child(2)").all_inner_texts()]
        assert rows.count() >= 1 and scores == sorted(scores, reverse=True)
        assert pg.evaluate(UNLABELLED) == []
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(pg, f"queue-{width}")
        pg.goto("/cases/measures")
        assert pg.locator("#time-sexual_violence").count() == 1
        assert pg.evaluate("document.documentElement.scrollWidth") <= width

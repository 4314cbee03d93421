"""Missing persons in Chromium: a family reports without an account and gets a code and a
secret, follows the case; an investigator opens the queue, the case page with its candidate from
the real Airwars list side by side, and confirms it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from civwatch.services import auth, missing_lists
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.web.conftest import LiveServer, log_in, start_server

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"


@pytest.fixture(scope="module")
def missing_server(tmp_path_factory, shared_data) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("missing")
    engine = make_engine(f"sqlite:///{folder / 'missing.sqlite'}")
    migrate.upgrade(engine)
    auth.add_user(engine, "inv", PASSWORD, "investigator")
    source = Path(shared_data) / "other_monitors" / "airwars_gaza_2023_victims_by_incident.csv"
    with open(source, encoding="utf-8", newline="") as fh:
        rows = [r for _, r in zip(range(60), csv.DictReader(fh), strict=False)]
    path = folder / "arabic.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:  # the list holds the Arabic names only
        w = csv.writer(fh)
        w.writerow(["name_ar", "age_years", "gender"])
        w.writerows([r["name_ar"], r["age_years"], r["gender"]] for r in rows)
    who = auth.principal_for_token(engine, auth.issue_token(engine, "inv"))
    missing_lists.import_list(engine, path, "dead", "Airwars (Arabic names)", "Airwars", "2024-09-25", who)
    server, thread, url = start_server(engine)
    live = LiveServer(url=url, engine=engine)
    live.target = next(r for r in rows if r["name_en"] == "Mohamed Hamdan Al-Najjar")
    yield live
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def _page(browser, server: LiveServer):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    return context, context.new_page()


def test_family_report_gives_a_code_then_the_officer_confirms(browser, missing_server, screenshot) -> None:
    context, pg = _page(browser, missing_server)
    try:
        pg.goto("/missing-report")
        pg.get_by_label("Name of the missing person").fill("Mohammed Hamdan El-Najjar")
        pg.get_by_label("or age").fill("17")
        pg.get_by_label("Sex").select_option("m")
        pg.get_by_role("button", name="Open the case").click()
        code = pg.locator("#case-code").inner_text()
        secret = pg.locator("#case-secret").inner_text()
        assert code.startswith("MP-") and secret
        screenshot(pg, "report")
        # a wrong secret gives no hint
        pg.goto("/missing-follow")
        pg.get_by_label("Case code").fill(code)
        pg.get_by_label("Secret").fill("wrong")
        pg.get_by_role("button", name="Show the state").click()
        assert pg.locator("#follow-error").inner_text() == "no case matches that code and secret"
    finally:
        context.close()
    context, pg = _page(browser, missing_server)
    try:
        log_in(pg, ("inv", PASSWORD))
        pg.goto("/missing")
        pg.get_by_role("link", name=code).click()
        pg.get_by_label("To").select_option("registered")
        pg.get_by_label("Reason", exact=True).fill("registered the same day")
        pg.get_by_role("button", name="Move").click()
        assert pg.locator("#case-state").inner_text() == "candidate_match"
        first = pg.locator("#candidates tr").nth(1)
        assert missing_server.target["name_ar"] in first.inner_text()  # side by side with its reasons
        screenshot(pg, "candidates")
        first.get_by_label("Reason").fill("identified by the family")
        first.get_by_role("button", name="Confirm").click()
        assert pg.locator("#case-state").inner_text() == "confirmed_dead"
    finally:
        context.close()
    context, pg = _page(browser, missing_server)
    try:  # the family sees the change under its code
        pg.goto("/missing-follow")
        pg.get_by_label("Case code").fill(code)
        pg.get_by_label("Secret").fill(secret)
        pg.get_by_role("button", name="Show the state").click()
        assert "confirmed dead" in pg.locator("#follow-state").inner_text()
    finally:
        context.close()


def test_an_officer_uploads_the_airwars_list_from_the_lists_page(browser, missing_server, shared_data, screenshot) -> None:
    source = Path(shared_data) / "other_monitors" / "airwars_gaza_2023_victims_by_incident.csv"
    with open(source, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))

    def impossible(age: str) -> bool:
        try:
            return not 0 <= float(age) <= 130
        except ValueError:
            return False

    refused = [r for r in rows if not (r["name_en"].strip() or r["name_ar"].strip()) or impossible(r["age_years"])]
    context, pg = _page(browser, missing_server)
    try:
        log_in(pg, ("inv", PASSWORD))
        pg.goto("/missing/lists")
        form = pg.locator("#list-upload-form")
        form.get_by_label("File").set_input_files(str(source))
        form.get_by_label("Kind of list").select_option("dead")
        form.get_by_label("Title").fill("Airwars: Gaza 2023 victims")
        form.get_by_label("Provenance").fill("Airwars via alexschell/airwars-gaza-data")
        form.get_by_label("Date of the list").fill("2999-01-01")
        form.get_by_role("button", name="Import").click()
        assert "future" in pg.locator("#list-error").inner_text()  # refused with its reason, the fields kept
        assert pg.locator("#list-title").input_value() == "Airwars: Gaza 2023 victims"
        form = pg.locator("#list-upload-form")
        form.get_by_label("File").set_input_files(str(source))
        form.get_by_label("Date of the list").fill("2024-09-25")
        form.get_by_role("button", name="Import").click()
        read, accepted, rejected = (int(pg.locator(f"#rows-{k}").inner_text()) for k in ("read", "accepted", "rejected"))
        assert (read, accepted, rejected) == (len(rows), len(rows) - len(refused), len(refused))
        lines = pg.locator("#list-rejections tr")
        assert lines.count() == len(refused) + 1 and "age" in lines.nth(1).inner_text()
        assert "Airwars: Gaza 2023 victims" in pg.locator("#missing-lists").inner_text()
        screenshot(pg, "list-upload")
    finally:
        context.close()

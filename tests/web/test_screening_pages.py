"""Screening pages in Chromium on the demo's real UCDP GED sample plus the real SIPRI register:
an assessor fills the application form, the assessment shows the harm figures (checked against
the raw file), criteria and chart; an approver decides through the form; others are refused."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from civwatch.services import auth, screening
from tests.web.conftest import ARTIFACTS, LiveServer, _serve, sample_store

pytestmark = pytest.mark.browser
ASSESSOR = ("asa.assessor", "a-long-test-password-5")
APPROVER = ("apo.approver", "a-long-test-password-6")
GED = Path(__file__).resolve().parents[2] / "src" / "civwatch" / "data" / "samples" / "ged_v23_1_global_random_sample_991.csv"
SIPRI = "arms_transfers/sipri_trade_register_all_1950-2024_generated_2025-03-13.csv"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[LiveServer]:
    engine = sample_store(tmp_path_factory.mktemp("screening-web"))
    screening.import_sipri(engine, shared_data / SIPRI)
    auth.add_user(engine, ASSESSOR[0], ASSESSOR[1], "assessor")
    auth.add_user(engine, APPROVER[0], APPROVER[1], "approver")
    yield from _serve(engine)


def _login(browser, url: str, who: tuple[str, str]):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url)
    pg = context.new_page()
    pg.goto("/login")
    pg.get_by_label("Username").fill(who[0])
    pg.get_by_label("Password").fill(who[1])
    pg.get_by_role("button", name="Log in").click()
    pg.wait_for_load_state()
    return context, pg


def test_application_assessment_and_decision_in_chromium(browser, server: LiveServer) -> None:
    with open(GED, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["type_of_violence"] == "3" and r["side_a"] == "Government of Rwanda"]
    deaths = sum(int(r["deaths_civilians"]) for r in rows)
    assert deaths > 0
    context, pg = _login(browser, server.url, ASSESSOR)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto("/screening/new")
    pg.get_by_label("Recipient state (ISO3)").fill("RWA")
    pg.get_by_label("End user").select_option("armed_forces")
    pg.get_by_label("Item category").select_option("ML1")
    pg.get_by_label("Quantity").fill("500")
    pg.get_by_label("Value").fill("250000")
    pg.get_by_label("Intended use").fill("rifles for the army")
    pg.get_by_label("Period from").fill("2030-01-01")
    pg.get_by_label("Period to").fill("2030-12-31")
    pg.get_by_label("Exporter's reference").fill("WEB-1")
    pg.get_by_label("Harm window (years)").fill("50")
    pg.get_by_role("button", name="Assess").click()
    pg.wait_for_load_state()
    m = re.search(r"/screening/(\d+)$", pg.url)
    assert m, pg.url
    aid = m.group(1)
    assert pg.locator("#harm-deaths").inner_text().startswith(f"{deaths} / {deaths} / {deaths}")
    assert pg.locator("#criteria tbody tr").count() == 19
    assert pg.locator("#harm-chart rect").count() >= 1
    assert pg.locator("form[aria-label='Record the decision']").count() == 0  # an assessor cannot decide
    twin = httpx.get(f"{server.url}/screening/{aid}.json").json()
    assert twin["evidence"]["harm"]["civilian_deaths"]["best"] == deaths
    assert pg.locator("#top-incidents a").count() == min(10, len(rows))
    pg.screenshot(path=str(ARTIFACTS / "screening-assessment.png"), full_page=True)
    # the assessor's session cannot post a decision either
    token = re.search(r'name="csrf" value="([^"]+)"', pg.content()).group(1)
    refused = pg.request.post(f"/screening/{aid}/decision", form={"csrf": token, "decision": "approve", "reasons": "x"})
    assert refused.status == 403
    # the export buttons: a PDF in each language
    with pg.expect_download() as dl:
        pg.locator("#export-pdf-fr").click()
    assert Path(dl.value.path()).read_bytes().startswith(b"%PDF")
    assert pg.request.get(f"/api/screening/{aid}/export.pdf").headers["content-type"] == "application/pdf"
    # the embargo table: a row pasted under a file name, every row accounted for
    pg.goto("/screening/tables")
    assert pg.locator("#not-loaded").count() == 1
    pg.get_by_label("File name (a later import under the same name replaces it)").fill("mine.csv")
    pg.get_by_label("or paste the CSV").fill("source,url,date,destination_iso3,scope,start,end,text\n"
                                             "UNSC,https://example.org/x,2029-01-01,RWA,arms,2029-06-01,,made up for the test\n"
                                             "UNSC,https://example.org/x,2029-01-01,RWA,arms,June,,\n")
    pg.get_by_role("button", name="Import").click()
    pg.wait_for_load_state()
    assert "read 2 = accepted 1 + rejected 1" in pg.locator("#batches").inner_text()
    assert pg.locator("#rows tbody tr").count() == 1
    context.close()

    context, pg = _login(browser, server.url, APPROVER)
    pg.goto(f"/screening/{aid}")
    pg.get_by_label("Decision", exact=True).select_option("deny")
    pg.get_by_label("Reasons").fill("overriding risk under ATT 7.1")
    pg.get_by_label("Mitigation (end-use checks, conditions)").fill("none possible")
    pg.get_by_role("button", name="Record decision").click()
    pg.wait_for_load_state()
    assert pg.locator("#decision").inner_text().startswith("deny by apo.approver")
    assert pg.locator("form[aria-label='Record the decision']").count() == 0  # decided: no more form
    pg.goto("/screening")
    assert "deny" in pg.locator(f"#assessments tr[data-id='{aid}']").inner_text()
    pg.goto("/screening/consistency")
    assert "among 1 decided" in pg.locator("#pairs caption").inner_text()
    assert errors == []
    context.close()
    with httpx.Client(base_url=server.url) as client:  # not logged in: refused
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        assert client.post("/screening/new", data={"csrf": token, "recipient": "RWA"}).status_code == 403
    assert httpx.get(f"{server.url}/api/screening/{aid}").json()["decision"] == "deny"

"""Action plan pages in Chromium over the bundled UCDP sample, the shared UNTC data and the
sample plan: every page says ILLUSTRATIVE, the tree shows the JSON twin's numbers, the
commitment page draws its chart with uPlot, the report is approved through the form by an
approver (CSRF and role checked)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pypdf
import pytest

from civwatch.services import demo, treaties
from tests.case_support import PASSWORD, make_users
from tests.web.conftest import LiveServer, _serve, sample_store

pytestmark = pytest.mark.browser
PERIOD = {"from": "2012-01-01", "to": "2014-12-31"}


@pytest.fixture(scope="module")
def plan_server(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[LiveServer]:
    engine = sample_store(tmp_path_factory.mktemp("web-plan"))
    treaties.import_all(engine, treaties.shared_files(shared_data), actor="test")
    demo.load_plan(engine, actor="test")
    make_users(engine)
    yield from _serve(engine)


@pytest.fixture
def server(plan_server: LiveServer) -> LiveServer:
    return plan_server


def _fmt(v) -> str:
    return f"{round(v):,}" if isinstance(v, int) or float(v).is_integer() else f"{v:.4g}"


def test_tree_shows_the_twins_numbers_and_is_labelled_illustrative(page, server: LiveServer, screenshot) -> None:
    page.goto("/plan?on=2014-12-31")
    assert page.locator("#illustrative").inner_text().startswith("ILLUSTRATIVE")
    twin = httpx.get(f"{server.url}/plan.json", params={"on": "2014-12-31"}).json()
    api = httpx.get(f"{server.url}/api/plan", params={"on": "2014-12-31"}).json()
    assert twin["objectives"] == api["objectives"]
    shown = 0
    for o in twin["objectives"]:
        for c in o["commitments"]:
            for i in c["indicators"]:
                cell = page.locator(f"tr[data-indicator='{i['id']}'] td.value").inner_text()
                if i["current"]["available"]:
                    assert cell.startswith(_fmt(i["current"]["value"])), (i["id"], cell)
                    shown += 1
                else:
                    assert i["current"]["reason"] in cell
    assert shown >= 4  # civilian deaths and three treaty counts
    screening = page.locator("tr[data-indicator='C5-screening'] td.value").inner_text()
    assert "unknown: no screening decision by this date" in screening
    page.get_by_role("link", name="By department").click()
    page.wait_for_url("**/plan/departments**")
    assert page.locator("#illustrative").is_visible()
    assert "Leads 2" in page.locator("#dept-CAF").inner_text()
    screenshot(page, "departments")
    assert page.errors == []


def test_commitment_page_draws_the_indicator_chart(page, server: LiveServer, screenshot) -> None:
    page.goto("/plan/commitments/C4?on=2014-12-31")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#illustrative").is_visible()
    assert page.locator("body").get_attribute("data-charts") == "1"
    assert page.locator("#chart-0 canvas").count() >= 1
    data = httpx.get(f"{server.url}/plan/commitments/C4.json", params={"on": "2014-12-31"}).json()
    series = data["commitment"]["indicators"][0]["series"]
    rows = page.locator("#ind-C4-ccm-nato table.series tbody tr").all_inner_texts()
    assert len(rows) == len(series) and rows[-1].split("\t")[1].strip() == _fmt(series[-1]["value"])
    screenshot(page, "commitment")
    assert page.errors == []


def test_report_page_and_approval_by_an_approver(browser, server: LiveServer, screenshot) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    pg = context.new_page()
    pg.goto("/plan/report?from=2012-01-01&to=2014-12-31")
    assert pg.locator("#illustrative").is_visible() and pg.locator("#approval").inner_text() == "Not approved."
    assert pg.locator("form#approve").count() == 0  # not logged in: no form
    data = httpx.get(f"{server.url}/plan/report.json", params=PERIOD).json()
    for r in data["rows"]:
        end = pg.locator(f"#report tr[data-indicator='{r['indicator']}'] td.end").inner_text()
        assert (r["note_end"] in end) if r["value_end"] is None else end.startswith(_fmt(r["value_end"]))
    assert httpx.post(f"{server.url}/plan/report/approve", data={**PERIOD, "csrf": "forged"}).status_code == 403
    pg.goto("/login")
    pg.get_by_label("Username").fill("ann")
    pg.get_by_label("Password").fill(PASSWORD)
    pg.get_by_role("button", name="Log in").click()
    pg.wait_for_load_state()
    pg.goto("/plan/report?from=2012-01-01&to=2014-12-31")
    pg.locator("textarea[name='narrative_GAC']").fill("Treaty work <b>on course</b>.")
    pg.get_by_role("button", name="Approve this report").click()
    pg.wait_for_url("**/plan/report?from=2012-01-01&to=2014-12-31**")
    assert pg.locator("#approval").inner_text().startswith("Approved by ann (approver)")
    assert pg.locator("#narrative-GAC p").inner_text() == "Treaty work <b>on course</b>."  # escaped, shown as text
    csv_text = httpx.get(f"{server.url}" + pg.locator("a#csv").get_attribute("href")).text
    assert csv_text.splitlines()[0].startswith("objective,commitment,commitment_title")
    # the PDF buttons: the same report through the briefs' renderer, the narrative printed as text
    pdf = httpx.get(f"{server.url}" + pg.locator("a#pdf-fr").get_attribute("href"), timeout=60)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Rapport d'étape" in text and "Treaty work <b>on course</b>." in text
    screenshot(pg, "report")
    context.close()

"""Uploading a file in Chromium: progress, the batch's counts and its rejected rows with reasons;
a `<script>` planted in an imported row is shown as text and never runs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.web import ged
from tests.web.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def server(writable_server):
    return writable_server

PLANT = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"


def upload_file(tmp_path: Path) -> tuple[Path, dict[int, str]]:
    """Six real GED rows as new events: two broken on purpose, one carrying script in its text."""
    path = sorted(ged.SAMPLES.glob("*.csv"))[-1]
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [next(reader) for _ in range(6)]
    col = {name: i for i, name in enumerate(header)}
    for n, row in enumerate(rows):
        row[col["id"]] = str(990_000_000 + n)
    rows[1][col["date_start"]] = "2021-13-45"
    rows[3][col["latitude"]] = "123.5"
    rows[4][col["source_headline"]] = PLANT
    rows[4][col["where_coordinates"]] = "pwned-town " + PLANT
    out = tmp_path / "ged_upload_with_bad_rows.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return out, {3: "date", 5: "latitude"}  # file line (header is line 1) -> what is wrong


def test_upload_a_file_and_see_its_rejected_rows(page, tmp_path, screenshot) -> None:
    path, bad_lines = upload_file(tmp_path)
    log_in(page)
    page.goto("/imports")
    page.get_by_label("File (UCDP GED").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/imports/jobs/*")
    page.wait_for_selector("#batch-link")
    assert page.locator("#progress-text").inner_text() == "Done: 6 rows read, 4 accepted, 2 rejected."
    screenshot(page, "import-progress")
    page.locator("#batch-link").click()
    page.wait_for_load_state()
    screenshot(page, "import-batch")
    assert "6 read: 4 accepted" in page.locator("#batch-counts").inner_text()
    rejects = page.locator("#rejects tbody tr")
    assert rejects.count() == 2
    for i, (line, word) in enumerate(sorted(bad_lines.items())):
        cells = rejects.nth(i).locator("td")
        assert cells.nth(0).inner_text() == str(line)
        assert word in cells.nth(1).inner_text()
    # the batch is listed on the imports page with its counts
    page.goto("/imports")
    assert "ged_upload_with_bad_rows.csv" in page.locator("#batches").inner_text()


def test_script_in_an_imported_row_is_shown_not_run(page, tmp_path, screenshot) -> None:
    path, _ = upload_file(tmp_path)
    path = path.rename(tmp_path / "ged_planted.csv")
    text = path.read_text(encoding="utf-8").replace("99000000", "99100000")
    path.write_text(text, encoding="utf-8")
    log_in(page)
    page.goto("/imports")
    page.get_by_label("File (UCDP GED").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("#batch-link")
    page.goto("/incidents?q=pwned-town")
    page.locator("#incidents tbody tr td:first-child a").first.click()
    page.wait_for_load_state()
    screenshot(page, "incident-with-script")
    assert page.evaluate("window.__pwned") is None
    # shown literally, as text: the markup came through escaped
    assert PLANT in page.locator("article.report .notes").inner_text()
    assert page.locator("article.report script").count() == 0 and page.locator("article.report img").count() == 0
    assert "pwned-town " + PLANT in page.locator("article.report").inner_text()
    page.goto("/map?q=pwned-town")
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("window.__pwned") is None


def test_no_upload_without_a_recorder_logged_in(server, tmp_path) -> None:
    import re

    import httpx

    from tests.web.conftest import VIEWER

    path, _ = upload_file(tmp_path)
    with httpx.Client(base_url=server.url) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        files = {"file": (path.name, path.read_bytes(), "text/csv")}
        assert client.post("/imports", data={"csrf": token}, files=files).status_code == 403
        client.post("/login", data={"username": VIEWER[0], "password": VIEWER[1], "csrf": token})
        page = client.get("/imports").text
        assert 'enctype="multipart/form-data"' not in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        assert client.post("/imports", data={"csrf": csrf}, files=files).status_code == 403
        batches = httpx.get(f"{server.url}/api/imports").json()["imports"]
        assert all(b["file_name"] != path.name or b["imported_by"] != VIEWER[0] for b in batches)

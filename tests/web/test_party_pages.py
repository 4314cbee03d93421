"""Party register pages in Chromium, on the demo's real UCDP GED data: the register, an actor,
the named-party comparison (numbers checked against the raw file), like incidents, and an
analyst's merge through the form (role + CSRF). Own server and store: the merge writes."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from civwatch.services import auth
from civwatch.store.schema import party_incidents
from tests.web.conftest import ARTIFACTS, LiveServer, _serve, sample_store

pytestmark = pytest.mark.browser
ANALYST = ("ana.analyst", "a-long-test-password-3")
GED = Path(__file__).resolve().parents[2] / "src" / "civwatch" / "data" / "samples" / "ged_v23_1_global_random_sample_991.csv"


@pytest.fixture(scope="module")
def party_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    engine = sample_store(tmp_path_factory.mktemp("parties-web"))
    auth.add_user(engine, ANALYST[0], ANALYST[1], "analyst")
    yield from _serve(engine)


def _one_sided_deaths(side_a: str) -> tuple[int, int]:
    with open(GED, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["type_of_violence"] == "3" and r["side_a"] == side_a]
    return len(rows), sum(int(r["deaths_civilians"]) for r in rows)


def test_named_party_comparison_in_chromium(browser, party_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=party_server.url)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto("/parties/compare")
    assert pg.locator("#choose").is_visible()
    pg.get_by_label("Forces of states (ISO3, comma-separated)").fill("SYR,AFG")
    pg.get_by_role("button", name="Compare").click()
    pg.wait_for_load_state()
    assert "states=SYR%2CAFG" in pg.url or "states=SYR,AFG" in pg.url
    twin = httpx.get(f"{party_server.url}/parties/compare.json", params={"states": "SYR,AFG"}).json()
    syria = next(r for r in twin["rows"] if r["actor"] == "State forces of Syria")
    n, deaths = _one_sided_deaths("Government of Syria")
    assert (syria["incidents"], syria["civilian_deaths"]) == (n, deaths) and n > 0
    row = pg.locator(f"#party-compare tr[data-actor='{syria['actor_id']}']")
    cells = row.locator("td").all_inner_texts()
    assert cells[2] == f"{n:,}" and cells[3].startswith(f"{deaths:,}")
    assert pg.locator("#party-compare tbody tr").count() == len(twin["rows"])
    pg.screenshot(path=str(ARTIFACTS / "party-compare.png"), full_page=True)

    # the actor's page and its source names; the register lists it
    row.get_by_role("link", name="State forces of Syria").click()
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text() == "State forces of Syria"
    assert "Government of Syria" in pg.locator("#names").inner_text()
    pg.goto("/parties?state=SYR")
    assert "State forces of Syria" in pg.locator("#actors").inner_text()

    # like incidents, different parties
    with party_server.engine.connect() as conn:
        ids = [i for (i,) in conn.execute(select(party_incidents.c.incident_id).order_by(party_incidents.c.incident_id))]
    shown = False
    for incident_id in ids:
        data = httpx.get(f"{party_server.url}/parties/like/{incident_id}.json").json()
        if data["incident"]["perpetrators"] and data["like"]:
            pg.goto(f"/parties/like/{incident_id}")
            text = pg.locator("#like").inner_text()
            assert "(this one)" in text and data["like"][0]["perpetrators"][0]["name"] in text
            shown = True
            break
    assert shown
    assert errors == []
    context.close()


def test_analyst_merges_through_the_form_and_others_cannot(browser, party_server: LiveServer) -> None:
    actors = httpx.get(f"{party_server.url}/api/parties", params={"category": "non_state_armed_group"}).json()["rows"]
    keep, other = actors[0], actors[1]
    with httpx.Client(base_url=party_server.url) as client:  # no login, or a forged token: refused
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        assert client.post(f"/parties/{keep['id']}/merge", data={"csrf": token, "others": str(other["id"])}).status_code == 403
        client.post("/login", data={"username": ANALYST[0], "password": ANALYST[1], "csrf": token})
        assert client.post(f"/parties/{keep['id']}/merge", data={"csrf": "forged", "others": str(other["id"])}).status_code == 403
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=party_server.url)
    pg = context.new_page()
    pg.goto("/login")
    pg.get_by_label("Username").fill(ANALYST[0])
    pg.get_by_label("Password").fill(ANALYST[1])
    pg.get_by_role("button", name="Log in").click()
    pg.wait_for_load_state()
    pg.goto(f"/parties/{keep['id']}")
    pg.get_by_label("Actor ids").fill(str(other["id"]))
    pg.get_by_role("button", name="Merge").click()
    pg.wait_for_load_state()
    after = httpx.get(f"{party_server.url}/api/parties/{keep['id']}").json()
    assert after["names"] and len(after["names"]) == keep["names"] + other["names"]
    assert httpx.get(f"{party_server.url}/api/parties/{other['id']}").json()["live_id"] == keep["id"]
    # across categories without a reason: the page says why, nothing changes
    state = httpx.get(f"{party_server.url}/api/parties", params={"category": "state_forces"}).json()["rows"][0]
    pg.goto(f"/parties/{state['id']}")
    pg.get_by_label("Actor ids").fill(str(keep["id"]))
    pg.get_by_role("button", name="Merge").click()
    pg.wait_for_load_state()
    assert "different categories" in pg.content()
    assert httpx.get(f"{party_server.url}/api/parties/{keep['id']}").json()["live_id"] == keep["id"]
    context.close()

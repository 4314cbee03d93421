"""Brief sections from other capabilities' data, over real shared files: the locator and forum
maps drawn from the vendored Natural Earth shapes (no script, in the HTML and the PDF), arms
transfers received equal to hand SQL over the SIPRI rows, a forum's likeliest joiners equal to
the treaties API's coalition targets for the same date."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from civwatch.app import create_app
from civwatch.services import (
    briefs,
    briefs_map,
    briefs_render,
    importing,
    messages,
    screening,
    treaties,
)
from civwatch.services.store import open_store
from tests.helpers import ged_country_iso3

GED_UKR = "ucdp_ged/ged_ukraine_statebased_2014_2022.csv"
SIPRI = "arms_transfers/sipri_trade_register_all_1950-2024_generated_2025-03-13.csv"
AS_OF = date(2020, 6, 30)


@pytest.fixture(scope="module")
def engine(tmp_path_factory, shared_data: Path):
    e = open_store(str(tmp_path_factory.mktemp("brief-sections") / "s.sqlite"))
    importing.import_file(e, shared_data / GED_UKR)
    treaties.import_all(e, treaties.shared_files(shared_data))
    screening.import_sipri(e, shared_data / SIPRI)
    return e


@pytest.fixture(scope="module")
def ukr(engine) -> dict:
    return briefs.country(engine, "UKR", AS_OF)


def sec(data: dict, sid: str) -> dict:
    return next(s for s in data["sections"] if s["id"] == sid)


def test_the_atlas_is_decoded_with_iso3_keys() -> None:
    shapes = briefs_map.shapes()
    assert len(shapes) >= 170 and {"UKR", "SYR", "CAN", "XKX", "SOM"} <= set(shapes)
    x0, y0, x1, y1 = briefs_map.bbox(["UKR"])
    assert 22 < x0 < 23 and 40 < x1 < 41 and 44 < y0 < 46 and 52 < y1 < 53  # Ukraine: 22.1–40.2 E, 44.4–52.4 N


def test_country_map_points_are_located_incidents_of_the_raw_file(ukr: dict, shared_data: Path) -> None:
    located, events = set(), 0
    with (shared_data / GED_UKR).open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if date.fromisoformat(r["date_start"][:10]) <= AS_OF and ged_country_iso3(r["country"]) == "UKR":
                located.add((round(float(r["latitude"]), 4), round(float(r["longitude"]), 4)))
                events += 1
    m = sec(ukr, "map")
    assert m["status"] == "ok" and m["map"]["country"] == "UKR"
    points = m["map"]["points"]
    assert len(points) == min(100, events)  # every GED event is located: the largest hundred are drawn
    assert {(round(p["lat"], 4), round(p["lon"], 4)) for p in points} <= located
    svg = briefs_map.locator("UKR", points, "map")
    assert svg.count("<circle") == len(points) and "<text" not in svg and "style=" not in svg and "<script" not in svg
    assert len(svg) < 80_000  # shapes outside the view are left out


@pytest.fixture(scope="module")
def nato(engine) -> dict:
    return briefs.forum(engine, "NATO", AS_OF)


@pytest.mark.slow
def test_maps_are_in_the_html_and_the_pdf(engine, ukr: dict, nato: dict) -> None:
    html = briefs_render.html(ukr, "fr")
    assert re.search(r'<section class="sec sec-map" id="sec-map">\s*<h2>[^<]+</h2>\s*<figure class="map"><svg', html)
    assert "<script" not in html
    mm = sec(nato, "members_map")
    members = treaties.forum_members(engine, "NATO", AS_OF)
    assert sorted(mm["map"]["values"]) == members
    for iso in ("CAN", "USA"):  # the shade's count is the matrix's party cells
        row = next(r for r in sec(nato, "matrix")["rows"] if r[0]["v"] == iso)
        assert mm["map"]["values"][iso] == sum(c["v"] == "status_short.party" for c in row[1:])
    text_pdf = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(briefs_render.pdf(nato, "en"))).pages)
    assert messages.text("section.members_map", "en") in text_pdf
    assert messages.text("map.legend_instruments", "en") in text_pdf  # the legend is drawn into the PDF


def test_arms_transfers_received_equal_hand_sql(engine, ukr: dict) -> None:
    """Transfers received print once, in the screening section (services/screening_brief.py):
    deals ordered in the five years to the brief's year, TIV delivered by supplier, the top three."""
    first, last = AS_OF.year - 4, AS_OF.year
    with engine.connect() as conn:
        want = conn.execute(text(
            "SELECT supplier || supplier_marker AS s, count(*), sum(coalesce(tiv_delivered, 0)) "
            "FROM sipri_transfers WHERE recipient_iso3 = 'UKR' AND order_year BETWEEN :a AND :b GROUP BY 1"),
            {"a": first, "b": last}).all()
    assert want, "the SIPRI rows for Ukraine are loaded"
    total = sum(w[2] for w in want)
    top = sorted(want, key=lambda w: (-w[2], w[0]))[:3]
    assert "arms_transfers" not in [x["id"] for x in ukr["sections"]]  # printed once, not twice
    got = sec(ukr, "screening")
    assert got["status"] == "ok"
    values = [[c["v"] for c in r] for r in got["rows"]]
    assert values[0][1] == sum(w[1] for w in want) and values[1][1] == round(total, 1) and values[2][1] == len(want)
    assert values[4:7] == [[s_, round(t, 1)] for s_, _, t in top]
    html = briefs_render.html(ukr, "en")
    assert 'id="sec-screening"' in html and top[0][0] in html


@pytest.mark.slow
def test_forum_likeliest_joiners_are_the_treaties_api_targets(engine, nato: dict) -> None:
    client = TestClient(create_app(engine, private_reads=False))
    rows = sec(nato, "likely_joiners")["rows"]
    assert rows
    by_inst: dict[str, list] = {}
    for r in rows:
        by_inst.setdefault(r[0]["v"].removeprefix("short."), []).append((r[1]["v"], r[3]["v"]))
    for key, got in by_inst.items():
        api = client.get(f"/api/forums/NATO/targets/{key}", params={"as_of": str(AS_OF)})
        assert api.status_code == 200, api.text
        assert got == [(t["country"], t["p"]) for t in api.json()["targets"][:3]], key
    custom = briefs.forum(engine, "CAN,FRA,USA", AS_OF)
    assert sec(custom, "likely_joiners")["status"] == "not_loaded"  # ranked for a named forum only

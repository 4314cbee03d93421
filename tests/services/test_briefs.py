"""Briefs over real shared data: every number printed in the PDF is a number of the JSON API for the
same query and date; English and French carry the same numbers; unknown subjects are 404; a
selection with no data is still a valid document that says so.

Expectations come from the raw files through the csv module (civilian deaths per year of the GED
Ukraine file) and from the JSON API's own indicator endpoint, not from the brief code.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient

from civwatch.app import create_app
from civwatch.services import (
    briefs,
    briefs_map,
    briefs_render,
    importing,
    messages,
    parties,
    treaties,
)
from civwatch.services.store import open_store
from tests.helpers import ged_country_iso3, ged_rows

GED_UKR = "ucdp_ged/ged_ukraine_statebased_2014_2022.csv"
GED_GLOBAL = "ucdp_ged/ged_v23_1_global_random_sample_991.csv"
ACD = "ucdp_conflict_level/ucdp_prio_acd_v23_1.csv"
AS_OF = date(2020, 6, 30)

NUMBER = {
    "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
    "fr": re.compile(r"\d{1,3}(?:\u202f\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
}
FOOTER = re.compile(r"Page \d+ (?:of|sur) \d+")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    e = open_store(str(tmp_path_factory.mktemp("briefs") / "s.sqlite"))
    for name in (GED_UKR, GED_GLOBAL, ACD):
        importing.import_file(e, shared_data / name)
    treaties.import_all(e, treaties.shared_files(shared_data))
    return e


@pytest.fixture(scope="module")
def client(engine) -> TestClient:
    return TestClient(create_app(engine, private_reads=False))


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = "\n".join(p.extract_text() for p in reader.pages)
    lines = [ln for ln in text.splitlines() if not ln.startswith(("Input fingerprint", "Empreinte des entrées", "Software:", "Logiciel"))]
    return FOOTER.sub(" ", "\n".join(lines))


def numbers(text: str, lang: str) -> list[float]:
    """Every number printed, as a value (group separators and decimal comma read per locale)."""
    out = []
    for m in NUMBER[lang].finditer(text):
        token = m.group(0)
        token = token.replace(",", "") if lang == "en" else token.replace("\u202f", "").replace(",", ".")
        out.append(round(float(token), 1))
    return out


def allowed_numbers(data: dict, lang: str) -> set[float]:
    """The numbers the brief's JSON holds (shares as printed percentages, dates as day and year),
    plus those inside the catalogue's own sentences (e.g. '25 battle-related deaths')."""
    out: set[float] = set()

    def add(v) -> None:
        if isinstance(v, bool) or v is None:
            return
        if isinstance(v, int | float):
            out.add(round(float(abs(v)), 1))
        elif isinstance(v, date):
            out.update({float(v.day), float(v.year)})
        elif isinstance(v, str):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                y, _, d = v.split("-")
                out.update({float(int(y)), float(int(d))})
            else:
                out.update(round(float(x), 1) for x in re.findall(r"\d+", v))

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") == "share" and isinstance(node.get("v"), float):
                out.add(round(abs(node["v"]) * 100, 1))
                add(node.get("base"))
                return
            for k, v in node.items():
                if k in ("fingerprint", "inputs", "version"):
                    continue
                if k == "values" and isinstance(v, dict):  # talking point fillers: floats are shares
                    for x in v.values():
                        out.add(round(abs(x) * 100, 1)) if isinstance(x, float) else add(x)
                    continue
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        else:
            add(node)

    walk(data)
    for text in messages.catalogue(lang).values():
        out.update(float(x) for x in re.findall(r"\d+", text))
    return out


def get_json(client: TestClient, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_number_in_the_country_pdf_is_a_number_of_the_json_api(client: TestClient, lang: str) -> None:
    data = get_json(client, f"/api/briefs/country/UKR?format=json&as_of={AS_OF}")
    r = client.get(f"/api/briefs/country/UKR?format=pdf&lang={lang}&as_of={AS_OF}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    printed = numbers(text, lang)
    allowed = allowed_numbers(data, lang)
    assert printed and set(printed) <= allowed, sorted(set(printed) - allowed)
    # and the per-year rows are printed as the JSON API's indicator gives them, row by row
    ind = get_json(client, f"/api/indicators/civilian-deaths?by=year&country=UKR&date_to={AS_OF}")
    for row in ind["rows"]:
        value = messages.number(row["value"], lang)
        assert re.search(rf"(?m)^{row['year']} {re.escape(value)}\b", text), (row, lang)


def test_the_harm_figures_equal_the_raw_file(engine, shared_data: Path) -> None:
    want: dict[int, int] = defaultdict(int)
    for r in ged_rows(shared_data / GED_UKR):
        if ged_country_iso3(r["country"]) == "UKR" and date.fromisoformat(r["date_start"][:10]) <= AS_OF:
            want[int(r["date_start"][:4])] += int(r["deaths_civilians"])
    data = briefs.country(engine, "UKR", AS_OF)
    sec = next(s for s in data["sections"] if s["id"] == "harm_over_time")
    got = {row[0]["v"]: row[1]["v"] for row in sec["rows"]}
    assert got == dict(want)
    assert max(got) == 2020  # the as-of date bounds the incidents


def test_english_and_french_briefs_carry_the_same_numbers(engine) -> None:
    data = briefs.country(engine, "UKR", AS_OF)
    en = Counter(numbers(pdf_text(briefs_render.pdf(data, "en")), "en"))
    fr = Counter(numbers(pdf_text(briefs_render.pdf(data, "fr")), "fr"))
    assert en == fr


def test_letter_and_a4_page_sizes(engine) -> None:
    data = briefs.country(engine, "UKR", AS_OF)
    a4 = pypdf.PdfReader(io.BytesIO(briefs_render.pdf(data, "en", "a4"))).pages[0].mediabox
    letter = pypdf.PdfReader(io.BytesIO(briefs_render.pdf(data, "en", "letter"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_the_pdf_has_page_numbers_as_of_footnotes_and_the_methods_annex(engine) -> None:
    data = briefs.country(engine, "UKR", AS_OF)
    reader = pypdf.PdfReader(io.BytesIO(briefs_render.pdf(data, "fr")))
    pages = len(reader.pages)
    text = "\n".join(p.extract_text() for p in reader.pages)
    for i in range(1, pages + 1):
        assert f"Page {i} sur {pages}" in text
    assert "Données au 30 juin 2020" in text
    assert messages.text("section.methods", "fr") in text and messages.text("section.footnotes", "fr") in text
    assert "deaths_civilians" in text  # the definition of civilian deaths, in the footnote
    assert data["fingerprint"][:20] in text.replace("\n", "")


def test_forum_talking_points_are_the_gap_numbers(client: TestClient, engine) -> None:
    data = get_json(client, "/api/briefs/forum/NATO?format=json&as_of=2020-06-30")
    members = treaties.forum_members(engine, "NATO", date(2020, 6, 30))
    ccm = treaties.gaps(engine, "NATO", "ccm", date(2020, 6, 30))
    gap = next(p for p in data["talking_points"] if p["msgid"] == "tp.forum_gap" and p["values"]["instrument"] == "msg:instrument.ccm")
    assert gap["values"] == {"not_party": len(members) - ccm["party"], "members": len(members), "instrument": "msg:instrument.ccm"}
    text = pdf_text(client.get("/api/briefs/forum/NATO?as_of=2020-06-30&lang=en").content).replace("\n", " ")
    assert f"{len(members) - ccm['party']} of {len(members)} members are not party to the Convention on Cluster Munitions." in text
    signed = len(ccm["signed_not_ratified"])
    assert (f"{signed} signed and did not ratify." in text) == (signed > 0)
    matrix = next(s for s in data["sections"] if s["id"] == "matrix")
    assert [r[0]["v"] for r in matrix["rows"]] == members


def test_party_brief_measures_are_the_party_comparison(client: TestClient, engine) -> None:
    ids = [a["id"] for a in parties.list_actors(engine)]
    chosen = max((r for i in range(0, len(ids), 200) for r in parties.compare(engine, actor_ids=ids[i:i + 200])["rows"]),
                 key=lambda r: (r["incidents"], -r["actor_id"]))
    data = get_json(client, f"/api/briefs/party/{chosen['actor_id']}?format=json")
    harm = next(s for s in data["sections"] if s["id"] == "party_harm")
    assert harm["status"] == "ok"
    assert harm["rows"][0][1]["v"] == chosen["incidents"]
    assert harm["rows"][1][1]["v"] == chosen["civilian_deaths"]
    trend = next(s for s in data["sections"] if s["id"] == "party_trend")
    assert sum(r[1]["v"] for r in trend["rows"]) == chosen["incidents"]
    pmap = next(s for s in data["sections"] if s["id"] == "party_map")  # where it operates, from the register
    actor = parties.show(engine, chosen["actor_id"])
    where = [c for c in (actor.get("countries") or "").split(",") if c] or [actor["state_iso3"]]
    assert pmap["status"] == "empty" or pmap["map"]["country"] == [c for c in where if c in briefs_map.shapes()]
    peers = next(s for s in data["sections"] if s["id"] == "peers")
    assert any(r[0]["v"].endswith("◀") and r[1]["v"] == chosen["incidents"] for r in peers["rows"])
    body = client.get(f"/api/briefs/party/{chosen['actor_id']}?lang=fr").content
    printed = set(numbers(pdf_text(body), "fr"))
    assert printed <= allowed_numbers(data, "fr"), sorted(printed - allowed_numbers(data, "fr"))


@pytest.mark.parametrize("url", ["/api/briefs/country/XXZ", "/api/briefs/party/999999", "/api/briefs/party/abc",
                                 "/api/briefs/forum/NOTAFORUM"])
def test_unknown_subject_is_404(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"]


def test_a_country_without_data_is_a_valid_document_that_says_so(engine) -> None:
    data = briefs.country(engine, "ISL", AS_OF)  # Iceland: no incidents in these files
    status = {s["id"]: s["status"] for s in data["sections"]}
    assert status["harm_over_time"] == "empty" and status["cases"] == "not_loaded" and status["screening"] == "not_loaded"
    assert status["treaties"] == "ok"
    reader = pypdf.PdfReader(io.BytesIO(briefs_render.pdf(data, "en")))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert text.count(messages.text("status.empty", "en")) >= 5
    assert messages.text("status.not_loaded", "en") in text
    assert messages.text("points.none", "en") in text


def test_an_empty_store_gives_valid_briefs(tmp_path: Path) -> None:
    e = open_store(str(tmp_path / "empty.sqlite"))
    for kind, ref in (("country", "UKR"), ("forum", "G7")):
        data = briefs.build(e, kind, ref, AS_OF)
        assert all(s["status"] in ("empty", "not_loaded") for s in data["sections"]), kind
        for lang in ("en", "fr"):
            assert len(pypdf.PdfReader(io.BytesIO(briefs_render.pdf(data, lang))).pages) >= 1


def test_same_inputs_same_text_and_fingerprint(engine, tmp_path: Path, shared_data: Path) -> None:
    a, b = briefs.country(engine, "UKR", AS_OF), briefs.country(engine, "UKR", AS_OF)
    assert a["fingerprint"] == b["fingerprint"]
    assert briefs_render.html(a, "fr") == briefs_render.html(b, "fr")
    assert briefs.country(engine, "UKR", date(2020, 7, 1))["fingerprint"] != a["fingerprint"]  # parameters count
    e = open_store(str(tmp_path / "fp.sqlite"))
    before = briefs.country(e, "UKR", AS_OF)["fingerprint"]
    importing.import_file(e, shared_data / GED_UKR)
    assert briefs.country(e, "UKR", AS_OF)["fingerprint"] != before  # the store content counts


def test_html_is_escaped_and_carries_no_script(engine) -> None:
    data = briefs.country(engine, "UKR", AS_OF)
    sec = next(s for s in data["sections"] if s["id"] == "largest_incidents")
    sec["rows"][0][1] = {"t": "text", "v": "<script>alert(1)</script>"}
    html = briefs_render.html(data, "en")
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<script" not in html


def test_bad_language_format_and_paper_are_clear_errors(client: TestClient, engine) -> None:
    data = briefs.country(engine, "ISL", AS_OF)
    with pytest.raises(ValueError, match="lang"):
        briefs_render.html(data, "de")
    with pytest.raises(ValueError, match="paper"):
        briefs_render.html(data, "en", "a5")
    assert client.get("/api/briefs/country/UKR?lang=de").status_code == 422
    assert client.get("/api/briefs/country/UKR?format=docx").status_code == 422


def test_brief_on_sqlite_and_postgresql(store, shared_data: Path) -> None:
    """The same brief on both stores: figures from the raw file, a valid PDF, case counts by state."""
    importing.import_file(store, shared_data / GED_UKR)
    want: dict[int, int] = defaultdict(int)
    for r in ged_rows(shared_data / GED_UKR):
        if ged_country_iso3(r["country"]) == "UKR":
            want[int(r["date_start"][:4])] += int(r["deaths_civilians"])
    data = briefs.country(store, "UKR")
    sec = next(s for s in data["sections"] if s["id"] == "harm_over_time")
    assert {row[0]["v"]: row[1]["v"] for row in sec["rows"]} == dict(want)
    assert next(s for s in data["sections"] if s["id"] == "cases")["status"] == "not_loaded"
    assert briefs.country(store, "UKR")["fingerprint"] == data["fingerprint"]
    assert pypdf.PdfReader(io.BytesIO(briefs_render.pdf(data, "fr"))).pages


def test_case_counts_by_state_and_nothing_personal(tmp_path: Path) -> None:
    from civwatch.services import cases
    from tests.case_support import make_users

    e = open_store(str(tmp_path / "cases.sqlite"))
    users = make_users(e)
    secret = "Reported by Olena Kovalenko, phone 0501234567"
    for iso3 in ("UKR", "UKR", "SYR"):
        cases.open_from_report(e, {"summary": f"Shelling of a market. {secret}", "country_iso3": iso3, "civilian_deaths": 2},
                               users["rita"])
    data = briefs.country(e, "UKR")
    sec = next(s for s in data["sections"] if s["id"] == "cases")
    assert sec["status"] == "ok" and [[c["v"] for c in r] for r in sec["rows"]] == [["case_state.reported", 2]]
    html = briefs_render.html(data, "en")
    assert "Kovalenko" not in html and "0501234567" not in html and "market" not in html
    assert briefs.country(e, "ISL")["sections"][[s["id"] for s in data["sections"]].index("cases")]["status"] == "empty"


def test_an_ad_hoc_list_of_states_is_a_forum(client: TestClient, engine) -> None:
    data = get_json(client, "/api/briefs/forum/CAN,FRA,USA?format=json&as_of=2020-06-30")
    assert data["subject"]["states"] == ["CAN", "FRA", "USA"]
    gaps = next(s for s in data["sections"] if s["id"] == "gaps")
    att = next(r for r in gaps["rows"] if r[0]["v"] == "instrument.att")
    want = [treaties.status(engine, c, "att", date(2020, 6, 30))["status"] for c in ("CAN", "FRA", "USA")]
    assert att[1]["v"] == want.count("party") and att[3]["v"] == want.count("signatory")
    text = pdf_text(client.get("/api/briefs/forum/CAN,FRA,USA?as_of=2020-06-30").content)
    assert "Forum brief: States: CAN, FRA, USA" in text
    assert client.get("/api/briefs/forum/CAN,XXZ").status_code == 404

"""Screening evidence beyond the harm record, on the real files of shared data, and the PDF export.

- the embargo table: the UK official footnotes (CAAT copy) imported with every row accounted for
  (counted with the csv module), read on the application date; a user's own rows with dates;
- diversion: the SIPRI proxies counted with the csv module from the raw register;
- CHMR findings on real GED incidents of the recipient's forces, counted by hand SQL, as of a date;
- the PDF (WeasyPrint) prints the JSON export's numbers, in English and French.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import Engine, text

from civwatch.domain.screening import ScreeningError
from civwatch.services import (
    cases,
    messages,
    parties,
    screening,
    screening_render,
    screening_tables,
    treaties,
)
from civwatch.services.importing import import_file
from civwatch.services.store import open_store
from tests.case_support import make_users

GED = "ucdp_ged/ged_v23_1_global_random_sample_991.csv"
ACD = "ucdp_conflict_level/ucdp_prio_acd_v23_1.csv"
SIPRI = "arms_transfers/sipri_trade_register_all_1950-2024_generated_2025-03-13.csv"
FOOTNOTES = "arms_transfers/caat_uk_footnotes_by_destination.csv"
AS_OF = date(2018, 1, 1)
CFG = {"window_years": 10}
FOUND_AT = datetime(2017, 6, 1, 12, tzinfo=UTC)


def application(**over) -> dict:
    raw = {"recipient": "SYR", "end_user": "armed_forces", "item": "ML4", "quantity": 5, "value": 250_000.5,
           "currency": "EUR", "intended_use": "test", "period_from": "2018-02-01", "period_to": "2018-12-31",
           "reference": "EXP-SYR"}
    return raw | over


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> dict:
    engine = open_store(str(tmp_path_factory.mktemp("screening_export") / "s.sqlite"))
    for name in (GED, ACD):
        import_file(engine, shared_data / name)
    screening.import_sipri(engine, shared_data / SIPRI)
    treaties.import_all(engine)
    footnotes = screening_tables.import_table(engine, shared_data / FOOTNOTES)
    users = make_users(engine)
    parties.ensure_fresh(engine)
    # one CHMR case on a real incident of the Syrian forces, findings recorded on FOUND_AT
    with engine.connect() as conn:
        incident = conn.execute(text(
            "SELECT i.id FROM incidents i JOIN party_incidents p ON p.incident_id = i.id JOIN actors a ON a.id = p.actor_id "
            "WHERE a.category = 'state_forces' AND a.state_iso3 = 'SYR' AND i.date_start >= '2012-01-01' "
            "ORDER BY i.id LIMIT 1")).scalar_one()
    case = cases.open_from_incident(engine, incident, users["rita"], now=datetime(2017, 1, 5, tzinfo=UTC))
    cases.move(engine, case, "initial_assessment", users["abe"], "screened", {"outcome": "credible", "reasons": "two sources"},
               now=datetime(2017, 1, 6, tzinfo=UTC))
    cases.move(engine, case, "investigation", users["ann"], "sound", now=datetime(2017, 1, 7, tzinfo=UTC))
    cases.move(engine, case, "findings", users["ivan"], "done", {
        "investigation": {"evidence": "imagery", "operation": "undetermined"}, "harm_confirmed": True,
        "attribution": "other_party", "ihl_concern": True, "referral": "referred to the prosecutor"}, now=FOUND_AT)
    aid = screening.new(engine, application(), as_of=AS_OF, config=CFG)
    return {"engine": engine, "footnotes": footnotes, "aid": aid, "users": users}


def footnote_rows(shared_data: Path) -> list[dict]:
    with open(shared_data / FOOTNOTES, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_uk_footnotes_are_imported_row_by_row(world: dict, shared_data: Path) -> None:
    rows = footnote_rows(shared_data)
    s = world["footnotes"]
    assert s["read"] == len(rows) == s["accepted"] + s["rejected"]
    no_embargo = [r for r in rows if not re.search(r"embargo|sanction", r["text"], re.I)]
    assert s["rejected"] >= len(no_embargo) > 0
    engine: Engine = world["engine"]
    with engine.connect() as conn:
        reasons = [r[0] for r in conn.execute(text("SELECT reason FROM rejected_rows WHERE batch_id = :b"), {"b": s["batch_id"]})]
        stored = [r[0] for r in conn.execute(text("SELECT text FROM screening_embargoes WHERE batch_id = :b"), {"b": s["batch_id"]})]
    assert len(stored) == s["accepted"] and len(reasons) == s["rejected"]
    assert all(re.search(r"embargo|sanction", t, re.I) for t in stored)
    assert not {r["text"].strip() for r in no_embargo} & set(stored)
    assert all("not an embargo statement" in r or "not a known country name" in r for r in reasons)
    listing = screening_tables.listing(engine, "embargo", "SYR", on=AS_OF)
    want = [r for r in rows if r["name"] == "Syria" and re.search(r"embargo|sanction", r["text"], re.I)]
    assert [r["text"] for r in listing["rows"]] == [r["text"].strip() for r in want]
    with pytest.raises(ScreeningError, match="already imported"):
        screening_tables.import_table(engine, shared_data / FOOTNOTES)


def test_a_users_own_rows_are_read_as_of_the_date(world: dict, tmp_path: Path) -> None:
    engine: Engine = world["engine"]
    path = tmp_path / "my_embargoes.csv"
    path.write_text(
        "source,url,date,destination_iso3,scope,start,end,text\n"
        "UNSC,https://example.org/a,2019-05-01,ISL,arms,2019-06-01,,test row made up for the test\n"
        "UNSC,https://example.org/b,2019-05-01,ISL,arms,2010-01-01,2012-12-31,ended row made up for the test\n"
        "UNSC,not a url,2019-05-01,ISL,arms,,,\n"
        "UNSC,https://example.org/c,2019-05-01,XXX,arms,,,\n"
        "UNSC,https://example.org/d,2019-05-01,ISL,total,,,\n", encoding="utf-8")
    s = screening_tables.import_table(engine, path)
    assert (s["read"], s["accepted"], s["rejected"]) == (5, 2, 3)
    before = screening.show(engine, screening.new(engine, application(recipient="ISL", reference="E-1", period_from="2019-02-01",
                                                                      period_to="2019-12-31"), as_of=date(2019, 1, 1)))
    after = screening.show(engine, screening.new(engine, application(recipient="ISL", reference="E-2", period_from="2020-01-01",
                                                                     period_to="2020-12-31"), as_of=date(2020, 1, 1)))
    assert before["evidence"]["embargo"]["by_status"] == {"not_yet": 1, "ended": 1}
    assert {c["criterion"]: c["finding"] for c in before["criteria"]}["ATT-6.1"] == "insufficient_data"
    assert after["evidence"]["embargo"]["by_status"] == {"in_force": 1, "ended": 1}
    assert {c["criterion"]: c["finding"] for c in after["criteria"]}["ATT-6.1"] == "indicators_found"
    bad = tmp_path / "bad.csv"
    bad.write_text("country,when\nISL,2020\n", encoding="utf-8")
    with pytest.raises(ScreeningError, match="unknown layout"):
        screening_tables.import_table(engine, bad)


def sipri_records(shared_data: Path) -> list[list[str]]:
    with open(shared_data / SIPRI, encoding="cp1252", newline="") as fh:
        lines = fh.read().splitlines()[12:]
    out: list[list[str]] = []
    for fields in csv.reader(lines):
        if len(fields) == 4:
            out[-1] = out[-1][:12] + [out[-1][12] + " " + fields[0], *fields[1:]]
        elif fields:
            out.append(fields)
    return out


def test_diversion_proxies_equal_the_raw_register(world: dict, shared_data: Path) -> None:
    d = screening.show(world["engine"], world["aid"])["evidence"]["diversion"]
    recs = [r for r in sipri_records(shared_data) if r[2].strip().isdigit() and 2008 <= int(r[2]) <= 2018]
    non_state = [r for r in recs if r[0].endswith("*") and not r[0].endswith("**")]
    assert len(d["supplied_to_non_state"]) == sum(1 for r in non_state if r[1] == "Syria")
    in_syria = [r for r in non_state if re.search(r"\(Syria\)\*$", r[0]) or r[0] == "Syria rebels*"]
    # "Syria rebels*" names no country in brackets: it is not placed in a territory by the proxy
    assert len(d["non_state_recipients_in_country"]) == sum(1 for r in in_syria if "(" in r[0])
    assert d["second_hand_re_exports"] == sum(1 for r in recs if r[1] == "Syria" and r[11].startswith("Second hand"))
    assert "no diversion data loaded (diversion table not imported)" in " ".join(d["missing"])


def test_chmr_findings_are_counted_as_of_the_date(world: dict) -> None:
    engine: Engine = world["engine"]
    a = screening.show(engine, world["aid"])
    with engine.connect() as conn:
        want = conn.execute(text(
            "SELECT count(DISTINCT c.id) FROM cases c JOIN case_transitions t ON t.case_id = c.id "
            "JOIN party_incidents p ON p.incident_id = c.incident_id JOIN actors a ON a.id = p.actor_id "
            "WHERE t.to_state = 'findings' AND a.category = 'state_forces' AND a.state_iso3 = 'SYR'")).scalar()
    ch = a["evidence"]["chmr"]
    assert ch["cases_with_findings"] == ch["ihl_concern"] == ch["harm_confirmed"] == want == 1
    assert ch["last_finding"] == FOUND_AT.date().isoformat()
    crit = {c["criterion"]: c for c in a["criteria"]}
    assert any("CHMR" in i for i in crit["ATT-7.1"]["indicators"])
    earlier = screening.show(engine, screening.new(engine, application(reference="EXP-EARLY", period_from="2017-02-01"),
                                                   as_of=date(2017, 1, 1), config=CFG))
    assert earlier["evidence"]["chmr"]["cases_with_findings"] == 0  # recorded after that date


NUMBER = {"en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
          "fr": re.compile(r"\d{1,3}(?:[\u202f\xa0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?")}


def pdf_text(body: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_the_pdf_prints_the_numbers_of_the_json_export(world: dict, lang: str) -> None:
    engine: Engine = world["engine"]
    exported = screening.export_json(engine, world["aid"])["assessment"]
    body, media = screening.export_document(engine, world["aid"], "pdf", lang)
    assert media == "application/pdf" and body.startswith(b"%PDF")
    txt = pdf_text(body)
    ev = exported["evidence"]
    h = ev["harm"]
    lines = {
        "screening.harm.incidents": messages.number(h["incidents"], lang),
        "screening.harm.deaths": messages.number(h["civilian_deaths"]["best"], lang),
        "screening.harm.confirmed_fair_deaths": messages.number(h["confirmed_fair_deaths_best"], lang),
        "screening.transfers.deals_in_window": messages.number(ev["transfers"]["deals_in_window"], lang),
        "screening.transfers.tiv_in_window": messages.number(ev["transfers"]["tiv_delivered_in_window"], lang, 1),
        "screening.conflict.primary": messages.number(ev["conflict"]["conflict_years"], lang),
        "screening.chmr.ihl_concern": messages.number(ev["chmr"]["ihl_concern"], lang),
        "screening.diversion.second_hand": messages.number(ev["diversion"]["second_hand_re_exports"], lang),
        "screening.embargo.statements": messages.number(len(ev["embargo"]["statements"]), lang),
    }
    flat = " ".join(txt.split())
    for msgid, value in lines.items():
        label = messages.text(msgid, lang)
        assert re.search(re.escape(" ".join(label.split())) + r"\s+" + re.escape(value) + r"(?!\d)", flat), (msgid, value)
    for y in h["by_year"]:
        assert re.search(rf"(?m)^{y['year']} {re.escape(messages.number(y['deaths_best'], lang))}$", txt), y
    for c in exported["criteria"]:
        assert " ".join(messages.text(f"screening.finding.{c['finding']}", lang).split()) in flat
    assert messages.text("screening.section.missing", lang) in txt


def test_export_refuses_unknown_format_and_language(world: dict) -> None:
    with pytest.raises(ScreeningError, match="pdf, html, json"):
        screening.export_document(world["engine"], world["aid"], "docx")
    with pytest.raises(ScreeningError, match="en, fr"):
        screening.export_document(world["engine"], world["aid"], "pdf", "de")


def test_every_screening_message_is_in_both_catalogues() -> None:
    from civwatch.domain import screening as dom
    from civwatch.domain import screening_tables as tdom

    src = Path(screening_render.__file__).resolve().parent
    used = set()
    for path in (src / "brief_templates" / "screening.html", src / "screening_render.py", src / "screening_brief.py"):
        used |= set(re.findall(r"""['"](screening\.[\w.-]+?)['"]""", path.read_text(encoding="utf-8")))
    used = {u for u in used if not u.endswith((".", ".html"))}
    used |= {f"screening.criterion.{c}" for c in dom.CRITERION_IDS} | {f"screening.item.{i}" for i in dom.ITEM_CATEGORIES}
    used |= {f"screening.finding.{f.value}" for f in dom.Finding} | {f"screening.decision.{d.value}" for d in dom.Decision}
    used |= {f"screening.end_user.{e.value}" for e in dom.EndUser} | {f"screening.kind.{k.value}" for k in dom.Kind}
    used |= {f"screening.rating.{r}" for _, r in dom.DEFAULT_CONFIG["ratings"]} | {"screening.rating.unrated"}
    used |= {f"screening.embargo_status.{s}" for s in ("in_force", "start_not_recorded", "not_yet", "ended", "lifted")}
    used |= {f"screening.trend.{s}" for s in ("rising", "falling", "flat", "too_few")}
    used |= {f"screening.brief.decision.{d}" for d in (*[d.value for d in dom.Decision], "open")}
    assert len(used) > 150 and all(s.value for s in tdom.Scope)
    for lang in messages.LANGUAGES:
        assert sorted(used - set(messages.catalogue(lang))) == [], lang
    en, fr = messages.catalogue("en"), messages.catalogue("fr")
    assert {k for k in used if messages.placeholders(en[k]) != messages.placeholders(fr[k])} == set()
    assert {c.id: c.title for c in dom.CRITERIA} == {c: en[f"screening.criterion.{c}"] for c in dom.CRITERION_IDS}


def test_the_brief_section_sums_the_raw_register(world: dict, shared_data: Path) -> None:
    from civwatch.services import briefs, briefs_render

    engine: Engine = world["engine"]
    got = screening.brief_section(engine, "SYR", AS_OF, "fr")
    recs = [r for r in sipri_records(shared_data) if r[0] == "Syria" and r[2].strip().isdigit() and 2014 <= int(r[2]) <= 2018]
    tiv: dict[str, float] = {}
    for r in recs:
        tiv[r[1]] = tiv.get(r[1], 0.0) + (float(r[15]) if r[15].strip() else 0.0)
    total = sum(tiv.values())
    values = {row[0]["v"]: row[1]["v"] for row in got["rows"] if row[0]["t"] == "msg"}
    assert values["screening.brief.deals"] == len(recs) > 0
    assert values["screening.brief.tiv"] == round(total, 1)
    assert values["screening.brief.suppliers"] == len(tiv)
    assert values["screening.brief.hhi"] == round(10_000 * sum((v / total) ** 2 for v in tiv.values()))
    with engine.connect() as conn:
        open_ = conn.execute(text("SELECT count(*) FROM screening_assessments WHERE recipient_iso3 = 'SYR' "
                                  "AND decision IS NULL AND created_at <= :t"), {"t": datetime.now(UTC)}).scalar()
    assert values["screening.brief.decision.open"] == 0  # every assessment was made after AS_OF
    assert screening.brief_section(engine, "SYR", date.today())["rows"][-1][1]["v"] == open_ > 0
    with pytest.raises(ValueError, match="language"):
        screening.brief_section(engine, "SYR", AS_OF, "de")
    data = briefs.country(engine, "SYR", AS_OF)
    sec = next(s for s in data["sections"] if s["id"] == "screening")
    assert sec["status"] == "ok" and sec["footnotes"] == ["screening"]
    for lang in messages.LANGUAGES:
        page = briefs_render.html(data, lang)
        assert messages.text("screening.brief.definition", lang).replace("'", "&#39;") in page
        assert messages.number(round(total, 1), lang) in page


def test_an_assessment_made_before_the_new_evidence_still_prints(world: dict) -> None:
    """Assessments are re-read as they were made: one stored before CHMR, diversion and the
    embargo table existed (no such keys; embargo statements as plain text) renders, saying what is missing."""
    a = screening.show(world["engine"], world["aid"])
    for key in ("chmr", "diversion"):
        a["evidence"].pop(key)
    a["evidence"]["embargo"] = {"loaded": True, "statements": ["an old statement"], "missing": []}
    page = screening_render.html(a, "en")
    assert messages.text("screening.missing.diversion_not_loaded", "en") in page
    assert messages.text("screening.section.chmr", "en").replace("'", "&#39;") not in page

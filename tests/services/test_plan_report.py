"""The plan's progress report as PDF in English and French, printed by the briefs' renderer: every
indicator value the PDF prints is the JSON report's (formatted here with the test's own rules,
not the renderer's), the two languages carry the same numbers, every label is the catalogue's.

The store holds real shared data (UNTC treaty files and memberships, the GED sample) and the
ILLUSTRATIVE sample plan, whose indicators are computed from them.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient

from civwatch.app import create_app
from civwatch.services import importing, messages, plan, plan_report, treaties
from civwatch.services.store import open_store

PERIOD = {"from": "2012-01-01", "to": "2016-12-31"}
NUMBER = {"en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
          "fr": re.compile(r"\d{1,3}(?: \d{3})+(?:,\d+)?|\d+(?:,\d+)?")}
OF = {"en": "of", "fr": "sur"}
PAGE_MARKS = re.compile(r"Page \d+ (?:of|sur) \d+|Data as of Dec 31, 2016|Données au 31 déc. 2016")


@pytest.fixture(scope="module")
def client(tmp_path_factory, shared_data: Path) -> TestClient:
    e = open_store(str(tmp_path_factory.mktemp("plan-pdf") / "p.sqlite"))
    treaties.import_all(e, treaties.shared_files(shared_data), actor="test")
    importing.import_file(e, shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv", actor="test")
    plan.load_sample(e)
    return TestClient(create_app(e, private_reads=False))


@pytest.fixture(scope="module")
def report(client: TestClient) -> dict:
    r = client.get("/api/plan/report", params=PERIOD)
    assert r.status_code == 200
    return r.json()


@pytest.fixture(scope="module")
def pdf_texts(client: TestClient) -> dict[str, str]:
    out = {}
    for lang in ("en", "fr"):
        r = client.get("/api/plan/report", params={**PERIOD, "format": "pdf", "lang": lang})
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
        assert "ILLUSTRATIVE" in r.headers["content-disposition"]
        text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)
        out[lang] = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    return out


def shown(value, unit: str, lang: str, base=None) -> str:
    """How the report should print a value, by this test's own rules (not the renderer's)."""
    if value is None:
        return {"en": "unknown", "fr": "inconnu"}[lang]
    if unit == "share":
        pct = f"{value * 100:.1f}"
        pct = pct + "%" if lang == "en" else pct.replace(".", ",") + " %"
        return pct if base is None else f"{pct} (n = {base})"
    if unit == "states" and base:
        return f"{value} {OF[lang]} {base}"
    if float(value).is_integer():
        whole = f"{int(value):,}"
        return whole if lang == "en" else whole.replace(",", " ")
    one = f"{value:,.1f}"
    return one if lang == "en" else one.replace(",", " ").replace(".", ",")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_indicator_value_in_the_pdf_is_the_json_reports(report: dict, pdf_texts: dict[str, str], lang: str) -> None:
    text = pdf_texts[lang]
    states = {"en": {"on_track": "on track", "ahead": "ahead", "behind": "behind", "met": "met", "unknown": "unknown"},
              "fr": {"on_track": "dans les temps", "ahead": "en avance", "behind": "en retard", "met": "atteint", "unknown": "inconnu"}}
    assert report["rows"] and report["illustrative"]
    for r in report["rows"]:
        u = r["unit"]
        cells = [shown(r["baseline_value"], u, lang), shown(r["target_value"], u, lang),
                 shown(r["value_start"], u, lang, r["base_start"]), shown(r["value_end"], u, lang, r["base_end"]),
                 shown(r["expected_end"], u, lang), states[lang][r["progress"]]]
        line = " ".join(cells)
        assert line in text, (r["indicator"], line)
    # the summary point counts the progress states of the JSON rows
    counts = Counter(r["progress"] for r in report["rows"])
    if lang == "en":
        assert (f"Of {len(report['rows'])} indicators, {counts['on_track']} are on track, {counts['ahead']} ahead, {counts['met']} met, "
                f"{counts['behind']} behind and {counts['unknown']} unknown") in text


def test_french_and_english_carry_the_same_numbers(pdf_texts: dict[str, str]) -> None:
    def numbers(lang: str) -> Counter:
        body = PAGE_MARKS.sub(" ", pdf_texts[lang])  # page headers and footers repeat per page; pages differ
        body = re.sub(r"(Input fingerprint:|Empreinte des entrées :) [0-9a-f ]+", " ", body)
        body = re.sub(r"civwatch \d+\.\d+\.\d+\S*", " ", body)  # the software version, not a figure
        tokens = NUMBER[lang].findall(body)
        return Counter(round(float(t.replace(",", "") if lang == "en" else t.replace(" ", "").replace(",", ".")), 1) for t in tokens)

    assert numbers("en") == numbers("fr")


def test_every_label_is_the_catalogues_in_the_language_asked(client: TestClient, pdf_texts: dict[str, str]) -> None:
    fr, en = pdf_texts["fr"], pdf_texts["en"]
    for msgid in ("section.plan_progress", "section.plan_commitments", "section.plan_departments", "section.plan_narratives",
                  "section.plan_approval", "section.methods", "plan.illustrative", "annex.plan_path", "col.path_end"):
        assert messages.text(msgid, "fr") in fr and messages.text(msgid, "en") in en, msgid
        assert messages.text(msgid, "en") not in fr, msgid
    assert "31 déc. 2016" in fr and "Dec 31, 2016" in en  # dates per locale
    html = client.get("/api/plan/report", params={**PERIOD, "format": "html", "lang": "fr"})
    assert html.status_code == 200 and html.text.startswith("<!DOCTYPE html>") and 'lang="fr"' in html.text
    assert "<script" not in html.text


def test_bad_language_or_format_is_refused(client: TestClient, report: dict, tmp_path: Path) -> None:
    assert client.get("/api/plan/report", params={**PERIOD, "format": "pdf", "lang": "de"}).status_code == 422
    assert client.get("/api/plan/report", params={**PERIOD, "format": "docx"}).status_code == 422
    with pytest.raises(ValueError, match="lang"):
        plan_report.render(client.app.state.engine, plan.report(client.app.state.engine, date(2012, 1, 1), date(2016, 12, 31)),
                           "pdf", "de")

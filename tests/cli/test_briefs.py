"""`civwatch brief ...`: writes the PDF, HTML or JSON; unknown subjects and bad options are one line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf

from civwatch.services import briefs, importing
from civwatch.services.store import open_store
from tests.helpers import cli


def test_brief_country_pdf_html_json(tmp_path: Path, shared_data: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    e = open_store(db)
    importing.import_file(e, shared_data / "ucdp_ged" / "ged_ukraine_statebased_2014_2022.csv")
    out = tmp_path / "b.pdf"
    r = cli("--db", db, "brief", "country", "UKR", "--lang", "fr", "--as-of", "2020-06-30", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Fiche pays : Ukraine" in text and "Données au 30 juin 2020" in text
    js = tmp_path / "b.json"
    assert cli("--db", db, "brief", "country", "ukr", "--format", "json", "--as-of", "2020-06-30", "-o", str(js)).returncode == 0
    from datetime import date

    want = json.loads(json.dumps(briefs.country(e, "UKR", date(2020, 6, 30)), default=str))
    assert json.loads(js.read_text()) == want
    html = tmp_path / "b.html"
    assert cli("--db", db, "brief", "forum", "G7", "--format", "html", "--paper", "letter", "-o", str(html)).returncode == 0
    assert "Forum brief: Group of Seven" in html.read_text()


def test_unknown_subjects_and_bad_options_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    out = str(tmp_path / "x.pdf")
    for args, needle in ((("country", "XXZ"), "unknown country"), (("party", "42"), "no actor 42"),
                         (("forum", "NOPE"), "unknown forum"), (("country", "UKR", "--lang", "de"), "--lang"),
                         (("country", "UKR", "--as-of", "2020-13-01"), "--as-of"), (("country", "UKR", "--format", "doc"), "--format")):
        r = cli("--db", db, "brief", *args, "-o", out)
        assert r.returncode != 0, args
        assert needle in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
    assert not Path(out).exists()

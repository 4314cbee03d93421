"""UNTC names and identifiers against the raw files at hand (shared/data/treaties)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from civwatch.domain import treaties as tdom
from civwatch.sources import untc
from civwatch.sources.base import open_table

# written out by hand, not derived from the code under test
EXPECTED = {
    "Bolivia (Plurinational State of)": "BOL", "Türkiye": "TUR", "Turkey": "TUR", "State of Palestine": "PSE",
    "Holy See": "VAT", "Cook Islands": "COK", "Niue": "NIU", "Republic of Korea": "KOR",
    "Democratic People's Republic of Korea": "PRK", "Netherlands (Kingdom of the)": "NLD", "Bahamas (The)": "BHS",
    "The former Yugoslav Republic of Macedonia": "MKD", "North Macedonia": "MKD", "Congo": "COG",
    "Democratic Republic of the Congo": "COD", "Viet Nam": "VNM", "Iran (Islamic Republic of)": "IRN",
    "St. Lucia": "LCA", "Micronesia (Federated States of)": "FSM", "Venezuela (Bolivarian Republic of)": "VEN",
    "Côte d'Ivoire": "CIV", "Swaziland": "SWZ", "Eswatini": "SWZ", "Czechoslovakia": "CSK", "German Democratic Republic": "DDR",
}


def _names(folder: Path) -> set[str]:
    names: set[str] = set()
    for f in folder.glob("untc_ch*_ratifications_*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            names |= {r["country_name"] for r in csv.DictReader(fh)}
    for f in folder.glob("untc_X*_2015.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            names |= {r["Participant"] for r in csv.DictReader(fh)}
    return names


def test_every_participant_name_in_the_files_maps_or_is_refused_with_a_reason(shared_data: Path) -> None:
    names = _names(shared_data / "treaties")
    assert len(names) > 200
    for name in sorted(names):
        if name == "European Union":
            with pytest.raises(ValueError, match="regional organisation"):
                untc.iso3_for(name)
            continue
        code = untc.iso3_for(name)
        assert len(code) == 3 and code.isupper(), name
        if name in EXPECTED:
            assert code == EXPECTED[name], name
    assert set(EXPECTED) <= names | {"Turkey"}
    with pytest.raises(ValueError, match="unknown country name 'Atlantis'"):
        untc.iso3_for("Atlantis")


def test_pinned_identifiers_match_the_2026_files_one_number_per_treaty(shared_data: Path) -> None:
    seen: dict[str, set[str]] = {}
    for f in (shared_data / "treaties").glob("untc_ch*_ratifications_*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                seen.setdefault(r["treaty_id"], set()).add(r["mtdsg_no"])
    assert len(seen) == 30
    numbers = [n for ns in seen.values() for n in ns]
    assert len(numbers) == len(set(numbers)) == 30  # no number shared by two treaties
    for key, ns in seen.items():
        assert {tdom.BY_KEY[key].id} == ns, key


def test_2015_table_rows_and_marks(shared_data: Path) -> None:
    path = shared_data / "treaties" / "untc_XXVI-5_anti_personnel_mine_ban_convention_2015.csv"
    table = open_table(path)
    layout = untc.detect(path, table.header)
    assert layout.instrument == "XXVI-5" and layout.snapshot == date(2015, 12, 31)
    by_name = {}
    for item in untc.records(table, layout):
        assert isinstance(item, list)
        if item:
            by_name[item[0].name_as_received] = item
    afg = {(a.action, a.action_date) for a in by_name["Afghanistan"]}
    assert afg == {(tdom.Action.ACCESSION, date(2002, 9, 11))}
    mne = {(a.action, a.action_date) for a in by_name["Montenegro"]}
    assert mne == {(tdom.Action.SUCCESSION, date(2006, 10, 23))}


def test_2026_bad_rows_are_refused_with_reasons(tmp_path: Path) -> None:
    header = "country_name,treaty_id,treaty_name,action_type,action_date,signature_date,treaty_open_year,mtdsg_no,source_url"
    rows = [
        "Canada,att,Arms Trade Treaty,Accession,2019-09-17,,2013,XXVI-8,https://treaties.un.org/x",  # good
        "Canada,att,Arms Trade Treaty,Ratificaton,2019-09-17,,2013,XXVI-8,https://treaties.un.org/x",
        "Atlantis,att,Arms Trade Treaty,Accession,2019-09-17,,2013,XXVI-8,https://treaties.un.org/x",
        "Canada,att,Arms Trade Treaty,Accession,2019-09-17,,2013,XXVI-6,https://treaties.un.org/x",
        "Canada,att,Arms Trade Treaty,Accession,2027-01-01,,2013,XXVI-8,https://treaties.un.org/x",
        "Canada,att,Arms Trade Treaty,Accession,17/09/2019,,2013,XXVI-8,https://treaties.un.org/x",
        "Canada,xyz,Something,Accession,2019-09-17,,2013,XXVI-8,https://treaties.un.org/x",
    ]
    path = tmp_path / "untc_chXXVI_disarmament_ratifications_2026-02-03.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    table = open_table(path)
    out = list(untc.records(table, untc.detect(path, table.header)))
    assert isinstance(out[0], list) and out[0][0].country_iso3 == "CAN"
    reasons = [o.reason for o in out[1:]]
    assert "unknown action_type 'Ratificaton'" in reasons[0]
    assert "unknown country name 'Atlantis'" in reasons[1]
    assert "XXVI-8 in the register, the row says 'XXVI-6'" in reasons[2]
    assert "after the file's snapshot 2026-02-03" in reasons[3]
    assert "unreadable action_date" in reasons[4]
    assert "unknown treaty_id 'xyz'" in reasons[5]

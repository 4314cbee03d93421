"""The ACLED adapter on ACLED-layout rows written for these tests (no ACLED data committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from civwatch.domain.records import Rejection, ReportRecord
from civwatch.sources.acled import AcledAdapter, party_category
from civwatch.sources.base import open_table, parse_date
from civwatch.sources.detect import detect
from tests.helpers import write_csv

CURRENT = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]


def row(**values: str) -> list[str]:
    base = {
        "event_id_cnty": "XYZ1", "event_date": "2023-05-01", "year": "2023", "time_precision": "1",
        "disorder_type": "Political violence", "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike", "actor1": "Military Forces of Testland (2020-)", "assoc_actor_1": "",
        "inter1": "State forces", "actor2": "Civilians (Testland)", "assoc_actor_2": "", "inter2": "Civilians",
        "interaction": "State forces-Civilians", "civilian_targeting": "Civilian targeting", "iso": "729",
        "region": "Northern Africa", "country": "Sudan", "admin1": "Khartoum", "admin2": "", "admin3": "",
        "location": "Omdurman", "latitude": "15.6", "longitude": "32.5", "geo_precision": "1", "source": "Test",
        "source_scale": "National", "notes": "=HYPERLINK(\"x\") a note", "fatalities": "4", "tags": "", "timestamp": "1700000000",
    }
    base.update(values)
    return [base[c] for c in CURRENT]


def records(tmp_path: Path, rows: list[list[str]], header: list[str] = CURRENT, encoding: str = "utf-8") -> list:
    return list(AcledAdapter().records(open_table(write_csv(tmp_path / "a.csv", header, rows, encoding))))


def test_current_layout_maps_targeting_weapon_parties(tmp_path: Path) -> None:
    out = records(tmp_path, [row(), row(event_id_cnty="XYZ2", civilian_targeting="", sub_event_type="Shelling/artillery/missile attack")])
    a, b = out
    assert isinstance(a, ReportRecord) and isinstance(b, ReportRecord)
    assert (a.civilian_deaths_best, a.total_deaths_best, a.country_iso3, a.weapon) == (4, 4, "SDN", "explosive_air_launched")
    assert a.perpetrator_category == "state_forces" and a.target_category == "civilians"
    assert [h.best for h in a.harm] == [4]
    assert b.civilian_deaths_best is None and b.total_deaths_best == 4 and b.weapon == "explosive_ground_launched"
    assert a.notes.startswith("=HYPERLINK")  # kept verbatim; exports neutralise it


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2023-05-01", "2023-05-01"), ("1 May 2023", "2023-05-01"), ("01 May 2023", "2023-05-01"),
        ("1-May-23", "2023-05-01"), ("9-May-20", "2020-05-09"), ("01/05/2023 00:00:00", "2023-05-01"),
        ("29/12/2015", "2015-12-29"), ("2014-01-22T00:00:00", "2014-01-22"), ("15 September 1997", "1997-09-15"),
        ("3-Jan-98", "1998-01-03"),
    ],
)
def test_every_date_form(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_bad_rows_are_rejected_with_reason(tmp_path: Path) -> None:
    out = records(
        tmp_path,
        [
            row(event_id_cnty="A1", event_date="31 Febtember 2023"),
            row(event_id_cnty="A2", latitude="95.1"),
            row(event_id_cnty="A3", iso="", country="Atlantis"),
            row(event_id_cnty="A4", fatalities="-2"),
            row(event_id_cnty="A5", fatalities="several"),
            row(event_id_cnty="A6", fatalities=""),
            row(event_id_cnty="A7", event_date="2023-02-30"),
            row(event_id_cnty="A8"),
        ],
    )
    reasons = {r.line: r.reason for r in out if isinstance(r, Rejection)}
    assert reasons[2].startswith("bad date")
    assert "latitude" in reasons[3] and "out of range" in reasons[3]
    assert reasons[4] == "unknown country 'Atlantis'"
    assert reasons[5] == "negative fatalities -2"
    assert "non-numeric fatalities" in reasons[6]
    assert reasons[7] == "missing fatalities"
    assert reasons[8].startswith("bad date")
    assert [r.source_id for r in out if isinstance(r, ReportRecord)] == ["A8"]


def test_old_upper_case_cp1252_layout_reordered_columns(tmp_path: Path) -> None:
    header = ["FATALITIES", "GWNO", "EVENT_ID_CNTY", "EVENT_DATE", "YEAR", "EVENT_TYPE", "ACTOR1", "INTER1", "ACTOR2", "INTER2",
              "COUNTRY", "LOCATION", "LATITUDE", "LONGITUDE", "GEO_PRECISION", "NOTES", "", ""]
    rows = [
        ["3", "471", "1RTA", "29/12/2015", "2015", "Violence against civilians", "Boko Haram", "2", "Civilians (Cameroon)", "7",
         "Cameroon", "Yaoundé", "3.87", "11.52", "1", "Villagers’ homes burnt", "", ""],
        ["1", "490", "2RTA", "30/12/2015", "2015", "Remote violence", "Unidentified Armed Group", "3", "", "0",
         "Republic of Congo", "Brazzaville", "-4.26", "15.28", "2", "", "", ""],
    ]
    out = records(tmp_path, rows, header=header, encoding="cp1252")
    table = open_table(tmp_path / "a.csv")
    assert table.encoding == "cp1252" and "old upper-case" in detect(table).reason
    a, b = out
    assert (a.civilian_deaths_best, a.country_iso3, a.perpetrator_category, a.location) == (3, "CMR", "non_state_armed_group", "Yaoundé")
    assert "Villagers’ homes" in a.notes
    # ACLED's GWNO 490 on a Republic of Congo row: the name wins, the code is kept as received
    assert (b.country_iso3, b.country_code_received, b.weapon, b.civilian_deaths_best) == ("COG", "490", "explosive_unspecified", None)


def test_missing_and_added_columns(tmp_path: Path) -> None:
    header = [c for c in CURRENT if c not in ("admin2", "admin3", "tags")] + ["my_extra"]
    full = dict(zip(CURRENT, row(), strict=True))
    out = records(tmp_path, [[full.get(c, "extra value") for c in header]], header=header)
    assert isinstance(out[0], ReportRecord) and '"my_extra":"extra value"' in out[0].raw


@pytest.mark.parametrize(
    ("inter", "name", "category"),
    [
        ("1", "Military Forces of X", "state_forces"), ("State forces", "Police Forces of X", "state_forces"),
        ("2", "Rebels", "non_state_armed_group"), ("Political militia", "M", "non_state_armed_group"),
        ("4", "Ethnic militia", "non_state_armed_group"), ("Rioters", "Rioters (X)", "civilians"),
        ("6", "Protesters (X)", "civilians"), ("7", "Civilians (X)", "civilians"),
        ("8", "MONUSCO: United Nations Organization Stabilization Mission in the DRC", "peacekeepers"),
        ("External/Other forces", "Wagner Group", "private_military_security"),
        ("8", "Military Forces of France", "state_forces"), ("8", "Unidentified", "unknown"),
    ],
)
def test_inter_codes_to_party_categories(inter: str, name: str, category: str) -> None:
    assert party_category(inter, name) == category

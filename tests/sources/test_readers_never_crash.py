"""Readers on damaged input: truncated rows, wrong encodings, NULs, huge fields, quotes,
formula-looking cells. Never a crash; every row read comes out as a record (or part of one:
a victim list groups its rows by incident) or a rejection, and a valid file reads whole, so a
reader that refused everything with a SourceError would not pass."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civwatch.domain.records import Rejection, ReportRecord
from civwatch.sources.acled import AcledAdapter
from civwatch.sources.base import SourceError, open_table
from civwatch.sources.ucdp_ged import GedAdapter
from civwatch.sources.victims import VictimsAdapter

GED_HEADER = "id,year,type_of_violence,country_id,date_start,date_end,latitude,longitude,deaths_civilians,best,low,high,where_prec,date_prec,side_a,side_b"
ACLED_HEADER = "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,inter1,actor2,inter2,civilian_targeting,iso,country,latitude,longitude,notes,fatalities"
VICTIMS_HEADER = "incident_id,incident_date,victim_id,name_en,age_years,age_group,gender,killed_or_injured,moh_id"

cells = st.one_of(
    st.sampled_from(["", "1", "-1", "2.5", "1e309", "nan", "2020-02-30", "9-May-20", "=SUM(A1)", "+1", "@x", "\x00", '"', "a,b", "k", "f", "child", "816", "SDN"]),
    st.text(max_size=30),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=20), max_size=12)


def _write(tmp: Path, header: str, body: list[list[str]], encoding: str, cut: int | None) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in body:
        w.writerow(r)
    data = (header + "\n" + buf.getvalue()).encode(encoding, errors="replace")
    if cut is not None:
        data = data[: max(len(header) + 1, len(data) - cut)]
    path = tmp / "fuzz.csv"
    path.write_bytes(data)
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=rows, encoding=st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1"]), cut=st.one_of(st.none(), st.integers(0, 40)))
def test_readers_never_crash(tmp_path: Path, body: list[list[str]], encoding: str, cut: int | None) -> None:
    for header, adapter in ((GED_HEADER, GedAdapter), (ACLED_HEADER, AcledAdapter), (VICTIMS_HEADER, VictimsAdapter)):
        path = _write(tmp_path, header, body, encoding, cut)
        try:
            table = open_table(path)
            rows_in = _counting(table)
            out = list(adapter().records(table))
        except SourceError:
            continue  # e.g. UTF-16 turned the header into something else: a clear error, not a crash
        assert _rows_out(out) == len(rows_in), "a row was lost or counted twice"
        for item in out:
            if isinstance(item, Rejection):
                assert item.reason and item.line >= 2
            else:
                assert item.source_id and len(item.country_iso3) == 3


def _counting(table) -> list[int]:
    """Wrap the table's rows so the lines handed to the adapter are recorded."""
    seen: list[int] = []
    rows = table.rows

    def counted():
        for item in rows:
            seen.append(item[0])
            yield item

    table.rows = counted()
    return seen


def _rows_out(out: list) -> int:
    return sum(o.rows_in if isinstance(o, ReportRecord) else 1 for o in out)


VALID = {
    GedAdapter: (GED_HEADER, [["1", "2020", "1", "771", "2020-01-01", "2020-01-01", "22.5", "90.1", "1", "1", "1", "1", "1", "1", "Government of Bangladesh", "X"],
                              ["2", "2020", "3", "771", "2020-01-02", "2020-01-02", "22.5", "90.1", "4", "4", "4", "5", "1", "1", "JMB", "Civilians"]]),
    AcledAdapter: (ACLED_HEADER, [["NGA1", "2023-03-04", "2023", "Violence against civilians", "Attack", "Militia", "Political militia", "Civilians (Nigeria)", "Civilians", "Civilian targeting", "566", "Nigeria", "11.8", "6.2", "a note", "3"],
                                  ["NGA2", "2023-03-05", "2023", "Protests", "Peaceful protest", "Protesters", "Protesters", "", "", "", "566", "Nigeria", "11.8", "6.2", "", "0"]]),
    VictimsAdapter: (VICTIMS_HEADER, [["ispt1", "2023-10-09", "1", "A", "7", "child", "f", "k", ""],
                                      ["ispt1", "2023-10-09", "2", "B", "", "adult", "m", "i", ""],
                                      ["ispt2", "2023-10-10", "3", "C", "", "", "", "k", ""]]),
}


@pytest.mark.parametrize("adapter", list(VALID), ids=lambda a: a.__name__)
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16", "latin-1"])
def test_a_valid_file_reads_whole_in_every_encoding(tmp_path: Path, adapter, encoding: str) -> None:
    """The fuzz test above may `continue` on a SourceError; this is why that cannot hide a
    reader refusing everything: valid rows, in each encoding it draws, all come out records."""
    header, body = VALID[adapter]
    table = open_table(_write(tmp_path, header, body, encoding, None))
    rows_in = _counting(table)
    out = list(adapter().records(table))
    assert [type(o) for o in out if isinstance(o, Rejection)] == []
    assert len(rows_in) == len(body) == _rows_out(out)
    expected_records = len({r[0] for r in body}) if adapter is VictimsAdapter else len(body)
    assert len(out) == expected_records


def test_a_field_over_a_mebibyte_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    good = "1,2020,1,771,2020-01-01,2020-01-01,22.5,90.1,1,1,1,1,1,1,Government of Bangladesh,X"
    path = tmp_path / "huge.csv"
    path.write_text(GED_HEADER + "\n" + good + "\n" + '2,"' + "x" * (2 << 20) + '",3\n' + good.replace("1,", "3,", 1) + "\n", encoding="utf-8")
    out = list(GedAdapter().records(open_table(path)))
    assert [type(o).__name__ for o in out] == ["ReportRecord", "Rejection", "ReportRecord"]
    assert "field larger than field limit" in out[1].reason

"""One source exported twice under two id schemes, counted once (issue 21), in a real store.

The files are slices of ACLED's real Ethiopia export (`ETH2644`) and its Africa 2016 workbook
(`1753RTA`), written to tmp_path at test time (ACLED rows are never committed) and imported
through the importer. The expectations are computed here from those rows with the csv module.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from civwatch.services import importing, linking
from civwatch.store.schema import incidents, reports

ETHIOPIA = "acled_ethiopia_1997-01-01_to_2020-01-24.csv"
AFRICA_2016 = "acled_all_africa_2016-01-01_to_2016-05-28.csv"
MONTH = "2016-02"


def _slice(src: Path, dst: Path, encoding: str, keep) -> list[dict]:
    with open(src, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if keep(dict(zip(header, r, strict=False)))]
    with open(dst, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return [{k.lower(): v for k, v in zip(header, r, strict=False) if k} for r in rows]


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


@pytest.fixture
def two_exports(acled_dir: Path, tmp_path: Path) -> tuple[Path, Path, list[dict], list[dict]]:
    a = tmp_path / "ethiopia_feb2016.csv"
    b = tmp_path / "africa_2016_ethiopia_feb2016.csv"
    rows_a = _slice(acled_dir / ETHIOPIA, a, "utf-8", lambda r: r["event_date"].startswith(MONTH))
    rows_b = _slice(acled_dir / AFRICA_2016, b, "cp1252",
                    lambda r: r["COUNTRY"] == "Ethiopia" and r["EVENT_DATE"].endswith("/02/2016"))
    for r in rows_b:
        r["event_date"] = datetime.strptime(r["event_date"], "%d/%m/%Y").date().isoformat()
    return a, b, rows_a, rows_b


def _incident_of(store: Engine) -> dict[str, int]:
    with store.connect() as conn:
        return dict(conn.execute(select(reports.c.source_id, reports.c.incident_id)).tuples().all())


def test_the_same_event_in_two_exports_is_one_incident_and_distinct_ones_stay_apart(store: Engine, two_exports) -> None:
    path_a, path_b, rows_a, rows_b = two_exports
    assert rows_a[0]["event_id_cnty"].startswith("ETH") and rows_b[0]["event_id_cnty"].endswith("RTA")
    for path in (path_a, path_b):
        importing.import_file(store, path)
    # the same event: same day, same place, the same words in its description, one of a kind in each file
    key = lambda r: (r["event_date"], r["location"].strip().casefold(), _words(r["notes"]))  # noqa: E731
    keys_a = [key(r) for r in rows_a]
    keys_b = [key(r) for r in rows_b]
    same = [(ra["event_id_cnty"], rb["event_id_cnty"]) for ra, ka in zip(rows_a, keys_a, strict=True)
            for rb, kb in zip(rows_b, keys_b, strict=True)
            if ka == kb and keys_a.count(ka) == 1 and keys_b.count(kb) == 1]
    assert len(same) >= 50  # the slice holds the overlap the issue describes

    before = _incident_of(store)
    assert not any(before[x] == before[y] for x, y in same)  # imported: each its own incident
    linking.link(store, actor="test")
    where = _incident_of(store)
    assert sum(where[x] == where[y] for x, y in same) == len(same)
    # nothing merged that the identifying fields show to be distinct: different words in the
    # description and a different day, place or death toll
    by_id_a = {r["event_id_cnty"]: r for r in rows_a}
    by_id_b = {r["event_id_cnty"]: r for r in rows_b}
    for x, ra in by_id_a.items():
        for y, rb in by_id_b.items():
            if where[x] != where[y]:
                continue
            wa, wb = _words(ra["notes"]), _words(rb["notes"])
            differ = (ra["event_date"], ra["location"].casefold(), ra["fatalities"]) != (rb["event_date"], rb["location"].casefold(), rb["fatalities"])
            assert not (len(wa & wb) / len(wa | wb) < 0.5 and differ), (x, y)
    # two reports of one export are never one incident
    for rows in (rows_a, rows_b):
        ids = [where[r["event_id_cnty"]] for r in rows]
        assert len(set(ids)) == len(ids)
    with store.connect() as conn:
        x, y = same[0]
        row = conn.execute(select(incidents.c.sources, incidents.c.n_reports, incidents.c.grade).where(incidents.c.id == where[x])).one()
    assert row.sources == "acled" and row.n_reports == 2
    assert row.grade != "fair"  # one publisher is one source, whatever its id scheme


def test_without_id_schemes_one_source_is_never_compared_with_itself(store: Engine, two_exports) -> None:
    path_a, path_b, rows_a, rows_b = two_exports
    for path in (path_a, path_b):
        importing.import_file(store, path)
    summary = linking.link(store, actor="test", config=linking.load_config(id_scheme_sources=()))
    assert summary.candidate_pairs == 0
    where = _incident_of(store)
    assert len(set(where.values())) == len(rows_a) + len(rows_b)

"""Real ACLED exports (read from ../shared/data, never committed) into a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from civwatch.services import stats
from civwatch.services.importing import import_file
from civwatch.store.schema import report_duplicates, report_parties, reports
from tests.helpers import acled_civilian_deaths_by_year, as_year_map, read_any

pytestmark = pytest.mark.acled

FILES = [
    "acled_all_africa_2016-01-01_to_2016-05-28.csv",
    "acled_all_africa_2016-01-01_to_2016-05-28.xlsx",
    "acled_bangladesh_riots_protests_2022-12_to_2024-08.csv",
    "acled_djibouti_1997-01-01_to_2020-01-24.csv",
    "acled_ethiopia_1997-01-01_to_2020-01-24.csv",
    "acled_global_2020-04-27_to_2020-05-09.csv",
]


def test_every_acled_file_is_covered(acled_dir: Path) -> None:
    assert sorted(p.name for p in acled_dir.iterdir() if p.suffix in (".csv", ".xlsx")) == sorted(FILES)


@pytest.mark.parametrize("name", FILES)
def test_civilian_deaths_by_year_match_the_file(store: Engine, acled_dir: Path, name: str) -> None:
    path = acled_dir / name
    expected, bad = acled_civilian_deaths_by_year(path)
    summary = import_file(store, path)
    assert summary.format == "acled"
    assert summary.read == len(read_any(path))
    assert summary.rejected == bad
    assert summary.read == summary.accepted + summary.rejected
    assert as_year_map(stats.stats(store, "civilian-deaths", by="year", source="acled")) == expected


def test_xlsx_gives_the_same_as_its_csv(store: Engine, acled_dir: Path) -> None:
    import_file(store, acled_dir / "acled_all_africa_2016-01-01_to_2016-05-28.csv")
    by_csv = {(r["country"], r["value"]) for r in stats.stats(store, "civilian-deaths", by="country", source="acled")}
    months_csv = stats.stats(store, "reports", by="month", source="acled")
    with store.begin() as conn:
        conn.execute(reports.delete())
    xlsx = import_file(store, acled_dir / "acled_all_africa_2016-01-01_to_2016-05-28.xlsx")
    assert xlsx.new == 6831
    assert {(r["country"], r["value"]) for r in stats.stats(store, "civilian-deaths", by="country", source="acled")} == by_csv
    assert stats.stats(store, "reports", by="month", source="acled") == months_csv


def test_per_actor_rows_of_one_event_count_once_and_reimport_changes_nothing(store: Engine, acled_dir: Path) -> None:
    path = acled_dir / "acled_bangladesh_riots_protests_2022-12_to_2024-08.csv"
    rows = read_any(path)
    ids = {r["event_id_cnty"] for r in rows}
    first = import_file(store, path)
    assert first.new == len(ids)
    assert first.new + first.unchanged + first.duplicates == len(rows)
    with store.connect() as conn:
        n_reports = conn.execute(select(func.count()).select_from(reports)).scalar_one()
        n_dups = conn.execute(select(func.count()).select_from(report_duplicates)).scalar_one()
        actors = {(r.name) for r in conn.execute(select(report_parties.c.name))}
    assert n_reports == len(ids) and n_dups == first.duplicates
    assert {r["actor1"] for r in rows} <= actors  # every row's actor is a party of its event
    again = import_file(store, path)
    assert (again.new, again.updated, again.duplicates, again.unchanged) == (0, 0, 0, len(rows))

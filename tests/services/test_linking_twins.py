"""Twins (issue 21): reports of one export identical in every field linkage compares, flagged
as probable duplicates, never merged. Expected groups come from the raw GED file (csv module)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from sqlalchemy import Engine, select

from civwatch.services import importing, incidents, linking
from civwatch.store.db import make_engine
from civwatch.store.migrate import upgrade
from civwatch.store.schema import reports
from tests.cli.test_main import run

GED_UKRAINE = "ged_ukraine_statebased_2014_2022.csv"
# the GED columns the importer turns into the fields linkage compares (dates, precision,
# country, coordinates, admin names, place, violence type, the dyad behind the headline and
# the perpetrator, deaths, the source headlines that are the notes)
COLUMNS = ("date_start", "date_end", "date_prec", "country_id", "where_prec", "adm_1", "adm_2",
           "where_coordinates", "type_of_violence", "dyad_name", "side_a", "deaths_civilians", "best", "source_headline")


def _expected(shared_data: Path) -> set[frozenset[str]]:
    groups: dict[tuple, set[str]] = defaultdict(set)
    with open(shared_data / "ucdp_ged" / GED_UKRAINE, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = tuple(r[c].strip() for c in COLUMNS) + (float(r["latitude"]), float(r["longitude"]))
            groups[key].add(r["id"])
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def test_twins_are_listed_and_shown_with_their_incident_never_merged(store: Engine, shared_data: Path) -> None:
    expected = _expected(shared_data)
    assert len(expected) > 50
    importing.import_file(store, shared_data / "ucdp_ged" / GED_UKRAINE)
    linking.link(store, actor="test")
    groups = linking.twins(store)
    assert {frozenset(r["source_id"] for r in g) for g in groups} == expected
    assert all(len({r["incident_id"] for r in g}) == len(g) for g in groups)  # flagged, not merged
    assert linking.twins(store, source="acled") == []
    g = groups[0]
    page = incidents.get(store, g[0]["incident_id"])
    assert [[r["source_id"] for r in t["reports"]] for t in page["twins"]] == [[r["source_id"] for r in g]]
    shown = linking.show(store, g[1]["incident_id"])
    assert [[r["id"] for r in t] for t in shown["twins"]] == [[r["id"] for r in g]]
    # a report with no twin shows none
    twin_ids = {r["id"] for t in groups for r in t}
    with store.connect() as conn:
        lone = next(iid for rid, iid in conn.execute(select(reports.c.id, reports.c.incident_id).order_by(reports.c.id)) if rid not in twin_ids)
    assert incidents.get(store, lone)["twins"] == []


def test_cli_lists_twins(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "t.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    importing.import_file(engine, shared_data / "ucdp_ged" / GED_UKRAINE)
    engine.dispose()
    expected = _expected(shared_data)
    out = run("incidents", "twins", "--db", str(db), "--limit", "0")
    assert out.returncode == 0, out.stderr
    assert f"{len(expected)} groups of twins, {sum(len(g) for g in expected)} reports" in " ".join(out.stdout.split())
    some = sorted(next(iter(expected)))
    assert all(sid in out.stdout for sid in some)

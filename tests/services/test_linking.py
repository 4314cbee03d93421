"""Linking in a real store (SQLite file and PostgreSQL): real GED events and ACLED-layout copies.

Truth comes from the GED ids: each ACLED-layout copy was written from one GED row.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from civwatch.linkage.evaluation.countries import iso3
from civwatch.linkage.evaluation.layouts import acled_report, ged_report
from civwatch.linkage.evaluation.perturb import acled_row
from civwatch.services import audit_trail, linking
from civwatch.store.schema import audit_log, incidents, reports
from tests.linkage.store_rows import put_reports


def _ged_rows(shared_data: Path, first: int = 2000, count: int = 40) -> list[dict[str, str]]:
    """A slice of real GED Ukraine events (2016-2018, sparse enough to be told apart)."""
    with open(shared_data / "ucdp_ged" / "ged_ukraine_statebased_2014_2022.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["latitude"] and r["date_prec"] == "1" and r["where_prec"] in {"1", "2"}]
    return rows[first:first + count]


def _pairs(shared_data: Path) -> tuple[list[dict], list[dict]]:
    ged = _ged_rows(shared_data)
    rng = random.Random(7)
    ged_reports = [ged_report(r, iso3(r["country"])) for r in ged]
    acled_reports = [acled_report(acled_row(r, iso3(r["country"]), f"UKR{9000 + n}", rng)) for n, r in enumerate(ged)]
    return ged_reports, acled_reports


def _incident_of(store: Engine) -> dict[tuple[str, str], int]:
    with store.connect() as conn:
        return {(s, sid): iid for s, sid, iid in conn.execute(select(reports.c.source, reports.c.source_id, reports.c.incident_id))}


def test_link_puts_each_copy_with_its_original_and_counts_once(store: Engine, shared_data: Path) -> None:
    ged, acled = _pairs(shared_data)
    put_reports(store, ged + acled)
    summary = linking.link(store, actor="test")
    where = _incident_of(store)
    together = sum(where[("ucdp-ged", g["source_id"])] == where[("acled", a["source_id"])] for g, a in zip(ged, acled, strict=True))
    assert together >= 0.9 * len(ged)
    with store.connect() as conn:
        rows = conn.execute(select(incidents)).mappings().all()
        per_incident = conn.execute(select(reports.c.incident_id, reports.c.source)).all()
    # one report per source per incident, and the incident count is what the links imply
    seen = set()
    for iid, source in per_incident:
        assert (iid, source) not in seen
        seen.add((iid, source))
    assert len(rows) == len(ged) + len(acled) - together
    assert summary.incidents_after == len(rows)
    by_id = {r["id"]: r for r in rows}
    # headline: best = lower median of the sources' best, range = min..max (computed here from the raw rows)
    for g, a in zip(ged, acled, strict=True):
        iid = where[("ucdp-ged", g["source_id"])]
        if iid != where[("acled", a["source_id"])]:
            continue
        inc = by_id[iid]
        values = sorted([int(g["civilian_deaths_best"]), int(a["civilian_deaths_best"])])
        assert inc["civilian_deaths_best"] == values[0]
        assert (inc["civilian_deaths_low"], inc["civilian_deaths_high"]) == (values[0], values[1])
        assert inc["n_reports"] == 2 and inc["sources"] == "acled,ucdp-ged"
        assert inc["grade"] in {"fair", "contested"}
        if g["perpetrator_category"] != a["perpetrator_category"]:
            assert inc["grade"] == "contested" and inc["perpetrator_category"] == "unknown"
        else:
            assert inc["grade"] == "fair" and inc["perpetrator_category"] == g["perpetrator_category"]


def test_incremental_link_adds_new_reports_to_existing_incidents(store: Engine, shared_data: Path) -> None:
    ged, acled = _pairs(shared_data)
    put_reports(store, ged)
    first = linking.link(store, actor="test")
    assert first.new_reports == len(ged) and first.incidents_after == len(ged)
    before = _incident_of(store)
    with store.connect() as conn:
        grades = set(conn.execute(select(incidents.c.grade)).scalars())
    assert grades == {"weak"}  # a single source each
    put_reports(store, acled)
    second = linking.link(store, actor="test")
    assert second.new_reports == len(acled)
    after = _incident_of(store)
    # GED reports keep their incidents; the copies joined them
    assert all(after[k] == before[k] for k in before)
    joined = sum(after[("acled", a["source_id"])] == after[("ucdp-ged", g["source_id"])] for g, a in zip(ged, acled, strict=True))
    assert joined >= 0.9 * len(ged)
    third = linking.link(store, actor="test")
    assert third.new_reports == 0 and _incident_of(store) == after


def test_manual_merge_and_split_survive_every_relink(store: Engine, shared_data: Path) -> None:
    ged, acled = _pairs(shared_data)
    ids = put_reports(store, ged + acled)
    linking.link(store, actor="test")
    where = _incident_of(store)
    g0, a0 = ("ucdp-ged", ged[0]["source_id"]), ("acled", acled[0]["source_id"])
    assert where[g0] == where[a0]
    incident = where[g0]
    acled_report_id = ids[len(ged)]
    new_id = linking.split(store, incident, [acled_report_id], actor="analyst-a", reason="different attack")
    # two unrelated incidents (events far apart in the slice) merged by hand
    far_a, far_b = where[("ucdp-ged", ged[5]["source_id"])], where[("ucdp-ged", ged[30]["source_id"])]
    kept = linking.merge(store, far_a, far_b, actor="analyst-b", reason="same shelling, misdated")
    for full in (False, True):
        linking.link(store, actor="test", full=full)
        now = _incident_of(store)
        assert now[g0] != now[a0]
        assert now[("ucdp-ged", ged[5]["source_id"])] == now[("ucdp-ged", ged[30]["source_id"])]
    with store.connect() as conn:
        events = [r for r in conn.execute(select(audit_log.c.event, audit_log.c.actor, audit_log.c.after)).all()]
    assert ("incident_split", "analyst-a") in {(e, a) for e, a, _ in events}
    merged = [json.loads(after) for e, a, after in events if e == "incidents_merged"]
    assert merged and merged[0]["reason"] == "same shelling, misdated" and merged[0]["incident_id"] == kept
    checked, breaches = audit_trail.verify(store)
    assert breaches == [] and checked == len(events)
    assert new_id != incident
    stranger = next(rid for rid, row in zip(ids, ged, strict=False) if where[("ucdp-ged", row["source_id"])] != kept)
    with pytest.raises(ValueError, match="not in incident"):
        linking.split(store, kept, [stranger], actor="x", reason="r")
    with pytest.raises(ValueError, match="no incident"):
        linking.merge(store, kept, far_b, actor="x")  # far_b was merged away


def test_grade_override_needs_a_reason_is_audited_and_survives(store: Engine, shared_data: Path) -> None:
    ged, _ = _pairs(shared_data)
    put_reports(store, ged[:3])
    linking.link(store, actor="test")
    incident = _incident_of(store)[("ucdp-ged", ged[0]["source_id"])]
    with pytest.raises(ValueError, match="reason"):
        linking.set_grade(store, incident, "discounted", None, actor="analyst")
    value, reasons = linking.set_grade(store, incident, "discounted", "video shows a training exercise", actor="analyst")
    assert value == "discounted" and reasons == ["set by an analyst: video shows a training exercise"]
    linking.link(store, actor="test", full=True)
    shown = linking.show(store, incident)
    assert shown["incident"]["grade"] == "discounted"
    assert linking.set_responsibility(store, incident, True, "ministry statement", actor="analyst") == "discounted"
    value, _ = linking.set_grade(store, incident, "auto", "back to the evidence", actor="analyst")
    assert value == "confirmed"
    with store.connect() as conn:
        kinds = [e for e in conn.execute(select(audit_log.c.event)).scalars()]
    assert kinds.count("grade_overridden") == 2 and "incident_edited" in kinds


def test_export_links_one_row_per_report_and_no_formulas(store: Engine, shared_data: Path, tmp_path: Path) -> None:
    ged, acled = _pairs(shared_data)
    odd = dict(acled[0], source_id="=HYPERLINK(1)")
    put_reports(store, ged[:5] + [odd])
    linking.link(store, actor="test")
    out = tmp_path / "links.csv"
    n = linking.export_links(store, out)
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == 6
    assert set(rows[0]) == {"incident_id", "source", "source_id"}
    where = _incident_of(store)
    for row in rows:
        source_id = row["source_id"][1:] if row["source_id"].startswith("'") else row["source_id"]
        assert where[(row["source"], source_id)] == int(row["incident_id"])
    assert "'=HYPERLINK(1)" in {r["source_id"] for r in rows}
    with pytest.raises(ValueError, match="format"):
        linking.export_links(store, out, "xlsx")


def test_duplicates_inside_one_source_are_merged_only_where_configured(store: Engine, shared_data: Path) -> None:
    ged, _ = _pairs(shared_data)
    typed_twice = [dict(ged[3], source="manual", source_id="m-1"), dict(ged[3], source="manual", source_id="m-2")]
    published_twice = [dict(ged[3], source_id="g-1"), dict(ged[3], source_id="g-2")]
    put_reports(store, typed_twice + published_twice)
    linking.link(store, actor="test")
    where = _incident_of(store)
    assert where[("manual", "m-1")] == where[("manual", "m-2")]
    assert where[("ucdp-ged", "g-1")] != where[("ucdp-ged", "g-2")]
    # ... and a GED report joins the manual pair as the one report of its source there
    assert where[("ucdp-ged", "g-1")] == where[("manual", "m-1")] or where[("ucdp-ged", "g-2")] == where[("manual", "m-1")]
    linking.link(store, actor="test", full=True, config=linking.load_config(within_source=False))
    where = _incident_of(store)
    assert where[("manual", "m-1")] != where[("manual", "m-2")]


def test_link_after_real_imports_of_both_layouts(store: Engine, shared_data: Path, tmp_path: Path) -> None:
    """GED rows imported from a GED-layout file, their copies from an ACLED-layout file."""
    from civwatch.services.importing import import_file

    src = shared_data / "ucdp_ged" / "ged_ukraine_statebased_2014_2022.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames
        rows = [r for r in reader if r["latitude"] and r["date_prec"] == "1" and r["where_prec"] in {"1", "2"}][2000:2040]
    ged_file, acled_file = tmp_path / "ged.csv", tmp_path / "acled.csv"
    with open(ged_file, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    rng = random.Random(11)
    copies = [acled_row(r, "UKR", f"UKR{7000 + n}", rng) for n, r in enumerate(rows)]
    with open(acled_file, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(copies[0]))
        writer.writeheader()
        writer.writerows(copies)
    assert import_file(store, ged_file, actor="test").accepted == len(rows)
    assert import_file(store, acled_file, actor="test").accepted == len(rows)
    linking.link(store, actor="test")
    where = _incident_of(store)
    joined = sum(where[("ucdp-ged", r["id"])] == where[("acled", c["event_id_cnty"])] for r, c in zip(rows, copies, strict=True))
    assert joined >= 0.9 * len(rows)
    with store.connect() as conn:
        n_incidents = len(conn.execute(select(incidents.c.id)).all())
        best_sum = sum(v or 0 for v in conn.execute(select(incidents.c.civilian_deaths_best)).scalars())
    assert n_incidents == 2 * len(rows) - joined
    # counted once, by the headline rule, computed here from the raw rows: a linked pair counts
    # the lower median of the figures its sources give (ACLED gives one only for civilian targeting)
    expected = 0
    for r, c in zip(rows, copies, strict=True):
        ged_civ = int(r["deaths_civilians"])
        acled_civ = int(c["fatalities"]) if c["event_type"] == "Violence against civilians" else None
        if where[("ucdp-ged", r["id"])] == where[("acled", c["event_id_cnty"])]:
            values = sorted([ged_civ] + ([acled_civ] if acled_civ is not None else []))
            expected += values[(len(values) - 1) // 2]
        else:
            expected += ged_civ + (acled_civ or 0)
    assert best_sum == expected

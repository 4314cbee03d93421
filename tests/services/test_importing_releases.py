"""Releases in order (issue 21): an older export imported after a newer one, in a real store.

Expected counts are computed here from the raw files with the csv module: a shared id whose
row is the same after normalising formatting (case of booleans, midnight timestamps, 48.0 vs
48, surrounding spaces) is not a new release; the others are.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from civwatch.services import importing
from civwatch.store import raw_blocks
from civwatch.store.schema import report_versions, reports

NEWER = "ged_ukraine_statebased_2014_2022.csv"
OLDER = "ged_ukraine_statebased_2014_2021_api_style_variant.csv"


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def _same_value(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if a == b or a.lower() == b.lower() in ("true", "false"):
        return True
    if a.endswith("T00:00:00") or b.endswith("T00:00:00"):
        return a.removesuffix("T00:00:00") == b.removesuffix("T00:00:00")
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def _expected(shared_data: Path) -> dict[str, int]:
    new, old = _rows(shared_data / "ucdp_ged" / NEWER), _rows(shared_data / "ucdp_ged" / OLDER)
    shared = new.keys() & old.keys()
    identical = sum(new[k] == old[k] for k in shared)
    formatting = sum(new[k] != old[k] and all(_same_value(new[k][c], old[k][c]) for c in new[k]) for k in shared)
    return {"shared": len(shared), "identical": identical, "formatting": formatting,
            "content": len(shared) - identical - formatting, "only_old": len(old.keys() - new.keys())}


def _current(store: Engine, source_id: str) -> dict:
    with store.connect() as conn:
        row = dict(conn.execute(select(reports).where(reports.c.source_id == source_id)).mappings().one())
        return row | {"raw": raw_blocks.text(conn, row)}


def test_older_ged_export_after_newer_keeps_newer_current(store: Engine, shared_data: Path) -> None:
    exp = _expected(shared_data)
    assert exp["shared"] == 2998 and exp["formatting"] > 2000 and exp["content"] > 0  # the files as described
    first = importing.import_file(store, shared_data / "ucdp_ged" / NEWER, release="2023-06-23")
    second = importing.import_file(store, shared_data / "ucdp_ged" / OLDER, release="2023-02-03")
    assert first.new == 3077
    assert second.new == exp["only_old"]
    assert second.updated == 0
    assert second.older == exp["content"]
    assert second.reformatted == exp["formatting"]
    assert second.unchanged == exp["identical"] + exp["formatting"]
    assert second.accepted == second.new + second.updated + second.unchanged + second.duplicates + second.older
    # a record whose content differs: the newer values are current, the older kept as a prior release
    new, old = _rows(shared_data / "ucdp_ged" / NEWER), _rows(shared_data / "ucdp_ged" / OLDER)
    sid = next(k for k in sorted(new.keys() & old.keys()) if not all(_same_value(new[k][c], old[k][c]) for c in new[k]))
    current = _current(store, sid)
    assert json.loads(current["raw"]) == new[sid]
    assert current["version"] == 1
    with store.connect() as conn:
        prior = conn.execute(select(report_versions.c.version, report_versions.c.raw, report_versions.c.batch_id)
                             .where(report_versions.c.report_id == current["id"])).all()
    assert [(v, json.loads(raw)) for v, raw, _ in prior] == [(0, old[sid])]
    assert prior[0].batch_id == second.batch_id
    # importing the older export again changes nothing
    again = importing.import_file(store, shared_data / "ucdp_ged" / OLDER, release="2023-02-03")
    assert again.older == 0 and again.updated == 0 and again.new == 0
    assert again.unchanged == 3000


def test_without_a_release_signal_the_later_import_is_current_and_formatting_is_no_update(sqlite_url: str, shared_data: Path) -> None:
    from civwatch.services.store import open_store

    store = open_store(sqlite_url)
    exp = _expected(shared_data)
    importing.import_file(store, shared_data / "ucdp_ged" / NEWER)
    second = importing.import_file(store, shared_data / "ucdp_ged" / OLDER)
    assert second.updated == exp["content"]
    assert second.reformatted == exp["formatting"]
    assert second.older == 0
    store.dispose()


def _acled_slice(acled_dir: Path) -> tuple[list[str], list[list[str]]]:
    with open(acled_dir / "acled_ethiopia_1997-01-01_to_2020-01-24.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if r[header.index("event_date")].startswith("2019-0")][:300]
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("newer_first", [True, False])
def test_acled_timestamps_order_releases_whatever_the_import_order(store: Engine, acled_dir: Path, tmp_path: Path, newer_first: bool) -> None:
    header, rows = _acled_slice(acled_dir)
    ts, fat, lat = header.index("timestamp"), header.index("fatalities"), header.index("latitude")
    edited = [list(r) for r in rows]
    older_ids, newer_ids, reformatted_ids = set(), set(), set()
    for n, r in enumerate(edited):
        sid = r[header.index("event_id_cnty")]
        if n % 5 == 0:  # an earlier release of the event: other deaths, an earlier timestamp
            r[fat], r[ts] = str(int(r[fat]) + 1), str(int(r[ts]) - 86_400)
            older_ids.add(sid)
        elif n % 7 == 0:  # a later revision
            r[fat], r[ts] = str(int(r[fat]) + 2), str(int(r[ts]) + 86_400)
            newer_ids.add(sid)
        elif n % 3 == 0:  # the same release, written differently
            r[lat] = r[lat] + "0" if "." in r[lat] else r[lat] + ".0"
            reformatted_ids.add(sid)
    base = _write(tmp_path / "base.csv", header, rows)
    other = _write(tmp_path / "edited.csv", header, edited)
    first, second = (base, other) if newer_first else (other, base)
    importing.import_file(store, first)
    s = importing.import_file(store, second)
    # whichever file comes second: the release with the later timestamp is current
    if newer_first:  # base then edited: edited holds older (n%5) and newer (n%7) releases
        assert (s.older, s.updated) == (len(older_ids), len(newer_ids))
    else:  # edited then base: base is newer for n%5 rows, older for n%7 rows
        assert (s.older, s.updated) == (len(newer_ids), len(older_ids))
    assert s.reformatted == len(reformatted_ids)
    assert s.unchanged == len(rows) - len(older_ids) - len(newer_ids)
    by_id = {r[header.index("event_id_cnty")]: r for r in rows}
    by_id_edited = {r[header.index("event_id_cnty")]: r for r in edited}
    for sid in sorted(older_ids)[:5]:
        assert _current(store, sid)["total_deaths_best"] == int(by_id[sid][fat])
    for sid in sorted(newer_ids)[:5]:
        assert _current(store, sid)["total_deaths_best"] == int(by_id_edited[sid][fat])

"""Raw rows in blocks: a store of the layout before 0021 (a JSON text per report) upgrades in
place and then gives the same raw rows, byte for byte, and the same figure for every indicator."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, inspect, text

from civwatch.services import incidents, indicators
from civwatch.services.importing import import_file
from civwatch.store import migrate, raw_blocks

GED = "ucdp_ged"


def _raws(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return raw_blocks.texts(conn, [r[0] for r in conn.execute(text("SELECT id FROM reports"))])


def _figures(engine: Engine) -> dict[str, object]:
    indicators._cache.clear()  # noqa: SLF001 - computed afresh, not remembered from before
    indicators.refresh(engine)
    return {name: indicators.indicator(engine, name, by="year").as_dict() for name in indicators.names()}


def test_an_old_layout_store_upgrades_and_keeps_every_raw_row_and_figure(store: Engine, shared_data: Path, acled_dir: Path) -> None:
    import_file(store, shared_data / GED / "ged_v19_1_bangladesh_1989_2018.csv")
    import_file(store, shared_data / GED / "ged_v19_1_bangladesh_hdx_hxl_layout.csv")  # the same events again
    import_file(store, acled_dir / "acled_djibouti_1997-01-01_to_2020-01-24.csv", bulk=False)
    before_raw, before = _raws(store), _figures(store)
    with open(shared_data / GED / "ged_v19_1_bangladesh_1989_2018.csv", newline="", encoding="utf-8") as fh:
        ged_ids = {r["id"] for r in csv.DictReader(fh)}
    cfg = migrate.alembic_config(store.url.render_as_string(hide_password=False))
    with store.begin() as conn:  # back to the layout before 0021: a JSON text in every report
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0021_import_blocks-1")
    assert "raw_blocks" not in inspect(store).get_table_names()
    with store.connect() as conn:
        old = dict(conn.execute(text("SELECT id, raw FROM reports")).all())
        assert "raw_block_id" not in {c["name"] for c in inspect(conn).get_columns("reports")}
    assert old == before_raw and all(old.values())
    assert {json.loads(t)["id"] for t in old.values() if "dyad_name" in t} == ged_ids  # the file's own rows
    migrate.upgrade(store)
    with store.connect() as conn:
        inline = conn.execute(text("SELECT count(*) FROM reports WHERE raw <> '' OR raw_block_id IS NULL")).scalar_one()
        n_blocks = conn.execute(text("SELECT count(*) FROM raw_blocks")).scalar_one()
        some = conn.execute(text("SELECT min(incident_id), max(incident_id) FROM reports")).one()
    assert inline == 0 and n_blocks >= 2  # one batch's rows, one block (these batches are small)
    assert _raws(store) == before_raw
    assert _figures(store) == before
    for iid in some:  # the incident page shows each report's raw row as before
        shown = incidents.get(store, iid)
        assert all(r["raw"] == json.loads(before_raw[r["id"]]) for r in shown["reports"])

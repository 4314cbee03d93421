"""Import and read the screening tables users maintain: arms embargoes (documented CSV layout,
or the UK official footnotes by destination as the shipped start) and diversion reports.

One file is one batch in one transaction: read = accepted + rejected, each rejected row kept
with its reason; the same file twice is refused; an edited file under the same name replaces
the earlier one in the table in force (both batches stay in the import log).
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from civwatch.domain import screening_tables as dom
from civwatch.domain.events import ImportBatchDone
from civwatch.domain.records import Rejection
from civwatch.domain.screening import ScreeningError
from civwatch.domain.taxonomy import Role
from civwatch.services import scratch
from civwatch.services.auth import Principal
from civwatch.services.importing import already_imported, file_sha256
from civwatch.sources import screening_tables as src
from civwatch.store import audit
from civwatch.store import reports as report_store
from civwatch.store import screening_tables as store

DETECTED = {src.EMBARGO: "embargo table (civwatch layout)", src.DIVERSION: "diversion table (civwatch layout)",
            src.UK_FOOTNOTES: "UK official footnotes by destination (CAAT copy), read as embargo rows"}
TABLE_OF = {src.EMBARGO: "embargo", src.UK_FOOTNOTES: "embargo", src.DIVERSION: "diversion"}
IMPORT_ROLES = (Role.ASSESSOR, Role.ANALYST)
MAX_BYTES = 2_000_000
FILE_NAME = re.compile(r"^[\w.-]{1,100}\.csv$")


def import_table(engine: Engine, path: str | Path, actor: str = "cli") -> dict:
    path = Path(path)
    if not path.is_file():
        raise ScreeningError(f"no such file {path}")
    try:
        kind, records = src.read(path)
    except src.LayoutError as exc:
        raise ScreeningError(str(exc)) from None
    digest = file_sha256(path)
    if (prior := already_imported(engine, digest)) is not None:
        raise ScreeningError(f"{path.name} was already imported (batch {prior})")
    table = TABLE_OF[kind]
    with engine.begin() as conn:
        batch = report_store.start_batch(conn, kind, path.name, digest, DETECTED[kind], actor)
        read, accepted, rejections = 0, [], []
        for item in records:
            read += 1
            (rejections if isinstance(item, Rejection) else accepted).append(item)
        store.write(conn, table, batch, accepted)
        rejected = report_store.write_rejections(conn, batch, rejections)
        if read != len(accepted) + rejected:
            raise RuntimeError("import lost count of rows: read != accepted + rejected")
        report_store.finish_batch(conn, batch, "done", read=read, accepted=len(accepted), rejected=rejected,
                                  updated=0, unchanged=0)
        summary = {"batch_id": batch, "file": path.name, "table": table, "layout": kind, "read": read,
                   "accepted": len(accepted), "rejected": rejected}
        audit.append(conn, ImportBatchDone(actor=actor, entity_id=str(batch), after=summary))
    return summary


def import_bytes(engine: Engine, data: bytes, name: str, principal: Principal) -> dict:
    """An uploaded table (API, page): the role checked, the bytes kept in a private scratch
    folder under their file name (the name says which table they replace), then imported."""
    if not principal.has(*IMPORT_ROLES):
        raise PermissionError(f"importing a screening table needs the role {' or '.join(r.value for r in IMPORT_ROLES)}")
    if not FILE_NAME.match(name or ""):
        raise ScreeningError("the file name must end in .csv and hold only letters, digits, '.', '-' and '_' (at most 100)")
    if len(data) > MAX_BYTES:
        raise ScreeningError(f"a screening table is at most {MAX_BYTES:,} bytes")
    folder = scratch.folder(engine, "screening-table")
    try:
        path = folder / name
        path.write_bytes(data)
        return import_table(engine, path, actor=principal.username)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def shipped_start(shared: Path) -> Path:
    """The UK official footnotes by destination in shared data (PROVENANCE.md of arms_transfers/)."""
    return shared / "arms_transfers" / "caat_uk_footnotes_by_destination.csv"


def listing(engine: Engine, table: str, country: str | None = None, on: date | None = None) -> dict:
    """The table in force: its batches (with their counts) and rows, each embargo row with its
    status on `on` when given."""
    if table not in store.TABLES:
        raise ScreeningError(f"unknown table {table!r}: valid are {', '.join(store.TABLES)}")
    with engine.connect() as conn:
        batches = store.current_batches(conn, table)
        rows = store.rows(conn, table, [b["id"] for b in batches], country)
        rejections = {b["id"]: report_store.list_rejections(conn, b["id"], limit=200) for b in batches}
    if table == "embargo" and on is not None:
        for r in rows:
            r["status"] = dom.embargo_status(r, on)
    for b in batches:
        b["rejections"] = rejections[b["id"]]
    return {"table": table, "country": country, "on": on, "loaded": bool(batches), "batches": batches, "rows": rows}

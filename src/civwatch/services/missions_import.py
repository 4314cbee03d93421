"""Import the peacekeeping files: each file is one batch in one transaction, its kind told by
its header; every row read is accepted or rejected with its line and reason (the same import
batches and rejected-row tables as every other import).

The mission list comes first: the other files' rows are checked against its missions and their
lives. A re-import of a kind of file replaces what the last one stored.
"""

from __future__ import annotations

import csv
import logging
from calendar import monthrange
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from civwatch.domain.events import ImportBatchDone
from civwatch.domain.missions import MissionLife, SourceRow, mandate_periods
from civwatch.domain.records import Rejection
from civwatch.services.importing import file_sha256
from civwatch.sources import dppa, geopko, hks, mission_mandates, pko_crosswalk
from civwatch.sources.base import SourceError, open_table
from civwatch.store import audit
from civwatch.store import missions as store
from civwatch.store import reports as report_store

log = logging.getLogger(__name__)

KINDS = {  # format -> (store kind, what it is)
    dppa.FORMAT: ("missions", "UN DPPA/DPO mission list"),
    pko_crosswalk.FORMAT: ("countries", "mission-country crosswalk"),
    geopko.DEPLOYMENTS: ("deployments", "Geo-PKO deployments by location and year"),
    geopko.CONTRIBUTORS: ("contributors", "Geo-PKO troop contributors by location and year"),
    geopko.TROOP_TYPES: ("troop_types", "Geo-PKO troop types by location and year"),
    hks.FORMAT: ("hks", "Hultman-Kathman-Shannon 2013 country-month file"),
    mission_mandates.FORMAT: ("mandates", "mandate list (user-maintained CSV)"),
}
ORDER = list(KINDS)  # a folder is imported in this order: the mission list first


@dataclass
class PkoImportSummary:
    file: str
    format: str
    detected: str
    batch_id: int
    read: int = 0
    accepted: int = 0
    rejected: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def detect(header: list[str]) -> str | None:
    names = {h.strip().lower().lstrip("\ufeff") for h in header}
    if {"mission_acronym", "mission_isactive"} <= names:
        return dppa.FORMAT
    if {"mission_acronym", "iso3c"} <= names:
        return pko_crosswalk.FORMAT
    if {"pocmandate", "robustmandate", "gwnoloc"} <= names:
        return hks.FORMAT
    if set(mission_mandates.REQUIRED) <= names:
        return mission_mandates.FORMAT
    return geopko.detect(header)


def lives(engine: Engine) -> dict[str, MissionLife]:
    with engine.connect() as conn:
        return {m["acronym"]: MissionLife(m["acronym"], m["start_date"], m["end_date"]) for m in store.missions(conn)}


def _corrections() -> list[dict]:
    text = resources.files("civwatch").joinpath("data", "mission_corrections.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def import_path(engine: Engine, path: str | Path, actor: str = "cli") -> list[PkoImportSummary]:
    """A file, or every peacekeeping file of a folder (the mission list first)."""
    path = Path(path)
    if path.is_dir():
        files = ordered_files(path)
        if not files:
            raise ValueError(f"no peacekeeping file in {path}")
        return [import_file(engine, p, None, actor) for p in files]
    return [import_file(engine, path, None, actor)]


def ordered_files(folder: Path) -> list[Path]:
    """The peacekeeping files of a folder, the mission list first."""
    found: dict[str, list[Path]] = {}
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() not in (".csv", ".tab", ".tsv", ".xlsx") or not p.is_file():
            continue
        try:
            fmt = detect(open_table(p).header)
        except (SourceError, UnicodeDecodeError):
            continue
        if fmt:
            found.setdefault(fmt, []).append(p)
    return [p for fmt in ORDER for p in found.get(fmt, [])]


def import_file(engine: Engine, path: str | Path, fmt: str | None = None, actor: str = "cli") -> PkoImportSummary:
    path = Path(path)
    table = open_table(path)
    fmt = fmt or detect(table.header)
    if fmt is None:
        raise SourceError(f"{path.name} is not a peacekeeping file this importer knows (mission list, crosswalk, Geo-PKO, HKS, mandate list)")
    kind, what = KINDS[fmt]
    known = lives(engine) if fmt != dppa.FORMAT else {}
    if fmt != dppa.FORMAT and not known:
        raise ValueError("import the UN DPPA/DPO mission list first: the other files are checked against its missions")
    if fmt == dppa.FORMAT:
        items = dppa.records(table)
    elif fmt == pko_crosswalk.FORMAT:
        items = pko_crosswalk.records(table)
    elif fmt == hks.FORMAT:
        items = hks.records(table, known)
    elif fmt == mission_mandates.FORMAT:
        items = mission_mandates.records(table, known)
    else:
        items = geopko.records(table, fmt, known)
    digest = file_sha256(path)
    detected = f"{what} (header of {path.name})"
    with engine.begin() as conn:
        batch = report_store.start_batch(conn, fmt, path.name, digest, detected, actor)
        summary = PkoImportSummary(path.name, fmt, detected, batch)
        accepted: list[SourceRow] = []
        rejected: list[Rejection] = []
        for item in items:
            summary.read += 1
            if isinstance(item, Rejection):
                rejected.append(item)
                continue
            if fmt == pko_crosswalk.FORMAT and item.values["mission"] not in known:
                rejected.append(Rejection(item.line, f"unknown mission {item.values['mission'][:40]!r}: not in the UN DPPA/DPO mission list", item.raw))
                continue
            accepted.append(item)
        _store(conn, fmt, kind, batch, accepted)
        summary.rejected = report_store.write_rejections(conn, batch, rejected)
        summary.accepted = len(accepted)
        if summary.accepted + summary.rejected != summary.read:
            raise RuntimeError("import lost count of rows: read != accepted + rejected")
        report_store.finish_batch(conn, batch, "done", read=summary.read, accepted=summary.accepted, rejected=summary.rejected, updated=0, unchanged=0)
        audit.append(conn, ImportBatchDone(actor=actor, entity_id=str(batch), after=summary.as_dict()))
    log.info("imported %s as %s: %d read, %d accepted, %d rejected", path.name, fmt, summary.read, summary.accepted, summary.rejected)
    return summary


def _rows(batch: int, accepted: list[SourceRow], drop: tuple[str, ...] = ()) -> list[dict]:
    return [{**{k: v for k, v in r.values.items() if k not in drop}, "batch_id": batch, "line": r.line, "raw": r.raw} for r in accepted]


def _store(conn, fmt: str, kind: str, batch: int, accepted: list[SourceRow]) -> None:
    if fmt == mission_mandates.FORMAT:
        store.replace_mandates(conn, mission_mandates.FORMAT, [{**r, "source": mission_mandates.FORMAT} for r in _rows(batch, accepted)])
        return
    store.replace(conn, kind, _rows(batch, accepted, drop=("parts",)))
    if fmt == dppa.FORMAT:
        for c in _corrections():
            if c["field"] == "end_date":
                store.set_mission_end(conn, c["mission"], date.fromisoformat(c["value"]), c["source"])
    elif fmt == geopko.CONTRIBUTORS:
        ids = dict(store.contributor_ids(conn))
        rows = []
        for r in accepted:
            for part in r.values["parts"]:
                rows.append({"contributor_id": ids[r.line], "mission": r.values["mission"], "year": r.values["year"],
                             "country_name": part.country, "country_iso3": geopko.country_iso3(part.country),
                             "size": part.size, "size_text": part.size_text})
        store.add_contributions(conn, rows)
    elif fmt == hks.FORMAT:
        store.replace_mandates(conn, hks.FORMAT, _hks_mandates(conn, batch))


def _hks_mandates(conn, batch: int) -> list[dict]:
    """Mandate periods from the HKS flags: runs of consecutive flagged months per mission."""
    months = store.hks_mandate_months(conn)
    by: dict[tuple[str, str], dict[tuple[int, int], bool]] = {}
    for mission, kind, y, m, flag in months:
        cell = by.setdefault((mission, kind), {})
        cell[(y, m)] = cell.get((y, m), False) or flag  # a month is flagged when any episode row says so
    last = max(((y, m) for _, _, y, m, _ in months), default=None)
    rows = []
    for (mission, kind), cells in sorted(by.items()):
        for (y0, m0), (y1, m1) in mandate_periods([(y, m, f) for (y, m), f in cells.items()]):
            note = "flag set in every month of this run in HKS 2013"
            if last and (y1, m1) == last:
                note += f"; still set in the file's last month ({y1}-{m1:02d}), the file ends there"
            rows.append({"mission": mission, "kind": kind, "date_from": date(y0, m0, 1),
                         "date_to": date(y1, m1, monthrange(y1, m1)[1]), "resolution": None, "source": hks.FORMAT,
                         "note": note, "batch_id": batch, "line": None, "raw": None})
    return rows

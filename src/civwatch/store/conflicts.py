"""Writing UCDP/PRIO ACD conflict-years: idempotent on (source, conflict_id, year)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from civwatch.domain.records import ConflictYearRecord
from civwatch.store.reports import BulkWriter, Counts

COLS = (
    "source", "conflict_id", "year", "location", "country_iso3", "gwno_loc", "side_a", "side_b",
    "incompatibility", "intensity_level", "type_of_conflict", "region", "content_sha", "raw",
)


class ConflictStore:
    def __init__(self, conn: Connection, batch_id: int, source: str = "ucdp-acd") -> None:
        self.w = BulkWriter(conn)
        self.batch_id = batch_id
        self.source = source
        self.ts = self.w.ts(datetime.now(UTC))
        self.counts = Counts()

    def close(self) -> None:
        pass

    def write(self, records: list[ConflictYearRecord]) -> None:
        if not records:
            return
        existing = {
            (r[0], r[1]): (r[2], r[3])
            for r in self.w.query("SELECT conflict_id, year, id, content_sha FROM conflict_years WHERE source = ?", [self.source])
        }
        new, changed = [], []
        seen: set[tuple[str, int]] = set()
        for rec in records:
            key = (rec.conflict_id, rec.year)
            old = existing.get(key)
            values = (self.source, rec.conflict_id, rec.year, rec.location, rec.country_iso3, rec.gwno_loc, rec.side_a, rec.side_b,
                      rec.incompatibility, rec.intensity_level, rec.type_of_conflict, rec.region, rec.content_sha, rec.raw)
            if key in seen:
                self.counts.duplicates += 1
            elif old is None:
                new.append((*values, self.batch_id, 1, self.ts, self.ts))
            elif old[1] == rec.content_sha:
                self.counts.unchanged += 1
                self.counts.reports += 1
            else:
                changed.append((*values[3:], self.batch_id, self.ts, old[0]))
            seen.add(key)
        self.w.insert("conflict_years", (*COLS, "batch_id", "version", "created_at", "updated_at"), new)
        sets = ", ".join(f"{c} = ?" for c in COLS[3:])
        self.w.execute_many(f"UPDATE conflict_years SET {sets}, batch_id = ?, updated_at = ?, version = version + 1 WHERE id = ?", changed)  # noqa: S608
        self.counts.new += len(new)
        self.counts.updated += len(changed)
        self.counts.reports += len(new) + len(changed)

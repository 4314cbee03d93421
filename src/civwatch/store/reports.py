"""Writing imported reports: bulk, idempotent, inside the caller's one transaction per batch.

New reports get reserved ids and are written in bulk (executemany on SQLite, COPY on
PostgreSQL) together with their own incident (until linkage merges incidents), harm and party
rows. A report already stored under the same (source, source_id) is left alone when its
content_sha is the same; a release that differs only in formatting is left alone too
(counted as unchanged and as reformatted); a release older than the stored one by the source's
own signal (domain/releases.py) is kept in report_versions as a prior release (version 0: it
arrived after a newer one), the newer staying current; any other is an update, the previous
release kept in report_versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter

from sqlalchemy import Connection, func, select

from civwatch.domain.records import INCIDENT_FIELDS, REPORT_FIELDS, Rejection, ReportRecord
from civwatch.domain.releases import is_older, only_formatting, release_signal
from civwatch.store import cube_delta, linkage_status, raw_blocks
from civwatch.store.schema import (
    import_batches,
    import_releases,
    rejected_rows,
    reports,
)

LOOKUP_CHUNK = 500

HARM_COLS = ("report_id", "outcome", "sex", "age_group", "civilian", "low", "best", "high")
PARTY_COLS = ("report_id", "name", "category", "role", "source_code")
VICTIM_COLS = (
    "report_id", "batch_id", "line", "victim_key", "family_id", "name", "name_local", "personal_id",
    "age_years", "age_group", "sex", "pregnant", "outcome", "raw",
)
REPORT_COLS = ("id", "incident_id", "version", "batch_id", *REPORT_FIELDS, "created_at", "updated_at", "raw_block_id", "raw_row")
INCIDENT_COLS = (
    "id", *INCIDENT_FIELDS, "grade", "responsibility_accepted", "n_reports", "sources", "manual",
    "created_at", "updated_at",
)


def own_incident(source: str) -> dict[str, object]:
    """What a report's own incident holds besides the INCIDENT_FIELDS it mirrors from the report
    (until linkage merges incidents): the one definition the row path, the SQLite stage and the
    PostgreSQL COPY all write, in INCIDENT_COLS order."""
    return {"grade": "ungraded", "responsibility_accepted": False, "n_reports": 1, "sources": source, "manual": False}


assert tuple(own_incident("")) == INCIDENT_COLS[1 + len(INCIDENT_FIELDS) : -2]
_report_values = attrgetter(*REPORT_FIELDS)
_incident_values = attrgetter(*INCIDENT_FIELDS)
_I_POP = INCIDENT_FIELDS.index("populated_area")
_R_POP = REPORT_FIELDS.index("populated_area")
_R_RAW = REPORT_FIELDS.index("raw")


def _stored_values(rec: ReportRecord) -> list:
    """A record's report columns as stored: its raw row goes to a block, '' in reports.raw."""
    values = list(_report_values(rec))
    values[_R_RAW] = ""
    return values


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    older: int = 0  # releases older than the stored one (by the source's signal): kept as prior releases
    reformatted: int = 0  # of `unchanged`: differing from the stored release only in formatting
    reports: int = 0  # distinct reports written or confirmed (victim lists: one per incident)


class BulkWriter:
    """Bulk row writer for one connection: SQLite executemany or PostgreSQL COPY."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.raw = conn.connection.driver_connection

    def ts(self, at: datetime) -> object:
        # SQLAlchemy keeps SQLite DateTime as naive UTC text in this form
        return at if self.pg else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def flag(self, value: bool | None) -> object:
        if value is None or self.pg:
            return value
        return 1 if value else 0

    def insert(self, table: str, cols: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            return
        collist = ", ".join(cols)
        if self.pg:
            with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({collist}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        else:
            marks = ", ".join("?" * len(cols))
            self.raw.executemany(f"INSERT INTO {table} ({collist}) VALUES ({marks})", rows)  # noqa: S608 - names are ours

    def execute_many(self, sql_sqlite: str, rows: Sequence[Sequence[object]]) -> None:
        """Run a statement written with ? placeholders for every row (translated for psycopg)."""
        if not rows:
            return
        if self.pg:
            with self.raw.cursor() as cur:
                cur.executemany(sql_sqlite.replace("?", "%s"), rows)
        else:
            self.raw.executemany(sql_sqlite, rows)

    def query(self, sql_sqlite: str, params: Sequence[object]) -> list[tuple]:
        if self.pg:
            with self.raw.cursor() as cur:
                cur.execute(sql_sqlite.replace("?", "%s"), params)
                return cur.fetchall()
        return self.raw.execute(sql_sqlite, params).fetchall()

    def execute(self, sql_sqlite: str, params: Sequence[object] = ()) -> None:
        if self.pg:
            with self.raw.cursor() as cur:
                cur.execute(sql_sqlite.replace("?", "%s"), params)
        else:
            self.raw.execute(sql_sqlite, params)

    def reserve_ids(self, table: str, n: int, state: dict[str, int]) -> list[int]:
        """n fresh primary keys for `table`. SQLite: the batch holds the write lock, so the
        next ids follow MAX(id). PostgreSQL: drawn from the table's sequence."""
        if n == 0:
            return []
        if self.pg:
            rows = self.query(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, ?)",  # noqa: S608 - table names are ours
                [n],
            )
            return [r[0] for r in rows]
        if table not in state:
            state[table] = self.query(f"SELECT COALESCE(MAX(id), 0) FROM {table}", [])[0][0]  # noqa: S608
        start = state[table] + 1
        state[table] += n
        return list(range(start, start + n))


def start_batch(conn: Connection, source_format: str, file_name: str, file_sha256: str, detected: str, actor: str) -> int:
    result = conn.execute(
        import_batches.insert().values(
            source_format=source_format,
            file_name=file_name,
            file_sha256=file_sha256,
            detected=detected,
            started_at=datetime.now(UTC),
            status="running",
            imported_by=actor,
        )
    )
    return int(result.inserted_primary_key[0])


def finish_batch(conn: Connection, batch_id: int, status: str, **counts: int) -> None:
    conn.execute(
        import_batches.update()
        .where(import_batches.c.id == batch_id)
        .values(status=status, finished_at=datetime.now(UTC), **counts)
    )


def record_failed_batch(conn: Connection, source_format: str, file_name: str, file_sha256: str, detected: str, actor: str, error: str) -> int:
    """After a rolled-back import: a batch row saying it failed and why (nothing else kept)."""
    now = datetime.now(UTC)
    result = conn.execute(
        import_batches.insert().values(
            source_format=source_format, file_name=file_name, file_sha256=file_sha256,
            detected=(detected + f"; failed: {error}")[:2000], started_at=now, finished_at=now,
            status="failed", imported_by=actor,
        )
    )
    return int(result.inserted_primary_key[0])


def source_has_reports(conn: Connection, source: str) -> bool:
    return conn.execute(select(reports.c.id).where(reports.c.source == source).limit(1)).first() is not None


class SeenIds:
    """The source ids one batch has read so far, kept in a temporary table (rolled back with
    the batch) behind an in-memory Bloom filter, so memory stays flat at millions of rows and
    only ids the filter cannot rule out are looked up."""

    BITS = 1 << 25  # 4 MiB: about 1 % false positives at 2.5 million ids

    def __init__(self, w: BulkWriter) -> None:
        self.w = w
        self.bits = bytearray(self.BITS // 8)
        self.name = "import_seen_ids"
        if w.pg:
            w.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.name} (source_id TEXT PRIMARY KEY) ON COMMIT DROP")
        else:
            w.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.name} (source_id TEXT PRIMARY KEY)")
            w.execute(f"DELETE FROM {self.name}")  # noqa: S608 - our own table name

    def _positions(self, source_id: str) -> tuple[int, int, int]:
        h = hash(source_id) & 0xFFFFFFFFFFFFFFFF
        a, b = h & 0xFFFFFFFF, (h >> 32) | 1
        m = self.BITS
        return a % m, (a + b) % m, (a + 2 * b) % m

    def add(self, ids: Iterable[str]) -> None:
        bits = self.bits
        rows = []
        for sid in ids:
            for p in self._positions(sid):
                bits[p >> 3] |= 1 << (p & 7)
            rows.append((sid,))
        self.w.insert(self.name, ("source_id",), rows)

    def drop(self) -> None:
        if not self.w.pg:  # PostgreSQL drops it at commit
            self.w.execute(f"DROP TABLE IF EXISTS temp.{self.name}")

    def which(self, ids: set[str]) -> set[str]:
        """The ids among `ids` read earlier in this batch."""
        bits = self.bits
        maybe = [sid for sid in ids if all(bits[p >> 3] & (1 << (p & 7)) for p in self._positions(sid))]
        found: set[str] = set()
        for i in range(0, len(maybe), LOOKUP_CHUNK):
            part = maybe[i : i + LOOKUP_CHUNK]
            marks = ", ".join("?" * len(part))
            found |= {r[0] for r in self.w.query(f"SELECT source_id FROM {self.name} WHERE source_id IN ({marks})", part)}  # noqa: S608
        return found


class ReportStore:
    """Writes one batch's reports. Call `write` per chunk, inside the batch's transaction."""

    def __init__(self, conn: Connection, batch_id: int, source: str, release: str | None = None) -> None:
        self.w = BulkWriter(conn)
        self.batch_id = batch_id
        self.source = source
        self.release = release.strip() if release and release.strip() else None
        if self.release:
            conn.execute(import_releases.insert().values(batch_id=batch_id, label=self.release[:100]))
        self.now = datetime.now(UTC)
        self.ts = self.w.ts(self.now)
        self.ids: dict[str, int] = {}
        self.fresh_source = not source_has_reports(conn, source)
        self.seen = SeenIds(self.w)  # source ids already read in this batch (memory-bounded)
        self.counts = Counts()
        self.subtracted: set[int] = set()  # incidents taken out of the indicator cube (_update)

    # -- lookups

    def _existing(self, source_ids: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        for i in range(0, len(source_ids), LOOKUP_CHUNK):
            part = source_ids[i : i + LOOKUP_CHUNK]
            marks = ", ".join("?" * len(part))
            rows = self.w.query(
                f"SELECT source_id, id, content_sha, version, incident_id, batch_id FROM reports WHERE source = ? AND source_id IN ({marks})",  # noqa: S608
                [self.source, *part],
            )
            for r in rows:
                found[r[0]] = r[1:]
        return found

    # -- writing

    def write(self, records: list[ReportRecord]) -> None:
        """Write one chunk. Records repeating a source id seen earlier in this batch are the
        same event listed again: kept in report_duplicates, their parties added."""
        first: list[ReportRecord] = []
        again: list[ReportRecord] = []
        in_chunk: set[str] = set()
        ids = {r.source_id for r in records}
        earlier = self.seen.which(ids)
        existing: dict[str, tuple] = {} if self.fresh_source else self._existing(sorted(ids))
        # a report this batch wrote already (the bulk path writes without telling `seen`)
        earlier |= {sid for sid, old in existing.items() if old[4] == self.batch_id}
        for rec in records:
            if rec.source_id in in_chunk or rec.source_id in earlier:
                again.append(rec)
            else:
                in_chunk.add(rec.source_id)
                first.append(rec)
        self.seen.add(in_chunk)
        new = [r for r in first if r.source_id not in existing]
        changed = []
        for r in first:
            old = existing.get(r.source_id)
            if old is None:
                continue
            if old[1] == r.content_sha:
                self.counts.unchanged += r.rows_in
                self.counts.reports += 1
            else:
                changed.append((r, old))
        changed, older = self._releases(changed)
        self._insert_new(new)
        self._prior(older)
        self._update(changed)
        self.counts.new += sum(r.rows_in for r in new)
        self.counts.reports += len(new)
        if again:
            self._duplicates(again)

    def close(self) -> None:
        self.seen.drop()

    def _insert_new(self, new: list[ReportRecord]) -> None:
        if not new:
            return
        w, ts, src = self.w, self.ts, self.source
        inc_ids = w.reserve_ids("incidents", len(new), self.ids)
        rep_ids = w.reserve_ids("reports", len(new), self.ids)
        # Python bools go to SQLite as 1/0 and to COPY as t/f: no conversion needed
        batch = self.batch_id
        own = tuple(own_incident(src).values())
        incidents_rows = [(iid, *_incident_values(rec), *own, ts, ts) for rec, iid in zip(new, inc_ids, strict=True)]
        at = raw_blocks.write(w, batch, [rec.raw for rec in new], self.ids)  # the raw rows, in blocks
        report_rows = [(rid, iid, 1, batch, *_stored_values(rec), ts, ts, *where)
                       for rec, iid, rid, where in zip(new, inc_ids, rep_ids, at, strict=True)]
        harm_rows = []
        party_rows = []
        victim_rows = []
        for rec, rid in zip(new, rep_ids, strict=True):
            if rec.harm:
                harm_rows += [(rid, h.outcome, h.sex, h.age_group, h.civilian, h.low, h.best, h.high) for h in rec.harm]
            if rec.parties:
                party_rows += [(rid, p.name, p.category, p.role, p.source_code) for p in rec.parties]
            if rec.victims:
                victim_rows += [self._victim_row(rid, v) for v in rec.victims]
        w.insert("incidents", INCIDENT_COLS, incidents_rows)
        w.insert("reports", REPORT_COLS, report_rows)
        w.insert("harm", HARM_COLS, harm_rows)
        w.insert("report_parties", PARTY_COLS, party_rows)
        w.insert("victims", VICTIM_COLS, victim_rows)

    def _victim_row(self, rid: int, v: dict) -> tuple:
        return (
            rid, self.batch_id, v["line"], v.get("victim_key"), v.get("family_id"), v.get("name"),
            v.get("name_local"), v.get("personal_id"), v.get("age_years"), v.get("age_group", "unknown"),
            v.get("sex", "unknown"), self.w.flag(v.get("pregnant")), v["outcome"], v["raw"],
        )

    def _stored(self, report_ids: list[int]) -> dict[int, tuple[str, str | None, set[str]]]:
        """Per stored report: its raw row, the release label of the batch that wrote it, and
        the content hashes of its prior releases."""
        out: dict[int, tuple[str, str | None, set[str]]] = {}
        for i in range(0, len(report_ids), LOOKUP_CHUNK):
            part = report_ids[i : i + LOOKUP_CHUNK]
            marks = ", ".join("?" * len(part))
            raws = raw_blocks.texts(self.w.conn, part)
            for rid, label in self.w.query(
                f"SELECT r.id, x.label FROM reports r LEFT JOIN import_releases x ON x.batch_id = r.batch_id WHERE r.id IN ({marks})",  # noqa: S608
                part,
            ):
                out[rid] = (raws[rid], label, set())
            for rid, sha in self.w.query(f"SELECT report_id, content_sha FROM report_versions WHERE report_id IN ({marks})", part):  # noqa: S608
                out[rid][2].add(sha)
        return out

    def _releases(self, changed: list[tuple[ReportRecord, tuple]]) -> tuple[list, list]:
        """Split records whose content hash differs from the stored one: formatting only
        (unchanged), an older release by the source's signal (a prior release), or an update."""
        if not changed:
            return [], []
        stored = self._stored([old[0] for _, old in changed])
        updates, older = [], []
        for rec, old in changed:
            raw, label, prior = stored[old[0]]
            if only_formatting(rec.raw, raw):
                self.counts.unchanged += rec.rows_in
                self.counts.reformatted += rec.rows_in
                self.counts.reports += 1
            elif is_older(release_signal(rec.raw, self.release), release_signal(raw, label)):
                if rec.content_sha in prior:  # this prior release is stored already
                    self.counts.unchanged += rec.rows_in
                    self.counts.reports += 1
                else:
                    prior.add(rec.content_sha)
                    older.append((rec, old))
            else:
                updates.append((rec, old))
        return updates, older

    def _prior(self, older: list[tuple[ReportRecord, tuple]]) -> None:
        """Keep releases older than the current one as prior releases (version 0)."""
        rows = [(old[0], 0, self.batch_id, rec.content_sha, rec.raw, self.ts) for rec, old in older]
        self.w.insert("report_versions", ("report_id", "version", "batch_id", "content_sha", "raw", "replaced_at"), rows)
        self.counts.older += sum(rec.rows_in for rec, _ in older)
        self.counts.reports += len(older)

    def _update(self, changed: list[tuple[ReportRecord, tuple]]) -> None:
        if not changed:
            return
        w, ts = self.w, self.ts
        ids = [(old[0],) for _, old in changed]
        # the cube loses these incidents' current contribution; the batch's end adds the new one
        touched = {old[3] for _, old in changed} - self.subtracted
        cube_delta.subtract_stored(w.conn, touched)
        self.subtracted |= touched
        was = sum(linkage_status.pending(w.conn, reports.c.id.in_([i[0] for i in ids[k:k + LOOKUP_CHUNK]]))
                  for k in range(0, len(ids), LOOKUP_CHUNK))  # bound-parameter limits
        linkage_status.adjust(w.conn, 0, -was)
        before = raw_blocks.texts(w.conn, [i[0] for i in ids])  # the release replaced, kept whole
        w.execute_many(
            "INSERT INTO report_versions (report_id, version, batch_id, content_sha, raw, replaced_at) "
            "SELECT id, version, batch_id, content_sha, ?, ? FROM reports WHERE id = ?",
            [(before[i[0]], ts, i[0]) for i in ids],
        )
        sets = ", ".join(f"{c} = ?" for c in REPORT_FIELDS)
        at = raw_blocks.write(w, self.batch_id, [rec.raw for rec, _ in changed], self.ids)
        rows = []
        for (rec, old), where in zip(changed, at, strict=True):
            rv = list(_stored_values(rec))
            rv[_R_POP] = w.flag(rv[_R_POP])
            rows.append((*rv, self.batch_id, ts, *where, old[0]))
        w.execute_many(
            f"UPDATE reports SET {sets}, version = version + 1, batch_id = ?, updated_at = ?, "  # noqa: S608
            "raw_block_id = ?, raw_row = ? WHERE id = ?", rows,
        )
        w.execute_many("DELETE FROM harm WHERE report_id = ?", ids)
        w.execute_many("DELETE FROM report_parties WHERE report_id = ?", ids)
        w.execute_many("DELETE FROM victims WHERE report_id = ?", ids)
        harm_rows, party_rows, victim_rows = [], [], []
        for rec, old in changed:
            rid = old[0]
            harm_rows += [(rid, h.outcome, h.sex, h.age_group, w.flag(h.civilian), h.low, h.best, h.high) for h in rec.harm]
            party_rows += [(rid, p.name, p.category, p.role, p.source_code) for p in rec.parties]
            victim_rows += [self._victim_row(rid, v) for v in rec.victims]
        w.insert("harm", HARM_COLS, harm_rows)
        w.insert("report_parties", PARTY_COLS, party_rows)
        w.insert("victims", VICTIM_COLS, victim_rows)
        # the incident mirrors its report while the report is its only one (linkage owns the rest)
        isets = ", ".join(f"{c} = ?" for c in INCIDENT_FIELDS)
        inc_rows = []
        for rec, old in changed:
            iv = list(_incident_values(rec))
            iv[_I_POP] = w.flag(iv[_I_POP])
            inc_rows.append((*iv, ts, old[3]))
        w.execute_many(f"UPDATE incidents SET {isets}, updated_at = ? WHERE id = ? AND n_reports = 1", inc_rows)  # noqa: S608
        self.counts.updated += sum(r.rows_in for r, _ in changed)
        self.counts.reports += len(changed)

    def _duplicates(self, again: list[ReportRecord]) -> None:
        """Rows repeating an event already written by this batch (ACLED's per-actor rows)."""
        ids = self._existing(sorted({r.source_id for r in again}))
        seen_shas: dict[int, set[str]] = {}
        known_parties: dict[int, set[tuple]] = {}
        for rid, *_ in ids.values():
            seen_shas[rid] = {r[0] for r in self.w.query("SELECT content_sha FROM report_duplicates WHERE report_id = ?", [rid])}
            seen_shas[rid] |= {r[0] for r in self.w.query("SELECT content_sha FROM reports WHERE id = ?", [rid])}
            known_parties[rid] = {tuple(r) for r in self.w.query("SELECT name, role FROM report_parties WHERE report_id = ?", [rid])}
        dup_rows, party_rows = [], []
        for rec in again:
            rid = ids[rec.source_id][0]
            if rec.content_sha in seen_shas[rid]:
                self.counts.unchanged += rec.rows_in
                continue
            seen_shas[rid].add(rec.content_sha)
            dup_rows.append((rid, self.batch_id, rec.line, rec.content_sha, rec.raw))
            for p in rec.parties:
                if (p.name, p.role) not in known_parties[rid]:
                    known_parties[rid].add((p.name, p.role))
                    party_rows.append((rid, p.name, p.category, p.role, p.source_code))
            self.counts.duplicates += rec.rows_in
        self.w.insert("report_duplicates", ("report_id", "batch_id", "line", "content_sha", "raw"), dup_rows)
        self.w.insert("report_parties", PARTY_COLS, party_rows)


def write_rejections(conn: Connection, batch_id: int, rejections: Iterable[Rejection]) -> int:
    rows = [(batch_id, r.line, r.reason, r.raw) for r in rejections]
    BulkWriter(conn).insert("rejected_rows", ("batch_id", "line", "reason", "raw"), rows)
    return len(rows)


def list_rejections(conn: Connection, batch_id: int, limit: int | None = None) -> list[dict]:
    q = select(rejected_rows.c.line, rejected_rows.c.reason, rejected_rows.c.raw).where(rejected_rows.c.batch_id == batch_id).order_by(rejected_rows.c.line)
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def get_batch(conn: Connection, batch_id: int) -> dict | None:
    row = conn.execute(select(import_batches).where(import_batches.c.id == batch_id)).mappings().first()
    return dict(row) if row else None


def list_batches(conn: Connection, limit: int = 50) -> list[dict]:
    q = select(import_batches).order_by(import_batches.c.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def count_reports(conn: Connection, source: str | None = None) -> int:
    q = select(func.count()).select_from(reports)
    if source:
        q = q.where(reports.c.source == source)
    return int(conn.execute(q).scalar_one())


def batch_for_file(conn: Connection, sha256: str) -> int | None:
    row = conn.execute(
        select(import_batches.c.id).where(import_batches.c.file_sha256 == sha256, import_batches.c.status == "done").order_by(import_batches.c.id.desc()).limit(1)
    ).first()
    return int(row[0]) if row else None

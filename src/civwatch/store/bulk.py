"""Writing a batch's reports in bulk, from columns: staged then loaded set-wise (SQLite), or
COPYed a batch at a time (PostgreSQL).

The bulk import path maps rows in column batches. Each batch is staged as it comes (reports,
parties and harm keyed by `_seq`, the report's place in the batch, and the rows the columns
could not certify, with their cells). Then, inside the batch's one transaction, `load` writes
every staged report that is new to the store and appears once in the file with set-based
INSERT ... SELECT statements (each with its own incident, until linkage merges incidents, as on
the row path), and hands the other rows back, in file order, for the row adapter.

SQLite: the stage is a scratch database written by ADBC's C driver (no journal: it is thrown
away), attached to the store's connection only once it is complete: the ADBC driver carries
its own SQLite, whose locks the store's SQLite does not see, so the two never share the file
at the same time. Binding values from Python costs about 0.2 us each, which at 40-odd columns
a report was most of an import's time. PostgreSQL does without the stage (`Direct`): each column
batch's new reports are COPYed straight in, within the batch's transaction.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from datetime import datetime

import polars as pl
from sqlalchemy import Connection

from civwatch.domain.records import INCIDENT_FIELDS, LINE_KEY, REPORT_FIELDS
from civwatch.settings import scratch_folder
from civwatch.store import raw_blocks
from civwatch.store.reports import (
    HARM_COLS,
    INCIDENT_COLS,
    PARTY_COLS,
    REPORT_COLS,
    BulkWriter,
    own_incident,
)

SEQ = "_seq"
INDEX_AFTER_ROWS = 20_000  # a load this big into a store no bigger builds its indexes after the rows
LOADED = ("incidents", "reports", "report_parties", "harm", "raw_blocks")
BLOCK, ROW = "_block", "_row"  # a staged report's raw row: its block in the stage, its row there
STAGE = "import_stage"
# the row path's column lists; the staged party and harm rows are keyed by SEQ, not report_id
PARTY_FIELDS = PARTY_COLS[1:]
HARM_FIELDS = HARM_COLS[1:]


class Stage:
    """One bulk batch's staged rows, on SQLite. Use: `add` every column batch, `open` (before
    the batch's transaction begins), `load` inside it, `close` in any case."""

    def __init__(self, conn: Connection) -> None:
        if conn.dialect.name != "sqlite":
            raise ValueError("the stage is for SQLite stores; PostgreSQL takes Direct")
        self.conn = conn
        self.seq = 0
        self.blocks = 0
        self.created: set[str] = set()
        # beside the store's file (the stage is about as big as what it will write)
        self.folder = str(scratch_folder(conn.engine.url.render_as_string(hide_password=False), "import"))
        self.path = os.path.join(self.folder, "stage.sqlite")
        self._adbc = None
        self.attached = False

    # -- filling

    def add(self, reports: pl.DataFrame, parties: pl.DataFrame, harm: pl.DataFrame,
            irregular: list[tuple[int, list[str]]], irregular_ids: set[str]) -> None:
        seq = pl.int_range(self.seq + 1, self.seq + 1 + reports.height, dtype=pl.Int64, eager=True)
        reports, blocks = self._blocks(reports.with_columns(seq.alias(SEQ)))
        self._append("blocks", blocks)
        self.seq += reports.height
        keys = reports.select(LINE_KEY, SEQ)
        parties = parties.join(keys, on=LINE_KEY, how="inner", maintain_order="left").select(SEQ, *PARTY_FIELDS)
        harm = harm.join(keys, on=LINE_KEY, how="inner", maintain_order="left").select(SEQ, *HARM_FIELDS)
        odd = pl.DataFrame(
            {LINE_KEY: [r[0] for r in irregular], "cells": [json.dumps(r[1], ensure_ascii=False) for r in irregular]},
            schema={LINE_KEY: pl.Int64, "cells": pl.String},
        )
        odd_ids = pl.DataFrame({"source_id": sorted(irregular_ids)}, schema={"source_id": pl.String})
        for name, frame in (("reports", reports), ("parties", parties), ("harm", harm), ("irregular", odd), ("irregular_ids", odd_ids)):
            self._append(name, frame)

    def _blocks(self, reports: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The batch's raw rows cut into blocks (numbered across the stage from 1): the reports
        without their raw text but with their block and row, and the blocks."""
        rows = []
        texts = reports["raw"].to_arrow()
        for start, n, sha, data in raw_blocks.blocks(texts):
            self.blocks += 1
            rows.append((self.blocks, start, n, sha, data))
        blocks = pl.DataFrame(rows, schema={BLOCK: pl.Int64, "start": pl.Int64, "n_rows": pl.Int64,
                                            "sha256": pl.String, "data": pl.Binary}, orient="row")
        at = pl.int_range(0, reports.height, dtype=pl.Int64, eager=True)
        first = self.blocks - len(rows) + 1
        reports = reports.drop("raw").with_columns(
            (at // raw_blocks.BLOCK_ROWS + first).alias(BLOCK), (at % raw_blocks.BLOCK_ROWS).alias(ROW),
        )
        return reports, blocks.drop("start")

    def _append(self, name: str, frame: pl.DataFrame) -> None:
        bools = [c for c, t in frame.schema.items() if t == pl.Boolean]
        if self._adbc is None:
            import adbc_driver_sqlite.dbapi as adbc  # imported lazily: only bulk imports pay for it

            self._adbc = adbc.connect(self.path, autocommit=True)
            cur = self._adbc.cursor()
            cur.execute("PRAGMA journal_mode = OFF")
            cur.execute("PRAGMA synchronous = OFF")
            cur.close()
        frame = frame.with_columns([pl.col(b).cast(pl.Int8) for b in bools])
        cur = self._adbc.cursor()
        cur.adbc_ingest(name, frame.to_arrow(), mode="append" if name in self.created else "create")
        cur.close()
        self.created.add(name)

    # -- loading

    def open(self) -> None:
        """Attach the finished stage (ATTACH must come before a transaction begins)."""
        if self._adbc is not None:
            cur = self._adbc.cursor()
            cur.execute(f"CREATE INDEX {SEQ}_parties ON parties ({SEQ})")
            cur.execute(f"CREATE INDEX {SEQ}_harm ON harm ({SEQ})")
            cur.close()
            self._adbc.close()
            self._adbc = None
        self.conn.exec_driver_sql(f"ATTACH DATABASE ? AS {STAGE}", (self.path,))
        # the set-wise copy reads the stage once, in order: a 64 MiB cache (not the store's
        # 200 MiB) keeps the batch's peak memory under 500 MB at millions of rows
        self.cache = self.conn.exec_driver_sql("PRAGMA main.cache_size").scalar()
        self.conn.exec_driver_sql("PRAGMA main.cache_size = -65536")
        self.conn.commit()
        self.attached = True

    @staticmethod
    def table(name: str) -> str:
        return f"{STAGE}.{name}"

    def load(self, batch_id: int, source: str, now: datetime, ids: dict[str, int], columns: list[str],
             first_write: bool) -> tuple[int, int, Iterator[tuple[int, list[str]]]]:
        """Write the staged reports new to the store and once in the file; returns how many, how
        many were stored already with the same content (unchanged: nothing to write, decided
        set-wise), and the other rows (line, cells) in file order for the row adapter. `ids` is
        the row path's id state, so both paths draw from one sequence; `columns` names the
        cells, in order."""
        if not self.created:
            return 0, 0, iter(())
        w = BulkWriter(self.conn)
        t = self.table
        # the rows not written set-wise: kept = 1 when stored already with the same content
        # (unchanged, as the row path finds), 0 when the row adapter decides
        w.execute("CREATE TEMPORARY TABLE import_slow (seq BIGINT PRIMARY KEY, kept INTEGER NOT NULL)")
        w.execute(
            f"INSERT INTO import_slow (seq, kept) SELECT s.{SEQ}, 0 FROM {t('reports')} s "  # noqa: S608 - our own names
            f"WHERE s.source_id IN (SELECT source_id FROM {t('reports')} GROUP BY source_id HAVING count(*) > 1) "
            f"OR s.source_id IN (SELECT source_id FROM {t('irregular_ids')})",
        )
        if not first_write:
            w.execute(
                f"INSERT OR IGNORE INTO import_slow (seq, kept) SELECT s.{SEQ}, r.content_sha = s.content_sha "  # noqa: S608
                f"FROM {t('reports')} s JOIN reports r ON r.source = ? AND r.source_id = s.source_id",
                [source],
            )
        new = w.query(f"SELECT count(*) FROM {t('reports')} WHERE {SEQ} NOT IN (SELECT seq FROM import_slow)", [])[0][0]  # noqa: S608
        unchanged = w.query("SELECT count(*) FROM import_slow WHERE kept = 1", [])[0][0]
        base_r = w.reserve_ids("reports", 1, ids)[0] - 1
        base_i = w.reserve_ids("incidents", 1, ids)[0] - 1
        base_b = w.reserve_ids("raw_blocks", 1, ids)[0] - 1
        ids["reports"] = base_r + self.seq  # the batch holds the write lock: the range is ours
        ids["incidents"] = base_i + self.seq
        ids["raw_blocks"] = base_b + self.blocks
        ts = w.ts(now)
        fresh = f"{SEQ} NOT IN (SELECT seq FROM import_slow)"  # noqa: S608 - our own names
        own = own_incident(source)
        w.execute(
            f"INSERT INTO incidents ({', '.join(INCIDENT_COLS)}) "  # noqa: S608
            f"SELECT {SEQ} + ?, {', '.join(INCIDENT_FIELDS)}, {', '.join('?' * len(own))}, ?, ? FROM {t('reports')} WHERE {fresh}",
            [base_i, *(w.flag(v) if isinstance(v, bool) else v for v in own.values()), ts, ts],
        )
        later = self._indexes_later(w, int(new))
        # the blocks that hold a new report's raw row (the others' rows are stored already)
        w.execute(
            f"INSERT INTO raw_blocks (id, batch_id, n_rows, sha256, data) SELECT {BLOCK} + ?, ?, n_rows, sha256, data "  # noqa: S608
            f"FROM {t('blocks')} WHERE {BLOCK} IN (SELECT DISTINCT {BLOCK} FROM {t('reports')} WHERE {fresh})",
            [base_b, batch_id],
        )
        fields = ", ".join("''" if f == "raw" else f for f in REPORT_FIELDS)
        w.execute(
            f"INSERT INTO reports ({', '.join(REPORT_COLS)}) "  # noqa: S608
            f"SELECT {SEQ} + ?, {SEQ} + ?, 1, ?, {fields}, ?, ?, {BLOCK} + ?, {ROW} FROM {t('reports')} WHERE {fresh}",
            [base_r, base_i, batch_id, ts, ts, base_b],
        )
        for table, name, cols in (("report_parties", "parties", PARTY_FIELDS), ("harm", "harm", HARM_FIELDS)):
            c = ", ".join(cols)
            w.execute(
                f"INSERT INTO {table} (report_id, {c}) SELECT {SEQ} + ?, {c} FROM {t(name)} WHERE {fresh}",  # noqa: S608
                [base_r],
            )
        for sql in later:  # built once over the rows, not grown row by row
            w.execute(sql)
        return int(new), int(unchanged), self._slow_rows(w, columns)

    @staticmethod
    def _indexes_later(w: BulkWriter, new: int) -> list[str]:
        """On a load as big as what the store holds (a first load, a large batch), drop the
        secondary indexes of the tables the load writes and return their CREATE statements, to
        run after the rows. In the batch's transaction: a failure or a kill keeps them as they
        were. Unique constraints (and the primary keys) stay: they are the checks."""
        if new < INDEX_AFTER_ROWS:
            return []
        held = w.query("SELECT count(*) FROM reports", [])[0][0]
        if held > new:
            return []
        found = w.query(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND tbl_name IN ({', '.join('?' * len(LOADED))}) ORDER BY name", list(LOADED),
        )
        for name, _ in found:
            w.execute(f'DROP INDEX main."{name}"')
        return [sql for _, sql in found]

    def _slow_rows(self, w: BulkWriter, columns: list[str]) -> Iterator[tuple[int, list[str]]]:
        """The rows for the row adapter: the uncertified ones and the certified ones the bulk
        write left (ids stored already or repeated), their cells from their raw JSON."""
        t = self.table
        sql = (
            f"SELECT {LINE_KEY}, NULL, {BLOCK}, {ROW} FROM {t('reports')} WHERE {SEQ} IN (SELECT seq FROM import_slow WHERE kept = 0) "  # noqa: S608
            f"UNION ALL SELECT {LINE_KEY}, cells, NULL, NULL FROM {t('irregular')} ORDER BY 1"
        )
        cur = w.raw.cursor()  # sqlite3 steps through the result as it is iterated: not all in memory
        block, column = None, None
        try:
            cur.execute(sql)
            for line, cells, b, row in cur:
                if b is None:
                    yield line, json.loads(cells)
                    continue
                if b != block:  # rows come in file order, so blocks in order: one decoded at a time
                    data = w.query(f"SELECT data FROM {t('blocks')} WHERE {BLOCK} = ?", [b])[0][0]  # noqa: S608
                    block, column = b, raw_blocks.decode(data)
                value = json.loads(column[row].as_py())
                # a raw JSON object leaves out an empty unnamed column: "" there
                yield line, [value.get(c, "") for c in columns]
        finally:
            try:
                cur.close()
            except Exception:  # noqa: BLE001 - the connection went first (the batch failed)
                pass

    def close(self) -> None:
        try:
            if self._adbc is not None:
                self._adbc.close()
            if self.attached:
                self.conn.rollback()
                self.conn.exec_driver_sql("DROP TABLE IF EXISTS temp.import_slow")
                self.conn.exec_driver_sql(f"DETACH DATABASE {STAGE}")
                self.conn.exec_driver_sql(f"PRAGMA main.cache_size = {int(self.cache)}")
                self.conn.commit()
        finally:
            for name in os.listdir(self.folder):
                os.remove(os.path.join(self.folder, name))
            os.rmdir(self.folder)


class Direct:
    """PostgreSQL: new reports COPYed straight into the store, a column batch at a time, inside
    the batch's transaction (PostgreSQL sees its own locks, so no stage is needed)."""

    def __init__(self, conn: Connection, batch_id: int, source: str, now: datetime, ids: dict[str, int]) -> None:
        self.w = BulkWriter(conn)
        self.batch_id = batch_id
        self.source = source
        self.ts = now
        self.ids = ids

    def existing(self, source_ids: list[str]) -> pl.DataFrame:
        """The ids among `source_ids` the store holds already for this source, with their
        content hash (source_id, content_sha)."""
        rows = self.w.query("SELECT source_id, content_sha FROM reports WHERE source = ? AND source_id = ANY(?)", [self.source, source_ids])
        return pl.DataFrame(rows, schema={"source_id": pl.String, "stored_sha": pl.String}, orient="row")

    def write(self, reports: pl.DataFrame, parties: pl.DataFrame, harm: pl.DataFrame) -> None:
        n = reports.height
        if n == 0:
            return
        at = raw_blocks.write(self.w, self.batch_id, reports["raw"].to_arrow(), self.ids)
        reports = reports.with_columns(
            raw=pl.lit(""),
            raw_block_id=pl.Series([b for b, _ in at], dtype=pl.Int64),
            raw_row=pl.Series([r for _, r in at], dtype=pl.Int64),
            id=pl.Series(self.w.reserve_ids("reports", n, self.ids), dtype=pl.Int64),
            incident_id=pl.Series(self.w.reserve_ids("incidents", n, self.ids), dtype=pl.Int64),
            version=pl.lit(1, dtype=pl.Int64), batch_id=pl.lit(self.batch_id, dtype=pl.Int64),
            created_at=pl.lit(self.ts), updated_at=pl.lit(self.ts),
        )
        keys = reports.select(LINE_KEY, report_id="id")
        incidents = reports.select(
            pl.col("incident_id").alias("id"), *INCIDENT_FIELDS,
            **{k: pl.lit(v, dtype=pl.Int64) if k == "n_reports" else pl.lit(v) for k, v in own_incident(self.source).items()},
            created_at="created_at", updated_at="updated_at",
        )
        _copy(self.w, "incidents", incidents)
        _copy(self.w, "reports", reports.select(REPORT_COLS))
        _copy(self.w, "report_parties", parties.join(keys, on=LINE_KEY, how="inner", maintain_order="left").select(PARTY_COLS))
        _copy(self.w, "harm", harm.join(keys, on=LINE_KEY, how="inner", maintain_order="left").select(HARM_COLS))


def _copy(w: BulkWriter, table: str, frame: pl.DataFrame) -> None:
    """COPY a frame into a PostgreSQL table (CSV: NULL unquoted, every string quoted)."""
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, quote_style="non_numeric", null_value="")
    data = buf.getvalue()
    cols = ", ".join(frame.columns)
    with w.raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT csv)") as cp:
        step = 1 << 22
        for i in range(0, len(data), step):
            cp.write(data[i : i + step])

"""Raw source rows kept as compressed blocks (one per up to BLOCK_ROWS reports of a batch).

A report's raw row (the JSON text of its fields as read, what `ReportRecord.raw` holds) is
either in `reports.raw` (hand-made reports, stores from before migration 0021) or, for
imported reports, row `raw_row` of the block `raw_block_id` (and `reports.raw` is ''). The
block is an Arrow IPC stream holding one string column, compressed with zstd: the texts are
kept exactly, so what is read back is the same text, byte for byte.

`texts` is the one way to read reports' raw rows: every page, export and comparison that
shows or uses a raw row goes through it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa
from sqlalchemy import Connection

BLOCK_ROWS = 4_096  # about 4 MB of ACLED JSON, 0.6 MB compressed: one row is read in a few ms
LOOKUP_CHUNK = 500
_SCHEMA = pa.schema([pa.field("raw", pa.large_string(), nullable=False)])
_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd")


def encode(texts: pa.Array | Sequence[str]) -> bytes:
    """One block: the texts, in order, as a zstd-compressed Arrow IPC stream."""
    array = texts if isinstance(texts, pa.Array) else pa.array(list(texts), type=pa.large_string())
    table = pa.Table.from_arrays([array.cast(pa.large_string())], schema=_SCHEMA)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, _SCHEMA, options=_OPTIONS) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def decode(data: bytes) -> pa.Array:
    return pa.ipc.open_stream(data).read_all().column(0).combine_chunks()


def digest(texts: pa.Array | Sequence[str]) -> str:
    """The block's hash: SHA-256 over its texts' byte lengths (int64, little-endian) and then
    their bytes, in order; computed on the Arrow buffers, without a Python string per row."""
    array = (texts if isinstance(texts, pa.Array) else pa.array(list(texts), type=pa.large_string())).cast(pa.large_string())
    h = hashlib.sha256()
    if len(array):
        offsets = np.frombuffer(array.buffers()[1], dtype="<i8")[array.offset : array.offset + len(array) + 1]
        h.update(np.diff(offsets).astype("<i8").tobytes())
        h.update(memoryview(array.buffers()[2])[offsets[0] : offsets[-1]])
    return h.hexdigest()


def blocks(texts: pa.Array | Sequence[str]) -> Iterable[tuple[int, int, str, bytes]]:
    """(first row, rows, sha256, data) for each block of up to BLOCK_ROWS texts."""
    n = len(texts)
    for start in range(0, n, BLOCK_ROWS):
        part = texts[start : start + BLOCK_ROWS]
        yield start, len(part), digest(part), encode(part)


def texts(conn: Connection, report_ids: Iterable[int]) -> dict[int, str]:
    """The raw row (JSON text) of each of these reports, by report id."""
    raw = conn.connection.driver_connection
    pg = conn.dialect.name == "postgresql"
    mark = "%s" if pg else "?"
    ids = sorted(set(report_ids))
    out: dict[int, str] = {}
    wanted: dict[int, list[tuple[int, int]]] = {}
    for i in range(0, len(ids), LOOKUP_CHUNK):
        part = ids[i : i + LOOKUP_CHUNK]
        sql = f"SELECT id, raw, raw_block_id, raw_row FROM reports WHERE id IN ({', '.join([mark] * len(part))})"  # noqa: S608
        for rid, text, block, row in _rows(raw, pg, sql, part):
            if block is None:
                out[rid] = text
            else:
                wanted.setdefault(block, []).append((rid, row))
    for block, rows in wanted.items():
        (data,) = _rows(raw, pg, f"SELECT data FROM raw_blocks WHERE id = {mark}", [block])[0]  # noqa: S608
        column = decode(bytes(data))
        for rid, row in rows:
            out[rid] = column[row].as_py()
    return out


def text(conn: Connection, report: dict) -> str:
    """One report's raw row, from a row of `reports` as selected (its raw text, or its block)."""
    if report.get("raw_block_id") is None:
        return report.get("raw") or ""
    return texts(conn, [report["id"]])[report["id"]]


def _rows(raw, pg: bool, sql: str, params: Sequence[object]) -> list[tuple]:
    if pg:
        with raw.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    return raw.execute(sql, params).fetchall()


def write(w, batch_id: int, texts_: pa.Array | Sequence[str], ids: dict[str, int]) -> list[tuple[int, int]]:
    """Write the texts as new blocks of this batch (with a BulkWriter `w`, inside the batch's
    transaction); returns each text's (block id, row)."""
    out: list[tuple[int, int]] = []
    if len(texts_) == 0:
        return out
    parts = list(blocks(texts_))
    block_ids = w.reserve_ids("raw_blocks", len(parts), ids)
    w.insert(
        "raw_blocks", ("id", "batch_id", "n_rows", "sha256", "data"),
        [(bid, batch_id, n, sha, data) for bid, (_, n, sha, data) in zip(block_ids, parts, strict=True)],
    )
    for bid, (_, n, _sha, _data) in zip(block_ids, parts, strict=True):
        out += [(bid, r) for r in range(n)]
    return out

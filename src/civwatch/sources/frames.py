"""Reading a regular CSV export as batches of columns (polars), for the bulk import path.

The row reader (`base.open_table` + an adapter's `records`) is the reference: it reads whatever
people have. This path takes only files it reads with exactly the same result, and says why it
declines the others (`check_regular` raises NotRegular), so the importer falls back to the row
reader for them: UTF-8 (or a UTF-8 copy of a Windows-1252 or Latin-1 file), comma-separated, a
header without repeated names, no blank lines, and every record with as many fields as the
header (DuckDB's strict CSV parser checks that in one parallel pass; polars, which then reads
the blocks, pads short records silently).

Inside a regular file, a row whose values the column mapping cannot certify (a date in an odd
form, a non-numeric count, an unknown country, control characters) is handed to the row
adapter with its line, so rejections and their reasons are the row path's own.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl

from civwatch.domain.records import LINE_KEY, REPORT_FIELDS, ReportRecord
from civwatch.sources.base import MAX_COUNT, MAX_FIELD, Table

T = TypeVar("T")
LINE = LINE_KEY  # the row's spreadsheet row number (header = 1), the key between the frames
REPORT_COLUMNS = (LINE, *REPORT_FIELDS)
_AWKWARD = r"[\x00\x1c-\x1f]"  # NUL, and the separators Python's str.strip() strips but polars' does not


class NotRegular(Exception):
    """The file is one the column reader does not read exactly like the row reader."""


@dataclass
class FrameBatch:
    """One batch of rows mapped in columns.

    reports: one row per certified row, REPORT_COLUMNS. parties, harm: rows keyed by LINE.
    irregular: the rows to hand to the row adapter, as (line, cells); irregular_ids: the source
    ids those rows seem to have (a certified row sharing one must follow them row by row)."""

    reports: pl.DataFrame
    parties: pl.DataFrame
    harm: pl.DataFrame
    irregular: list[tuple[int, list[str]]]
    irregular_ids: set[str]


@contextmanager
def utf8(path: Path, table: Table, folder: Path | None = None) -> Iterator[tuple[Path, Table]]:
    """The file as UTF-8, for the column reader (polars and DuckDB read UTF-8): itself, or a
    temporary copy decoded as the row reader decodes it (Windows-1252, Latin-1). Byte for byte
    the structure (commas, quotes, newlines) is the same, so lines and records are too. The copy
    goes in `folder` (the store's scratch folder) and is removed whatever happens."""
    if table.encoding in ("utf-8", "utf-8-sig") or table.kind != "csv":
        yield path, table
        return
    if table.encoding not in ("cp1252", "latin-1"):
        raise NotRegular(f"{table.encoding} is read row by row")
    fd, name = tempfile.mkstemp(prefix="civwatch-utf8-", suffix=".csv", dir=folder)
    try:
        decoder = codecs.getincrementaldecoder(table.encoding)(errors="strict")
        with open(path, "rb") as src, os.fdopen(fd, "wb") as out:
            while chunk := src.read(BLOCK):
                out.write(decoder.decode(chunk).encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
        yield Path(name), dataclasses.replace(table, encoding="utf-8")
    finally:
        os.unlink(name)


def check_regular(path: Path, table: Table) -> int:
    """The number of records when the column reader may read this file; NotRegular (saying
    why the row reader must) otherwise. Blank lines are found later, by `column_batches`."""
    if table.kind != "csv":
        raise NotRegular(f"{table.kind.upper()} is read row by row")
    if table.encoding not in ("utf-8", "utf-8-sig"):
        raise NotRegular(f"{table.encoding} is read row by row")
    if table.delimiter != ",":
        raise NotRegular("not comma-separated")
    header = table.header
    named = [h for h in header if h]
    if len(set(named)) != len(named) or any(h.startswith("column_") for h in named):
        raise NotRegular("repeated column names, or names like the ones given to unnamed columns")
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    end = _first_record_end(head)
    try:
        raw_header = next(csv.reader(io.StringIO(head[:end].decode("utf-8-sig", errors="replace"), newline="")), [])
    except csv.Error as exc:
        raise NotRegular(f"the header is not plain CSV: {exc}") from None
    if raw_header != header:
        raise NotRegular("column names with spaces or NUL around them")
    records = strict_row_count(path, len(header))
    if records is None:
        raise NotRegular("a record is not as wide as the header, or is not valid CSV")
    return records - (0 if table.hxl_row is None else 1)


BLOCK = 4194304  # bytes parsed at a time: memory stays flat whatever the file's size


def _first_record_end(buf: bytes) -> int:
    """The offset just past the first record (its newline outside quotes), or len(buf)."""
    start = 0
    while (nl := buf.find(b"\n", start)) >= 0:
        if buf.count(b'"', 0, nl) % 2 == 0:
            return nl + 1
        start = nl + 1
    return len(buf)


def _last_record_end(buf: bytes) -> int:
    """The offset just past the last complete record in buf, or -1 when none ends in it."""
    pos = len(buf)
    while (nl := buf.rfind(b"\n", 0, pos)) >= 0:
        if buf.count(b'"', 0, nl) % 2 == 0:
            return nl + 1
        pos = nl
    return -1


def _record_blocks(path: Path, skip_records: int) -> Iterator[bytes]:
    """The file's bytes after its first `skip_records` records, cut at record boundaries (a
    newline outside quotes: the file is valid CSV, DuckDB said so)."""
    with open(path, "rb") as fh:
        rest = b""
        skipped = 0
        while chunk := fh.read(BLOCK):
            buf = rest + chunk
            while skipped < skip_records:
                end = _first_record_end(buf)
                if end == len(buf) and not buf.endswith(b"\n"):
                    break  # the record goes on in the next chunk
                buf, skipped = buf[end:], skipped + 1
            if skipped < skip_records:
                rest = buf
                continue
            end = _last_record_end(buf)
            if end < 0:
                rest = buf
                continue
            if end:
                yield buf[:end]
            rest = buf[end:]
        if skipped >= skip_records and rest.strip(b"\r\n"):
            yield rest  # the last record, without a newline at the end


def column_batches(path: Path, table: Table, rows: int, records: int) -> Iterator[pl.DataFrame]:
    """The file's `records` records in batches of about `rows` (a block of bytes at a time),
    every column a string, with their LINE. NotRegular, at the end, when polars saw another
    number of records than DuckDB (blank lines: polars reads them as records)."""
    header = names(table.header)
    schema = dict.fromkeys(header, pl.String)
    line = 3 if table.hxl_row is not None else 2
    seen = 0
    for block in _record_blocks(path, 2 if table.hxl_row is not None else 1):
        try:
            frame = pl.read_csv(
                block, has_header=False, new_columns=header, schema=schema, empty_string_is_null=False,
                quote_char='"', row_index_name=LINE, row_index_offset=line,
            )
        except pl.exceptions.PolarsError as exc:
            raise NotRegular(f"polars cannot read a block: {str(exc)[:200]}") from None
        for start in range(0, frame.height, rows):
            batch = frame.slice(start, rows)
            yield batch.with_columns(pl.col(LINE).cast(pl.Int64))
        line += frame.height
        seen += frame.height
    if seen != records:
        raise NotRegular(f"the column reader saw {seen} records, the strict reader {records} (blank lines?)")


def strict_row_count(path: Path, width: int) -> int | None:
    """Records in the file when every one is valid CSV of exactly `width` fields, else None."""
    import duckdb  # imported lazily: only bulk imports pay for it

    # literals, not bound Python values: binding makes DuckDB import pandas (~100 MB resident)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    where = "'" + str(path).replace("'", "''") + "'"
    con = duckdb.connect()
    try:
        return int(con.execute(
            f"SELECT count(*) FROM read_csv({where}, header = true, delim = ',', quote = '\"', escape = '\"', "  # noqa: S608
            "strict_mode = true, null_padding = false, auto_detect = false, all_varchar = true, "
            f"encoding = 'utf-8', columns = {columns})",
        ).fetchone()[0])
    except duckdb.Error:
        return None
    finally:
        con.close()


def ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """`items`, produced in a thread up to `depth` ahead of the consumer: the next batch is read
    and mapped (polars, which leaves the GIL) while the caller writes this one."""
    box: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                box.put((item, None))
            box.put((done, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            box.put((done, exc))

    worker = threading.Thread(target=produce, name="civwatch-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = box.get()
            if exc is not None:
                raise exc
            if item is done:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                box.get_nowait()
            except queue.Empty:
                pass
            worker.join(timeout=0.05)


def names(header: list[str]) -> list[str]:
    """The columns as the column reader names them: a blank name becomes column_N (N counted
    from 1), the key the raw JSON gives such a column when it holds something."""
    return [h if h else f"column_{i + 1}" for i, h in enumerate(header)]


def _unnamed(name: str, i: int) -> bool:
    return name == f"column_{i + 1}"  # check_regular refuses real names of that form


# ---------------------------------------------------------------- helpers for the mappings


def col(header_of: dict[str, str], name: str) -> pl.Expr:
    """A source column by its lower-case name; an empty string where the file lacks it."""
    found = header_of.get(name)
    return pl.col(found) if found is not None else pl.lit("", dtype=pl.String)


def lookup(values: pl.Series, fn: Callable[[str], object], dtype: pl.DataType) -> pl.Series:
    """fn applied once per distinct value (the row adapters' own functions, so both paths
    agree exactly), spread back over the rows. fn returns None where a value is not certified."""
    distinct = values.unique()
    mapped = pl.Series([fn(v) for v in distinct.to_list()], dtype=dtype)
    return values.replace_strict(distinct, mapped, return_dtype=dtype)


def certain(fn: Callable[..., object]) -> Callable[..., object]:
    """fn, with a ValueError (a value the row adapter would reject) turned into None."""

    def wrapped(*args: object) -> object:
        try:
            return fn(*args)
        except ValueError:
            return None

    return wrapped


def count(text: pl.Expr) -> pl.Expr:
    """A non-negative whole count in plain digits; null otherwise (the row adapter decides)."""
    n = text.str.strip_chars().cast(pl.Int64, strict=False)
    return pl.when((n >= 0) & (n <= MAX_COUNT)).then(n)


def coordinate(text: pl.Expr, limit: float) -> tuple[pl.Expr, pl.Expr]:
    """(value, certified): empty is a certified null; a number within +-limit is certified."""
    s = text.str.strip_chars()
    v = s.cast(pl.Float64, strict=False)
    ok = (s == "") | (v.is_finite() & (v.abs() <= limit)).fill_null(False)
    return pl.when(s == "").then(None).otherwise(v), ok


def text_or_none(text: pl.Expr) -> pl.Expr:
    s = text.str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def raw_json(frame: pl.DataFrame, header: list[str]) -> pl.Series:
    """Every field verbatim as a JSON object keyed by the header: the row adapters' text (an
    unnamed column left out, as it is when empty: `awkward` sends the others row by row)."""
    kept = [pl.col(h) for i, h in enumerate(header) if not _unnamed(h, i)]
    return frame.select(pl.struct(kept).struct.json_encode().alias("raw")).to_series()


def sha256(texts: pl.Series) -> pl.Series:
    return pl.Series("content_sha", [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts.to_list()], dtype=pl.String)


def awkward(frame: pl.DataFrame, header: list[str]) -> pl.Series:
    """Rows holding characters the two readers' string functions treat differently, a field
    over MAX_FIELD (the row reader rejects those), or something in an unnamed column."""
    checks = [pl.col(h).str.contains(_AWKWARD) | (pl.col(h).str.len_chars() > MAX_FIELD) for h in header]
    checks += [pl.col(h) != "" for i, h in enumerate(header) if _unnamed(h, i)]
    return frame.select(pl.any_horizontal(checks)).to_series()


def cells(frame: pl.DataFrame, rows: pl.Series, header: list[str]) -> list[tuple[int, list[str]]]:
    """The chosen rows' cells as read, as (line, cells) for the row adapter."""
    return [(r[0], list(r[1:])) for r in frame.filter(rows).select(LINE, *header).iter_rows()]


def split(original: pl.DataFrame, mapped: pl.DataFrame, certified: pl.Series, header: list[str]
          ) -> tuple[pl.DataFrame, list[tuple[int, list[str]]], set[str]]:
    """(the certified rows of `mapped`; the others' cells as read, for the row adapter; the
    source ids those others seem to have)."""
    ids = set(mapped.filter(~certified)["source_id"].to_list())
    return mapped.filter(certified), cells(original, ~certified, header), ids


def empty_parties() -> pl.DataFrame:
    return pl.DataFrame(schema={LINE: pl.Int64, "name": pl.String, "category": pl.String, "role": pl.String, "source_code": pl.String})


def empty_harm() -> pl.DataFrame:
    return pl.DataFrame(schema={
        LINE: pl.Int64, "outcome": pl.String, "sex": pl.String, "age_group": pl.String, "civilian": pl.Boolean,
        "low": pl.Int64, "best": pl.Int64, "high": pl.Int64,
    })


def harm_rows(frame: pl.DataFrame, best: str, civilian: bool) -> pl.DataFrame:
    """One 'killed' harm row per report whose `best` column is positive."""
    return frame.filter(pl.col(best) > 0).select(
        pl.col(LINE), pl.lit("killed").alias("outcome"), pl.lit("unknown").alias("sex"),
        pl.lit("unknown").alias("age_group"), pl.lit(civilian).alias("civilian"),
        pl.lit(None, dtype=pl.Int64).alias("low"), pl.col(best).cast(pl.Int64).alias("best"),
        pl.lit(None, dtype=pl.Int64).alias("high"),
    )


def finish_reports(frame: pl.DataFrame) -> pl.DataFrame:
    """The report columns in the store's order, typed, with absent ones null."""
    types = {
        "year": pl.Int64, "latitude": pl.Float64, "longitude": pl.Float64, "populated_area": pl.Boolean,
    }
    out = []
    for name in REPORT_COLUMNS:
        dtype = types.get(name, pl.Int64 if name.endswith(("_low", "_best", "_high")) or name == LINE else pl.String)
        if name in frame.columns:
            out.append(pl.col(name).cast(dtype))
        else:
            out.append(pl.lit(_DEFAULTS.get(name), dtype=dtype).alias(name))
    return frame.select(out)


# what a ReportRecord holds where an adapter does not set a field ("unknown" weapon, ...)
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(ReportRecord) if f.default is not dataclasses.MISSING}

"""What every source adapter shares: reading rows from CSV or XLSX, parsing values, raw JSON.

Adapters stream: rows are read one at a time and handed on, so memory stays bounded whatever
the file size. A row's `line` is its spreadsheet row number (the header is row 1), which is
what a person opening the file sees, for CSV and XLSX alike.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from civwatch.domain.query import MAX_INT
from civwatch.domain.records import Rejection, ReportRecord

# The largest count the store keeps, on SQLite and PostgreSQL alike (PostgreSQL INTEGER): a
# larger one rejects its row, never the file.
MAX_COUNT = MAX_INT
MAX_FIELD = 1 << 20  # 1 MiB: a row with a longer field is rejected, never stored
# The csv module parses fields up to 64 MiB, so a record with a long field is still read whole
# and the next record starts where it should; longer still, it raises and reading resumes at
# the next line (a best effort: that line may be inside the long record).
PARSE_LIMIT = 1 << 26
csv.field_size_limit(PARSE_LIMIT)

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_encode_str = json.encoder.encode_basestring  # the C escaper json.dumps uses (ensure_ascii=False)


class SourceError(ValueError):
    """The file cannot be read as the format asked for (a clear, one-line reason)."""


@dataclass
class Table:
    """A file opened for reading: its header and an iterator of (line, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    kind: str  # csv | xlsx
    hxl_row: list[str] | None = None  # the HXL hashtag row under the header, if any
    notes: list[str] = field(default_factory=list)
    delimiter: str = ","


class Adapter(Protocol):
    """One source format: rows in, report records and rejections out."""

    source: str  # the source name stored on reports ("ucdp-ged", "acled", ...)
    format: str  # the format name for --format

    def records(self, table: Table) -> Iterator[ReportRecord | Rejection]: ...


# ---------------------------------------------------------------- reading files


def sniff_encoding(path: Path, block: int = 1 << 23) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252,
    else Latin-1 (which decodes any byte, so nothing is lost)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8) and _decodes(path, "utf-8-sig", block):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not _decodes(path, "utf-16", block):
            raise SourceError(f"{path.name} starts with a UTF-16 mark but is not valid UTF-16")
        return "utf-16"
    for encoding in ("utf-8", "cp1252"):
        if _decodes(path, encoding, block):
            return encoding
    return "latin-1"


def _decodes(path: Path, encoding: str, block: int) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(block):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def is_xlsx(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def open_table(path: Path) -> Table:
    """Open a CSV (any of the encodings above) or an XLSX workbook's first sheet."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    table = _open_xlsx(path) if is_xlsx(path) else _open_csv(path)
    if table.hxl_row is None:  # HXL tables are read by their hashtags, which may repeat a name
        refuse_duplicates(path.name, table.header)
    return table


def refuse_duplicates(name: str, header: list[str]) -> None:
    """SourceError naming the repeated column names: which of two "best" columns is the figure
    cannot be guessed, so the file is refused before any row is read."""
    seen: dict[str, int] = {}
    for h in header:
        key = h.strip().lower()
        if key:
            seen[key] = seen.get(key, 0) + 1
    repeated = [h for h, n in seen.items() if n > 1]
    if repeated:
        shown = ", ".join(repr(h[:40]) for h in repeated[:10])
        raise SourceError(f"{name}: duplicate column names {shown}; give each column one name and import again")


def _open_csv(path: Path) -> Table:
    encoding = sniff_encoding(path)
    fh = open(path, encoding=encoding, newline="", errors="strict")  # noqa: SIM115 - closed by the generator
    try:
        sample = fh.read(1 << 16)
        fh.seek(0)
        delimiter = ","
        first_line = sample.split("\n", 1)[0]
        if first_line.count(";") > first_line.count(",") and first_line.count(";") > 2:
            delimiter = ";"
        elif first_line.count("\t") > first_line.count(","):
            delimiter = "\t"
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise SourceError(f"{path.name} is empty") from None
        header = [h.replace("\x00", "").strip() for h in header]
    except Exception:
        fh.close()
        raise
    table = Table(header=header, rows=iter(()), encoding=encoding, kind="csv", delimiter=delimiter)
    table.rows = _csv_rows(fh, reader)
    # peek at row 2: an HXL hashtag row under the header is part of the header, not a record
    first = next(table.rows, None)
    if first is not None and first[0] == 2 and _looks_like_hxl(first[1]):
        table.hxl_row = first[1]
    elif first is not None:
        table.rows = itertools.chain([first], table.rows)
    return table


def _csv_rows(fh, reader) -> Iterator[tuple[int, list[str]]]:
    line = 1
    with fh:
        while True:
            line += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # A malformed record (e.g. a field over MAX_FIELD): hand it on as a marker so
                # the adapter rejects it with its line; the reader resumes at the next line.
                yield line, [f"\x00csv-error: {exc}"]
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line: not a record
            if sum(map(len, row)) > MAX_FIELD and max(map(len, row)) > MAX_FIELD:
                yield line, [f"\x00csv-error: field larger than field limit ({MAX_FIELD})"]
                continue
            yield line, row


def _looks_like_hxl(row: list[str]) -> bool:
    tags = [c for c in row if c.strip()]
    return bool(tags) and all(c.strip().startswith("#") for c in tags)


def _open_xlsx(path: Path) -> Table:
    import openpyxl  # imported lazily: only XLSX imports pay for it

    check_unpacked_size(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one clear error
        raise SourceError(f"{path.name} is not a readable XLSX workbook: {exc}") from None
    sheet = book.worksheets[0]
    # read-only mode trusts the sheet's stored <dimension>; a stale one (files written by other
    # tools) silently cuts rows and columns: read every row the sheet holds instead
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(c).strip() for c in next(rows)]
    except StopIteration:
        book.close()
        raise SourceError(f"{path.name}: the first sheet is empty") from None
    except Exception as exc:  # noqa: BLE001 - malformed sheet XML
        book.close()
        raise SourceError(f"{path.name}: the first sheet cannot be read ({type(exc).__name__}: {str(exc)[:200]})") from None
    while header and not header[-1]:
        header.pop()
    width = len(header)
    table = Table(header=header, rows=iter(()), encoding="xlsx", kind="xlsx")

    def gen() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for line, values in enumerate(rows, start=2):
                cells = [_cell_text(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) < width:  # a sheet stores no trailing empty cells
                    cells += [""] * (width - len(cells))
                yield line, cells
        except SourceError:
            raise
        except Exception as exc:  # noqa: BLE001 - malformed sheet XML: the file is refused, nothing half-stored
            raise SourceError(f"{path.name}: the sheet cannot be read after row {line} ({type(exc).__name__}: {str(exc)[:200]})") from None
        finally:
            book.close()

    table.rows = gen()
    first = next(table.rows, None)
    if first is not None and first[0] == 2 and _looks_like_hxl(first[1]):
        table.hxl_row = first[1]
    elif first is not None:
        table.rows = itertools.chain([first], table.rows)
    return table


MAX_XLSX_UNPACKED = 4 << 30  # 4 GiB of XML at most (a 1M-row ACLED workbook unpacks to about 1 GiB)
MAX_XLSX_RATIO = 400  # a member packed tighter than this is a zip bomb, not a spreadsheet


def check_unpacked_size(path: Path) -> None:
    """SourceError when the workbook would unpack to more than the bounds allow, checked from
    the zip directory before anything is decompressed."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path.name} is not a readable XLSX workbook: {exc}") from None
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNPACKED:
        raise SourceError(f"{path.name} unpacks to {total:,} bytes, more than the {MAX_XLSX_UNPACKED:,} allowed; export it as CSV")
    for m in members:
        if m.file_size > (1 << 24) and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1):
            raise SourceError(f"{path.name}: {m.filename} unpacks {m.file_size // max(m.compress_size, 1)}-fold, refused as a zip bomb")


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export would hold (dates ISO, integral floats as ints)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


# ---------------------------------------------------------------- raw rows


class RawBuilder:
    """Builds a row's raw JSON (every field verbatim, keyed by the header) and its SHA-256."""

    def __init__(self, header: list[str]) -> None:
        self.keys = [h if h else f"column_{i + 1}" for i, h in enumerate(header)]
        self.blank = [i for i, h in enumerate(header) if not h]
        self.width = len(header)
        # '{"key":' and ',"key":' pieces encoded once: the same text json.dumps gives, 2x faster
        self.parts = [("{" if i == 0 else ",") + _encode_str(k) + ":" for i, k in enumerate(self.keys)]

    def obj(self, row: list[str]) -> dict[str, str]:
        d = dict(zip(self.keys, row, strict=False))
        if not self.blank and len(row) <= self.width:
            return d
        for i in self.blank:  # unnamed columns are kept only when they hold something
            if i < len(row) and not row[i]:
                del d[self.keys[i]]
        if len(row) > self.width:
            for i in range(self.width, len(row)):
                if row[i]:
                    d[f"column_{i + 1}"] = row[i]
        return d

    def raw(self, row: list[str]) -> tuple[str, str]:
        n = len(row)
        if self.blank or not self.width or n < self.width or (n > self.width and any(row[self.width :])):
            text = _dumps(self.obj(row))
        else:  # extra cells past the header are all empty (e.g. the padding adapters add)
            text = "".join([p + _encode_str(v) for p, v in zip(self.parts, row, strict=False)]) + "}"
        return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def raw_json(obj: object) -> str:
    return _dumps(obj)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def nul_field(row: list[str]) -> int | None:
    """The position of the first field holding a NUL byte (no store keeps one in text), or None."""
    for i, cell in enumerate(row):
        if "\x00" in cell:
            return i
    return None


def check_width(row: list[str], width: int) -> str | None:
    """Why a row cannot be read (truncated, malformed), or None."""
    if len(row) == 1 and row[0].startswith("\x00csv-error:"):
        return "malformed CSV record: " + row[0][len("\x00csv-error: ") :]
    nul = nul_field(row)
    if nul is not None:
        return f"NUL byte in field {nul + 1}"
    if row and max(map(len, row)) > MAX_FIELD:
        return f"field larger than field limit ({MAX_FIELD})"
    if len(row) < width:
        return f"truncated row: {len(row)} fields, the header has {width}"
    if len(row) > width and any(c.strip() for c in row[width:]):
        return f"row has {len(row)} fields, the header has {width}"
    return None


# ---------------------------------------------------------------- values

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DMY_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})(?: 0{1,2}:00(?::00)?)?$")
_D_MON_Y = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ,]+(\d{2,4})$")
_MON_D_Y = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:  # two-digit years (spreadsheet re-saves): 00-69 -> 20xx, 70-99 -> 19xx
        y += 2000 if y < 70 else 1900
    return y


@lru_cache(maxsize=65536)
def parse_date(text: str) -> str:
    """An ISO date (YYYY-MM-DD) from the forms the datasets use; ValueError otherwise.

    YYYY-MM-DD (optionally with a time), DD Month YYYY, D-Mon-YY, DD/MM/YYYY (00:00:00).
    Slash dates are day-first (ACLED's convention) unless the first number cannot be a month
    ... i.e. 05/13/2020 is read as 13 May.
    """
    s = text.strip()
    if m := _ISO.match(s):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY_SLASH.match(s):
        d, mo, y = int(m[1]), int(m[2]), _year(m[3])
        if mo > 12 and d <= 12:
            d, mo = mo, d
    elif m := _D_MON_Y.match(s):
        mo = _MONTHS.get(m[2].lower())
        if mo is None:
            raise ValueError(f"bad date {text!r}")
        d, y = int(m[1]), _year(m[3])
    elif m := _MON_D_Y.match(s):
        mo = _MONTHS.get(m[1].lower())
        if mo is None:
            raise ValueError(f"bad date {text!r}")
        d, y = int(m[2]), int(m[3])
    else:
        raise ValueError(f"bad date {text!r}" if s else "missing date")
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        raise ValueError(f"bad date {text!r}") from None


def parse_count(text: str, what: str, required: bool = True) -> int | None:
    """A non-negative whole count ('12', '12.0'); ValueError naming `what` otherwise."""
    s = text.strip()
    if not s:
        if required:
            raise ValueError(f"missing {what}")
        return None
    try:
        n = int(s)
    except ValueError:
        try:
            f = float(s)
        except ValueError:
            raise ValueError(f"non-numeric {what} {text[:40]!r}") from None
        if not math.isfinite(f) or not f.is_integer():
            raise ValueError(f"non-numeric {what} {text[:40]!r}") from None
        n = int(f)
    if n < 0:
        raise ValueError(f"negative {what} {n}")
    if n > MAX_COUNT:
        raise ValueError(f"{what} {s[:24]} is out of range (at most {MAX_COUNT:,})")
    return n


def parse_coord(text: str, what: str, limit: float) -> float | None:
    s = text.strip()
    if not s:
        return None
    try:
        v = float(s)
    except ValueError:
        raise ValueError(f"non-numeric {what} {text[:40]!r}") from None
    if not math.isfinite(v) or not -limit <= v <= limit:
        raise ValueError(f"{what} {s[:40]} out of range")
    return v


def text_or_none(value: str) -> str | None:
    v = value.strip()
    return v or None

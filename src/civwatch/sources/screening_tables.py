"""Reading the screening tables users maintain (docs/screening.md): the embargo layout, the
diversion layout, and the UK official footnotes by destination (CAAT copy, `name, text`) read
as embargo rows. The header names the layout; each data row is a record or a rejection.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from civwatch.domain import screening_tables as dom
from civwatch.domain.records import Rejection
from civwatch.sources import countries

EMBARGO = "screening-embargoes"
DIVERSION = "screening-diversion"
UK_FOOTNOTES = "caat-uk-footnotes"
MAX_BYTES = 20 * 1024 * 1024


class LayoutError(ValueError):
    """The file is none of the layouts."""


def layout(header: list[str]) -> str:
    cols = [h.strip().lower() for h in header]
    if set(dom.EMBARGO_COLUMNS) <= set(cols):
        return EMBARGO
    if set(dom.DIVERSION_COLUMNS) <= set(cols):
        return DIVERSION
    if cols == list(dom.CAAT_FOOTNOTE_COLUMNS):
        return UK_FOOTNOTES
    raise LayoutError(f"unknown layout: the header must hold {', '.join(dom.EMBARGO_COLUMNS)} (embargoes), "
                      f"or {', '.join(dom.DIVERSION_COLUMNS)} (diversion), or be name,text (UK footnotes)")


def read(path: Path) -> tuple[str, Iterator[dom.Embargo | dom.DiversionReport | Rejection]]:
    """(layout, records) of a UTF-8 CSV file; a line counts from 1 for the header."""
    if path.stat().st_size > MAX_BYTES:
        raise LayoutError(f"{path.name} is larger than {MAX_BYTES // 2**20} MiB")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LayoutError(f"{path.name} is not UTF-8 text: {exc}") from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if not header:
        raise LayoutError(f"{path.name} is empty")
    kind = layout(header)
    cols = [h.strip().lower() for h in header]
    known = countries.known_iso3()

    def rows() -> Iterator[dom.Embargo | dom.DiversionReport | Rejection]:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            raw = json.dumps(dict(zip(cols, fields, strict=False)) if len(fields) == len(cols) else {"fields": fields},
                             ensure_ascii=False)
            if len(fields) != len(cols):
                yield Rejection(line, f"expected {len(cols)} fields, found {len(fields)}", raw)
                continue
            row = dict(zip(cols, fields, strict=True))
            try:
                if kind == EMBARGO:
                    yield dom.check_embargo(line, row, known)
                elif kind == DIVERSION:
                    yield dom.check_diversion(line, row, known)
                else:
                    yield dom.check_footnote(line, row, countries.from_name(row["name"]))
            except dom.TableRowError as exc:
                yield Rejection(line, str(exc), raw)

    return kind, rows()

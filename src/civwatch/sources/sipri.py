"""SIPRI Arms Transfers Database trade register, classic layout (the March 2025 "from All
countries to All countries" export in shared data arms_transfers/).

11 preamble lines, a header, then one deal per line in Windows-1252. Four records carry an
unquoted line break in `Comments`: a 13-field line followed by a 4-field continuation
(`rest of comment,TIV per unit,TIV total,TIV delivered`), re-joined here into one record.
The `?` uncertainty flags are kept as booleans; the `*` (non-state) and `**` (organisation)
markers of a supplier or recipient name are kept apart from the name.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from civwatch.domain.records import Rejection
from civwatch.sources import countries

FORMAT = "sipri-trade-register"
PREAMBLE_LINES = 11
HEADER = ["Recipient", "Supplier", "Year of order", " ", "Number ordered", " ", "Weapon designation",
          "Weapon description", "Number delivered", " ", "Year(s) of delivery", "status", "Comments",
          "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"]
STATUSES = ("New", "Second hand", "Second hand but modernized")


@dataclass(frozen=True, slots=True)
class Transfer:
    line: int
    recipient: str
    recipient_marker: str
    recipient_iso3: str | None
    supplier: str
    supplier_marker: str
    supplier_iso3: str | None
    order_year: int | None
    order_year_uncertain: bool
    number_ordered: int | None
    number_ordered_uncertain: bool
    designation: str
    description: str
    number_delivered: int | None
    number_delivered_uncertain: bool
    delivery_years: str
    status: str
    comments: str
    tiv_unit: float | None
    tiv_total: float | None
    tiv_delivered: float | None
    raw: str
    content_sha: str


def is_trade_register(path: Path) -> bool:
    try:
        with open(path, encoding="cp1252", newline="") as fh:
            head = [next(fh, "") for _ in range(PREAMBLE_LINES + 1)]
    except (OSError, UnicodeDecodeError):
        return False
    return head[0].startswith("Transfers of major conventional arms") and next(csv.reader([head[-1]]), []) == HEADER


def split_marker(name: str) -> tuple[str, str]:
    name = name.strip()
    if name.endswith("**"):
        return name[:-2].strip(), "**"
    if name.endswith("*"):
        return name[:-1].strip(), "*"
    return name, ""


def _int(v: str, what: str) -> int | None:
    v = v.strip()
    if not v:
        return None
    if not v.isdigit():
        raise ValueError(f"{what} is not a whole number: {v!r}")
    return int(v)


def _float(v: str, what: str) -> float | None:
    v = v.strip()
    if not v:
        return None
    try:
        x = float(v)
    except ValueError:
        raise ValueError(f"{what} is not a number: {v!r}") from None
    if x < 0:
        raise ValueError(f"{what} is negative: {v!r}")
    return x


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) per record, continuation lines re-joined."""
    with open(path, encoding="cp1252", newline="") as fh:
        lines = fh.read().splitlines()
    if len(lines) <= PREAMBLE_LINES or next(csv.reader([lines[PREAMBLE_LINES]]), []) != HEADER:
        raise ValueError(f"{path.name} is not a SIPRI trade register: expected {PREAMBLE_LINES} preamble lines and the header {HEADER}")
    i = PREAMBLE_LINES + 1
    while i < len(lines):
        line_no, text = i + 1, lines[i]
        i += 1
        if not text.strip():
            continue
        fields = next(csv.reader([text]))
        if len(fields) == 13 and i < len(lines):
            cont = next(csv.reader([lines[i]]), [])
            if len(cont) == 4:
                fields = fields[:12] + [(fields[12] + " " + cont[0]).strip(), *cont[1:]]
                i += 1
        yield line_no, fields


def records(path: Path) -> Iterator[Transfer | Rejection]:
    for line, f in _rows(path):
        raw = json.dumps(dict(zip([f"{i}:{h}" for i, h in enumerate(HEADER)], f, strict=False)) if len(f) == 16
                         else {"fields": f}, ensure_ascii=False)
        if len(f) != 16:
            yield Rejection(line, f"expected 16 fields, found {len(f)}", raw)
            continue
        try:
            recipient, r_mark = split_marker(f[0])
            supplier, s_mark = split_marker(f[1])
            if not recipient or not supplier:
                raise ValueError("recipient and supplier are required")
            status = f[11].strip()
            if status not in STATUSES:
                raise ValueError(f"unknown status {status!r}: expected one of {', '.join(STATUSES)}")
            t = Transfer(
                line=line, recipient=recipient, recipient_marker=r_mark,
                recipient_iso3=None if r_mark else countries.from_name(recipient),
                supplier=supplier, supplier_marker=s_mark,
                supplier_iso3=None if s_mark else countries.from_name(supplier),
                order_year=_int(f[2], "Year of order"), order_year_uncertain=f[3].strip() == "?",
                number_ordered=_int(f[4], "Number ordered"), number_ordered_uncertain=f[5].strip() == "?",
                designation=f[6].strip(), description=f[7].strip(),
                number_delivered=_int(f[8], "Number delivered"), number_delivered_uncertain=f[9].strip() == "?",
                delivery_years=f[10].strip(), status=status, comments=f[12].strip(),
                tiv_unit=_float(f[13], "SIPRI TIV per unit"), tiv_total=_float(f[14], "SIPRI TIV for total order"),
                tiv_delivered=_float(f[15], "SIPRI TIV of delivered weapons"),
                raw=raw, content_sha=hashlib.sha256(raw.encode()).hexdigest(),
            )
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)
            continue
        yield t

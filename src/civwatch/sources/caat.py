"""CAAT's copy of the UK official footnotes by destination (shared data arms_transfers/
`caat_uk_footnotes_by_destination.csv`: `name, text`), read for their arms-embargo statements.

The footnotes are a start, not a complete embargo list: a destination without one is "not
listed here", never "no embargo".
"""

from __future__ import annotations

import csv
from pathlib import Path

from civwatch.sources import countries

FOOTNOTES = "caat_uk_footnotes_by_destination.csv"


def embargo_statements(path: Path) -> dict[str, list[str]]:
    """ISO3 -> the footnotes of that destination that mention an arms embargo."""
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            iso3 = countries.from_name((row.get("name") or "").strip())
            text = (row.get("text") or "").strip()
            if iso3 and "embargo" in text.lower():
                out.setdefault(iso3, []).append(text)
    return out

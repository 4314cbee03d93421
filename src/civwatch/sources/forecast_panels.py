"""Country-month panels published as such, read for forecasting and its backtest.

Hultman, Kathman & Shannon (2013), `HKS_AJPS_2013.tab`: one row per conflict episode and month
(1991-2008, 26 African countries). `osvAll` is civilians killed in the month (UCDP one-sided
violence, any actor); `troopLag` is UN troops in thousands, lagged a month (known at the month).
A country with two conflicts in a month has two rows; they carry the same country-level
`osvAll` in most months, and where they differ (69 country-months) the larger is kept. Months
outside the episodes are not in the file: they are unknown, not zero.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from civwatch.domain.records import Rejection
from civwatch.sources import countries
from civwatch.sources.base import SourceError, raw_json

HKS_REQUIRED = ("gwnoloc", "year", "mon", "osvAll")


@dataclass
class PanelRead:
    """Cells (unit, country, month index, deaths, events, sources) and extra series per cell."""

    cells: list[tuple[str, str, int, float, float, float]] = field(default_factory=list)
    exog: dict[str, dict[tuple[str, int], float]] = field(default_factory=dict)
    read: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    merged: int = 0  # further rows of a country-month already read (a second conflict)

    @property
    def accepted(self) -> int:
        return self.read - len(self.rejected)


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"non-numeric {what} {text[:20]!r}") from None
    if value != value or value < 0 or value > 1e7:
        raise ValueError(f"{what} {text[:20]!r} out of range")
    return value


def read_hks(path: Path) -> PanelRead:
    """The HKS country-month file as a panel; every row accepted or rejected with its reason."""
    out = PanelRead()
    best: dict[tuple[str, int], list] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        header = next(reader, None)
        if header is None:
            raise SourceError(f"{path.name}: empty file")
        idx = {h.strip(): i for i, h in enumerate(header)}
        missing = [c for c in HKS_REQUIRED if c not in idx]
        if missing:
            raise SourceError(f"{path.name}: not the HKS country-month file: missing column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            out.read += 1
            if len(row) != len(header):
                out.rejected.append(Rejection(line, f"{len(row)} fields, header has {len(header)}", raw_json(row)))
                continue
            get = {h: row[i].strip() for h, i in idx.items()}
            try:
                gw = str(int(_number(get["gwnoloc"], "gwnoloc")))
                iso = countries.from_gw(gw)
                if iso is None:
                    raise ValueError(f"unknown Gleditsch-Ward code {gw}")
                year, mon = int(_number(get["year"], "year")), int(_number(get["mon"], "mon"))
                if not (1946 <= year <= 2100 and 1 <= mon <= 12):
                    raise ValueError(f"no such month {get['year']}-{get['mon']}")
                deaths = _number(get["osvAll"], "osvAll")
                troops = _number(get["troopLag"], "troopLag") if get.get("troopLag") else 0.0
            except ValueError as exc:
                out.rejected.append(Rejection(line, str(exc), raw_json(dict(zip(header, row, strict=True)))))
                continue
            key = (iso, year * 12 + mon - 1)
            if key in best:
                out.merged += 1
                best[key][0] = max(best[key][0], deaths)
                best[key][1] = max(best[key][1], troops)
            else:
                best[key] = [deaths, troops]
    out.cells = [(iso, iso, t, d, 1.0 if d > 0 else 0.0, 1.0) for (iso, t), (d, _tr) in sorted(best.items())]
    out.exog["troops"] = {key: tr for key, (_d, tr) in best.items()}
    return out

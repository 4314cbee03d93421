"""The HKS country-month file read as a panel: every row accounted for, values as in the file."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from civwatch.sources.base import SourceError
from civwatch.sources.forecast_panels import read_hks

HKS = "peacekeeping/hks2013_un_pko_civilian_killing_country_month.tab"


def test_hks_cells_match_the_file(shared_data: Path) -> None:
    path = shared_data / HKS
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    best: dict[tuple[int, int], float] = defaultdict(float)
    for r in rows:
        key = (int(float(r["gwnoloc"])), int(float(r["year"])) * 12 + int(float(r["mon"])) - 1)
        best[key] = max(best[key], float(r["osvAll"]))
    got = read_hks(path)
    assert got.read == len(rows) == 3972
    assert got.accepted == got.read and not got.rejected
    assert len(got.cells) == len(best)
    assert got.merged == len(rows) - len(best)
    assert sum(c[3] for c in got.cells) == pytest.approx(sum(best.values()))
    # Rwanda (GW 517), April 1994: the genocide month
    rwa = {c[2]: c[3] for c in got.cells if c[0] == "RWA"}
    assert rwa[1994 * 12 + 3] == best[(517, 1994 * 12 + 3)] > 100_000


def test_hks_bad_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "hks.tab"
    path.write_text(
        "gwnoloc\tyear\tmon\tosvAll\ttroopLag\n"
        "530\t1991\t1.0\t29.0\t\n"
        "999\t1991\t1.0\t3\t\n"
        "530\t1991\t13\t3\t\n"
        "530\t1991\t2\t-4\t\n"
        "530\t1991\t3\n",
        encoding="utf-8",
    )
    got = read_hks(path)
    assert got.read == 5 and got.accepted == 1
    assert [r.reason for r in got.rejected] == [
        "unknown Gleditsch-Ward code 999", "no such month 1991-13", "osvAll '-4' out of range", "3 fields, header has 5",
    ]
    assert [r.line for r in got.rejected] == [3, 4, 5, 6]


def test_hks_wrong_file(tmp_path: Path) -> None:
    path = tmp_path / "x.tab"
    path.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(SourceError, match="missing column"):
        read_hks(path)

"""Independent expectations for tests: computed from the raw files with the plain csv module."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("CIVWATCH_SHARED_DATA") or REPO.parent / "shared" / "data")
CI = os.environ.get("CI") == "true"
CIVWATCH = [sys.executable, "-m", "civwatch.cli.main"]


def missing(what: str) -> NoReturn:
    """Something a test needs is not on this machine: a skip, but under CI=true a failure."""
    if CI:
        pytest.fail(f"CI=true but {what}: in CI every test must run")
    pytest.skip(what)


def cli(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    full_env.update(env or {})
    return subprocess.run([*CIVWATCH, *args], capture_output=True, text=True, env=full_env, timeout=timeout)


def cli_json(*args: str) -> object:
    out = cli(*args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def ged_rows(path: Path) -> list[dict]:
    """GED rows as dicts, skipping an HXL hashtag row under the header."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and all(v.startswith("#") or not v for v in rows[0].values()):
        rows = rows[1:]
    return rows


def ged_civilian_deaths_by_year(path: Path) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for r in ged_rows(path):
        totals[int(r["date_start"][:4])] += int(r["deaths_civilians"])
    return dict(totals)


def as_year_map(rows: list[dict]) -> dict[int, int]:
    return {r["year"]: r["value"] for r in rows}


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding=encoding)
    return path


def read_any(path: Path) -> list[dict]:
    """CSV rows with lower-case keys (UTF-8, else Windows-1252), or XLSX rows as text."""
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        it = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").lower() for h in next(it)]
        out = [{h: ("" if v is None else v) for h, v in zip(header, values, strict=False)} for values in it]
        book.close()
        return out
    for enc in ("utf-8", "cp1252"):
        try:
            with open(path, encoding=enc, newline="") as fh:
                return [{(k or "").lower(): v for k, v in r.items()} for r in csv.DictReader(fh)]
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"cannot read {path}")


def acled_civilian_deaths_by_year(path: Path) -> tuple[dict[int, int], int]:
    """(civilian-targeting fatalities by year, counting each event id once; rows without a
    numeric fatalities figure, which an import must reject)."""
    totals: dict[int, int] = defaultdict(int)
    seen: set[str] = set()
    bad = 0
    for r in read_any(path):
        fat = str(r["fatalities"]).strip()
        if not fat.isdigit():
            bad += 1
            continue
        eid = str(r.get("event_id_cnty") or "") or "data_id:" + str(r.get("data_id"))
        if eid in seen:
            continue
        seen.add(eid)
        if "civilian_targeting" in r:
            flagged = bool(str(r["civilian_targeting"]).strip())
        else:
            flagged = r["event_type"] == "Violence against civilians"
        totals[int(r["year"])] += int(fat) if flagged else 0
    return dict(totals), bad


# GED country names that pycountry does not know as written (checked against the real files).
_GED_NAMES = {"Bosnia-Herzegovina": "BIH", "DR Congo": "COD", "Ivory Coast": "CIV", "Macedonia, FYR": "MKD",
              "Turkey": "TUR", "Russia": "RUS", "Kingdom of eSwatini": "SWZ"}


def ged_country_iso3(name: str) -> str:
    """ISO 3166 alpha-3 of a GED country name ("Cambodia (Kampuchea)" -> KHM), from pycountry,
    not from civwatch's Gleditsch-Ward table: the independent check on it."""
    import re

    import pycountry

    base = re.sub(r"\s*\(.*\)", "", name).strip()
    if base in _GED_NAMES:
        return _GED_NAMES[base]
    try:
        return pycountry.countries.lookup(base).alpha_3
    except LookupError:
        raise AssertionError(f"no ISO code for the GED country name {name!r}: add it to _GED_NAMES") from None


def ged_perpetrator_category(row: dict[str, str]) -> str:
    """UCDP's codebook: in one-sided violence (type 3) side_a is the perpetrator, a government
    ("Government of ...") or an organised armed group; other types name no perpetrator."""
    if row["type_of_violence"] != "3":
        return "unknown"
    return "state_forces" if row["side_a"].startswith("Government of") else "non_state_armed_group"

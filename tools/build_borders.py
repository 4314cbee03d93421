"""Build src/civwatch/data/borders.csv (land borders between states) from mledoze/countries.

Input: ../shared/data/countries/countries_mledoze_with_un_member_flag.csv (mledoze/countries,
ODbL 1.0), columns `cca3` and `borders` (comma-separated ISO3 codes). The derived table is
distributed under the same licence (ODbL 1.0), with attribution in src/civwatch/data/README.md.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))


def main() -> None:
    src = SHARED / "countries" / "countries_mledoze_with_un_member_flag.csv"
    with open(src, newline="", encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: r["cca3"])
    out = REPO / "src" / "civwatch" / "data" / "borders.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["iso3", "borders"])
        for r in rows:
            w.writerow([r["cca3"], " ".join(b for b in r["borders"].split(",") if b)])
    print(f"wrote {len(rows)} states to {out}")


if __name__ == "__main__":
    main()

"""Every Gleditsch-Ward code in the shared data maps to ISO3, checked against other sources."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from civwatch.sources import countries


def _gw_codes_in(path: Path, columns: tuple[str, ...], encoding: str = "utf-8") -> set[int]:
    codes: set[int] = set()
    with open(path, encoding=encoding, newline="") as fh:
        for row in csv.DictReader(fh):
            row = {k.lower().lstrip("\ufeff"): v for k, v in row.items() if k}
            for col in columns:
                for part in (row.get(col) or "").split(","):
                    part = part.strip()
                    if part.lstrip("-").isdigit():
                        codes.add(int(part))
    return codes


def test_ucdp_overrides() -> None:
    assert countries.from_gw("816") == "VNM"
    assert countries.from_gw("678") == "YEM"
    assert countries.from_gw("680") == "YMD"
    assert countries.from_gw("365") == "RUS"
    assert countries.from_gw("345") == "SRB"
    assert countries.from_gw("999999") is None
    assert countries.from_gw("abc") is None


def test_every_gw_code_in_shared_data_maps(shared_data: Path) -> None:
    codes: set[int] = set()
    for f in (shared_data / "ucdp_ged").glob("*.csv"):
        codes |= _gw_codes_in(f, ("country_id", "gwnoa", "gwnob"))
    conflict = shared_data / "ucdp_conflict_level"
    codes |= _gw_codes_in(conflict / "ucdp_prio_acd_v23_1.csv", ("gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd", "gwno_loc"))
    codes |= _gw_codes_in(conflict / "ucdp_brd_dyadic_v22_1.csv", ("gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd", "gwno_loc", "gwno_battle"))
    africa = shared_data / "acled" / "acled_all_africa_2016-01-01_to_2016-05-28.csv"
    if africa.exists():
        codes |= _gw_codes_in(africa, ("gwno",), encoding="cp1252")
    codes.discard(-1)
    assert len(codes) > 150
    unmapped = sorted(c for c in codes if countries.from_gw(str(c)) is None)
    assert unmapped == []


def test_gw_mapping_agrees_with_hdx_iso3_column(shared_data: Path) -> None:
    """HDX's GED file carries its own iso3 next to the GW country_id: they must agree."""
    with open(shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_hdx_hxl_layout.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if not r["iso3"].startswith("#")]
    pairs = {(r["country_id"], r["iso3"]) for r in rows}
    assert pairs and all(countries.from_gw(gw) == iso3 for gw, iso3 in pairs)


def test_gw_mapping_agrees_with_ged_country_names(shared_data: Path) -> None:
    """For every (country_id, country) pair in the GED files, the name maps to the same ISO3."""
    pairs: set[tuple[str, str]] = set()
    for f in (shared_data / "ucdp_ged").glob("*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            pairs |= {(r["country_id"], r["country"]) for r in csv.DictReader(fh) if r["country_id"].isdigit()}
    mismatched = [(gw, name) for gw, name in pairs if countries.from_gw(gw) != countries.from_name(name)]
    assert mismatched == []


@pytest.mark.parametrize(
    ("code", "iso3"), [("262", "DJI"), ("231", "ETH"), ("50", "BGD"), ("0", None), ("", None), ("999", None)]
)
def test_iso_numeric(code: str, iso3: str | None) -> None:
    assert countries.from_iso_numeric(code) == iso3


def test_acled_iso3_quirks() -> None:
    assert countries.from_iso3("ROM") == "ROU"  # ACLED writes ROM for Romania
    assert countries.from_iso3("XKX") == "XKX"
    assert countries.from_iso3("ZZZ") is None


def test_acled_names() -> None:
    assert countries.from_name("Democratic Republic of Congo") == "COD"
    assert countries.from_name("Republic of Congo") == "COG"
    assert countries.from_name("Ivory Coast") == "CIV"
    assert countries.from_name("Swaziland") == "SWZ"
    assert countries.from_name("Atlantis") is None

"""GED country names to ISO alpha-3, for the harness only (the importers keep their own table)."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

_OVERRIDES = {
    "DR Congo (Zaire)": "COD", "Ivory Coast": "CIV", "Kingdom of eSwatini (Swaziland)": "SWZ",
    "Bosnia-Herzegovina": "BIH", "Serbia (Yugoslavia)": "SRB", "Russia (Soviet Union)": "RUS",
    "Yemen (North Yemen)": "YEM", "Cambodia (Kampuchea)": "KHM", "Myanmar (Burma)": "MMR",
    "Zimbabwe (Rhodesia)": "ZWE", "Madagascar (Malagasy)": "MDG", "Congo": "COG",
    "Macedonia, FYR": "MKD", "Turkey": "TUR", "Laos": "LAO", "Iran": "IRN", "Syria": "SYR",
}


@lru_cache(maxsize=512)
def iso3(name: str) -> str:
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    plain = re.sub(r"\s*\(.*\)", "", name).strip()
    try:
        return pycountry.countries.lookup(plain).alpha_3
    except LookupError:
        try:
            return pycountry.countries.search_fuzzy(plain)[0].alpha_3
        except LookupError:
            raise ValueError(f"no ISO code known for GED country {name!r}") from None

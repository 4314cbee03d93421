"""Country codes as received -> ISO 3166-1 alpha-3, the one country code used inside.

- Gleditsch-Ward numbers (UCDP, old ACLED): `data/gw_iso3.csv`, built by
  `tools/build_gw_iso3.py` from the Gleditsch & Ward state list with UCDP's own numbering
  (816 Vietnam, 678 Yemen) and the historical states set by hand; each row says why.
- ISO numeric (ACLED `iso`): pycountry, plus Kosovo (ACLED writes 0).
- ISO alpha-3 as written by publishers (ACLED `iso3`, HDX `iso3`): checked against pycountry,
  with the known non-standard ones (ACLED's ROM for Romania, XKX for Kosovo).
- Names (ACLED `country`, UCDP `country`): pycountry's lookup plus the names publishers use.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import pycountry

from civwatch.domain.countries import HISTORICAL_ISO3, ISO3_ALIASES, contradiction
from civwatch.domain.countries import known_iso3 as _known_iso3

__all__ = ["HISTORICAL_ISO3", "ISO3_ALIASES", "contradiction", "from_gw", "from_iso3", "from_iso_numeric", "from_name"]

NAME_ALIASES = {
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "dr congo (zaire)": "COD",
    "republic of congo": "COG",
    "congo": "COG",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "kingdom of eswatini (swaziland)": "SWZ",
    "kosovo": "XKX",
    "palestine": "PSE",
    "russia": "RUS",
    "russia (soviet union)": "RUS",
    "turkey": "TUR",
    "curacao": "CUW",
    "syria": "SYR",
    "iran": "IRN",
    "laos": "LAO",
    "vietnam": "VNM",
    "vietnam (north vietnam)": "VNM",
    "north korea": "PRK",
    "south korea": "KOR",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "micronesia": "FSM",
    "cape verde": "CPV",
    "east timor": "TLS",
    "myanmar (burma)": "MMR",
    "cambodia (kampuchea)": "KHM",
    "yemen (north yemen)": "YEM",
    "serbia (yugoslavia)": "SRB",
    "macedonia, fyr": "MKD",
    "bosnia-herzegovina": "BIH",
    "madagascar (malagasy)": "MDG",
    "zimbabwe (rhodesia)": "ZWE",
    "united states": "USA",
    "bonaire, saint eustatius and saba": "BES",
    "saint-martin": "MAF",
    "saint-barthelemy": "BLM",
    "vatican city": "VAT",
    "micronesia, federated states of": "FSM",
}


@lru_cache(maxsize=1)
def _gw_table() -> dict[int, str]:
    text = resources.files("civwatch").joinpath("data", "gw_iso3.csv").read_text(encoding="utf-8")
    return {int(r["gwcode"]): r["iso3"] for r in csv.DictReader(text.splitlines())}


@lru_cache(maxsize=4096)
def from_gw(code: str) -> str | None:
    """ISO3 for a Gleditsch-Ward number such as '816' (or '816.0'); None when unknown."""
    s = code.strip()
    if not s:
        return None
    try:
        n = int(float(s))
    except (ValueError, OverflowError):
        return None
    return _gw_table().get(n)


@lru_cache(maxsize=4096)
def from_iso_numeric(code: str) -> str | None:
    s = code.strip()
    if not s:
        return None
    try:
        n = int(float(s))
    except (ValueError, OverflowError):
        return None
    if n == 0:
        return None  # ACLED writes 0 for Kosovo, but also for unknown: decide by name/iso3
    c = pycountry.countries.get(numeric=f"{n:03d}")
    return c.alpha_3 if c else None


@lru_cache(maxsize=4096)
def from_iso3(code: str) -> str | None:
    s = code.strip().upper()
    if not s:
        return None
    if s in ISO3_ALIASES:
        return ISO3_ALIASES[s]
    if s in HISTORICAL_ISO3:
        return s
    c = pycountry.countries.get(alpha_3=s)
    return c.alpha_3 if c else None


@lru_cache(maxsize=4096)
@lru_cache(maxsize=16_384)  # pycountry's fuzzy search takes milliseconds; the names repeat
def from_name(name: str) -> str | None:
    s = " ".join(name.strip().split())
    if not s:
        return None
    alias = NAME_ALIASES.get(s.lower())
    if alias:
        return alias
    try:
        return pycountry.countries.lookup(s).alpha_3
    except LookupError:
        pass
    try:
        hits = pycountry.countries.search_fuzzy(s)
    except LookupError:
        return None
    return hits[0].alpha_3 if len(hits) == 1 else None


def known_iso3() -> set[str]:
    return set(_known_iso3())


def check_name(iso3: str, name: str) -> None:
    """ValueError when a row's country name contradicts its code (an unknown name included)."""
    why = contradiction(iso3, name, from_name(name) if name and name.strip() else None)
    if why:
        raise ValueError(why)


def gw_codes() -> dict[int, str]:
    return dict(_gw_table())

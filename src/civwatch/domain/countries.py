"""Which country codes exist, and whether a country name agrees with its code.

One answer for filters, imports, forms, cases and the API: ISO 3166-1 alpha-3 (pycountry), plus
Kosovo (XKX) and the historical states the conflict datasets use.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

ISO3_ALIASES = {"ROM": "ROU", "XKX": "XKX", "KSV": "XKX", "ZAR": "COD", "TMP": "TLS", "YUG": "SRB"}
HISTORICAL_ISO3 = {"DDR", "CSK", "YMD", "SUN", "SCG"}
EXTRA_NAMES = {"XKX": "Kosovo", "DDR": "German Democratic Republic", "CSK": "Czechoslovakia",
               "YMD": "South Yemen", "SUN": "Soviet Union", "SCG": "Serbia and Montenegro"}


@lru_cache(maxsize=1)
def known_iso3() -> frozenset[str]:
    return frozenset({c.alpha_3 for c in pycountry.countries} | set(ISO3_ALIASES.values()) | HISTORICAL_ISO3)


def is_known(code: str) -> bool:
    return code in known_iso3()


def check_code(code: str, what: str = "country") -> str:
    """The code, upper-cased, or ValueError saying why it is not a country."""
    c = (code or "").strip().upper()
    if len(c) != 3 or not c.isalpha():
        raise ValueError(f"{what}: {code!r} is not an ISO 3166-1 alpha-3 code (such as UKR, SYR, MMR)")
    if c not in known_iso3():
        raise ValueError(f"{what}: unknown country code {c!r}; codes are ISO 3166-1 alpha-3 (such as UKR, SYR, MMR)")
    return c


def check_optional(code: str | None) -> str | None:
    """For validators of forms and bodies: None stays None, a code must be a known country."""
    return None if code is None else check_code(code, "country_iso3")


def name_of(code: str) -> str:
    if code in EXTRA_NAMES:
        return EXTRA_NAMES[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def contradiction(code: str, name: str, name_code: str | None) -> str | None:
    """Why a row's country name and code disagree (None when they agree or one is missing).

    `name_code` is the name looked up by the caller (None: a name no table knows)."""
    name = " ".join((name or "").split())
    if not name or not code:
        return None
    if name_code is None:
        return f"unknown country name {name[:40]!r} (code {code})"
    if name_code != code:
        return f"country name {name[:40]!r} is {name_code}, which contradicts the code {code} ({name_of(code)})"
    return None

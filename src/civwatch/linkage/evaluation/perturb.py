"""Perturbed copies of real GED events, re-written in ACLED's layout, with known truth.

Each copy differs as a second source's record of the same event would: the date moves by
0-3 days (within the record's precision), the coordinates move within the geo precision,
fatalities by up to +-30 %, place names are transliterated (through Cyrillic or a variant
romanisation), the notes are a paraphrase of the GED headlines, and the perpetrator is
sometimes given as the other side. A share of events is left out on either side, so some
reports have no counterpart.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from civwatch.linkage.evaluation.layouts import acled_report, ged_report

_LAT_TO_CYR = [
    ("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"),
    ("ya", "я"), ("ye", "є"), ("yi", "ї"), ("a", "а"), ("b", "б"), ("v", "в"), ("h", "г"), ("g", "ґ"),
    ("d", "д"), ("e", "е"), ("z", "з"), ("y", "и"), ("i", "і"), ("k", "к"), ("l", "л"), ("m", "м"),
    ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"),
    ("'", "ь"),
]
_VARIANTS = [("kh", "h"), ("iv", "ov"), ("y", "i"), ("i", "y"), ("k", "c"), ("ou", "u"), ("'", ""),
             ("sk", "s'k"), ("ss", "s"), ("v", "w"), ("e", "ie"), ("h", "g")]
_SYNONYMS = {
    "killed": "died", "dead": "killed", "attack": "assault", "attacks": "assaults", "shelling": "bombardment",
    "soldiers": "troops", "soldier": "serviceman", "civilians": "residents", "civilian": "resident",
    "rebels": "separatists", "separatists": "rebels", "troops": "forces", "clashes": "fighting",
    "wounded": "injured", "says": "said", "army": "military", "near": "close to", "village": "settlement",
    "police": "security forces", "shot": "gunned down", "bomb": "explosive device", "Ukraine": "Ukrainian",
}
_TEMPLATES = [
    "On {day}, {who} {did} in {place} ({region}). {n} fatalities reported.",
    "{who} {did} near {place}, {region}, on {day}; {n} people were reported killed.",
    "Around {day}: fighting in {place} ({region}) as {who} {did}. Fatalities: {n}.",
]


def to_cyrillic(text: str) -> str:
    out, low, i = [], text.lower(), 0
    while i < len(low):
        for lat, cyr in _LAT_TO_CYR:
            if low.startswith(lat, i):
                out.append(cyr.upper() if text[i].isupper() else cyr)
                i += len(lat)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def transliterate(name: str | None, rng: random.Random) -> str | None:
    if not name:
        return name
    roll = rng.random()
    if roll < 0.3:
        return to_cyrillic(name)
    if roll < 0.8:
        for _ in range(rng.randint(1, 2)):
            a, b = rng.choice(_VARIANTS)
            if a in name:
                name = name.replace(a, b, 1)
        return name
    return name


def paraphrase(headlines: str | None, rng: random.Random) -> str:
    parts = [h for h in (headlines or "").split(";") if h.strip()]
    if not parts:
        return ""
    words = rng.choice(parts).split()
    kept = [_SYNONYMS.get(w, w) if rng.random() < 0.6 else w for w in words if rng.random() > 0.2]
    return " ".join(kept)


def _jitter(lat: float, lon: float, km: float, rng: random.Random) -> tuple[float, float]:
    r = km * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    dlat = (r * math.cos(theta)) / 111.32
    dlon = (r * math.sin(theta)) / (111.32 * max(0.2, math.cos(math.radians(lat))))
    return round(lat + dlat, 5), round(max(-180.0, min(180.0, lon + dlon)), 5)


_JITTER_KM = {"1": 2.0, "2": 20.0, "3": 40.0, "4": 100.0, "5": 100.0}
_ACLED_GEO = {"1": "1", "2": "2", "3": "3", "4": "3", "5": "3"}
_DATE_SHIFT = [0] * 50 + [1, -1] * 15 + [2, -2] * 6 + [3, -3] * 4


def acled_row(ged: dict[str, str], iso3: str, event_id: str, rng: random.Random) -> dict[str, str]:
    """One GED row as another source's ACLED-layout record of the same event."""
    start, end = date.fromisoformat(ged["date_start"][:10]), date.fromisoformat(ged["date_end"][:10])
    span = (end - start).days
    if span == 0:
        day, precision = start + timedelta(days=rng.choice(_DATE_SHIFT)), "1"
    else:
        day = start + timedelta(days=rng.randint(0, span))
        precision = "2" if span <= 7 else "3"
    lat, lon = float(ged["latitude"]), float(ged["longitude"])
    lat, lon = _jitter(lat, lon, _JITTER_KM.get(ged["where_prec"], 0.0), rng)
    best = int(float(ged["best"] or 0))
    fatalities = max(0, round(best * rng.uniform(0.7, 1.3)))
    perpetrator_is_a = rng.random() < 0.75 or ged["type_of_violence"] == "3"
    inter1 = ("1" if ged["side_a"].startswith("Government of") else "2") if perpetrator_is_a else "2"
    place = (ged.get("where_coordinates") or "").split("(")[0].split("/")[0].strip()
    place = transliterate(place, rng) or ""
    region = transliterate((ged.get("adm_1") or "").replace(" province", "").replace(" oblast", ""), rng) or ""
    did = rng.choice(["clashed", "shelled positions", "attacked", "fired on each other", "fought"])
    who = rng.choice(["Government forces", "Armed groups", "Forces", "Unidentified armed men"])
    template = rng.choice(_TEMPLATES)
    notes = template.format(day=day.isoformat(), who=who, did=did, place=place, region=region, n=fatalities)
    notes = (paraphrase(ged.get("source_headline"), rng) + ". " + notes).strip(". ")
    return {
        "event_id_cnty": event_id,
        "event_date": day.isoformat(),
        "year": str(day.year),
        "time_precision": precision,
        "event_type": "Violence against civilians" if ged["type_of_violence"] == "3" else "Battles",
        "sub_event_type": rng.choice(["Armed clash", "Shelling/artillery/missile attack"]) if ged["type_of_violence"] != "3" else "Attack",
        "actor1": "State forces" if inter1 == "1" else "Armed group", "inter1": inter1, "actor2": "", "inter2": "",
        "country": ged["country"], "iso3": iso3,
        "admin1": region, "admin2": transliterate(ged.get("adm_2") or "", rng) or "",
        "location": place,
        "latitude": str(lat), "longitude": str(lon),
        "geo_precision": _ACLED_GEO.get(ged["where_prec"], "3"),
        "source": "perturbed copy", "notes": notes, "fatalities": str(fatalities),
    }


def perturbed_pair(
    ged_rows: list[dict[str, str]], iso3_of: callable, seed: int = 6, both: float = 0.7, left_only: float = 0.15
) -> tuple[list[dict], list[int]]:
    """Reports of both layouts and their truth labels (the GED row index of the event).

    A share `both` of events appear in both layouts, `left_only` only as GED, the rest only
    as the ACLED-layout copy.
    """
    rng = random.Random(seed)
    reports, truth = [], []
    usable = [r for r in ged_rows if r.get("latitude") and r.get("best") not in (None, "")]
    for n, row in enumerate(usable):
        roll = rng.random()
        iso3 = iso3_of(row["country"])
        if roll < both + left_only:
            reports.append(ged_report(row, iso3))
            truth.append(n)
        if roll < both or roll >= both + left_only:
            copy = acled_row(row, iso3, f"{iso3}{100000 + n}", rng)
            reports.append(acled_report(copy))
            truth.append(n)
    return reports, truth

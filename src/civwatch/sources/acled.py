"""ACLED event exports in every layout people have: the current one (disorder_type,
civilian_targeting, tags, text inter codes), the 2020 one (data_id, iso3, numeric inter codes),
the old upper-case Windows-1252 one (GWNO, old event types), CSV or XLSX, columns in any order,
some missing or added, dates as YYYY-MM-DD, DD Month YYYY, D-Mon-YY or DD/MM/YYYY 00:00:00.

Civilian deaths (DESIGN "Definitions") = `fatalities` of events with civilian_targeting set;
in layouts without that column, of events of type "Violence against civilians". Other events'
fatalities are kept as total deaths only: ACLED does not say how many of them were civilians.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from civwatch.domain.records import HarmRow, PartyRow, Rejection, ReportRecord
from civwatch.sources import countries
from civwatch.sources.base import (
    RawBuilder,
    SourceError,
    Table,
    check_width,
    parse_coord,
    parse_count,
    parse_date,
    raw_json,
    text_or_none,
)

SOURCE = "acled"
REQUIRED = ("event_date", "event_type", "fatalities")

# inter codes: numeric in older exports, text in the current one
INTER = {
    "1": "state_forces", "state forces": "state_forces",
    "2": "non_state_armed_group", "rebel group": "non_state_armed_group", "rebel groups": "non_state_armed_group",
    "3": "non_state_armed_group", "political militia": "non_state_armed_group", "political militias": "non_state_armed_group",
    "4": "non_state_armed_group", "identity militia": "non_state_armed_group", "identity militias": "non_state_armed_group",
    "5": "civilians", "rioters": "civilians",
    "6": "civilians", "protesters": "civilians",
    "7": "civilians", "civilians": "civilians",
    "8": "unknown", "external/other forces": "unknown", "other forces": "unknown", "other": "unknown",
    "0": "unknown", "": "unknown",
}
PEACEKEEPER_NAMES = ("united nations", "minusma", "monusco", "minusca", "unmiss", "unamid", "unifil", "amisom", "atmis", "peacekeep", "ecomog", "unoci", "unmil")
PMSC_NAMES = ("wagner", "private security", "private military", "africa corps", "dyck advisory", "executive outcomes")

WEAPON = {
    "air/drone strike": "explosive_air_launched",
    "shelling/artillery/missile attack": "explosive_ground_launched",
    "remote explosive/landmine/ied": "explosive_improvised",
    "grenade": "explosive_grenade",
    "suicide bomb": "explosive_improvised",
    "chemical weapon": "chemical",
    "sexual violence": "sexual_violence",
    "abduction/forced disappearance": "abduction",
    "armed clash": "small_arms",
    "government regains territory": "small_arms",
    "non-state actor overtakes territory": "small_arms",
    "excessive force against protesters": "unknown",
    "attack": "unknown",
    "mob violence": "melee",
    "violent demonstration": "other",
    "peaceful protest": "other",
    "protest with intervention": "other",
    "looting/property destruction": "other",
    "disrupted weapons use": "other",
    "arrests": "other",
    "agreement": "other",
    "change to group/activity": "other",
    "headquarters or base established": "other",
    "non-violent transfer of territory": "other",
    "other": "other",
    # the old event types (no sub_event_type)
    "remote violence": "explosive_unspecified",
    "battle-no change of territory": "small_arms",
    "battle-government regains territory": "small_arms",
    "battle-non-state actor overtakes territory": "small_arms",
    "battle-non-state actor overtakes territory ": "small_arms",
    "violence against civilians": "unknown",
    "riots/protests": "other",
    "strategic development": "other",
}
NO_PERPETRATOR = ("battle", "protest", "riot")  # event types where actor1 is not "the one who harmed"
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "exact", "2": "near", "3": "admin1"}


@lru_cache(maxsize=65536)
def party_category(inter: str, name: str) -> str:
    n = name.lower()
    if any(k in n for k in PMSC_NAMES):
        return "private_military_security"
    cat = INTER.get(inter.strip().lower(), "unknown")
    if cat == "unknown" and any(k in n for k in PEACEKEEPER_NAMES):
        return "peacekeepers"
    if cat == "unknown" and (n.startswith("military forces of") or n.startswith("police forces of")):
        return "state_forces"
    return cat


def columns(header: list[str]) -> dict[str, int]:
    """Each column's position by its lower-case name (the first, where a name repeats);
    SourceError naming what an ACLED export must have and this one lacks."""
    idx: dict[str, int] = {}
    for i, h in enumerate(header):
        idx.setdefault(h.strip().lower(), i)
    missing = [c for c in REQUIRED if c not in idx]
    if "event_id_cnty" not in idx and "data_id" not in idx:
        missing.append("event_id_cnty")
    if missing:
        raise SourceError(f"not an ACLED export: missing column(s) {', '.join(missing)}")
    for name, old_name in (("assoc_actor_1", "ally_actor_1"), ("assoc_actor_2", "ally_actor_2")):
        if name not in idx and old_name in idx:
            idx[name] = idx[old_name]
    return idx


def country_of(iso3_text: str, iso_text: str, name: str, gwno: str) -> tuple[str, str | None]:
    """ISO3 from (in order) the iso3 column, ISO numeric, the country name, the GW number."""
    received = (iso_text or gwno or iso3_text or name).strip() or None
    if iso3_text.strip() and countries.from_iso3(iso3_text) is None:
        raise ValueError(f"unknown country code {iso3_text.strip()[:12]!r} (iso3)")
    by_code = countries.from_iso3(iso3_text) or countries.from_iso_numeric(iso_text)
    if by_code:
        if name.strip():
            countries.check_name(by_code, name)  # a name that contradicts the code rejects the row
        return by_code, received
    for found in (countries.from_name(name), countries.from_gw(gwno)):
        if found:
            return found, received
    shown = name.strip() or iso3_text.strip() or iso_text.strip() or gwno.strip()
    raise ValueError(f"unknown country {shown[:40]!r}" if shown else "unknown country (no country given)")


class AcledAdapter:
    source = SOURCE
    format = "acled"

    def records(self, table: Table) -> Iterator[ReportRecord | Rejection]:
        header = table.header
        idx = columns(header)
        builder = RawBuilder(header)
        width = len(header)
        has_targeting = "civilian_targeting" in idx
        id_col = idx.get("event_id_cnty", idx.get("data_id"))
        data_id_col = idx.get("data_id")

        pad = width  # a missing column reads the "" appended to every row

        def col(name: str) -> int:
            return idx.get(name, pad)

        i_date, i_type, i_sub, i_fat = col("event_date"), col("event_type"), col("sub_event_type"), col("fatalities")
        i_ct, i_iso3, i_iso, i_country, i_gwno = col("civilian_targeting"), col("iso3"), col("iso"), col("country"), col("gwno")
        i_lat, i_lon, i_tp, i_gp = col("latitude"), col("longitude"), col("time_precision"), col("geo_precision")
        i_a1, i_a2, i_a3, i_loc = col("admin1"), col("admin2"), col("admin3"), col("location")
        i_act1, i_ass1, i_int1 = col("actor1"), col("assoc_actor_1"), col("inter1")
        i_act2, i_ass2, i_int2 = col("actor2"), col("assoc_actor_2"), col("inter2")
        i_notes = col("notes")
        country = lru_cache(maxsize=65536)(country_of)

        for line, row in table.rows:
            bad = check_width(row, width)
            if bad:
                yield Rejection(line, bad, raw_json(builder.obj(row)))
                continue
            row = row[:width]
            row.append("")
            try:
                source_id = row[id_col].strip()
                if not source_id and data_id_col is not None and row[data_id_col].strip():
                    source_id = "data_id:" + row[data_id_col].strip()  # a few rows lack event_id_cnty
                if not source_id:
                    raise ValueError("missing event_id_cnty")
                day = parse_date(row[i_date])
                fatalities = parse_count(row[i_fat], "fatalities")
                iso3, received = country(row[i_iso3], row[i_iso], row[i_country], row[i_gwno])
                lat = parse_coord(row[i_lat], "latitude", 90.0)
                lon = parse_coord(row[i_lon], "longitude", 180.0)
            except ValueError as exc:
                yield Rejection(line, str(exc), raw_json(builder.obj(row)))
                continue
            raw, digest = builder.raw(row)
            event_type = row[i_type].strip()
            sub = row[i_sub].strip()
            et = event_type.lower()
            if has_targeting:
                targeting = bool(row[i_ct].strip())
            else:
                targeting = et == "violence against civilians"
            actor1, actor2 = row[i_act1].strip(), row[i_act2].strip()
            cat1 = party_category(row[i_int1], actor1) if actor1 else "unknown"
            cat2 = party_category(row[i_int2], actor2) if actor2 else "unknown"
            no_perp = et.startswith(NO_PERPETRATOR) and not targeting
            role1, role2 = ("other", "other") if no_perp else ("perpetrator", "target")
            parties = []
            if actor1:
                parties.append(PartyRow(actor1, cat1, role1, text_or_none(row[i_int1])))
                for assoc in row[i_ass1].split(";"):
                    if assoc.strip():
                        parties.append(PartyRow(assoc.strip(), party_category(row[i_int1], assoc), role1, None))
            if actor2:
                parties.append(PartyRow(actor2, cat2, role2, text_or_none(row[i_int2])))
                for assoc in row[i_ass2].split(";"):
                    if assoc.strip():
                        parties.append(PartyRow(assoc.strip(), party_category(row[i_int2], assoc), role2, None))
            if targeting or et == "violence against civilians":
                violence = "one_sided"
            elif et.startswith("battle") or et.startswith("explosions") or et == "remote violence":
                violence = "state_based" if "state_forces" in (cat1, cat2) else "non_state"
            else:
                violence = "other"
            civ = fatalities if targeting else None
            location = row[i_loc].strip()
            gp = row[i_gp].strip()
            yield ReportRecord(
                source=SOURCE,
                source_id=source_id,
                content_sha=digest,
                date_start=day,
                date_end=day,
                date_precision=TIME_PRECISION.get(row[i_tp].strip(), "day"),
                year=int(day[:4]),
                month=day[:7],
                country_iso3=iso3,
                raw=raw,
                line=line,
                country_code_received=received,
                latitude=lat,
                longitude=lon,
                geo_precision=GEO_PRECISION.get(gp, "unknown"),
                admin1=text_or_none(row[i_a1]),
                admin2=text_or_none(row[i_a2]),
                admin3=text_or_none(row[i_a3]),
                location=location or None,
                populated_area=True if gp == "1" and location else None,
                civilian_deaths_best=civ,
                total_deaths_best=fatalities,
                weapon=WEAPON.get((sub or event_type).lower(), "unknown"),
                violence_type=violence,
                event_type=f"{event_type}: {sub}" if sub else event_type,
                perpetrator_category="unknown" if no_perp else cat1,
                perpetrator_name=None if no_perp else (actor1 or None),
                target_category=None if no_perp else (cat2 if actor2 else None),
                target_name=None if no_perp else (actor2 or None),
                headline=f"{sub or event_type} in {location}" if location else (sub or event_type),
                notes=text_or_none(row[i_notes]),
                source_url=None,
                harm=[HarmRow("killed", civ)] if civ else [],
                parties=parties,
            )

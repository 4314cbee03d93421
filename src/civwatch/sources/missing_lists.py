"""Lists of persons (detained, prisoners of war, the dead, the found) in CSV, XLSX or HXL: rows in,
persons and rejected rows out. Names may be in several columns and scripts (Airwars' victim list
has name_en and name_ar); every name column is kept as one of the person's names.

PERSONAL DATA: the person and a rejected row's cells are handed on for sealing, never logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from civwatch.domain import missing as dom
from civwatch.sources.base import SourceError, Table, check_width

NAME_COLUMNS = ("name", "full_name", "name_en", "name_ar", "name_local", "name_latin", "name_uk", "name_ru",
                "#person+name", "#person+name+en", "#person+name+ar")
OTHER_NAMES = ("other_names", "alt_names", "alternative_names", "former_names", "nickname")
PARTS = (("given_name", "patronymic", "family_name"), ("first_name", "middle_name", "last_name"))
DOB = ("date_of_birth", "dob", "birth_date", "#person+birth")
AGE = ("age", "age_years", "#person+age")
SEX = ("sex", "gender", "#person+sex")
PLACE = ("place", "location", "place_found", "place_of_detention", "governorate", "#loc+name")
REFERENCE = ("id", "record_id", "reference", "victim_id", "moh_id")
SEXES = {"m": "m", "male": "m", "f": "f", "female": "f", "": "", "u": "", "unknown": ""}


@dataclass
class ListPerson:
    line: int
    names: list[str]
    sex: str
    date_of_birth: str | None
    age: float | None
    place: str | None
    reference: str | None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class ListRejection:
    line: int
    reason: str
    cells: dict[str, str]


def _columns(table: Table) -> dict[str, int]:
    out = {h.strip().lower(): i for i, h in enumerate(table.header)}
    if table.hxl_row:
        for i, tag in enumerate(table.hxl_row):
            out.setdefault(tag.strip().lower().replace(" ", ""), i)
    return out


def read(table: Table, on: date) -> Iterator[ListPerson | ListRejection]:
    """Every row is a person or a rejection with its reason (ages are taken as of `on`)."""
    idx = _columns(table)
    name_cols = [idx[c] for c in NAME_COLUMNS if c in idx]
    part_cols = next(([idx[c] for c in group if c in idx] for group in PARTS if any(c in idx for c in group)), [])
    if not name_cols and not part_cols:
        raise SourceError(f"not a list of persons: no name column (one of {', '.join(NAME_COLUMNS[:6])}, or given_name/family_name)")
    width = len(table.header)

    def first(row: list[str], names: tuple[str, ...]) -> str:
        for n in names:
            i = idx.get(n)
            if i is not None and i < len(row) and row[i].strip():
                return row[i].strip()
        return ""

    for line, row in table.rows:
        cells = {h: (row[i] if i < len(row) else "") for i, h in enumerate(table.header)}
        why = check_width(row, width)
        if why:
            yield ListRejection(line, why, cells)
            continue
        found = [row[i].strip() for i in name_cols if row[i].strip()]
        joined = " ".join(row[i].strip() for i in part_cols if row[i].strip())
        if joined:
            found.append(joined)
        others = first(row, OTHER_NAMES)
        found += [n.strip() for n in others.split(";") if n.strip()]
        if not found:
            yield ListRejection(line, "no name", cells)
            continue
        sex_raw = first(row, SEX).lower()
        if sex_raw not in SEXES:
            yield ListRejection(line, f"sex {sex_raw[:20]!r} is not one of m, f, male, female, unknown", cells)
            continue
        dob, age_raw = first(row, DOB) or None, first(row, AGE) or None
        try:
            birth = dom.parse_birth(dob, age_raw, on)
        except dom.MissingRuleError as exc:
            yield ListRejection(line, str(exc), cells)
            continue
        yield ListPerson(line, found, SEXES[sex_raw], dob, birth.age, first(row, PLACE) or None, first(row, REFERENCE) or None)

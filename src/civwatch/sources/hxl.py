"""Any HXL-tagged table (read with libhxl) whose hashtags say when, where and who was harmed.

Recognised tags: #event+id / #meta+id / #id (record id), #date (+start/+occurred/+end),
#country+code (ISO3) or #country+name, #adm1+name, #adm2+name, #loc+name, #geo+lat, #geo+lon,
#event+type, #description, and #affected+killed / #affected+injured with sex attributes
(+f +female +women / +m +male +men) and age attributes (+children +child +minors / +adults /
+elderly). A killed or injured column without sex/age attributes is the total; otherwise the
total is the sum of one partition of the disaggregated columns (sex x age when present, else
sex, else age), and that partition becomes the harm rows.
Rows without an id get one from their content, so re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from civwatch.domain.records import HarmRow, Rejection, ReportRecord
from civwatch.sources import countries
from civwatch.sources.base import (
    MAX_FIELD,
    RawBuilder,
    SourceError,
    Table,
    nul_field,
    parse_coord,
    parse_count,
    parse_date,
    raw_json,
    sha,
    sniff_encoding,
)

SOURCE = "hxl"
SEX_ATTRS = {"f": "female", "female": "female", "women": "female", "girls": "female", "m": "male", "male": "male", "men": "male", "boys": "male"}
AGE_ATTRS = {"children": "child", "child": "child", "minors": "child", "infants": "child", "girls": "child", "boys": "child", "adults": "adult", "adult": "adult", "elderly": "elderly", "older": "elderly"}
OUTCOMES = {"killed": "killed", "dead": "killed", "deaths": "killed", "injured": "injured", "wounded": "injured", "missing": "missing", "abducted": "abducted", "detained": "detained", "displaced": "displaced"}


class _Col:
    def __init__(self, index: int, tag: str, attrs: set[str]) -> None:
        self.index, self.tag, self.attrs = index, tag, attrs


class HxlAdapter:
    source = SOURCE
    format = "hxl"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path

    def records(self, table: Table) -> Iterator[ReportRecord | Rejection]:
        import hxl  # libhxl: imported lazily, only HXL imports pay for it

        if self.path is None:
            raise SourceError("the HXL reader needs the file path")
        table.rows = iter(())  # libhxl reads the file itself
        options = hxl.InputOptions(allow_local=True, encoding=None if table.kind == "xlsx" else sniff_encoding(self.path))
        try:
            source = hxl.data(str(self.path), options)
            columns = source.columns
        except Exception as exc:  # noqa: BLE001 - libhxl raises many kinds for a non-HXL file
            raise SourceError(f"not an HXL-tagged table: {exc}") from None
        cols = [_Col(i, (c.tag or "").lower(), {a.lower() for a in c.attributes}) for i, c in enumerate(columns)]
        headers = [c.header or c.display_tag or f"column_{i + 1}" for i, c in enumerate(columns)]
        keys = [f"{h} {c.display_tag}".strip() if c.display_tag and c.header else h for h, c in zip(headers, columns, strict=True)]
        builder = RawBuilder(keys)

        def first(tag: str, *attrs: str) -> int | None:
            for c in cols:
                if c.tag == tag and all(a in c.attrs for a in attrs):
                    return c.index
            return None

        i_id = first("#event", "id") if first("#event", "id") is not None else first("#meta", "id")
        if i_id is None:
            i_id = first("#id")
        i_date = next((first("#date", a) for a in ("occurred", "start") if first("#date", a) is not None), None)
        if i_date is None:
            i_date = next((c.index for c in cols if c.tag == "#date" and not c.attrs & {"end", "year", "reported"}), None)
        i_end = first("#date", "end")
        i_iso = first("#country", "code")
        i_cname = first("#country", "name")
        i_lat, i_lon = first("#geo", "lat"), first("#geo", "lon")
        i_adm1, i_adm2, i_loc = first("#adm1", "name"), first("#adm2", "name"), first("#loc", "name")
        i_type, i_desc = first("#event", "type"), first("#description")
        harm_cols: dict[str, list[tuple[int, str, str]]] = {}
        totals: dict[str, int] = {}
        for c in cols:
            if c.tag not in ("#affected", "#inneed"):
                continue
            outcome = next((OUTCOMES[a] for a in c.attrs if a in OUTCOMES), None)
            if outcome is None:
                continue
            sex = next((SEX_ATTRS[a] for a in c.attrs if a in SEX_ATTRS), "unknown")
            age = next((AGE_ATTRS[a] for a in c.attrs if a in AGE_ATTRS), "unknown")
            if sex == "unknown" and age == "unknown":
                totals.setdefault(outcome, c.index)
            else:
                harm_cols.setdefault(outcome, []).append((c.index, sex, age))
        if i_date is None:
            raise SourceError("HXL table without a #date column: cannot place its rows in time")
        if i_iso is None and i_cname is None:
            raise SourceError("HXL table without #country+code or #country+name")
        if not totals and not harm_cols:
            raise SourceError("HXL table without #affected+killed or #affected+injured columns")
        partitions = {o: _partition(cs) for o, cs in harm_cols.items()}

        for row in source:
            values = ["" if v is None else str(v) for v in row.values]
            line = (row.source_row_number or 0) + 1
            try:
                day = parse_date(values[i_date])
                end = parse_date(values[i_end]) if i_end is not None and values[i_end].strip() else day
                if end < day:
                    raise ValueError(f"end date {end} is before {day}")
                code = values[i_iso] if i_iso is not None else ""
                name = values[i_cname] if i_cname is not None else ""
                nul = nul_field(values)
                if nul is not None:
                    raise ValueError(f"NUL byte in field {nul + 1}")
                if any(len(v) > MAX_FIELD for v in values):
                    raise ValueError(f"a field is longer than the limit ({MAX_FIELD:,} characters)")
                iso3 = countries.from_iso3(code) or (None if code.strip() else countries.from_name(name))
                if iso3 is None:
                    raise ValueError(f"unknown country {(code or name)[:40]!r}")
                if code.strip() and name.strip():
                    countries.check_name(iso3, name)
                lat = parse_coord(values[i_lat], "latitude", 90.0) if i_lat is not None else None
                lon = parse_coord(values[i_lon], "longitude", 180.0) if i_lon is not None else None
                harm: list[HarmRow] = []
                figures: dict[str, int | None] = {}
                for outcome in set(totals) | set(partitions):
                    cells = [(parse_count(values[i], f"#affected+{outcome}", required=False), s, a) for i, s, a in partitions.get(outcome, [])]
                    harm += [HarmRow(outcome, n, sex=s, age_group=a) for n, s, a in cells if n]
                    total = parse_count(values[totals[outcome]], f"#affected+{outcome}", required=False) if outcome in totals else None
                    if total is None and cells and any(n is not None for n, _, _ in cells):
                        total = sum(n or 0 for n, _, _ in cells)
                    figures[outcome] = total
            except ValueError as exc:
                yield Rejection(line, str(exc), raw_json(builder.obj(values)))
                continue
            raw, digest = builder.raw(values)
            source_id = values[i_id].strip() if i_id is not None else ""
            yield ReportRecord(
                source=SOURCE,
                source_id=source_id or "sha:" + sha(raw)[:24],
                content_sha=digest,
                date_start=day,
                date_end=end,
                date_precision="day" if day == end else "span",
                year=int(day[:4]),
                month=day[:7],
                country_iso3=iso3,
                raw=raw,
                line=line,
                country_code_received=(code or name).strip() or None,
                latitude=lat,
                longitude=lon,
                geo_precision="exact" if lat is not None else ("admin2" if i_adm2 is not None and values[i_adm2].strip() else "unknown"),
                admin1=(values[i_adm1].strip() or None) if i_adm1 is not None else None,
                admin2=(values[i_adm2].strip() or None) if i_adm2 is not None else None,
                location=(values[i_loc].strip() or None) if i_loc is not None else None,
                civilian_deaths_best=figures.get("killed"),
                civilian_injuries_best=figures.get("injured"),
                total_deaths_best=figures.get("killed"),
                event_type=(values[i_type].strip() or None) if i_type is not None else None,
                notes=(values[i_desc].strip() or None) if i_desc is not None else None,
                harm=harm,
            )


def _partition(cols: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """The finest complete set of disaggregated columns: sex x age, else sex, else age."""
    both = [c for c in cols if c[1] != "unknown" and c[2] != "unknown"]
    if both:
        return both
    by_sex = [c for c in cols if c[1] != "unknown"]
    return by_sex or [c for c in cols if c[2] != "unknown"]

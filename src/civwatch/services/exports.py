"""Exports of any filtered selection of incidents: CSV, GeoJSON, HXL-tagged CSV, XLSX, Parquet.

Text cells a spreadsheet would run as a formula (starting with = + - @, or a tab / carriage
return) are prefixed with an apostrophe, in every tabular format.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from datetime import date

from sqlalchemy import Engine

from civwatch.domain.query import Filters
from civwatch.store import incident_queries as q

MAX_ROWS = 1_000_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# (column, HXL tag). Harm columns are the women / children / total breakdown of civilian harm.
COLUMNS: list[tuple[str, str]] = [
    ("id", "#event+id"),
    ("date_start", "#date+start"),
    ("date_end", "#date+end"),
    ("date_precision", "#date+precision"),
    ("country_iso3", "#country+code"),
    ("admin1", "#adm1+name"),
    ("admin2", "#adm2+name"),
    ("location", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("geo_precision", "#geo+precision"),
    ("populated_area", "#loc+type+populated"),
    ("civilian_deaths_best", "#affected+killed+civilians"),
    ("civilian_deaths_low", "#affected+killed+civilians+min"),
    ("civilian_deaths_high", "#affected+killed+civilians+max"),
    ("civilian_injuries_best", "#affected+injured+civilians"),
    ("civilian_injuries_low", "#affected+injured+civilians+min"),
    ("civilian_injuries_high", "#affected+injured+civilians+max"),
    ("killed_women", "#affected+killed+f+adults"),
    ("killed_men", "#affected+killed+m+adults"),
    ("killed_girls", "#affected+killed+f+children"),
    ("killed_boys", "#affected+killed+m+children"),
    ("injured_women", "#affected+injured+f+adults"),
    ("injured_men", "#affected+injured+m+adults"),
    ("injured_girls", "#affected+injured+f+children"),
    ("injured_boys", "#affected+injured+m+children"),
    ("weapon", "#event+weapon"),
    ("perpetrator_category", "#group+perpetrator+type"),
    ("violence_type", "#event+type"),
    ("grade", "#status+grade"),
    ("n_reports", "#meta+reports+num"),
    ("sources", "#meta+source"),
    ("headline", "#description"),
]
NAMES = [c for c, _ in COLUMNS]
MEDIA = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "hxl": ("text/csv; charset=utf-8", "hxl.csv"),
    "geojson": ("application/geo+json", "geojson"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}


def neutralise(value):
    """A text cell that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


CELLS = {("female", "adult"): "women", ("female", "elderly"): "women", ("male", "adult"): "men",
         ("male", "elderly"): "men", ("female", "child"): "girls", ("male", "child"): "boys"}


def _harm_columns(harm_rows: list[dict]) -> dict:
    """Civilian killed / injured by sex x age (women, men, girls, boys); empty when the
    report has no such cells. Partly disaggregated figures (sex or age unknown) stay in the totals."""
    out = {f"{o}_{c}": 0 for o in ("killed", "injured") for c in ("women", "men", "girls", "boys")}
    seen = False
    for h in harm_rows:
        cell = CELLS.get((h["sex"], h["age_group"]))
        if h["civilian"] and h["outcome"] in ("killed", "injured") and cell:
            out[f"{h['outcome']}_{cell}"] += h["best"]
            seen = True
    return out if seen else dict.fromkeys(out)


def records(engine: Engine, filters: Filters, limit: int | None = None) -> Iterator[dict]:
    """Each selected incident as a flat dict over NAMES, in batches (memory stays bounded)."""
    limit = min(limit or MAX_ROWS, MAX_ROWS)
    with engine.connect() as conn:
        batch: list[dict] = []
        for row in q.selection(conn, filters, limit):
            batch.append(dict(row))
            if len(batch) >= 2000:
                yield from _flatten(conn, batch)
                batch = []
        yield from _flatten(conn, batch)


def _flatten(conn, batch: list[dict]) -> Iterator[dict]:
    harm = q.incident_harm(conn, [r["id"] for r in batch])
    for r in batch:
        r |= _harm_columns(harm.get(r["id"], []))
        yield {k: r.get(k) for k in NAMES}


def _cell(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise(value)


STREAMED = ("csv", "hxl", "geojson")


def stream(engine: Engine, filters: Filters, fmt: str, limit: int | None = None) -> Iterator[bytes]:
    """CSV, HXL and GeoJSON in chunks, so a large selection never sits in memory whole."""
    if fmt not in STREAMED:
        raise ValueError(f"only {', '.join(STREAMED)} are streamed")
    selected = records(engine, filters, limit)
    head = next(selected, None)  # run the query before the first byte goes out
    rows = selected if head is None else itertools.chain([head], selected)
    if fmt in ("csv", "hxl"):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(NAMES)
        if fmt == "hxl":
            w.writerow([tag for _, tag in COLUMNS])
        for i, r in enumerate(rows):
            w.writerow(["" if r[k] is None else _cell(r[k]) for k in NAMES])
            if i % 1000 == 999:
                yield buf.getvalue().encode("utf-8")
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue().encode("utf-8")
        return
    yield b'{"type":"FeatureCollection","features":['
    for i, r in enumerate(rows):
        geom = None
        if r["latitude"] is not None and r["longitude"] is not None:
            geom = {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}
        props = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items() if k not in ("latitude", "longitude")}
        feature = {"type": "Feature", "id": r["id"], "geometry": geom, "properties": props}
        yield (b"," if i else b"") + json.dumps(feature, ensure_ascii=False).encode("utf-8")
    yield b"]}"


def export(engine: Engine, filters: Filters, fmt: str, limit: int | None = None) -> tuple[bytes, str, str]:
    """(content, media type, file extension) of the selection in `fmt`."""
    if fmt not in MEDIA:
        raise ValueError(f"format must be one of {', '.join(MEDIA)}")
    media, ext = MEDIA[fmt]
    if fmt in STREAMED:
        return b"".join(stream(engine, filters, fmt, limit)), media, ext
    rows = records(engine, filters, limit)
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def xl(value):
            value = _cell(value)
            return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("incidents")
        ws.append(NAMES)
        for r in rows:
            ws.append([xl(r[k]) for k in NAMES])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue(), media, ext
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = list(rows)
    table = pa.Table.from_pylist([{k: _cell(r[k]) if isinstance(r[k], str) else r[k] for k in NAMES} for r in data]) if data else pa.table({k: pa.array([], pa.string()) for k in NAMES})
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue(), media, ext


TABLE_FORMATS = {"csv": MEDIA["csv"], "xlsx": MEDIA["xlsx"]}


def export_table(columns: list[str], rows: list[dict], fmt: str, sheet: str = "data") -> tuple[bytes, str, str]:
    """Any small table (treaty status, forum matrix, ...) as CSV or XLSX, formula-safe like the rest."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"format must be one of {', '.join(TABLE_FORMATS)}")
    media, ext = TABLE_FORMATS[fmt]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(k) is None else _cell(r.get(k)) for k in columns])
        return buf.getvalue().encode("utf-8"), media, ext
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(columns)
    for r in rows:
        cells = [_cell(r.get(k)) for k in columns]
        ws.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in cells])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), media, ext

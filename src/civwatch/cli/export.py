"""`civwatch export ...`: data out of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civwatch.cli.common import DbOption, console, engine

app = typer.Typer(help="Export data.", no_args_is_help=True)


@app.command("links")
def links(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv")] = "csv",
    db: DbOption = None,
) -> None:
    """One row per report: incident_id,source,source_id (GED id, ACLED event_id_cnty)."""
    from civwatch.services import linking

    n = linking.export_links(engine(db), output, fmt)
    console.print(f"wrote {n} links to {output}", highlight=False)


@app.command("incidents")
def incidents(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write ('-' for standard output).")],
    fmt: Annotated[str, typer.Option("--format", help="csv, geojson, hxl, xlsx or parquet (the API's formats).")] = "csv",
    source: Annotated[str | None, typer.Option("--source")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO alpha-3 codes, comma-separated.")] = None,
    party_category: Annotated[str | None, typer.Option("--party-category")] = None,
    weapon: Annotated[str | None, typer.Option("--weapon")] = None,
    grade: Annotated[str | None, typer.Option("--grade")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=1_000_000)] = None,
    db: DbOption = None,
) -> None:
    """The selected incidents as GET /api/exports/incidents.{format} gives them (formula-safe)."""
    import sys

    from civwatch.domain.query import Filters, parse_date, split_values
    from civwatch.services import exports

    if fmt not in exports.MEDIA:
        raise ValueError(f"--format: unknown format {fmt!r}; formats are {', '.join(exports.MEDIA)}")
    f = Filters(
        source=source,
        countries=split_values(country, upper=True),
        party_categories=split_values(party_category),
        weapons=split_values(weapon),
        grades=split_values(grade),
        date_from=parse_date(date_from, "--from"),
        date_to=parse_date(date_to, "--to", end=True),
    )
    content, _, _ = exports.export(engine(db), f, fmt, limit)
    if str(output) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    output.write_bytes(content)
    console.print(f"wrote {len(content)} bytes of {fmt} to {output}", highlight=False)

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

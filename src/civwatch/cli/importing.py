"""`civwatch import FILE`, `civwatch rejects BATCH_ID`, `civwatch imports`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine, err_console
from civwatch.services import importing

FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help="Force a format: ucdp-ged, ucdp-acd, acled, hxl, victims (default: detect from the header)."),
]


def import_(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file to import.")],
    format: FormatOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object with the summary.")] = False,
    extract_text: Annotated[bool, typer.Option("--extract-text/--no-extract-text", help="Then read harm by sex and age from the text of reports whose source gives none, kept apart from coded harm (docs/textcounts.md; about 0.15x the import's time).")] = True,
    release: Annotated[str | None, typer.Option("--release", help="The release this file is (e.g. 23.1 or its publication date 2023-06-23), for sources whose rows carry no release signal (ACLED rows have their timestamp).")] = None,
    db: DbOption = None,
) -> None:
    """Import a UCDP GED/ACD, ACLED, HXL or victim-list file; every row is accepted or rejected."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,.0f} rows read"), TimeElapsedColumn())
    # on stderr, and only on a terminal: --json output and pipes stay clean
    with Progress(*columns, console=err_console, transient=True, disable=as_json) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        summary = importing.import_file(engine(db), file, format=format, release=release, progress=lambda n: bar.update(task, completed=n))
    text_harm = None
    if extract_text:
        from civwatch.services import textcounts

        text_harm = textcounts.extract_harm(engine(db), batch_id=summary.batch_id)
    if as_json:
        extra = {"text_harm": asdict(text_harm)} if text_harm else {}
        print(json.dumps(summary.as_dict() | extra, ensure_ascii=False))
        return
    s = summary
    console.print(f"detected: {s.detected}", highlight=False, soft_wrap=True)
    console.print(
        f"batch {s.batch_id}: {s.read} rows read, {s.accepted} accepted "
        f"({s.new} new, {s.updated} updated, {s.unchanged} unchanged"
        f"{f' of which {s.reformatted} differ only in formatting' if s.reformatted else ''}, "
        f"{f'{s.older} older releases than the stored ones, kept as prior releases (the newer stay current), ' if s.older else ''}"
        f"{s.duplicates} further rows of an event), "
        f"{s.rejected} rejected, in {s.seconds:.1f} s ({'read in columns' if s.reader == 'columns' else 'read row by row'})",
        highlight=False,
        soft_wrap=True,
    )
    if s.rejected:
        console.print(f"see the rejected rows with: civwatch rejects {s.batch_id}", highlight=False)
    if text_harm:
        h = text_harm
        console.print(f"read from text ({h.method}): {h.rows} harm rows by sex or age for {h.reports_with_rows} of {h.reports_read} "
                      "reports without coded sex or age (kept apart from coded harm)", highlight=False)


def rejects(
    batch_id: Annotated[int, typer.Argument(help="The batch number printed by `civwatch import`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
    db: DbOption = None,
) -> None:
    """List the rows an import rejected, with line number and reason."""
    rows = importing.rejections(engine(db), batch_id, limit=limit)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("line", "reason", "row", title=f"batch {batch_id}: {len(rows)} rejected row(s)", title_justify="left")
    for r in rows:
        table.add_row(str(r["line"]), r["reason"], r["raw"][:120])
    console.print(table)


def imports(
    limit: Annotated[int, typer.Option(help="Show the latest N batches.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
    db: DbOption = None,
) -> None:
    """List import batches, newest first."""
    rows = importing.batches(engine(db), limit=limit)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table("batch", "status", "format", "file", "read", "accepted", "rejected", "updated", "unchanged", "started")
    for r in rows:
        table.add_row(
            str(r["id"]), r["status"], r["source_format"], r["file_name"], str(r["read"]), str(r["accepted"]),
            str(r["rejected"]), str(r["updated"]), str(r["unchanged"]), str(r["started_at"])[:19],
        )
    console.print(table)


def register(cli: typer.Typer) -> None:
    cli.command("import")(import_)
    cli.command("rejects")(rejects)
    cli.command("imports")(imports)

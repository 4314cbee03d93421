"""`civwatch text counts|check|learn`: casualty figures read from the words of reports."""

from __future__ import annotations

import csv
import sys
from itertools import islice
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine
from civwatch.services import textcounts as svc

app = typer.Typer(help="Casualty figures read from text (docs/textcounts.md).", no_args_is_help=True)

ConvOption = Annotated[
    Path | None,
    typer.Option("--conventions", help="Learnt conventions (JSON from `civwatch text learn`); default: the user data directory.", show_default=False),
]


def _conventions(path: Path | None) -> dict[str, int | str]:
    if path is not None and not path.is_file():
        raise FileNotFoundError(f"no conventions file at {path}; make one with `civwatch text learn FILE.csv`")
    return svc.load_conventions(path)


@app.command("counts")
def counts(
    file: Annotated[Path, typer.Argument(help="CSV file with one text per row.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "notes",
    id_column: Annotated[str | None, typer.Option("--id-column", help="Column holding each row's id (default: row number).")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV to write: one row per input row.")] = Path("textcounts.csv"),
    language: Annotated[str | None, typer.Option("--language", help="en or fr (default: detected per text).")] = None,
    conventions: ConvOption = None,
) -> None:
    """Read killed / injured / missing / abducted / detained from each text, with the spans they came from."""
    if language is not None and language not in ("en", "fr"):
        raise ValueError(f"unsupported language '{language}'; supported: en, fr")
    s = svc.count_file(file, text_column, id_column, output, _conventions(conventions), language)
    console.print(f"{s.rows} rows read, {s.with_killed} with a killed figure, {s.unreadable} unreadable (reason in the error column) -> {s.output}")


@app.command("check")
def check(
    file: Annotated[Path | None, typer.Argument(help="Coded file (ACLED notes/fatalities, GED source_headline/best); default: the store.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only reports of this source (store).")] = None,
    text_column: Annotated[str | None, typer.Option("--text-column")] = None,
    count_column: Annotated[str | None, typer.Option("--count-column")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many (0: all).")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table or csv")] = "table",
    conventions: ConvOption = None,
    db: DbOption = None,
) -> None:
    """List reports whose coded killed count disagrees with the count in their own text."""
    conv = _conventions(conventions)
    found = svc.check_file(file, text_column, count_column, None, conv) if file else svc.check_store(engine(db), source, conv)
    rows = list(islice(found, limit or None))
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["id", "coded", "read", "low", "high", "basis", "outside_text_range", "spans"])
        for d in rows:
            w.writerow([d.id, d.coded, d.read, d.low, d.high, d.basis, d.outside, d.spans])
        return
    if fmt != "table":
        raise ValueError(f"unknown format '{fmt}'; use table or csv")
    table = Table("id", "coded", "read from text", "low", "high", "basis", "span", title="coded count vs own text")
    for d in rows:
        table.add_row(d.id, str(d.coded), "" if d.read is None else str(d.read), "" if d.low is None else str(d.low),
                      "" if d.high is None else str(d.high), d.basis, d.spans[:120])
    console.print(table)
    console.print(f"{len(rows)} disagreement(s) shown" + (f" (limit {limit})" if limit and len(rows) == limit else ""))


@app.command("learn")
def learn(
    files: Annotated[list[Path], typer.Argument(help="Your own coded files (ACLED exports with notes and fatalities).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write (default: the user data directory).")] = None,
    min_support: Annotated[int, typer.Option("--min-support", help="Notes needed before a convention is kept.")] = 5,
) -> None:
    """Learn the coders' conventions for vague words ("several", "dozens") and bounds from your files."""
    doc = svc.learn(files, output, min_support)
    table = Table("basis", "coded as", "notes", "agreement", title=f"conventions from {doc['notes_read']} notes")
    for c in doc["conventions"]:  # type: ignore[union-attr]
        table.add_row(c["basis"], str(c["value"]), str(c["support"]), f"{c['agreement']:.2f}")
    console.print(table)
    console.print(f"written to {doc['output']}")


@app.command("harm")
def harm(
    source: Annotated[str | None, typer.Option("--source", help="Only reports of this source.")] = None,
    batch: Annotated[int | None, typer.Option("--batch", help="Only reports of this import batch.")] = None,
    db: DbOption = None,
) -> None:
    """Read harm by sex and age from the text of stored reports whose source gives none (kept apart from coded harm)."""
    h = svc.extract_harm(engine(db), batch, source)
    console.print(f"read from text ({h.method}): {h.rows} harm rows by sex or age for {h.reports_with_rows} of {h.reports_read} "
                  "reports without coded sex or age", highlight=False)

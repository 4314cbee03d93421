from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civwatch.cli.common import DbOption, console, engine, fail
from civwatch.services import audit_trail

app = typer.Typer(help="The append-only, hash-chained audit trail.", no_args_is_help=True)


@app.command("verify")
def verify(
    anchor: Annotated[Path | None, typer.Option("--anchor", help="Anchor file (default: CIVWATCH_AUDIT_ANCHOR or the user data folder).")] = None,
    update: Annotated[bool, typer.Option("--update/--no-update", help="Move the anchor to the current head when intact.")] = True,
    db: DbOption = None,
) -> None:
    """Check every entry's hash, the chain, and the anchor the last verify left outside the store;
    name any edited or deleted entry, a deleted tail, or a re-hashed chain. Exit 3 on a breach."""
    result = audit_trail.verify_anchored(engine(db), anchor=anchor, update=update)
    for line in result.how:
        console.print(f"checked: {line}", highlight=False, soft_wrap=True)
    if result.breaches:
        for b in result.breaches:
            console.print(f"[red]entry {b.seq}[/]: {b.problem}", highlight=False, soft_wrap=True)
        raise fail(f"audit trail broken: {len(result.breaches)} problem(s) in {result.checked} entries", code=3)
    console.print(f"audit trail intact: {result.checked} entries verified")


@app.command("log")
def log(limit: int = 20, entity: str | None = None, db: DbOption = None) -> None:
    """Show the latest entries (newest first)."""
    for row in audit_trail.latest(engine(db), limit=limit, entity=entity):
        console.print(f"{row['seq']:>6} {str(row['at'])[:19]} {row['actor']:<12} {row['event']:<20} {row['entity']} {row['entity_id'] or ''}", highlight=False)

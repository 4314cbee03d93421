from __future__ import annotations

import typer

from civwatch.cli.common import DbOption, console, engine, fail
from civwatch.services import audit_trail

app = typer.Typer(help="The append-only, hash-chained audit trail.", no_args_is_help=True)


@app.command("verify")
def verify(db: DbOption = None) -> None:
    """Check every entry's hash and the chain; name any edited or deleted entry."""
    checked, breaches = audit_trail.verify(engine(db))
    if breaches:
        for b in breaches:
            console.print(f"[red]entry {b.seq}[/]: {b.problem}")
        raise fail(f"audit trail broken: {len(breaches)} problem(s) in {checked} entries", code=3)
    console.print(f"audit trail intact: {checked} entries verified")


@app.command("log")
def log(limit: int = 20, entity: str | None = None, db: DbOption = None) -> None:
    """Show the latest entries (newest first)."""
    for row in audit_trail.latest(engine(db), limit=limit, entity=entity):
        console.print(f"{row['seq']:>6} {str(row['at'])[:19]} {row['actor']:<12} {row['event']:<20} {row['entity']} {row['entity_id'] or ''}", highlight=False)

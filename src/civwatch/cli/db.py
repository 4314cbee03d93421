from __future__ import annotations

import typer

from civwatch.cli.common import DbOption, console, engine
from civwatch.services import store as store_service

app = typer.Typer(help="Create and upgrade the store.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Create the store or bring it to the latest migration, in place."""
    from civwatch.cli.common import _root_db

    before, after = store_service.upgrade(db or _root_db["url"])
    eng = engine(db, upgrade=False)
    if before == after:
        console.print(f"{store_service.describe(eng)} is at the latest migration ({after}).")
    else:
        console.print(f"{store_service.describe(eng)}: upgraded {before or 'empty store'} -> {after}.")


@app.command("current")
def current(db: DbOption = None) -> None:
    """Show which migration the store is at."""
    eng = engine(db, upgrade=False)
    rev, head = store_service.revisions(eng)
    state = "up to date" if rev == head else f"behind (latest is {head})"
    console.print(f"{store_service.describe(eng)}: {rev or 'empty'} — {state}")

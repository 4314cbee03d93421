"""What every command shares: the --db option, the console, error reporting."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store URL or SQLite path; overrides CIVWATCH_DATABASE_URL.", show_default=False),
]

_root_db: dict[str, str | None] = {"url": None}


def set_root_db(url: str | None) -> None:
    _root_db["url"] = url


def engine(db: str | None = None, upgrade: bool = True) -> Engine:
    """The store named by --db (command or root), else the environment, else the default file."""
    from civwatch.services.store import open_store

    return open_store(db or _root_db["url"], upgrade=upgrade)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)

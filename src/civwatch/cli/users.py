from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine
from civwatch.services import auth

app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)


@app.command("add")
def add(
    username: str,
    roles: Annotated[str, typer.Option("--roles", help="Comma-separated: viewer, recorder, analyst, assessor, investigator, approver, admin.")] = "viewer",
    password: Annotated[str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar="CIVWATCH_NEW_PASSWORD")] = "",
    db: DbOption = None,
) -> None:
    """Add a user with roles; the password is hashed (Argon2) and never stored."""
    principal = auth.add_user(engine(db), username, password, roles)
    console.print(f"added {principal.username} with roles {', '.join(sorted(principal.roles))}")


@app.command("token")
def token(username: str, name: Annotated[str, typer.Option(help="What the token is for.")] = "api", db: DbOption = None) -> None:
    """Issue an API token for a user. It is shown once; only its hash is kept."""
    console.print(auth.issue_token(engine(db), username, name), highlight=False, soft_wrap=True)


@app.command("list")
def list_(db: DbOption = None) -> None:
    """List users and their roles."""
    table = Table("username", "roles", "active", "created")
    for row in auth.list_users(engine(db)):
        table.add_row(row["username"], row["roles"], "yes" if row["active"] else "no", str(row["created_at"])[:19])
    console.print(table)

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
def token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    days: Annotated[int, typer.Option("--days", help="Days until the token expires (1-3660).")] = auth.TOKEN_DAYS,
    db: DbOption = None,
) -> None:
    """Issue an API token for a user. It is shown once; only its hash is kept. It expires after --days."""
    console.print(auth.issue_token(engine(db), username, name, days=days), highlight=False, soft_wrap=True)


@app.command("tokens")
def tokens(username: str, db: DbOption = None) -> None:
    """List a user's tokens (never the tokens themselves): id, name, issued, expires, revoked."""
    table = Table("id", "name", "issued", "expires", "revoked")
    for row in auth.list_tokens(engine(db), username):
        table.add_row(str(row["id"]), row["name"], str(row["created_at"])[:19], str(row["expires_at"] or "never")[:19],
                      "yes" if row["revoked"] else "no")
    console.print(table)


@app.command("revoke")
def revoke(
    username: str,
    token_id: Annotated[int | None, typer.Option("--token", help="Revoke only this token id (see `users tokens`).")] = None,
    db: DbOption = None,
) -> None:
    """Revoke a user's API tokens (all of them, or one with --token); recorded in the audit trail."""
    ids = auth.revoke_tokens(engine(db), username, token_id)
    console.print(f"revoked {len(ids)} token(s) of {username}" + (f": {', '.join(map(str, ids))}" if ids else ""))


@app.command("disable")
def disable(username: str, db: DbOption = None) -> None:
    """Disable a user at once: no more logins, every token revoked, every web session ended."""
    done = auth.disable_user(engine(db), username)
    console.print(f"disabled {username}: {len(done['tokens_revoked'])} token(s) revoked, {done['sessions_ended']} session(s) ended")


@app.command("enable")
def enable(username: str, db: DbOption = None) -> None:
    """Let a disabled user log in again (tokens stay revoked: issue new ones)."""
    auth.enable_user(engine(db), username)
    console.print(f"enabled {username}")


@app.command("list")
def list_(db: DbOption = None) -> None:
    """List users and their roles."""
    table = Table("username", "roles", "active", "created")
    for row in auth.list_users(engine(db)):
        table.add_row(row["username"], row["roles"], "yes" if row["active"] else "no", str(row["created_at"])[:19])
    console.print(table)

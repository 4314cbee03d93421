"""Entry point: `civwatch`. User mistakes end in one clear line and a non-zero exit."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from civwatch import __version__
from civwatch.cli import (
    audit,
    cases,
    db,
    demo,
    export,
    forecasts,
    importing,
    incidents,
    linking,
    missions,
    stats,
    treaties,
    users,
)
from civwatch.cli import decisions as decisions_cli
from civwatch.cli import evidence as evidence_cli
from civwatch.cli import plan as plan_cli
from civwatch.cli.common import err_console, set_root_db

cli = typer.Typer(
    name="civwatch",
    help="civwatch — record, merge, grade and measure civilian harm in armed conflict.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
cli.add_typer(db.app, name="db")
cli.add_typer(users.app, name="users")
cli.add_typer(audit.app, name="audit")
cli.add_typer(cases.app, name="cases")
cli.add_typer(forecasts.app, name="forecast")
cli.command("stats")(stats.stats)
cli.command("compare")(stats.compare)
cli.command("serve")(stats.serve)
cli.command("refresh-indicators")(stats.refresh)
importing.register(cli)
demo.register(cli)
cli.add_typer(incidents.app, name="incidents")
cli.add_typer(export.app, name="export")
cli.command("link")(linking.link)
cli.add_typer(treaties.app, name="treaties")
cli.add_typer(missions.app, name="peacekeeping")
cli.add_typer(evidence_cli.app, name="evidence")
cli.add_typer(decisions_cli.app, name="decisions")
cli.add_typer(plan_cli.app, name="plan")


@cli.callback()
def root(
    db_url: Annotated[str | None, typer.Option("--db", help="Store URL or SQLite path for every command.")] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        print(f"civwatch {__version__}")
        raise typer.Exit()
    set_root_db(db_url)


@cli.command("taxonomy")
def taxonomy() -> None:
    """List every taxonomy and its codes (party categories, weapons, harm, grades, ...)."""
    from rich.table import Table

    from civwatch.cli.common import console
    from civwatch.domain.taxonomy import TAXONOMIES, label

    for name, enum in TAXONOMIES.items():
        table = Table("code", "label", title=name, title_justify="left")
        for member in enum:
            table.add_row(member.value, label(member))
        console.print(table)


def _user_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import OperationalError

    from civwatch.services.auth import AuthError
    from civwatch.services.store import StoreNotReady
    from civwatch.settings import ConfigError

    return (ValueError, FileNotFoundError, IsADirectoryError, PermissionError, ConfigError, AuthError, StoreNotReady, OperationalError)


def app() -> None:
    """Run the CLI; known errors print one line, never a traceback."""
    try:
        # without standalone mode click returns a typer.Exit's code instead of exiting with it
        code = cli(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - turned into one line for users
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, _user_errors()):
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if type(exc).__name__ == "OperationalError":
                message = f"cannot use the store: {getattr(exc, 'orig', exc)}".splitlines()[0]
            err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
            sys.exit(2)
        raise


if __name__ == "__main__":
    app()

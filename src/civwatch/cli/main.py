"""Entry point: `civwatch`. User mistakes end in one clear line and a non-zero exit."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from civwatch import __version__
from civwatch.cli import (
    audit,
    briefs,
    cases,
    db,
    demo,
    export,
    forecasts,
    importing,
    incidents,
    linking,
    missing,
    missions,
    parties,
    stats,
    treaties,
    users,
)
from civwatch.cli import decisions as decisions_cli
from civwatch.cli import evidence as evidence_cli
from civwatch.cli import plan as plan_cli
from civwatch.cli import screening as screening_cli
from civwatch.cli import textcounts as text_cli
from civwatch.cli.common import err_console, set_root_db

cli = typer.Typer(
    name="civwatch",
    help="civwatch — record, merge, grade and measure civilian harm in armed conflict.",
    no_args_is_help=False,  # `civwatch` alone: one line naming --help, exit 2
    pretty_exceptions_enable=False,
    add_completion=False,
)
cli.add_typer(db.app, name="db")
cli.add_typer(users.app, name="users")
cli.add_typer(audit.app, name="audit")
cli.add_typer(cases.app, name="cases")
cli.add_typer(forecasts.app, name="forecast")
cli.command("stats")(stats.stats)
cli.command("compare")(parties.compare)  # --by party here; other dimensions: stats.compare
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
cli.add_typer(text_cli.app, name="text")
cli.add_typer(parties.app, name="parties")
cli.add_typer(screening_cli.app, name="screening")
cli.add_typer(briefs.app, name="brief")
cli.add_typer(plan_cli.app, name="plan")
cli.add_typer(missing.app, name="missing")


def _version(value: bool) -> None:
    """Eager: answers before the group asks for a command."""
    if value:
        print(f"civwatch {__version__}")
        raise typer.Exit()


@cli.callback()
def root(
    db_url: Annotated[str | None, typer.Option("--db", help="Store URL or SQLite path for every command.")] = None,
    version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", is_eager=True, callback=_version)
    ] = False,
) -> None:
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
    from sqlalchemy.exc import DatabaseError

    from civwatch.services.auth import AuthError
    from civwatch.services.store import StoreNotReady
    from civwatch.settings import ConfigError

    return (ValueError, OverflowError, FileNotFoundError, IsADirectoryError, PermissionError, ConfigError, AuthError, StoreNotReady, DatabaseError)


def _usage_line(exc: BaseException) -> str | None:
    """One line for a command-line usage mistake, from click or from the click typer bundles
    (typer 0.29 raises `typer._click` exceptions, which are not `click.ClickException`)."""
    import click

    try:
        from typer import _click as bundled  # typer >= 0.29
        kinds: tuple[type[BaseException], ...] = (click.ClickException, bundled.exceptions.ClickException)
    except ImportError:  # pragma: no cover - older typer uses click itself
        kinds = (click.ClickException,)
    if not isinstance(exc, kinds):
        return None
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "civwatch"
    if type(exc).__name__ == "NoArgsIsHelpError":
        return f"{where}: a command is missing; `{where} --help` lists them"
    message = " ".join(exc.format_message().split())
    return f"{message} (see `{where} --help`)"


def _with_valid_codes(message: str) -> str:
    """"'x' is not a valid Grade" (an enum refusing a value) -> the same, listing the valid codes."""
    import re

    m = re.fullmatch(r"'(.*)' is not a valid (\w+)", message)
    if not m:
        return message
    from civwatch.domain import cases as domain_cases
    from civwatch.domain import taxonomy

    enum = getattr(taxonomy, m[2], None) or getattr(domain_cases, m[2], None)
    try:
        codes = [member.value for member in enum]  # type: ignore[union-attr]
    except TypeError:
        return message
    return f"{message}; valid: {', '.join(map(str, codes))}"


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
        usage = _usage_line(exc)
        if usage is not None:
            err_console.print(f"[bold red]error:[/] {usage}", highlight=False, soft_wrap=True)
            sys.exit(2)
        if isinstance(exc, _user_errors()):
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            message = _with_valid_codes(message)
            if isinstance(exc, OverflowError):
                message = f"a number is too large for the store ({message})"
            if hasattr(exc, "orig") and hasattr(exc, "statement"):  # a SQLAlchemy DBAPI error
                message = f"cannot use the store: {getattr(exc, 'orig', exc)}".splitlines()[0]
            err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
            sys.exit(2)
        raise


if __name__ == "__main__":
    app()

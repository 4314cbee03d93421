"""Entry point: `civwatch`. User mistakes end in one clear line and a non-zero exit."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from civwatch import __version__
from civwatch.cli.common import err_console, set_root_db
from civwatch.cli.lazy import LazyGroup

# Each command's module is imported only when that command runs (`civwatch --help` imports them
# all): a `civwatch cases ...` need not load WeasyPrint, polars or LightGBM. One line each:
# name -> (module, attribute); the attribute is a typer app (a group) or a function (a command).
LazyGroup.lazy = {
    "db": ("civwatch.cli.db", "app"),
    "users": ("civwatch.cli.users", "app"),
    "audit": ("civwatch.cli.audit", "app"),
    "cases": ("civwatch.cli.cases", "app"),
    "forecast": ("civwatch.cli.forecasts", "app"),
    "stats": ("civwatch.cli.stats", "stats"),
    "compare": ("civwatch.cli.parties", "compare"),  # --by party here; other dimensions: stats.compare
    "serve": ("civwatch.cli.stats", "serve"),
    "refresh-indicators": ("civwatch.cli.stats", "refresh"),
    "import": ("civwatch.cli.importing", "import_"),
    "rejects": ("civwatch.cli.importing", "rejects"),
    "imports": ("civwatch.cli.importing", "imports"),
    "demo": ("civwatch.cli.demo", "demo"),
    "incidents": ("civwatch.cli.incidents", "app"),
    "export": ("civwatch.cli.export", "app"),
    "link": ("civwatch.cli.linking", "link"),
    "treaties": ("civwatch.cli.treaties", "app"),
    "peacekeeping": ("civwatch.cli.missions", "app"),
    "evidence": ("civwatch.cli.evidence", "app"),
    "decisions": ("civwatch.cli.decisions", "app"),
    "text": ("civwatch.cli.textcounts", "app"),
    "parties": ("civwatch.cli.parties", "app"),
    "screening": ("civwatch.cli.screening", "app"),
    "brief": ("civwatch.cli.briefs", "app"),
    "plan": ("civwatch.cli.plan", "app"),
    "missing": ("civwatch.cli.missing", "app"),
}

cli = typer.Typer(
    name="civwatch",
    cls=LazyGroup,
    help="civwatch — record, merge, grade and measure civilian harm in armed conflict.",
    no_args_is_help=False,  # `civwatch` alone: one line naming --help, exit 2
    pretty_exceptions_enable=False,
    add_completion=False,
)


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

"""`civwatch brief country UKR | party ID | forum NATO [--lang en|fr] [--format pdf|html|json] [--as-of DATE] -o FILE`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from civwatch.cli.common import DbOption, engine, err_console, fail
from civwatch.services import briefs as svc
from civwatch.services import briefs_render

app = typer.Typer(help="Briefs: a country, party or forum in a few pages (PDF or HTML, English or French), every figure sourced.",
                  no_args_is_help=True)
Opt = typer.Option
Lang = Annotated[str, Opt("--lang", help="en or fr.")]
Fmt = Annotated[str, Opt("--format", help="pdf, html, or json (the figures the brief is printed from).")]
AsOf = Annotated[str | None, Opt("--as-of", help="The brief's date (YYYY-MM-DD): status on it, incidents up to it. Default today.")]
Paper = Annotated[str, Opt("--paper", help="a4 or letter.")]
Out = Annotated[Path, Opt("-o", "--output", help="File to write.", dir_okay=False)]


def _as_of(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of must be a date YYYY-MM-DD, got {text!r}") from None


def _write(kind: str, ref: str, lang: str, fmt: str, as_of: str | None, paper: str, output: Path, db: str | None) -> None:
    if fmt not in ("pdf", "html", "json"):
        raise ValueError(f"--format must be pdf, html or json, got {fmt!r}")
    if lang not in ("en", "fr"):
        raise ValueError(f"--lang must be en or fr, got {lang!r}")
    try:
        data = svc.build(engine(db), kind, ref, _as_of(as_of))
    except svc.BriefNotFound as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, default=str, indent=1).encode("utf-8")
    else:
        body, _ = briefs_render.render(data, fmt, lang, paper)
    output.write_bytes(body)
    err_console.print(f"wrote {output} ({len(body):,} bytes, {fmt}, {lang}); fingerprint {data['fingerprint'][:16]}", highlight=False)


@app.command("country")
def country(iso3: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-3 code, e.g. UKR.")], output: Out, lang: Lang = "en",
            fmt: Fmt = "pdf", as_of: AsOf = None, paper: Paper = "a4", db: DbOption = None) -> None:
    """A country brief: harm over time, parties, weapons, shares, conflicts, cases, treaties, peace operations."""
    _write("country", iso3, lang, fmt, as_of, paper, output, db)


@app.command("party")
def party(actor_id: Annotated[str, typer.Argument(help="Actor id of the party register (`civwatch parties list`).")], output: Out,
          lang: Lang = "en", fmt: Fmt = "pdf", as_of: AsOf = None, paper: Paper = "a4", db: DbOption = None) -> None:
    """A party brief: harm attributed to it, trend, grades, and parties of its category beside it."""
    _write("party", actor_id, lang, fmt, as_of, paper, output, db)


@app.command("forum")
def forum(forum_id: Annotated[str, typer.Argument(help="Forum id (G7, NATO, EU, AU, ASEAN, OAS, UN, ...) or a list of states: CAN,FRA,DEU.")], output: Out,
          lang: Lang = "en", fmt: Fmt = "pdf", as_of: AsOf = None, paper: Paper = "a4", db: DbOption = None) -> None:
    """A forum brief: members x instruments, gaps with templated talking points, members' forces' record."""
    _write("forum", forum_id, lang, fmt, as_of, paper, output, db)

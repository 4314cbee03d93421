"""`civwatch stats INDICATOR` and `civwatch compare`: the API's numbers on the command line."""

from __future__ import annotations

import csv
import json
import os
import sys
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine
from civwatch.domain.query import Filters, parse_date, split_values
from civwatch.services import indicators, scratch

FORMATS = ("table", "json", "csv")
HIDDEN = ("sources", "coverage")  # per-row extras of the API; `--format json --full` shows them


def _filters(
    source: str | None, country: str | None, party_category: str | None, weapon: str | None, grade: str | None,
    year_from: int | None, year_to: int | None, date_from: str | None, date_to: str | None, text: str | None,
) -> Filters:
    return Filters(
        source=source,
        countries=split_values(country, upper=True),
        party_categories=split_values(party_category),
        weapons=split_values(weapon),
        grades=split_values(grade),
        year_from=year_from,
        year_to=year_to,
        date_from=parse_date(date_from, "--from"),
        date_to=parse_date(date_to, "--to", end=True),
        text=text,
    )


def _flat(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if isinstance(v, dict):
            out |= {f"{k}_{kk}": vv for kk, vv in v.items()}
        elif isinstance(v, list):
            out[k] = ",".join(map(str, v))
        else:
            out[k] = v
    return out


def _emit(rows: list[dict], fmt: str, title: str, footer: list[str]) -> None:
    rows = [{k: v for k, v in r.items() if k not in HIDDEN} for r in rows]
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
        return
    if not rows and fmt == "table":
        console.print(f"{title}: no records match these filters")
        for line in footer:
            console.print(line, highlight=False)
        return
    flat = [_flat(r) for r in rows]
    keys = list(dict.fromkeys(k for r in flat for k in r))
    if fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=keys, lineterminator="\n")
        w.writeheader()
        w.writerows(flat)
        return
    table = Table(*keys, title=title, title_justify="left", caption="\n".join(footer), caption_justify="left")
    for r in flat:
        table.add_row(*["" if r.get(k) is None else str(r.get(k)) for k in keys])
    console.print(table)


Opt = typer.Option
EXTRACTED_HELP = ("include: add harm by sex and age read from report text to the women-and-children share "
                  "(default exclude: coded figures only; the output says which it shows).")


def stats(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(indicators.names())}.")],
    by: Annotated[str | None, Opt("--by", help="Group by: year, month, country, party-category, weapon, grade, source (comma-separated).")] = None,
    source: Annotated[str | None, Opt("--source", help="Count this source's reports (e.g. ucdp-ged) instead of incidents.")] = None,
    country: Annotated[str | None, Opt("--country", help="ISO alpha-3 codes, comma-separated.")] = None,
    party_category: Annotated[str | None, Opt("--party-category")] = None,
    weapon: Annotated[str | None, Opt("--weapon")] = None,
    grade: Annotated[str | None, Opt("--grade")] = None,
    year_from: Annotated[int | None, Opt("--from-year")] = None,
    year_to: Annotated[int | None, Opt("--to-year")] = None,
    date_from: Annotated[str | None, Opt("--from", help="First day: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, Opt("--to", help="Last day: YYYY, YYYY-MM or YYYY-MM-DD (the whole year or month).")] = None,
    text: Annotated[str | None, Opt("--text", help="Free text in headline, place and notes.")] = None,
    change: Annotated[str | None, Opt("--change", help="yoy: add year-on-year change.")] = None,
    extracted: Annotated[str, Opt("--extracted", help=EXTRACTED_HELP)] = "exclude",
    fmt: Annotated[str, Opt("--format", help="table, json or csv.")] = "table",
    full: Annotated[bool, Opt("--full", help="JSON: the whole result with definition, coverage and sources.")] = False,
    db: DbOption = None,
) -> None:
    """An indicator grouped and filtered; JSON is [{"year": 2017, "value": N, "low": L, "high": H}, ...]."""
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}")
    f = _filters(source, country, party_category, weapon, grade, year_from, year_to, date_from, date_to, text)
    result = indicators.indicator(engine(db), name, by, f, change, extracted)
    if fmt == "json" and full:
        print(json.dumps(result.as_dict(), ensure_ascii=False, default=str, indent=1))
        return
    footer = [
        f"definition: {result.definition['definition']}",
        f"coverage: {result.coverage.get('linkage', '')}",
        f"method: {result.definition['methodology']}",
        f"extracted: {result.extracted.get('statement', '')}",
    ]
    _emit(result.rows, fmt, result.definition["title"], footer)


def compare(
    by: Annotated[str, Opt("--by", help="party-category (default) or another dimension.")] = "party_category",
    source: Annotated[str | None, Opt("--source")] = None,
    country: Annotated[str | None, Opt("--country")] = None,
    year_from: Annotated[int | None, Opt("--from-year")] = None,
    year_to: Annotated[int | None, Opt("--to-year")] = None,
    fmt: Annotated[str, Opt("--format")] = "table",
    db: DbOption = None,
    extracted: Annotated[str, Opt("--extracted", help=EXTRACTED_HELP)] = "exclude",
) -> None:
    """Actor-blind comparison: the same measures, by the same code, for every party category."""
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}")
    f = _filters(source, country, None, None, None, year_from, year_to, None, None, None)
    result = indicators.compare(engine(db), by, f, extracted)
    _emit(result.rows, fmt, "Actor-blind comparison", [f"coverage: {result.coverage.get('linkage', '')}",
                                                       f"extracted: {result.extracted.get('statement', '')}"])


def refresh(db: DbOption = None) -> None:
    """Rebuild the indicator cube now (it is rebuilt by itself when the store has changed)."""
    rows = indicators.refresh(engine(db))
    console.print(f"indicator cube rebuilt: {rows} rows")


def serve(
    host: Annotated[str, Opt("--host")] = "127.0.0.1",
    port: Annotated[int, Opt("--port")] = 8000,
    workers: Annotated[int, Opt("--workers", help="Server processes.")] = 1,
    db: DbOption = None,
) -> None:
    """Serve the JSON API (and the pages) with uvicorn."""
    import os

    import uvicorn

    from civwatch.cli.common import _root_db

    port_free(host, port)
    options = server_options(workers)  # refuses >1 worker without CIVWATCH_SECRET_KEY, before anything starts
    eng = engine(db or _root_db["url"])  # opens and upgrades the store once, before workers start
    os.environ["CIVWATCH_DATABASE_URL"] = eng.url.render_as_string(hide_password=False)
    removed = scratch.clean_stale(eng)
    if removed:
        console.print(f"removed {removed} stale scratch file(s) left by stopped imports or uploads")
    console.print(f"serving on http://{host}:{port}/ (API at /api, OpenAPI at /openapi.json)")
    # by import string: the application layer sits above the CLI
    uvicorn.run("civwatch.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning", **options)


def port_free(host: str, port: int) -> None:
    """ValueError when the address cannot be bound, before anything claims to be serving."""
    import socket

    if not 0 < port < 65536:
        raise ValueError(f"--port: {port} is not a port number (1-65535)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ValueError(f"--host: cannot resolve {host!r}: {exc.strerror or exc}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            raise ValueError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (is another server running there?)") from None



def server_options(workers: int, environ: dict[str, str] | None = None) -> dict:
    """uvicorn options from the settings: proxy headers believed only from CIVWATCH_TRUSTED_PROXIES
    (uvicorn alone trusts X-Forwarded-For from loopback, which defeats per-address limits); and
    more than one worker only with CIVWATCH_SECRET_KEY (each worker would sign sessions with a
    key of its own, and logins would fail at random)."""
    env = os.environ if environ is None else environ
    if workers > 1 and not env.get("CIVWATCH_SECRET_KEY"):
        raise ValueError(
            f"--workers {workers} needs CIVWATCH_SECRET_KEY: every worker must sign sessions with the same key "
            "(e.g. export CIVWATCH_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'))"
        )
    proxies = [p.strip() for p in env.get("CIVWATCH_TRUSTED_PROXIES", "").split(",") if p.strip()]
    if not proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}

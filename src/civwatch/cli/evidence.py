"""`civwatch evidence ...`: keep evidence for accountability, and bundle it for an inquiry.

Every command that touches an item acts as the user of an API token (`--token` or
CIVWATCH_TOKEN), since custody records who. `verify` needs no store and no token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine, fail
from civwatch.services import auth
from civwatch.services import evidence as svc
from civwatch.services import evidence_bundle as bundles
from civwatch.services import evidence_tsa as tsa

app = typer.Typer(help="Evidence: add files or captures, link, custody, bundle for an inquiry, verify a bundle.",
                  no_args_is_help=True)

TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="CIVWATCH_TOKEN", help="API token of the user acting (custody records who).",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WhyOption = Annotated[str | None, typer.Option("--why", help="Why (recorded in the chain of custody).")]
Ids = Annotated[list[int] | None, typer.Option(help="Link to this id (repeatable).")]


@contextmanager
def _clear_errors() -> Iterator[None]:
    try:
        yield
    except (svc.ItemNotFound, tsa.TimestampError, tsa.TimestampInvalid) as exc:
        raise fail(str(exc).strip("'\""), code=2) from None


def _who(eng, token: str | None) -> auth.Principal:
    if not token:
        raise auth.AuthError("give --token (or set CIVWATCH_TOKEN): custody records who handled the evidence")
    return auth.principal_for_token(eng, token)


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--captured-at wants an ISO 8601 time, got {text!r}") from None


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@app.command("add")
def add(
    file: Annotated[Path | None, typer.Argument(help="The file (image, video, PDF, document, WARC/WACZ).")] = None,
    incident: Ids = None,
    report: Ids = None,
    case: Ids = None,
    claimed_type: Annotated[str | None, typer.Option("--type", help="The media type you expect; refused if the content differs.")] = None,
    name: Annotated[str | None, typer.Option(help="The name to keep (default: the file's name).")] = None,
    description: Annotated[str | None, typer.Option()] = None,
    source_url: Annotated[str | None, typer.Option("--source-url", help="Where it was captured or is archived.")] = None,
    captured_at: Annotated[str | None, typer.Option("--captured-at", help="When it was captured (ISO 8601).")] = None,
    capture_sha256: Annotated[str | None, typer.Option("--capture-sha256", help="Register an external capture by its SHA-256 (no file).")] = None,
    why: WhyOption = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add a file (kept once under its SHA-256, timestamped), or register an external capture."""
    eng = engine(db)
    who = _who(eng, token)
    links = svc.parse_links(incident, report, case)
    with _clear_errors():
        if capture_sha256:
            if file is not None:
                raise ValueError("give a FILE or --capture-sha256 with --source-url, not both")
            result = svc.register_capture(eng, who, sha256=capture_sha256, name=name or "capture", source_url=source_url or "",
                                          captured_at=_when(captured_at), description=description, links=links, why=why)
        elif file is None:
            raise ValueError("give the FILE to add (or --capture-sha256 and --source-url for an external capture)")
        else:
            result = svc.add_file(eng, file, who, name=name, claimed_type=claimed_type, description=description,
                                  links=links, why=why, source_url=source_url, captured_at=_when(captured_at))
    if as_json:
        _print_json(result)
        return
    state = "added" if result["new"] else "already kept (linked again, not stored twice)"
    console.print(f"evidence item {result['id']} {state}: sha256 {result['sha256']}", highlight=False)


@app.command("show")
def show(
    item_id: int,
    why: WhyOption = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """One item: hash, type, metadata, timestamp, links and custody (the view is recorded)."""
    eng = engine(db)
    who = _who(eng, token)
    with _clear_errors():
        doc = svc.view(eng, item_id, who, why)
    if as_json:
        _print_json(doc)
        return
    item = doc["item"]
    table = Table(show_header=False, title=f"evidence item {item_id}", title_justify="left")
    for key in ("name", "kind", "sha256", "size", "media_type", "source_url", "captured_at", "added_by", "added_at",
                "tsa_time", "tsa_url", "description"):
        table.add_row(key, "" if item[key] is None else str(item[key]))
    table.add_row("metadata", json.dumps(item["meta"], ensure_ascii=False))
    table.add_row("links", ", ".join(f"{link['target']} {link['target_id']}" for link in doc["links"]) or "none")
    console.print(table)
    _print_custody(doc["custody"])


def _print_custody(report: dict) -> None:
    table = Table("seq", "when (UTC)", "who", "what", "why", "detail", title=f"custody of item {report['item_id']}",
                  title_justify="left")
    for s in report["steps"]:
        table.add_row(str(s["seq"]), str(s["at"]), s["actor"], s["action"] or "", s["why"] or "",
                      json.dumps(s["detail"], ensure_ascii=False) if s["detail"] else "")
    console.print(table)
    console.print("custody chain intact" if report["intact"] else "[bold red]custody chain broken:[/] " + "; ".join(report["problems"]))


@app.command("link")
def link(
    item_id: int,
    incident: Ids = None,
    report: Ids = None,
    case: Ids = None,
    why: WhyOption = None,
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Link an item to incidents, reports or cases (recorded in its custody)."""
    eng = engine(db)
    who = _who(eng, token)
    with _clear_errors():
        added = svc.link(eng, item_id, svc.parse_links(incident, report, case), who, why)
    console.print(f"{added} new link(s) for evidence item {item_id}")


@app.command("custody")
def custody(
    item_id: int,
    transfer_to: Annotated[str | None, typer.Option("--transfer-to", help="Record a transfer to this person or body.")] = None,
    why: WhyOption = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The chain of custody of an item; with --transfer-to, record a transfer first."""
    eng = engine(db)
    with _clear_errors():
        if transfer_to:
            seq = svc.transfer(eng, item_id, _who(eng, token), transfer_to, why)
            console.print(f"transfer recorded (audit entry {seq})")
        report = svc.custody_report(eng, item_id)
    if as_json:
        _print_json(report)
    else:
        _print_custody(report)


@app.command("bundle")
def bundle(
    out: Annotated[Path, typer.Option("-o", "--out", help="The bundle's file, e.g. bundle.zip.")],
    case: Annotated[int | None, typer.Option("--case", help="Everything on this case.")] = None,
    incident: Annotated[int | None, typer.Option("--incident", help="Everything on this incident.")] = None,
    why: WhyOption = None,
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Write files, manifest, timestamp tokens, custody and decision entries to one zip."""
    eng = engine(db)
    who = _who(eng, token)
    with _clear_errors():
        result = bundles.bundle(eng, who, out, case_id=case, incident_id=incident, why=why)
    stamped = "timestamped" if result["timestamped"] else "NOT timestamped (no CIVWATCH_TSA_URL)"
    console.print(f"wrote {result['bundle']}: {result['items']} item(s), {result['decisions']} decision(s), "
                  f"manifest {stamped}", highlight=False)


@app.command("verify")
def verify(
    bundle_file: Annotated[Path, typer.Argument(help="The bundle.zip to check.")],
    tsa_ca: Annotated[Path | None, typer.Option("--tsa-ca", help="PEM certificates of the TSA you trust.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a bundle on any machine: no store, no token, no network."""
    result = bundles.verify(bundle_file, tsa_ca)
    if as_json:
        _print_json(result.as_dict())
    else:
        for line in result.checked:
            console.print(f"ok      {line}", highlight=False, soft_wrap=True)
        for line in result.warnings:
            console.print(f"[yellow]warning[/] {line}", highlight=False, soft_wrap=True)
        for line in result.problems:
            console.print(f"[bold red]FAILED[/]  {line}", highlight=False, soft_wrap=True)
        console.print("bundle verified" if result.ok else f"[bold red]bundle NOT verified[/]: {len(result.problems)} problem(s)")
    if not result.ok:
        raise typer.Exit(1)

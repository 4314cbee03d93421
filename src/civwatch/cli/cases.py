"""`civwatch cases ...`: CHMR case work from the command line.

Writes act as the user of an API token (`--token` or CIVWATCH_TOKEN); there is no write
without authentication. Personal data are shown only to roles granted them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine, fail
from civwatch.services import auth
from civwatch.services import case_publications as publications
from civwatch.services import cases as svc

app = typer.Typer(help="CHMR case work: report -> assessment -> investigation -> findings -> response -> lesson.", no_args_is_help=True)

TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="CIVWATCH_TOKEN", help="API token of the user acting (see `civwatch users token`).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@contextmanager
def _clear_errors() -> Iterator[None]:
    try:
        yield
    except (svc.CaseConflict, svc.CaseNotFound, svc.RateLimited) as exc:
        code = 4 if isinstance(exc, svc.CaseConflict) else 2
        raise fail(str(exc).strip("'\""), code=code) from None


def _principal(eng, token: str | None, required: bool = True) -> auth.Principal | None:
    if not token:
        if required:
            raise auth.AuthError("this command changes the store: give --token (or set CIVWATCH_TOKEN)")
        return None
    return auth.principal_for_token(eng, token)


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _details(sets: list[str] | None, details_json: str | None) -> dict[str, Any]:
    """`--set a.b=c` pairs (dots nest) over a `--details` JSON object."""
    out: dict[str, Any] = {}
    if details_json:
        try:
            out = json.loads(details_json)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--details is not valid JSON: {exc}") from None
        if not isinstance(out, dict):
            raise ValueError("--details must be a JSON object")
    for item in sets or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set wants key=value, got {item!r}")
        target = out
        *parents, leaf = key.strip().split(".")
        for p in parents:
            target = target.setdefault(p, {})
        target[leaf] = _value(raw)
    return out


def _hours(delta: timedelta | None) -> str:
    return "" if delta is None else f"{delta.total_seconds() / 3600:.0f} h"


@app.command("open")
def open_(
    incident: Annotated[int | None, typer.Option("--incident", help="Open for this incident of the register.")] = None,
    summary: Annotated[str | None, typer.Option(help="What happened (a typed-in report of harm).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-3 code.")] = None,
    date: Annotated[str | None, typer.Option(help="Date of the harm, YYYY-MM-DD.")] = None,
    location: Annotated[str | None, typer.Option()] = None,
    deaths: Annotated[int, typer.Option(help="Civilians killed.")] = 0,
    injuries: Annotated[int, typer.Option(help="Civilians injured.")] = 0,
    children: Annotated[int, typer.Option(help="Children killed or injured (-1: some, number unknown).")] = 0,
    sexual_violence: Annotated[bool, typer.Option("--sexual-violence", help="The harm includes sexual violence.")] = False,
    explosive: Annotated[bool, typer.Option("--explosive", help="Explosive weapons were used.")] = False,
    objects: Annotated[str, typer.Option(help="Civilian objects hit, e.g. health,education.")] = "",
    reason: Annotated[str, typer.Option(help="Why the case opens.")] = "",
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Open a case from an incident (--incident) or from a report of harm typed in (--summary)."""
    eng = engine(db)
    who = _principal(eng, token)
    with _clear_errors():
        if incident is not None:
            case_id = svc.open_from_incident(eng, incident, who, reason)
        elif summary:
            facts = {
                "summary": summary, "country_iso3": country, "date_start": date, "location": location,
                "civilian_deaths": deaths, "civilian_injuries": injuries,
                "children_harmed": None if children < 0 else children, "sexual_violence": sexual_violence,
                "explosive_weapons": explosive, "protected_objects": objects,
            }
            case_id = svc.open_from_report(eng, facts, who, reason)
        else:
            raise ValueError("give --incident ID or --summary TEXT")
    console.print(f"opened case {case_id}")


@app.command("move")
def move(
    case_id: int,
    to: Annotated[str, typer.Argument(help="Target state: initial_assessment, investigation, findings, response, lesson_learned, closed, reported (reopen).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded with who and when).")] = "",
    set_: Annotated[list[str] | None, typer.Option("--set", help="A detail, key=value; dots nest (investigation.unit=...).")] = None,
    details: Annotated[str | None, typer.Option("--details", help="Details as a JSON object.")] = None,
    version: Annotated[int | None, typer.Option("--version", help="The version you saw; refused if the case changed since.")] = None,
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Move a case to another state, with a reason and the details that state needs."""
    eng = engine(db)
    who = _principal(eng, token)
    with _clear_errors():
        row = svc.move(eng, case_id, to, who, reason, _details(set_, details), expected_version=version)
    console.print(f"case {case_id} is now {row['state'].replace('_', ' ')} (version {row['version']})", highlight=False)


@app.command("party")
def party(
    case_id: int,
    role: Annotated[str, typer.Option(help="victim, claimant, witness, recipient or reporter.")] = "claimant",
    name: Annotated[str | None, typer.Option()] = None,
    identifier: Annotated[str | None, typer.Option()] = None,
    contact: Annotated[str | None, typer.Option()] = None,
    relationship: Annotated[str | None, typer.Option()] = None,
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Record a person of the case (personal data: only roles granted it may)."""
    eng = engine(db)
    who = _principal(eng, token)
    with _clear_errors():
        pid = svc.add_party(eng, case_id, who, role, name, identifier, contact, relationship)
    console.print(f"recorded {role} as party {pid} of case {case_id}")


@app.command("publish")
def publish(
    case_id: int,
    summary: Annotated[str, typer.Option("--summary", help="What the public may read; it names no one.")],
    reason: Annotated[str, typer.Option("--reason", help="Why this summary may be public (kept in the audit trail).")],
    withdraw: Annotated[bool, typer.Option("--withdraw", help="Withdraw the published summary instead.")] = False,
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Publish a case's summary (approver): the one thing of a case the public sees. Audited."""
    eng = engine(db)
    who = _principal(eng, token)
    with _clear_errors():
        if withdraw:
            publications.withdraw(eng, case_id, who, reason)
            console.print(f"withdrew the published summary of case {case_id}")
        else:
            publications.publish(eng, case_id, who, summary, reason)
            console.print(f"published the summary of case {case_id} (see /published-cases)")


@app.command("show")
def show(case_id: int, as_json: JsonOption = False, token: TokenOption = None, db: DbOption = None) -> None:
    """A case: facts, priority and why, timeline, people (personal data withheld unless granted)."""
    eng = engine(db)
    who = _principal(eng, token, required=False)
    with _clear_errors():
        case = svc.get_case(eng, case_id, who)
    if as_json:
        console.print_json(json.dumps(svc.case_document(case), default=str))
        return
    console.print(f"[bold]case {case['id']}[/] · {case['state'].replace('_', ' ')} · version {case['version']} · {case['case_type'].replace('_', ' ')}", highlight=False)
    console.print(case["summary"], markup=False, highlight=False)
    if case["overdue_by"] is not None:
        console.print(f"[red]overdue by {_hours(case['overdue_by'])}[/]")
    console.print(f"priority {case['triage'].score:g}:")
    for line in case["triage"].explain():
        console.print(f"  {line}", markup=False, highlight=False)
    table = Table("v", "when (UTC)", "who", "move", "to", "why", title="timeline", title_justify="left")
    for t in case["timeline"]:
        table.add_row(str(t["version"]), str(t["at"])[:16], t["actor"], t["action"], t["to_state"], t["reason"])
    console.print(table)
    if case["parties"]:
        people = Table("id", "role", "name", "identifier", "contact", title="people", title_justify="left")
        for p in case["parties"]:
            people.add_row(str(p["id"]), p["role"], p["name"] or "", p["identifier"] or "", p["contact"] or "")
        console.print(people)
    console.print("next: " + "; ".join(f"{m['to']} ({m['action']}, {'/'.join(m['roles'])})" for m in case["next_moves"]), highlight=False)


def _queue_table(items: list[svc.QueueItem], title: str) -> Table:
    table = Table("case", "priority", "state", "type", "reported", "overdue", "summary", title=title, title_justify="left")
    for i in items:
        table.add_row(str(i.id), f"{i.score:g}", i.state, i.case_type, str(i.reported_at)[:10], _hours(i.overdue_by), i.summary[:60])
    return table


def _queue_json(items: list[svc.QueueItem]) -> str:
    return json.dumps(svc.queue_document(items))


@app.command("queue")
def queue(
    state: Annotated[list[str] | None, typer.Option("--state", help="Only these states (repeat).")] = None,
    public: Annotated[bool, typer.Option("--public", help="Show the queue of public reports awaiting review instead.")] = False,
    as_json: JsonOption = False,
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Open cases by priority (highest first), or public reports awaiting review (--public)."""
    eng = engine(db)
    if public:
        rows = svc.public_queue(eng, _principal(eng, token))
        if as_json:
            console.print_json(json.dumps(rows, default=str))
            return
        table = Table("report", "received", "country", "deaths", "reporter", "summary", title="public reports awaiting review", title_justify="left")
        for r in rows:
            table.add_row(str(r["id"]), str(r["received_at"])[:16], r["country_iso3"] or "", str(r["civilian_deaths"]), r["reporter_name"] or "", r["summary"][:60])
        console.print(table)
        return
    with _clear_errors():
        items = svc.queue(eng, states=state)
    if as_json:
        console.print_json(_queue_json(items))
    else:
        console.print(_queue_table(items, "case queue by priority"))


@app.command("review")
def review(
    report_id: int,
    accept: Annotated[bool, typer.Option("--accept/--reject", help="Accept (opens a case) or reject.")],
    reason: Annotated[str, typer.Option("--reason")] = "",
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Review a public report of harm: accept it (a case opens) or reject it, with a reason."""
    eng = engine(db)
    who = _principal(eng, token)
    with _clear_errors():
        case_id = svc.review_public_report(eng, report_id, who, accept, reason)
    console.print(f"report {report_id} accepted as case {case_id}" if case_id else f"report {report_id} rejected")


@app.command("overdue")
def overdue(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Open cases past their state's deadline (CIVWATCH_CASE_DEADLINES), most overdue first."""
    items = svc.overdue(engine(db))
    if as_json:
        console.print_json(_queue_json(items))
    else:
        console.print(_queue_table(items, "overdue cases"))


@app.command("measures")
def measures(db: DbOption = None) -> None:
    """Time to each state by case type, backlog by state and age, responses, lessons (JSON)."""
    console.print_json(json.dumps(svc.measures(engine(db))))


@app.command("export")
def export(
    out: Annotated[str, typer.Option("-o", "--output", "--out", help="CSV file to write ('-' for standard output).")] = "-",
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Every case as CSV; people are named only when the token's roles are granted personal data."""
    eng = engine(db)
    text = svc.export_csv(eng, _principal(eng, token, required=False))
    if out == "-":
        print(text, end="")
    else:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        console.print(f"wrote {text.count(chr(10)) - 1} cases to {out}")

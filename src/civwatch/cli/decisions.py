"""`civwatch decisions ...`: the append-only log of decisions an AI or autonomous system informed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine, fail
from civwatch.domain.decisions import DecisionIn
from civwatch.services import auth
from civwatch.services import decisions as svc

app = typer.Typer(help="Decision log: who decided what, informed by which system, on which evidence.", no_args_is_help=True)

TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="CIVWATCH_TOKEN", help="API token of the user recording.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _percent(value: float | None) -> str:
    return "unknown (none reviewed)" if value is None else f"{value * 100:.1f} %"


@app.command("add")
def add(
    system: Annotated[str, typer.Option(help="The AI or autonomous system.")],
    version: Annotated[str, typer.Option("--system-version", help="Its version.")],
    kind: Annotated[str, typer.Option(help="targeting, assessment or analysis.")],
    output: Annotated[str, typer.Option(help="Its output or recommendation.")],
    decision: Annotated[str, typer.Option(help="approved, overridden, aborted or unreviewed.")],
    decided_at: Annotated[str, typer.Option("--at", help="When the decision was taken (ISO 8601 with offset).")],
    inputs: Annotated[list[int] | None, typer.Option("--input", help="An evidence item the system used (repeatable).")] = None,
    confidence: Annotated[float | None, typer.Option(help="The system's confidence, 0..1.")] = None,
    reviewer: Annotated[str | None, typer.Option(help="The human who reviewed it.")] = None,
    rule: Annotated[str | None, typer.Option(help="Rule of engagement or policy cited.")] = None,
    incident: Annotated[int | None, typer.Option("--incident")] = None,
    case: Annotated[int | None, typer.Option("--case")] = None,
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Append one decision to the log (in the audit chain)."""
    eng = engine(db)
    if not token:
        raise auth.AuthError("give --token (or set CIVWATCH_TOKEN): the log records who wrote each entry")
    who = auth.principal_for_token(eng, token)
    try:
        entry = DecisionIn(system=system, system_version=version, kind=kind, inputs=inputs or [], output=output,
                           confidence=confidence, reviewer=reviewer, decision=decision, rule=rule,
                           decided_at=decided_at.replace("Z", "+00:00"), incident_id=incident, case_id=case)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "entry"
        raise ValueError(f"{field}: {first['msg']}") from None
    console.print(f"decision {svc.record(eng, who, entry)} logged")


@app.command("show")
def show(decision_id: int, as_json: JsonOption = False, db: DbOption = None) -> None:
    """One entry, whether it still matches its audit entry, and what it decided about."""
    try:
        doc = svc.show(engine(db), decision_id)
    except svc.DecisionNotFound as exc:
        raise fail(str(exc).strip("'\""), code=2) from None
    if as_json:
        print(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
        return
    table = Table(show_header=False, title=f"decision {decision_id}", title_justify="left")
    for key in ("system", "system_version", "kind", "inputs", "output", "confidence", "reviewer", "decision", "rule",
                "params", "decided_at", "incident_id", "case_id", "recorded_by", "audit_seq"):
        value = doc[key]
        table.add_row(key, "" if value is None else (json.dumps(value) if isinstance(value, list | dict) else str(value)))
    table.add_row("chained", "yes: matches its audit entry" if doc["chained"] else "NO: differs from its audit entry")
    console.print(table)
    if doc["subject_count"]:
        console.print(f"{doc['subject_count']} incident(s) decided; first {len(doc['subjects'])}:")
        for s in doc["subjects"][:20]:
            console.print(f"  incident {s['incident_id']}: {s['action']} {json.dumps(s['detail'], ensure_ascii=False)}",
                          highlight=False)


@app.command("list")
def list_(
    system: Annotated[str | None, typer.Option()] = None,
    unreviewed: Annotated[bool, typer.Option("--unreviewed", help="Only entries no human reviewed.")] = False,
    incident: Annotated[int | None, typer.Option("--incident")] = None,
    case: Annotated[int | None, typer.Option("--case")] = None,
    rates: Annotated[bool, typer.Option("--rates", help="Override rates by system instead of entries.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Entries, newest first; --rates: per system, how many no human reviewed and the override rate."""
    eng = engine(db)
    if rates:
        rows = svc.rates(eng)
        if as_json:
            print(json.dumps(rows, indent=2))
            return
        table = Table("system", "entries", "unreviewed", "reviewed", "overridden", "override rate")
        for r in rows:
            table.add_row(r["system"], str(r["entries"]), str(r["unreviewed"]), str(r["reviewed"]), str(r["overridden"]),
                          _percent(r["override_rate"]))
        console.print(table)
        return
    rows = svc.query(eng, system=system, unreviewed=unreviewed, incident_id=incident, case_id=case, limit=limit)
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    table = Table("id", "decided (UTC)", "system", "kind", "decision", "reviewer", "incident", "case", "chained")
    for r in rows:
        table.add_row(str(r["id"]), str(r["decided_at"]), f"{r['system']} {r['system_version']}", r["kind"], r["decision"],
                      r["reviewer"] or "—", str(r["incident_id"] or ""), str(r["case_id"] or ""), "yes" if r["chained"] else "NO")
    console.print(table)


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("-o", "--out")],
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    system: Annotated[str | None, typer.Option()] = None,
    unreviewed: Annotated[bool, typer.Option("--unreviewed")] = False,
    incident: Annotated[int | None, typer.Option("--incident")] = None,
    case: Annotated[int | None, typer.Option("--case")] = None,
    db: DbOption = None,
) -> None:
    """Export entries for an inquiry (CSV cells that would start a formula are neutralised)."""
    n = svc.export(engine(db), out, fmt, system=system, unreviewed=unreviewed, incident_id=incident, case_id=case)
    console.print(f"wrote {n} decision(s) to {out}")

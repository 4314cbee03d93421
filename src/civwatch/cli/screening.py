"""`civwatch screening ...`: arms-export and assistance screening."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine
from civwatch.cli.linking import ActorOption, actor_name

app = typer.Typer(help="Arms-export and assistance screening: evidence per criterion, decisions, consistency.",
                  no_args_is_help=True)
Opt = typer.Option


def _json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str, indent=1))


@app.command("import-sipri")
def import_sipri(path: Path, actor: ActorOption = None, db: DbOption = None) -> None:
    """Import a SIPRI trade register (classic layout), every row accounted for."""
    from civwatch.services import screening

    s = screening.import_sipri(engine(db), path, actor=actor_name(actor))
    console.print(f"batch {s['batch_id']}: read {s['read']}, accepted {s['accepted']}, rejected {s['rejected']}; "
                  f"TIV delivered {s['tiv_delivered']}")


@app.command("new")
def new(
    recipient: Annotated[str, Opt("--recipient", help="ISO alpha-3 of the recipient state")],
    end_user: Annotated[str, Opt("--end-user", help="armed_forces, police_internal_security, other_government, private_company, non_state")],
    item: Annotated[str, Opt("--item", help="ML1..ML22 or DU0..DU9")],
    quantity: Annotated[int, Opt("--quantity")],
    value: Annotated[float, Opt("--value")],
    currency: Annotated[str, Opt("--currency")],
    intended_use: Annotated[str, Opt("--use", help="intended use")],
    period_from: Annotated[str, Opt("--from", help="period start YYYY-MM-DD")],
    period_to: Annotated[str, Opt("--to", help="period end YYYY-MM-DD")],
    reference: Annotated[str, Opt("--reference", help="the exporter's reference")],
    kind: Annotated[str, Opt("--kind", help="export, training, financing, equipment")] = "export",
    config: Annotated[Path | None, Opt("--config", help="JSON file of thresholds/weights overriding the defaults")] = None,
    as_of: Annotated[str | None, Opt("--as-of", help="application date (default today)")] = None,
    supersedes: Annotated[int | None, Opt("--supersedes", help="the assessment this one replaces")] = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Assess an application: evidence assembled, every criterion found and rated."""
    from civwatch.services import screening

    cfg = json.loads(config.read_text(encoding="utf-8")) if config else None
    raw = {"recipient": recipient, "end_user": end_user, "item": item, "quantity": quantity, "value": value, "currency": currency,
           "intended_use": intended_use, "period_from": period_from, "period_to": period_to, "reference": reference, "kind": kind}
    aid = screening.new(engine(db), raw, config=cfg, as_of=date.fromisoformat(as_of) if as_of else None,
                        supersedes=supersedes, by=actor_name(actor))
    console.print(f"assessment {aid}")


@app.command("show")
def show(assessment_id: int, fmt: Annotated[str, Opt("--format", help="table or json")] = "table", db: DbOption = None) -> None:
    """One assessment: criteria table, evidence summary, what is missing, the decision."""
    from civwatch.services import screening

    a = screening.show(engine(db), assessment_id)
    if fmt == "json":
        _json(a)
        return
    if fmt != "table":
        raise ValueError("--format must be table or json")
    app_ = a["application"]
    console.print(f"[bold]assessment {a['id']}[/] {app_['reference']}: {app_['item']} x{app_['quantity']} to {a['recipient_iso3']} "
                  f"({app_['end_user']}), as of {a['as_of']}; evidence complete: {a['evidence_complete']}", highlight=False)
    t = Table("criterion", "finding", "rating", "indicators", "missing", title="criteria", title_justify="left")
    for c in a["criteria"]:
        t.add_row(c["criterion"], c["finding"], c["rating"], "; ".join(c["indicators"]), "; ".join(c["missing"]))
    console.print(t)
    h = a["evidence"]["harm"]
    d = h["civilian_deaths"]
    console.print(f"harm by the recipient's forces {a['evidence']['window'][0]}..{a['evidence']['window'][1]}: "
                  f"{h['incidents']} incidents; civilian deaths "
                  + (f"{d['low']}/{d['best']}/{d['high']} (low/best/high)" if d else "unknown"), highlight=False)
    for m in [*h["missing"], *a["evidence"]["conflict"]["missing"], *a["evidence"]["transfers"]["missing"]]:
        console.print(f"missing: {m}", highlight=False)
    if a["decision"]:
        console.print(f"decision: {a['decision']} by {a['decided_by']} at {a['decided_at']}: {a['reasons']}", highlight=False)
    if a.get("superseded_by"):
        console.print(f"superseded by assessment {a['superseded_by']}")


@app.command("decide")
def decide(
    assessment_id: int,
    decision: Annotated[str, Opt("--decision", help="approve, approve_with_conditions, deny, refer")],
    reasons: Annotated[str, Opt("--reasons")],
    mitigation: Annotated[str, Opt("--mitigation", help="end-use checks, conditions")] = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Record the decision (once: a decided assessment cannot be changed)."""
    from civwatch.services import screening

    a = screening.decide(engine(db), assessment_id, decision, reasons, mitigation, by=actor_name(actor))
    console.print(f"assessment {a['id']}: {a['decision']}")


@app.command("export")
def export(assessment_id: int,
           fmt: Annotated[str, Opt("--format", help="pdf, html or json")] = "json",
           out: Annotated[Path | None, Opt("--out", "-o", help="write here (a PDF needs a file)")] = None,
           lang: Annotated[str, Opt("--lang", help="en or fr (pdf, html)")] = "en",
           paper: Annotated[str, Opt("--paper", help="a4 or letter (pdf, html)")] = "a4",
           db: DbOption = None) -> None:
    """An assessment as it was made (configuration included): JSON, or a PDF/HTML document."""
    from civwatch.services import screening

    if fmt == "pdf" and out is None:
        raise ValueError("a PDF needs --out FILE")
    body, _ = screening.export_document(engine(db), assessment_id, fmt, lang, paper)
    if out:
        out.write_bytes(body)
        console.print(f"wrote {out} ({len(body):,} bytes)")
    else:
        print(body.decode("utf-8"))


tables_app = typer.Typer(help="The embargo and diversion tables you maintain (documented CSV layouts).", no_args_is_help=True)
app.add_typer(tables_app, name="tables")


@tables_app.command("import")
def tables_import(path: Path, actor: ActorOption = None, db: DbOption = None) -> None:
    """Import an embargo or diversion table, or the UK official footnotes (CAAT copy): every row
    accounted for; a later import under the same file name replaces it."""
    from civwatch.services import screening_tables

    s = screening_tables.import_table(engine(db), path, actor=actor_name(actor))
    console.print(f"batch {s['batch_id']} ({s['table']}, {s['layout']}): read {s['read']}, accepted {s['accepted']}, "
                  f"rejected {s['rejected']}", highlight=False)


@tables_app.command("list")
def tables_list(table: Annotated[str, Opt("--table", help="embargo or diversion")] = "embargo",
                country: Annotated[str | None, Opt("--country", help="ISO alpha-3")] = None,
                on: Annotated[str | None, Opt("--on", help="each embargo's status on this date YYYY-MM-DD")] = None,
                fmt: Annotated[str, Opt("--format", help="table or json")] = "table", db: DbOption = None) -> None:
    """The table in force: its files with their counts, and its rows."""
    from civwatch.services import screening_tables

    data = screening_tables.listing(engine(db), table, country.upper() if country else None,
                                    date.fromisoformat(on) if on else None)
    if fmt == "json":
        _json(data)
        return
    if fmt != "table":
        raise ValueError("--format must be table or json")
    if not data["loaded"]:
        console.print(f"no {table} table imported")
    for b in data["batches"]:
        console.print(f"{b['file_name']} (batch {b['id']}): read {b['read']} = accepted {b['accepted']} + rejected {b['rejected']}",
                      highlight=False)
    key = "destination_iso3" if table == "embargo" else "country_iso3"
    t = Table(key, "scope" if table == "embargo" else "kind", "start" if table == "embargo" else "event date",
              "end" if table == "embargo" else "items", "status", "text", "source")
    for r in data["rows"]:
        if table == "embargo":
            t.add_row(r[key], r["scope"], str(r["starts_on"] or "not recorded"), str(r["ends_on"] or ""), r.get("status", ""),
                      r["text"][:120], f"{r['source']} {r['stated_on']}")
        else:
            t.add_row(r[key], r["kind"], str(r["event_date"] or ""), r["items"], "", r["text"][:120], f"{r['source']} {r['reported_on']}")
    console.print(t)


@app.command("list")
def list_(decided: Annotated[bool, Opt("--decided", help="only decided assessments")] = False, db: DbOption = None) -> None:
    """Assessments, newest first."""
    from civwatch.services import screening

    t = Table("id", "reference", "recipient", "item", "as of", "decision", "complete", "supersedes")
    for r in screening.list_assessments(engine(db), True if decided else None):
        t.add_row(str(r["id"]), r["reference"], r["recipient_iso3"], r["item"], str(r["as_of"]), r["decision"] or "",
                  str(r["evidence_complete"]), str(r["supersedes"] or ""))
    console.print(t)


@app.command("consistency")
def consistency(max_distance: Annotated[float, Opt("--max-distance", min=0)] = 0.5,
                fmt: Annotated[str, Opt("--format", help="table or json")] = "table", db: DbOption = None) -> None:
    """Decided applications with like evidence and unlike decisions, side by side."""
    from civwatch.services import screening

    c = screening.consistency(engine(db), max_distance)
    if fmt == "json":
        _json(c)
        return
    t = Table("distance", "A", "decision A", "B", "decision B", title=f"{len(c['pairs'])} pairs among {c['decided']} decided",
              caption=c["distance"], title_justify="left", caption_justify="left")
    for p in c["pairs"]:
        t.add_row(str(p["distance"]), f"{p['a']['id']} {p['a']['reference']} {p['a']['recipient']} {p['a']['item']}", p["a"]["decision"],
                  f"{p['b']['id']} {p['b']['reference']} {p['b']['recipient']} {p['b']['item']}", p["b"]["decision"])
    console.print(t)

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
def export(assessment_id: int, out: Annotated[Path | None, Opt("--out", help="write the JSON here")] = None,
           db: DbOption = None) -> None:
    """An assessment as JSON, as it was made (configuration included)."""
    from civwatch.services import screening

    data = json.dumps(screening.export_json(engine(db), assessment_id), ensure_ascii=False, default=str, indent=1)
    if out:
        out.write_text(data, encoding="utf-8")
        console.print(f"wrote {out}")
    else:
        print(data)


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

"""`civwatch incidents ...`: an analyst's merges, splits and grades (all audit-logged)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine
from civwatch.cli.linking import ActorOption, actor_name

app = typer.Typer(help="Incidents: show, merge, split, grade.", no_args_is_help=True)
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why (kept in the audit trail).")]


@app.command("show")
def show(incident_id: int, db: DbOption = None) -> None:
    """An incident, each source's figures side by side, the range and the grade with reasons."""
    from civwatch.services import linking

    data = linking.show(engine(db), incident_id)
    inc = data["incident"]
    console.print(
        f"incident {inc['id']}: {inc['date_start']} {inc['country_iso3']} {inc['location'] or inc['admin1'] or ''}\n"
        f"civilian deaths {inc['civilian_deaths_best']} (range {inc['civilian_deaths_low']}-{inc['civilian_deaths_high']}), "
        f"grade {inc['grade']}: {'; '.join(inc['grade_reasons'])}",
        highlight=False, markup=False,
    )
    table = Table("report", "source", "source_id", "date", "place", "civ. deaths low/best/high", "total deaths", "perpetrator", "weapon")
    for r in data["reports"]:
        figs = "/".join("" if r[f"civilian_deaths_{k}"] is None else str(r[f"civilian_deaths_{k}"]) for k in ("low", "best", "high"))
        table.add_row(str(r["id"]), r["source"], r["source_id"], str(r["date_start"]), r["location"] or r["admin1"] or "",
                      figs, "" if r["total_deaths_best"] is None else str(r["total_deaths_best"]),
                      r["perpetrator_category"], r["weapon"])
    console.print(table)
    for g in data.get("twins", []):
        others = [f"{m['source_id']} (incident {m['incident_id']})" for m in g if m["incident_id"] != inc["id"]]
        mine = [m["source_id"] for m in g if m["incident_id"] == inc["id"]]
        console.print(f"probable duplicate in one source ({g[0]['source']}): {', '.join(mine)} is identical in every "
                      f"field linkage compares to {', '.join(others) or 'another report of this incident'}", highlight=False, markup=False)


@app.command("twins")
def twins(
    source: Annotated[str | None, typer.Option("--source", help="Only this source (e.g. ucdp-ged).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Groups to print (0: all).")] = 50,
    db: DbOption = None,
) -> None:
    """Probable duplicates: reports of one source identical in every field linkage compares."""
    from civwatch.services import linking

    groups = linking.twins(engine(db), source)
    n_reports = sum(len(g) for g in groups)
    console.print(f"{len(groups)} groups of twins, {n_reports} reports (nothing is merged: check them, "
                  "then `civwatch incidents merge` the ones that are one event)", highlight=False)
    table = Table("source", "date", "place", "deaths", "reports (source_id: incident)")
    for g in groups[: limit or None]:
        r = g[0]
        deaths = r["total_deaths_best"] if r["total_deaths_best"] is not None else r["civilian_deaths_best"]
        table.add_row(*(escape(c) for c in (r["source"], str(r["date_start"]), r["location"] or r["admin1"] or "",
                                            "" if deaths is None else str(deaths),
                                            ", ".join(f"{m['source_id']}: {m['incident_id']}" for m in g))))
    console.print(table)
    if limit and len(groups) > limit:
        console.print(f"... {len(groups) - limit} more groups (--limit 0 prints all)", highlight=False)


@app.command("merge")
def merge(keep: int, other: int, reason: ReasonOption = None, actor: ActorOption = None, db: DbOption = None) -> None:
    """Merge incident OTHER into KEEP. Later `civwatch link` runs keep them together."""
    from civwatch.services import linking

    kept = linking.merge(engine(db), keep, other, actor=actor_name(actor), reason=reason)
    console.print(f"merged incident {other} into {kept}")


@app.command("split")
def split(
    incident_id: int,
    reports: Annotated[list[int], typer.Option("--reports", help="Report ids to move to a new incident (repeat or give several).")],
    reason: ReasonOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Move reports out of an incident into a new one. Later links keep them apart."""
    from civwatch.services import linking

    new_id = linking.split(engine(db), incident_id, reports, actor=actor_name(actor), reason=reason)
    console.print(f"split reports {', '.join(map(str, reports))} off incident {incident_id} into incident {new_id}")


@app.command("grade")
def grade(
    incident_id: int,
    grade_: Annotated[str, typer.Option("--grade", help="confirmed, fair, weak, contested, discounted, or auto.")],
    reason: ReasonOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Set an incident's grade by hand, with a reason; `--grade auto` returns to the computed one."""
    from civwatch.services import linking

    value, reasons = linking.set_grade(engine(db), incident_id, grade_, reason, actor=actor_name(actor))
    console.print(f"incident {incident_id}: {value} ({'; '.join(reasons)})", highlight=False, markup=False)


@app.command("responsibility")
def responsibility(
    incident_id: int,
    accepted: Annotated[bool, typer.Option("--accepted/--not-accepted", help="Has a party accepted responsibility?")] = True,
    reason: ReasonOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Record a party's acceptance of responsibility (makes the grade Confirmed)."""
    from civwatch.services import linking

    value = linking.set_responsibility(engine(db), incident_id, accepted, reason, actor=actor_name(actor))
    console.print(f"incident {incident_id}: grade {value}")

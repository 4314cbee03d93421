"""`civwatch peacekeeping import|missions|near|contributors`: UN peace operations.

Association, not effect: `near` counts harm recorded near deployments beside harm elsewhere
in the host countries; it does not say what a mission caused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine, fail
from civwatch.domain.missions import ASSOCIATION_NOTE, DEFAULT_DISTANCE_KM, TROOPS_NOTE

app = typer.Typer(help="UN peace operations: missions, deployments, mandates, contributors, harm near deployments.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WithinOption = Annotated[float, typer.Option("--within", help="Distance in km (10, 25 or 50 offered; any 0–500).")]


def _dump(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str, indent=1))


def _n(v: object) -> str:
    return "–" if v is None else f"{v:,}" if isinstance(v, int) else str(v)


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A peacekeeping file, or a folder of them (e.g. ../shared/data/peacekeeping).")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Import the DPPA mission list, the crosswalk, Geo-PKO tables, the HKS file or a mandate list."""
    from civwatch.services import missions_import

    summaries = missions_import.import_path(engine(db), path)
    if as_json:
        _dump([s.as_dict() for s in summaries])
        return
    for s in summaries:
        console.print(f"batch {s.batch_id} {s.file} ({s.format}): {s.read} read, {s.accepted} accepted, {s.rejected} rejected", highlight=False, soft_wrap=True)
        if s.rejected:
            console.print(f"  see why with: civwatch rejects {s.batch_id}", highlight=False)


@app.command("missions")
def missions(as_json: JsonOption = False, db: DbOption = None) -> None:
    """The missions, with dates, status (a stale published flag is corrected), hosts and troops."""
    from civwatch.services import missions as svc

    data = svc.list_missions(engine(db))
    if as_json:
        _dump(data)
        return
    t = Table("mission", "start", "end", "active", "hosts", "Geo-PKO years", "troops (last year)", "POC mandate since", title="UN peace operations")
    for m in data["missions"]:
        active = "–" if m["active"] is None else ("yes" if m["active"] else "no")
        if m["active_flag_stale"]:
            active += " (list says yes)"
        yrs = m["deployment_years"]
        last = m["last_year_troops"]
        t.add_row(m["acronym"], _n(m["start_date"]), _n(m["end_date"]), active, ", ".join(m["host_countries"]),
                  f"{yrs[0]}–{yrs[1]}" if yrs else "–", f"{_n(last['troops'])} ({last['year']})" if last else "–", _n(m["poc_mandate_since"]))
    console.print(t)
    console.print(TROOPS_NOTE, highlight=False, soft_wrap=True)


@app.command("near")
def near(
    mission: Annotated[str | None, typer.Argument(help="A mission acronym (default: every mission).")] = None,
    within: WithinOption = DEFAULT_DISTANCE_KM,
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Civilian harm near deployments vs elsewhere in the host countries, by mission and year."""
    from civwatch.services import missions as svc
    from civwatch.services.incidents import NotFound

    try:
        data = svc.near(engine(db), within, mission)
    except NotFound as exc:
        raise fail(str(exc).strip("'\""), code=2) from None
    data.pop("_results"), data.pop("_events")
    rows = [r for r in data["rows"] if year is None or r["year"] == year]
    if as_json:
        _dump({**data, "rows": rows})
        return
    t = Table("mission", "year", "troops", "near: incidents / deaths", "far: incidents / deaths", "too imprecise", "near share (of placed)",
              title=f"Civilian harm within {within:g} km of deployments")
    for r in rows:
        if not r["covered"]:
            continue
        share = r["near_share_of_placed_incidents"]
        t.add_row(r["mission"], str(r["year"]), _n(r["troops"]),
                  f"{r['near']['incidents']} / {r['near']['deaths']}", f"{r['far']['incidents']} / {r['far']['deaths']}",
                  str(r["imprecise"]["incidents"]),
                  "unknown" if share["value"] is None else f"{share['value'] * 100:.1f} % of {share['base']}")
    console.print(t)
    console.print("Mission-years without any incident in the store are left out. " + data["precision_rule"], highlight=False, soft_wrap=True)
    console.print(ASSOCIATION_NOTE, highlight=False, soft_wrap=True)


@app.command("contributors")
def contributors(
    country: Annotated[str | None, typer.Argument(help="ISO3 of a contributing country, e.g. CAN (default: list them).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Troop-contributing countries, or one country's deployments over time by mission."""
    from civwatch.services import missions as svc
    from civwatch.services.incidents import NotFound

    eng = engine(db)
    if country is None:
        data = svc.contributors(eng)
        if as_json:
            _dump(data)
            return
        t = Table("country", "name", "missions", "years", title="Troop contributors (Geo-PKO)")
        for c in data["countries"]:
            t.add_row(c["country_iso3"] or "–", c["display"], str(c["missions"]), f"{c['first_year']}–{c['last_year']}")
        console.print(t)
        return
    try:
        data = svc.contributor(eng, country)
    except NotFound as exc:
        raise fail(str(exc).strip("'\""), code=2) from None
    if as_json:
        _dump(data)
        return
    t = Table("mission", "year", "locations", "troops where size given", "locations with size unknown", title=f"{data['name']} in UN peace operations")
    for d in data["deployments"]:
        t.add_row(d["mission"], str(d["year"]), ", ".join(loc["location"] for loc in d["locations"]),
                  _n(d["size"]) if d["size_known"] else "unknown", str(d["size_unknown"]))
    console.print(t)
    console.print(data["note"], highlight=False, soft_wrap=True)

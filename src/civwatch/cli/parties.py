"""`civwatch parties ...` (the party register) and `civwatch compare --by party`."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli import stats
from civwatch.cli.common import DbOption, console, engine
from civwatch.cli.linking import ActorOption, actor_name
from civwatch.domain.query import split_values

app = typer.Typer(help="The party register: actors across sources, forces of a state, analysts' decisions.",
                  no_args_is_help=True)
Opt = typer.Option
ReasonOption = Annotated[str | None, Opt("--reason", help="Why (kept in the audit trail).")]
FORMATS = ("table", "json", "csv")


def _ints(text: str | None) -> list[int]:
    out = []
    for item in split_values(text):
        if not item.isdigit() or len(item) > 10 or int(item) > 2**31 - 1:
            raise ValueError(f"{item!r} is not an actor id (a number)")
        out.append(int(item))
    return out


def _print(rows: list[dict], fmt: str, keys: list[str], title: str, caption: str = "") -> None:
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}")
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
        return
    if fmt == "csv":
        from civwatch.services.exports import neutralise

        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(keys)
        for r in rows:
            w.writerow([neutralise("" if r.get(k) is None else str(r.get(k))) for k in keys])
        return
    table = Table(*keys, title=title, title_justify="left", caption=caption, caption_justify="left")
    for r in rows:
        table.add_row(*["" if r.get(k) is None else str(r.get(k)) for k in keys])
    console.print(table)


@app.command("build")
def build(actor: ActorOption = None, db: DbOption = None) -> None:
    """Build the register over the whole store (imports do it for their own rows; run this once
    on a store imported before the register existed)."""
    from civwatch.services import parties

    s = parties.build(engine(db), actor=actor_name(actor))
    console.print(f"{s.names_seen} source names, {s.names_added} new; {s.actors_added} new actors; "
                  f"{s.unmatched} unmatched and {s.ambiguous} ambiguous names for an analyst "
                  f"(civwatch parties unresolved); {s.unattributed_mentions} party mentions without an actor",
                  highlight=False)


@app.command("list")
def list_(
    category: Annotated[str | None, Opt("--category")] = None,
    state: Annotated[str | None, Opt("--state", help="State forces of this state (ISO3).")] = None,
    country: Annotated[str | None, Opt("--country", help="Actors of or operating in this country (ISO3).")] = None,
    q: Annotated[str | None, Opt("--q", help="Text in a canonical or source name.")] = None,
    limit: Annotated[int, Opt("--limit")] = 100,
    fmt: Annotated[str, Opt("--format")] = "table",
    db: DbOption = None,
) -> None:
    """Actors of the register."""
    from civwatch.services import parties

    rows = parties.list_actors(engine(db), category, state, q, country, limit=limit)
    _print(rows, fmt, ["id", "canonical_name", "category", "branch", "state_iso3", "countries", "names"], "Actors")


@app.command("show")
def show(actor_id: int, fmt: Annotated[str, Opt("--format")] = "table", db: DbOption = None) -> None:
    """An actor and every source name of it, with periods and source codes."""
    from civwatch.services import parties

    a = parties.show(engine(db), actor_id)
    if fmt == "json":
        print(json.dumps(a, ensure_ascii=False, default=str, indent=1))
        return
    console.print(f"actor {a['id']}: {a['canonical_name']} — {a['category']}"
                  + (f", {a['branch']}, state {a['state_iso3']}" if a["state_iso3"] else "")
                  + (f"; countries {a['countries']}" if a["countries"] else "")
                  + (f"; merged into {a['live_id']}" if a["live_id"] != a["id"] else ""), highlight=False, markup=False)
    _print(a["names"], fmt, ["id", "source", "name", "period_from", "period_to", "unit", "codes", "status"], "Source names")


@app.command("unresolved")
def unresolved(fmt: Annotated[str, Opt("--format")] = "table", db: DbOption = None) -> None:
    """Source names for an analyst: unmatched (no actor) and ambiguous (several categories)."""
    from civwatch.services import parties

    _print(parties.unresolved(engine(db)), fmt, ["id", "status", "source", "name", "categories", "actor_id", "reason"],
           "Names to resolve", "resolve with: civwatch parties assign NAME_ID ACTOR_ID --reason ...")


@app.command("forces")
def forces(
    iso3: str,
    as_of: Annotated[int | None, Opt("--as-of", help="A year: only names in use then.")] = None,
    fmt: Annotated[str, Opt("--format")] = "table",
    db: DbOption = None,
) -> None:
    """The forces of a state: its state forces actors and their names in each source."""
    from civwatch.services import parties

    eng = engine(db)
    with eng.connect() as conn:
        found = parties.forces_of_state(conn, iso3, as_of)
    rows = [{"actor_id": f.actor_id, "actor": f.name, "branch": f.branch, "source": n.source, "name": n.name,
             "period": f"{n.period_from or ''}-{n.period_to or ''}" if n.period_from else ""}
            for f in found for n in f.names]
    _print(rows, fmt, ["actor_id", "actor", "branch", "source", "name", "period"], f"Forces of {iso3.upper()}")


@app.command("merge")
def merge(into: int, others: list[int], reason: ReasonOption = None, actor: ActorOption = None, db: DbOption = None) -> None:
    """Merge actors OTHERS into INTO (a reason is needed across categories or states)."""
    from civwatch.services import parties

    a = parties.merge(engine(db), into, others, reason, by=actor_name(actor))
    console.print(f"merged {', '.join(map(str, others))} into actor {a['id']} ({a['canonical_name']}): {len(a['names'])} names",
                  highlight=False, markup=False)


@app.command("split")
def split(
    actor_id: int,
    names: Annotated[str, Opt("--names", help="Source name ids to move (comma-separated).")],
    name: Annotated[str, Opt("--name", help="Canonical name of the new actor.")],
    category: Annotated[str, Opt("--category")],
    reason: Annotated[str, Opt("--reason")],
    state: Annotated[str | None, Opt("--state", help="ISO3 of the state (state forces).")] = None,
    branch: Annotated[str | None, Opt("--branch")] = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Move some of an actor's source names to a new actor."""
    from civwatch.services import parties

    a = parties.split(engine(db), actor_id, _ints(names), name, category, reason, state, branch, by=actor_name(actor))
    console.print(f"new actor {a['id']} ({a['canonical_name']}) with {len(a['names'])} names", highlight=False, markup=False)


@app.command("correct")
def correct(
    actor_id: int,
    name: Annotated[str | None, Opt("--name")] = None,
    category: Annotated[str | None, Opt("--category")] = None,
    state: Annotated[str | None, Opt("--state")] = None,
    branch: Annotated[str | None, Opt("--branch")] = None,
    countries: Annotated[str | None, Opt("--countries", help="ISO3 codes, comma-separated.")] = None,
    reason: ReasonOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Correct an actor's canonical name, category, state, branch or countries (kept by later builds)."""
    from civwatch.services import parties

    a = parties.correct(engine(db), actor_id, reason, by=actor_name(actor), canonical_name=name, category=category,
                        state_iso3=state, branch=branch,
                        countries=",".join(split_values(countries, upper=True)) if countries is not None else None)
    console.print(f"actor {a['id']}: {a['canonical_name']} — {a['category']} {a['state_iso3'] or ''}", highlight=False, markup=False)


@app.command("assign")
def assign(name_id: int, actor_id: int, reason: Annotated[str, Opt("--reason")], actor: ActorOption = None,
           db: DbOption = None) -> None:
    """Say whose a source name is (resolves an unmatched or ambiguous name)."""
    from civwatch.services import parties

    a = parties.assign(engine(db), name_id, actor_id, reason, by=actor_name(actor))
    console.print(f"name {name_id} is now a name of actor {a['id']} ({a['canonical_name']})", highlight=False, markup=False)


@app.command("like")
def like(incident_id: int, limit: Annotated[int, Opt("--limit")] = 5, fmt: Annotated[str, Opt("--format")] = "table",
         db: DbOption = None) -> None:
    """Like incidents, different parties: the incidents most like this one by other actors."""
    from civwatch.services import parties

    data = parties.like_incidents(engine(db), incident_id, limit)

    def flat(r: dict) -> dict:
        return r | {"perpetrators": "; ".join(p["name"] for p in r["perpetrators"]),
                    "responses": "; ".join(str(x["response"] or x["state"]) for x in r["responses"])}

    rows = [flat(data["incident"]) | {"distance": 0.0}] + [flat(r) for r in data["like"]]
    _print(rows, fmt, ["id", "date", "country_iso3", "weapon", "populated_area", "civilian_deaths", "perpetrators",
                       "grade", "responses", "distance"], f"Incidents like {incident_id}", data["rule"])


COMPARE_KEYS = ["actor_id", "actor", "category", "state_iso3", "incidents", "civilian_deaths_low", "civilian_deaths",
                "civilian_deaths_high", "civilian_deaths_per_incident", "explosive_weapons_share", "explosive_weapons_base",
                "populated_area_share", "populated_area_base", "women_children_share", "women_children_base",
                "cases", "responses"]


def compare(
    by: Annotated[str, Opt("--by", help="party (named parties) or party-category (default) or another dimension.")] = "party_category",
    actors: Annotated[str | None, Opt("--actors", help="--by party: actor ids, comma-separated.")] = None,
    states: Annotated[str | None, Opt("--states", help="--by party: the forces of these states (ISO3).")] = None,
    category: Annotated[str | None, Opt("--category", help="--by party: every actor of this category.")] = None,
    operating_in: Annotated[str | None, Opt("--operating-in", help="--by party with --category: in these countries.")] = None,
    source: Annotated[str | None, Opt("--source")] = None,
    country: Annotated[str | None, Opt("--country")] = None,
    year_from: Annotated[int | None, Opt("--from-year")] = None,
    year_to: Annotated[int | None, Opt("--to-year")] = None,
    fmt: Annotated[str, Opt("--format")] = "table",
    db: DbOption = None,
    extracted: Annotated[str, Opt("--extracted", help=stats.EXTRACTED_HELP)] = "exclude",
) -> None:
    """Actor-blind comparison: the same measures, by the same code, for every party category or named party."""
    if by.strip().lower() not in ("party", "parties", "actor"):
        if actors or states or category or operating_in:
            raise ValueError("--actors, --states, --category and --operating-in go with --by party")
        stats.compare(by, source, country, year_from, year_to, fmt, db, extracted=extracted)
        return
    if extracted != "exclude":
        raise ValueError("--extracted goes with --by party-category or another dimension, not --by party")
    if source:
        raise ValueError("--by party counts incidents, each once; --source does not apply")
    from civwatch.services import parties

    result = parties.compare(engine(db), actor_ids=_ints(actors), states=split_values(states, upper=True),
                             category=category, operating_in=split_values(operating_in, upper=True),
                             year_from=year_from, year_to=year_to, countries_=split_values(country, upper=True))
    if fmt == "json":
        print(json.dumps(result, ensure_ascii=False, default=str, indent=1))
        return
    rows = [r | {f"grade_{g}": n for g, n in r["grades"].items() if n} for r in result["rows"]]
    grade_keys = sorted({k for r in rows for k in r if k.startswith("grade_")})
    _print(rows, fmt, COMPARE_KEYS + grade_keys, "Actor-blind comparison by named party", result["coverage"]["attribution"])

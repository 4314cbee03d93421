"""The party register as use cases: build it from the reports, resolve and correct it, ask
whose forces are whose, and compare named parties by the same measures.

For other capabilities (arms-export screening, peace operations, briefs):

    from civwatch.services import parties
    with engine.connect() as conn:
        forces = parties.forces_of_state(conn, "UKR", as_of=date(2020, 5, 1))
    [f.actor_id for f in forces]          # actors of category state forces whose state is UKR
    [n.name for f in forces for n in f.names]   # "Government of Ukraine", "Military Forces of Ukraine (2019-)", ...
    parties.compare(engine, states=["UKR", "RUS"])   # the same measures for each of their forces

`forces_of_state` reads only the register (never a list of names); `compare` and
`like_incidents` keep `party_facts` current with the store first (as indicators do with the cube).

The register is built after every import, in the import's transaction (`build_in`, called by
services.importing), and by `civwatch parties build` over the whole store (how an existing store
is backfilled). Builds add names and fill data fields; they never move a name an analyst placed
nor change the fields of an actor an analyst corrected. Every analyst decision is audited.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from civwatch.analytics.measures import ratio
from civwatch.domain.parties import (
    ActorCorrected,
    ActorNameAssigned,
    ActorNotFound,
    ActorsMerged,
    ActorSplit,
    Branch,
    NameStatus,
    PartyError,
    RegisterBuilt,
    check_actor,
    check_merge,
    check_states,
    derive,
)
from civwatch.domain.taxonomy import Grade, PartyCategory
from civwatch.sources import countries
from civwatch.store import audit
from civwatch.store import parties as store

__all__ = [
    "ActorNotFound", "PartyError", "SourceName", "StateForce", "assign", "build", "build_in", "compare",
    "correct", "forces_of_state", "like_incidents", "list_actors", "merge", "show", "split", "unresolved",
]
MAX_ACTORS = 200
_lock = threading.Lock()


# --- building the register ------------------------------------------------------------------

@dataclass
class BuildSummary:
    names_seen: int = 0
    names_added: int = 0
    actors_added: int = 0
    unmatched: int = 0
    ambiguous: int = 0
    unattributed_mentions: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _joined(values) -> str:
    return ",".join(sorted({v for v in values if v}))


def build_in(conn: Connection, batch_id: int | None = None, actor: str = "system") -> BuildSummary:
    """Add every source name of the reports (of one batch, or all) to the register, in the
    caller's transaction. Existing names keep their actor; only their data fields grow."""
    seen: dict[tuple[str, str], dict] = {}
    for row in store.party_names(conn, batch_id):
        item = seen.setdefault((row["source"], row["name"]), {"cats": Counter(), "own": Counter(), "codes": set()})
        item["cats"][row["category"]] += row["n"]
        if row["source_code"]:
            item["codes"].add(row["source_code"])
            item["own"][row["category"]] += row["n"]
    existing = store.names_by_key(conn)
    by_key = store.actors_by_auto_key(conn)
    summary = BuildSummary(names_seen=len(seen))
    names: list[dict] = []  # the new names, written together after the loop
    new_actors: dict[str, dict] = {}  # by auto key: the names' actor_id holds the key until then
    for (source, name), item in sorted(seen.items()):
        cats: Counter = item["cats"]
        # the categories the source gives the name itself (with its own code) outweigh those
        # it inherits as an associated actor
        basis = item["own"] or cats
        old = existing.get((source, name))
        if old is not None:
            categories = _joined([*old["categories"].split(","), *basis])
            codes = _joined([*old["codes"].split(","), *item["codes"]])
            values: dict[str, Any] = {}
            if categories != old["categories"] or codes != old["codes"]:
                values = {"categories": categories, "codes": codes}
            if old["status"] == NameStatus.MATCHED and len(categories.split(",")) > 1:
                values |= {"status": NameStatus.AMBIGUOUS.value,
                           "reason": f"{old['reason']}; the source codes it as {categories.replace(',', ', ')}"}
                summary.ambiguous += 1
            if values:
                store.update_name(conn, old["id"], **values)
            continue
        main = sorted(basis.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        d = derive(source, name, main, countries.from_name, associated_only=not item["own"] and source == "acled")
        status, reason = d.status, d.reason
        if status == NameStatus.MATCHED and len(basis) > 1:
            status = NameStatus.AMBIGUOUS
            reason += f"; the source codes it as {', '.join(sorted(basis))}"
        actor_id = None
        if d.auto_key:
            hit = by_key.get(d.auto_key)
            if hit is None:  # a new actor, written with the others after the loop
                actor_id = d.auto_key
                new_actors[d.auto_key] = dict(
                    canonical_name=d.canonical, category=d.category, branch=d.branch,
                    state_iso3=d.state_iso3, countries=d.country_hint or "", auto_key=d.auto_key)
                by_key[d.auto_key] = {"id": actor_id, "merged_into": None}
                summary.actors_added += 1
            else:
                actor_id = store.live_id(conn, hit["id"]) if hit["merged_into"] else hit["id"]
        names.append(dict(source=source, name=name, actor_id=actor_id, status=status.value, reason=reason,
                          categories=_joined(basis), codes=_joined(item["codes"]), period_from=d.period_from,
                          period_to=d.period_to, unit=d.unit))
        summary.names_added += 1
        summary.unmatched += status == NameStatus.UNMATCHED
        summary.ambiguous += status == NameStatus.AMBIGUOUS
    ids = store.insert_actors(conn, list(new_actors.values()))
    for n in names:
        if isinstance(n["actor_id"], str):
            n["actor_id"] = ids[n["actor_id"]]
    store.insert_names(conn, names)
    if seen:
        found_by_actor = store.actor_countries(conn, batch_id)
        rows = store.get_actors(conn, sorted(found_by_actor))
        changes: dict[int, str] = {}
        for actor_id, found in found_by_actor.items():
            row = rows.get(actor_id)
            if row is None or row["corrected"]:  # an analyst's countries stay as set
                continue
            merged = _joined([*row["countries"].split(","), *found])
            if merged != row["countries"]:
                changes[actor_id] = merged
        store.update_actor_countries(conn, changes)
    if summary.names_added:
        audit.append(conn, RegisterBuilt(actor=actor, entity_id=None, after={
            "batch_id": batch_id, "names_added": summary.names_added, "actors_added": summary.actors_added,
            "unmatched": summary.unmatched, "ambiguous": summary.ambiguous}))
    return summary


def build(engine: Engine, actor: str = "cli") -> BuildSummary:
    """Build the register over the whole store (backfills a store imported before it existed)."""
    with engine.begin() as conn:
        summary = build_in(conn, None, actor)
        summary.unattributed_mentions = store.unattributed_mentions(conn)
    return summary


# --- whose forces ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceName:
    source: str
    name: str
    period_from: int | None
    period_to: int | None
    unit: str | None
    codes: str


@dataclass(frozen=True)
class StateForce:
    actor_id: int
    name: str
    branch: str
    state_iso3: str
    names: list[SourceName] = field(default_factory=list)


def _covers(n: dict, year: int) -> bool:
    lo, hi = n["period_from"], n["period_to"]
    return (lo is None or lo <= year) and (hi is None or year <= hi)


def forces_of_state(conn: Connection, iso3: str, as_of: date | int | None = None) -> list[StateForce]:
    """The forces of a state: actors of category state forces whose state is `iso3`.

    With `as_of` (a date or a year), only the source names whose period (ACLED's "(2019-)")
    covers it are listed, and actors with no such name are left out. Unknown codes give []."""
    code = (iso3 or "").strip().upper()
    year = as_of.year if isinstance(as_of, date) else as_of
    out = []
    for a in store.forces_of_state(conn, code):
        names = store.names_of(conn, a["id"])
        if year is not None:
            names = [n for n in names if _covers(n, year)]
            if not names:
                continue
        out.append(StateForce(a["id"], a["canonical_name"], a["branch"] or Branch.UNSPECIFIED.value, a["state_iso3"], [
            SourceName(n["source"], n["name"], n["period_from"], n["period_to"], n["unit"], n["codes"]) for n in names]))
    return out


def forces_actor_ids(conn: Connection, iso3s: list[str], as_of: date | int | None = None) -> list[int]:
    return [f.actor_id for s in iso3s for f in forces_of_state(conn, s, as_of)]


# --- reading the register --------------------------------------------------------------------

def list_actors(engine: Engine, category: str | None = None, state: str | None = None, q: str | None = None,
                country: str | None = None, limit: int | None = None) -> list[dict]:
    with engine.connect() as conn:
        return store.list_actors(conn, category, (state or "").upper() or None, q, (country or "").upper() or None, limit=limit)


def _actor(conn: Connection, actor_id: int) -> dict:
    row = store.get_actor(conn, actor_id)
    if row is None:
        raise ActorNotFound(f"no actor {actor_id}")
    return row


def show(engine: Engine, actor_id: int) -> dict:
    """An actor with its source names; a merged-away actor says which one it lives on as."""
    with engine.connect() as conn:
        row = _actor(conn, actor_id)
        row["names"] = store.names_of(conn, actor_id)
        row["live_id"] = store.live_id(conn, actor_id)
    return row


def unresolved(engine: Engine) -> list[dict]:
    """Names an analyst should look at: unmatched (no actor) and ambiguous (several categories)."""
    with engine.connect() as conn:
        return store.unresolved_names(conn)


# --- analysts' decisions (audited) -----------------------------------------------------------

def _snapshot(row: dict) -> dict:
    return {k: row[k] for k in ("canonical_name", "category", "branch", "state_iso3", "countries")}


def _live(conn: Connection, actor_id: int) -> dict:
    row = _actor(conn, actor_id)
    if row["merged_into"] is not None:
        raise PartyError(f"actor {actor_id} was merged into actor {store.live_id(conn, actor_id)}; use that one")
    return row


def merge(engine: Engine, into: int, others: list[int], reason: str | None = None, by: str = "cli") -> dict:
    """Merge actors into `into`: their names move, they live on as it. Refused across
    categories or states without a reason."""
    others = [o for o in dict.fromkeys(others) if o != into]
    if not others:
        raise PartyError("name at least one other actor to merge")
    with engine.begin() as conn:
        target = _live(conn, into)
        rows = [_live(conn, o) for o in others]
        check_merge([target["category"], *[r["category"] for r in rows]], reason)
        check_states([target["state_iso3"], *[r["state_iso3"] for r in rows]], reason)
        moved = 0
        for r in rows:
            moved += store.move_names(conn, r["id"], into)
            store.update_actor(conn, r["id"], merged_into=into)
        store.update_actor(conn, into, corrected=True)
        audit.append(conn, ActorsMerged(actor=by, entity_id=str(into),
                                        before={"actors": {str(r["id"]): _snapshot(r) for r in rows}},
                                        after={"into": into, "names_moved": moved, "reason": reason}))
    return show(engine, into)


def split(engine: Engine, actor_id: int, name_ids: list[int], canonical_name: str, category: str,
          reason: str, state_iso3: str | None = None, branch: str | None = None, countries_: str = "",
          by: str = "cli") -> dict:
    """Move some of an actor's names to a new actor. Builds leave those names where they are."""
    if not (reason or "").strip():
        raise PartyError("a split needs a reason")
    state = (state_iso3 or "").upper() or None
    check_actor(category, state, branch, canonical_name, countries.known_iso3())
    with engine.begin() as conn:
        source = _live(conn, actor_id)
        mine = {n["id"]: n for n in store.names_of(conn, actor_id)}
        wrong = [i for i in name_ids if i not in mine]
        if wrong or not name_ids:
            raise PartyError(f"name(s) {', '.join(map(str, wrong)) or '(none)'} are not names of actor {actor_id}")
        new_id = store.insert_actor(conn, canonical_name=canonical_name.strip(), category=category,
                                    branch=branch if category == PartyCategory.STATE_FORCES else None,
                                    state_iso3=state, countries=countries_, corrected=True)
        for i in name_ids:
            store.update_name(conn, i, actor_id=new_id, status=NameStatus.ANALYST.value,
                              reason=f"split from actor {actor_id} by {by}: {reason}")
        audit.append(conn, ActorSplit(actor=by, entity_id=str(actor_id), before=_snapshot(source), after={
            "new_actor": new_id, "names": [mine[i]["name"] for i in name_ids], "reason": reason}))
    return show(engine, new_id)


CORRECTABLE = ("canonical_name", "category", "branch", "state_iso3", "countries", "note")


def correct(engine: Engine, actor_id: int, reason: str | None = None, by: str = "cli", **changes: Any) -> dict:
    """Set an actor's fields (canonical name, category, branch, state, countries, note);
    builds keep them. The result must be an actor the register can hold."""
    bad = [k for k in changes if k not in CORRECTABLE]
    if bad:
        raise PartyError(f"cannot correct {', '.join(bad)}; fields are {', '.join(CORRECTABLE)}")
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise PartyError("nothing to correct")
    if "state_iso3" in changes:
        changes["state_iso3"] = changes["state_iso3"].strip().upper() or None
    with engine.begin() as conn:
        row = _live(conn, actor_id)
        after = row | changes
        if after["category"] != PartyCategory.STATE_FORCES:
            after["branch"] = None
            if "state_iso3" not in changes:
                after["state_iso3"] = None
        check_actor(after["category"], after["state_iso3"], after["branch"], after["canonical_name"], countries.known_iso3())
        values = {k: after[k] for k in ("canonical_name", "category", "branch", "state_iso3", "countries", "note")}
        store.update_actor(conn, actor_id, corrected=True, **values)
        audit.append(conn, ActorCorrected(actor=by, entity_id=str(actor_id), before=_snapshot(row),
                                          after=_snapshot(after) | {"reason": reason}))
    return show(engine, actor_id)


def assign(engine: Engine, name_id: int, actor_id: int, reason: str, by: str = "cli") -> dict:
    """Say whose a source name is (resolves an unmatched or ambiguous name)."""
    if not (reason or "").strip():
        raise PartyError("assigning a name needs a reason")
    with engine.begin() as conn:
        name = store.get_name(conn, name_id)
        if name is None:
            raise ActorNotFound(f"no source name {name_id}")
        target = _live(conn, actor_id)
        store.update_name(conn, name_id, actor_id=actor_id, status=NameStatus.ANALYST.value,
                          reason=f"assigned by {by}: {reason}")
        audit.append(conn, ActorNameAssigned(actor=by, entity_id=str(name_id),
                                             before={"actor_id": name["actor_id"], "status": name["status"]},
                                             after={"actor_id": actor_id, "reason": reason}))
    return show(engine, target["id"])


# --- the named-party comparison --------------------------------------------------------------

def ensure_fresh(engine: Engine) -> None:
    """Rebuild party_facts when the store changed since they were built."""
    with engine.connect() as conn:
        if store.facts_state(conn) == store.fingerprint(conn):
            return
    with _lock, engine.begin() as conn:
        if store.facts_state(conn) != store.fingerprint(conn):
            store.refresh_facts(conn)


def select_actors(conn: Connection, actor_ids: list[int] | None = None, states: list[str] | None = None,
                  category: str | None = None, operating_in: list[str] | None = None,
                  as_of: date | int | None = None) -> list[dict]:
    """The actors a comparison is about: named ones, the forces of some states, or a category
    (optionally those operating in some countries)."""
    chosen: dict[int, dict] = {}
    found = store.get_actors(conn, list(dict.fromkeys(actor_ids or [])))
    for a in actor_ids or []:
        row = found.get(a)
        if row is None:
            raise ActorNotFound(f"no actor {a}")
        if row["merged_into"] is not None:
            live = store.live_id(conn, a)
            row = store.get_actor(conn, live) or row
        chosen[row["id"]] = row
    for iso3 in states or []:
        code = iso3.strip().upper()
        if code not in countries.known_iso3():
            raise PartyError(f"unknown state {iso3!r} (ISO 3166-1 alpha-3 expected)")
        for f in forces_of_state(conn, code, as_of):
            chosen[f.actor_id] = store.get_actor(conn, f.actor_id) or {}
    if category:
        if category not in {c.value for c in PartyCategory}:
            raise PartyError(f"unknown category {category!r}")
        rows = store.list_actors(conn, category=category)
        if operating_in:
            wanted = {c.strip().upper() for c in operating_in}
            rows = [r for r in rows if wanted & set(r["countries"].split(",")) or r["state_iso3"] in wanted]
        for r in rows:
            chosen[r["id"]] = r
    if not chosen:
        raise PartyError("choose actors: by id, by the states whose forces to compare, or by category")
    if len(chosen) > MAX_ACTORS:
        raise PartyError(f"{len(chosen)} actors chosen; compare at most {MAX_ACTORS} at a time")
    return list(chosen.values())


GRADES = [g.value for g in Grade]


def measures_row(actor: dict, acc: dict, grades: dict[str, int], cases: dict | None) -> dict:
    """The same measures for every actor, by this one function; shares over their known bases."""
    n = acc.get("n", 0)
    cases = cases or {"cases": 0, "responses": 0}
    known = acc.get("n_deaths_known", 0)

    def deaths(key: str) -> int | None:  # unknown is not zero: no incident with a figure -> None
        return acc.get(key, 0) if known else None

    return {
        "actor_id": actor["id"],
        "actor": actor["canonical_name"],
        "category": actor["category"],
        "state_iso3": actor["state_iso3"],
        "incidents": n,
        "civilian_deaths_low": deaths("deaths_low"),
        "civilian_deaths": deaths("deaths_best"),
        "civilian_deaths_high": deaths("deaths_high"),
        "incidents_with_death_figure": acc.get("n_deaths_known", 0),
        "civilian_deaths_per_incident": ratio(acc.get("deaths_best", 0), acc.get("n_deaths_known", 0)),
        "civilian_injuries": acc.get("injuries_best", 0) if acc.get("n_injuries_known", 0) else None,
        "explosive_weapons_share": ratio(acc.get("n_explosive", 0), acc.get("n_weapon_known", 0)),
        "explosive_weapons_base": acc.get("n_weapon_known", 0),
        "populated_area_share": ratio(acc.get("n_populated", 0), acc.get("n_populated_known", 0)),
        "populated_area_base": acc.get("n_populated_known", 0),
        "women_children_share": ratio(acc.get("casualties_women_children", 0), acc.get("casualties_disaggregated", 0)),
        "women_children_base": acc.get("casualties_disaggregated", 0),
        "ewipa_casualties": acc.get("casualties_ewipa", 0),
        "grades": {g: grades.get(g, 0) for g in GRADES},
        "cases": cases["cases"],
        "responses": cases["responses"],
    }


def compare(engine: Engine, actor_ids: list[int] | None = None, states: list[str] | None = None,
            category: str | None = None, operating_in: list[str] | None = None, year_from: int | None = None,
            year_to: int | None = None, countries_: tuple[str, ...] = (), as_of: date | int | None = None,
            direct: bool = False) -> dict:
    """Actor-blind comparison by named party: the same measures for every chosen actor.

    An incident counts for an actor when a report of it names the actor as its principal
    perpetrator; each incident once per actor. `direct=True` sums the base tables instead of
    the maintained facts (same numbers; the benchmark's baseline)."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise PartyError(f"year_from {year_from} is after year_to {year_to}")
    if not direct:
        ensure_fresh(engine)
    with engine.connect() as conn:
        chosen = select_actors(conn, actor_ids, states, category, operating_in, as_of)
        ids = [a["id"] for a in chosen]
        summed = (store.sum_direct if direct else store.sum_facts)(conn, ids, year_from, year_to, countries_)
        case_counts = store.case_counts(conn, ids, year_from, year_to, countries_) if not direct else {}
        unattributed = None if direct else store.unattributed_at_refresh(conn)
    acc: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    grades: dict[int, dict] = defaultdict(dict)
    for row in summed:
        for m in store.FACT_MEASURES:
            acc[row["actor_id"]][m] += int(row[m] or 0)
        grades[row["actor_id"]][row["grade"]] = int(row["n"] or 0)
    rows = [measures_row(a, acc.get(a["id"], {}), grades.get(a["id"], {}), case_counts.get(a["id"])) for a in chosen]
    rows.sort(key=lambda r: (-r["incidents"], r["actor"], r["actor_id"]))
    return {
        "by": "party",
        "filters": {"year_from": year_from, "year_to": year_to, "countries": list(countries_)},
        "rows": rows,
        "coverage": {
            "attribution": "an incident counts for the actor its reports name as principal perpetrator "
                           "(UCDP GED: side_a of one-sided violence; ACLED: actor1 except in battles, protests "
                           "and riots that do not target civilians); each incident once per actor",
            "party_mentions_without_actor": unattributed,
        },
    }


def like_incidents(engine: Engine, incident_id: int, limit: int = 5, days: int = 365) -> dict:
    """For an incident, the most similar incidents by other actors (same weapon, same place
    type, within `days`, closest in civilian harm and time), each with its grade and responses."""
    if limit < 1 or limit > 50:
        raise PartyError("limit must be 1..50")
    ensure_fresh(engine)
    with engine.connect() as conn:
        inc = store.get_incident(conn, incident_id)
        if inc is None:
            raise ActorNotFound(f"no incident {incident_id}")
        mine = store.actors_of_incident(conn, incident_id)
        candidates = store.like_incidents(conn, inc, mine, days, 2000)

        def harm_of(row: dict) -> int:
            return (row["civilian_deaths_best"] or 0) + (row["civilian_injuries_best"] or 0)

        h = harm_of(inc)

        def distance(row: dict) -> float:
            return abs(math.log1p(harm_of(row)) - math.log1p(h)) + abs((row["date_start"] - inc["date_start"]).days) / days

        best = sorted(candidates, key=lambda r: (distance(r), r["id"]))[:limit]
        ids = [incident_id, *[r["id"] for r in best]]
        perps = store.perpetrators(conn, ids)
        resp = store.responses(conn, ids)
    def view(row: dict) -> dict:
        return {
            "id": row["id"], "date": str(row["date_start"]), "country_iso3": row["country_iso3"],
            "location": row["location"], "weapon": row["weapon"], "populated_area": row["populated_area"],
            "civilian_deaths": row["civilian_deaths_best"], "civilian_injuries": row["civilian_injuries_best"],
            "grade": row.get("grade_override") or row["grade"], "perpetrators": perps.get(row["id"], []),
            "responses": resp.get(row["id"], []),
        }
    return {
        "incident": view(inc),
        "like": [view(r) | {"distance": round(distance(r), 4)} for r in best],
        "rule": f"same weapon and place type, within {days} days, other perpetrators; "
                "ranked by difference in log civilian harm plus time apart",
    }

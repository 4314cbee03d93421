"""Briefs: a country, a party or a forum in a few pages, every figure with its definition and source.

    data = country(engine, "UKR", as_of=date(2026, 12, 1))   # language-free: numbers and message ids
    html = briefs_render.html(data, lang="fr")                 # the same data in either language
    pdf = briefs_render.pdf(data, lang="en", paper="letter")

Each section is {"id", "status" (ok | empty | not_loaded), "table": {"head": [msgid], "rows": [[cell]]},
"chart", "footnotes"}; a cell is {"t": kind, "v": value} so the renderer formats every number by
the locale and a test can find each printed number in this dict. Figures come from the services
the dashboard and the JSON API use (indicators, treaties, parties, missions), never recomputed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from civwatch import __version__
from civwatch.analytics.definitions import definition
from civwatch.domain import briefs as dom
from civwatch.domain import forums as fdom
from civwatch.domain import treaties as tdom
from civwatch.domain.parties import ActorNotFound, PartyError
from civwatch.domain.query import Filters
from civwatch.services import (
    dashboard,
    incidents,
    indicators,
    missions,
    parties,
    screening_brief,
    treaties,
)
from civwatch.sources import countries as country_codes
from civwatch.store import briefs as store

LARGEST = 5
PEERS = 10
FORCES = 15


class BriefNotFound(LookupError):
    """No such country, party or forum (a 404 in the API)."""


# --- cells: typed values the renderer formats per locale ----------------------------------------

def n(value: int | float | None) -> dict:
    return {"t": "n", "v": value}


def fig(best: Any, low: Any = None, high: Any = None) -> dict:
    return {"t": "fig", "v": best, "low": low, "high": high}


def share(value: float | None, base: int | None) -> dict:
    return {"t": "share", "v": value, "base": base}


def msg(msgid: str) -> dict:
    return {"t": "msg", "v": msgid}


def txt(value: Any) -> dict:
    return {"t": "text", "v": "" if value is None else str(value)}


def day(value: date | None) -> dict:
    return {"t": "date", "v": value}


def year(value: int | None) -> dict:
    return {"t": "year", "v": value}


def section(sid: str, status: dom.SectionStatus, head: list[str] | None = None, rows: list[list[dict]] | None = None,
            footnote: str | list[str] | None = None, chart: dict | None = None, note: str | None = None) -> dict:
    if status is dom.SectionStatus.OK and not rows:
        status = dom.SectionStatus.EMPTY
    return {"id": sid, "status": status.value, "head": head or [], "rows": rows or [], "footnotes": [footnote] if isinstance(footnote, str) else list(footnote or []),
            "chart": chart, "note": note}


def _footnote(notes: dict[str, dict], key: str, definition: str, sources: list[dict] | None = None, source_msgid: str | None = None,
              methodology: str | None = None) -> str:
    notes.setdefault(key, {"key": key, "definition": definition, "sources": sources or [], "source": source_msgid,
                           "methodology": methodology})
    return key


def _today() -> date:
    return datetime.now(UTC).date()


def _envelope(kind: dom.BriefKind, subject: dict, as_of: date, params: dict, sections: list[dict], notes: dict,
              points: list[dom.TalkingPoint], state: dict) -> dict:
    sections.sort(key=lambda s: dom.SECTIONS[kind].index(s["id"]))
    parameters = {"kind": kind.value, **params, "as_of": as_of}
    return {
        "kind": kind.value,
        "subject": subject,
        "as_of": as_of,
        "version": __version__,
        "parameters": parameters,
        "inputs": state,
        "fingerprint": dom.fingerprint(state, __version__, parameters),
        "talking_points": [{"msgid": p.msgid, "values": p.values} for p in points],
        "sections": sections,
        "footnotes": list(notes.values()),
    }


def store_state(engine: Engine) -> dict:
    with engine.connect() as conn:
        tables = store.table_state(conn)
    return {"reports": indicators.store_fingerprint(engine), "tables": tables}


def _defn(name: str) -> str:
    return f"def.{name}"


def _methodology(name: str) -> str:
    return definition(name).methodology


# --- country -------------------------------------------------------------------------------------

def _country_code(iso3: str) -> str:
    code = (iso3 or "").strip().upper()
    if len(code) != 3 or code not in country_codes.known_iso3():
        raise BriefNotFound(f"unknown country {iso3!r} (ISO 3166-1 alpha-3 expected, e.g. UKR)")
    return code


def country(engine: Engine, iso3: str, as_of: date | None = None) -> dict:
    """The country brief. `as_of` bounds incident dates and dates treaty and mission status."""
    code = _country_code(iso3)
    explicit = as_of is not None
    as_of = as_of or _today()
    f = Filters(countries=(code,), date_to=as_of) if explicit else Filters(countries=(code,))
    state = store_state(engine)
    tables = state["tables"]
    notes: dict[str, dict] = {}
    out: list[dict] = []
    points: list[dom.TalkingPoint] = []
    OK, NOT = dom.SectionStatus.OK, dom.SectionStatus.NOT_LOADED

    trend = indicators.indicator(engine, "civilian-deaths", by=["year"], filters=f, change="yoy")
    deaths_note = _footnote(notes, "civilian-deaths", _defn("civilian-deaths"), trend.sources, methodology=_methodology("civilian-deaths"))
    rows = [[year(r["year"]), fig(r["value"], r.get("low"), r.get("high")), share(r.get("change"), None)] for r in trend.rows]
    chart = {"kind": "bars", "points": [{"x": r["year"], "y": r["value"] or 0, "low": r.get("low"), "high": r.get("high")} for r in trend.rows]}
    out.append(section("harm_over_time", OK, ["col.year", "col.civilian_deaths", "col.change"], rows, deaths_note, chart if rows else None))
    full = [r for r in trend.rows if r["year"] < as_of.year and r.get("value") is not None]
    if full:
        last = full[-1]
        points += dom.country_harm_point(last["year"], last["value"], last.get("previous"))

    src_rows = []
    for s in trend.sources:
        one = indicators.indicator(engine, "civilian-deaths", filters=f.with_(source=s["source"]))
        v = one.rows[0] if one.rows else {}
        src_rows.append([txt(s["source"]), n(one.coverage.get("records", 0)), fig(v.get("value"), v.get("low"), v.get("high"))])
    out.append(section("by_source", OK, ["col.source", "col.reports", "col.civilian_deaths"], src_rows, deaths_note,
                       note="note.by_source"))

    for dim, sid, prefix in (("party_category", "by_party_category", "party_category"), ("weapon", "by_weapon", "weapon")):
        r = indicators.indicator(engine, "civilian-deaths", by=[dim], filters=f)
        rs = sorted(r.rows, key=lambda x: -(x["value"] or 0))
        out.append(section(sid, OK, [f"col.{dim}", "col.civilian_deaths"],
                           [[msg(f"{prefix}.{x[dim]}"), fig(x["value"], x.get("low"), x.get("high"))] for x in rs], deaths_note))

    share_rows = []
    for name in ("ewipa-share", "women-children-share"):
        r = indicators.indicator(engine, name, filters=f)
        v = r.rows[0] if r.rows else {}
        _footnote(notes, name, _defn(name), r.sources, methodology=_methodology(name))
        if v:
            share_rows.append([msg(f"measure.{name}"), share(v.get("value"), v.get("denominator")), n(v.get("numerator"))])
    out.append(section("shares", OK, ["col.measure", "col.share", "col.casualties_counted"], share_rows, ["ewipa-share", "women-children-share"]))

    if not tables.get("conflict_years", [0])[0]:
        out.append(section("active_conflicts", NOT))
    else:
        r = indicators.indicator(engine, "active-conflicts", by=["year"], filters=Filters(countries=(code,), year_to=as_of.year))
        note = _footnote(notes, "active-conflicts", _defn("active-conflicts"), r.sources, methodology=_methodology("active-conflicts"))
        out.append(section("active_conflicts", OK, ["col.year", "col.conflicts"], [[year(x["year"]), n(x["value"])] for x in r.rows][-10:], note))

    from civwatch.services import briefs_sections as extra

    located = incidents.page(engine, f, sort="-civilian_deaths", limit=extra.MAP_POINTS)["items"]
    top = located[:LARGEST]
    out.append(extra.country_map(code, located))
    out.append(section("largest_incidents", OK, ["col.date", "col.place", "col.civilian_deaths", "col.grade", "col.sources"], [
        [day(i["date_start"]), txt(i.get("location") or i.get("admin1") or ""),
         fig(*(((i["civilian_deaths"] or {}).get(k)) for k in ("best", "low", "high"))),
         msg(f"grade.{i.get('grade') or 'ungraded'}"), txt(", ".join(i["sources"]))] for i in top], deaths_note))

    if not tables.get("cases", [0])[0]:
        out.append(section("cases", NOT))
    else:
        with engine.connect() as conn:
            counts = store.case_counts(conn, code, as_of if explicit else None)
        note = _footnote(notes, "cases", "def.cases", source_msgid="source.cases")
        out.append(section("cases", OK, ["col.case_state", "col.cases"],
                           [[msg(f"case_state.{s}"), n(counts[s])] for s in sorted(counts)], note))

    tsec = treaties.country_section(engine, code, as_of)
    if tsec is None:
        out.append(section("treaties", NOT))
    else:
        note = _footnote(notes, "treaties", "def.treaty_status", source_msgid="source.treaties")
        out.append(section("treaties", OK, ["col.instrument", "col.status", "col.party_since", "col.signed"], [
            [msg(f"instrument.{r['key']}"), msg(f"status.{r['status']}"), day(r["party_since"]), day(r["signed"])] for r in tsec["rows"]], note))

    out.append(screening_section(engine, code, as_of, notes))

    ms = missions.list_missions(engine, as_of)
    if not ms["count"]:
        out.append(section("missions", NOT))
    else:
        note = _footnote(notes, "missions", "def.missions", source_msgid="source.missions")
        here = [m for m in ms["missions"] if code in m["host_countries"] and m["active"]]
        out.append(section("missions", OK, ["col.mission", "col.since", "col.poc_mandate_since", "col.troops"], [
            [txt(m["acronym"]), day(m["start_date"]), day(m["poc_mandate_since"]),
             n((m["last_year_troops"] or {}).get("troops"))] for m in here], note))

    cov = trend.coverage
    out.append(section("coverage", OK, ["col.measure", "col.value"], [
        [msg("coverage.records"), n(cov.get("records", 0))],
        [msg("coverage.reports"), n(cov.get("reports", 0))],
        [msg("coverage.records_with_deaths"), n(cov.get("records_with_civilian_deaths", 0))],
        [msg("coverage.records_disaggregated"), n(cov.get("records_disaggregated", 0))],
        [msg("coverage.linkage"), msg("coverage.linked" if cov.get("linked") else "coverage.unlinked")],
    ] if cov.get("records") else [], deaths_note))
    subject = {"id": code, "name": dashboard.country_name(code)}
    return _envelope(dom.BriefKind.COUNTRY, subject, as_of, {"country": code, "bounded_by_as_of": explicit}, out, notes, points, state)


def screening_section(engine: Engine, iso3: str, as_of: date, notes: dict[str, dict] | None = None) -> dict:
    """Transfers received and screening decisions (services/screening_brief.py); "not loaded"
    when neither SIPRI rows nor any assessment of the country are in the store."""
    got = screening_brief.brief_section(engine, iso3, as_of)
    if not got:
        return section("screening", dom.SectionStatus.NOT_LOADED)
    fn_ = got["footnote"]
    if notes is not None:  # the footnote registered so its marker and text print
        fn_ = _footnote(notes, fn_["key"], fn_["definition"], source_msgid=fn_.get("source"))
    return section("screening", dom.SectionStatus.OK, got["head"], got["rows"], fn_)


# --- party ---------------------------------------------------------------------------------------

def _measure_rows(r: dict) -> list[list[dict]]:
    return [
        [msg("col.incidents"), n(r["incidents"])],
        [msg("col.civilian_deaths"), fig(r["civilian_deaths"], r["civilian_deaths_low"], r["civilian_deaths_high"])],
        [msg("col.civilian_injuries"), n(r["civilian_injuries"])],
        [msg("measure.explosive-share"), share(r["explosive_weapons_share"], r["explosive_weapons_base"])],
        [msg("measure.populated-share"), share(r["populated_area_share"], r["populated_area_base"])],
        [msg("measure.women-children-share"), share(r["women_children_share"], r["women_children_base"])],
        [msg("col.cases"), n(r["cases"])],
        [msg("col.responses"), n(r["responses"])],
    ]


def party(engine: Engine, actor_id: int, as_of: date | None = None) -> dict:
    """The party brief: its harm, trend, grades, and peers of its category by the same rule."""
    try:
        actor = parties.show(engine, actor_id)
    except ActorNotFound as exc:
        raise BriefNotFound(str(exc)) from None
    if actor.get("live_id") and actor["live_id"] != actor["id"]:
        actor = parties.show(engine, actor["live_id"])
    as_of = as_of or _today()
    aid = actor["id"]
    state = store_state(engine)
    notes: dict[str, dict] = {}
    OK = dom.SectionStatus.OK
    year_to = as_of.year
    note = _footnote(notes, "party", "def.party_measures", source_msgid="source.parties")
    row = parties.compare(engine, actor_ids=[aid], year_to=year_to)["rows"][0]
    out = [section("party_harm", OK, ["col.measure", "col.value"], _measure_rows(row) if row["incidents"] else [], note)]
    with engine.connect() as conn:
        years = [y for y in store.party_years(conn, aid) if y <= year_to]
    trend = []
    for y in years:
        r = parties.compare(engine, actor_ids=[aid], year_from=y, year_to=y)["rows"][0]
        trend.append([year(y), n(r["incidents"]), fig(r["civilian_deaths"], r["civilian_deaths_low"], r["civilian_deaths_high"])])
    chart = {"kind": "bars", "points": [{"x": t[0]["v"], "y": t[2]["v"] or 0} for t in trend]} if trend else None
    out.append(section("party_trend", OK, ["col.year", "col.incidents", "col.civilian_deaths"], trend, note, chart))
    grades = [[msg(f"grade.{g}"), n(c)] for g, c in row["grades"].items() if c]
    out.append(section("party_grades", OK, ["col.grade", "col.incidents"], grades, note))
    where = [c for c in (actor.get("countries") or "").split(",") if c]
    from civwatch.services import briefs_sections as extra

    out.append(extra.party_map(where or ([actor["state_iso3"]] if actor.get("state_iso3") else [])))
    try:
        peers = parties.compare(engine, category=actor["category"], operating_in=where or None, year_to=year_to)["rows"]
        peer_note = None
    except PartyError:  # more peers than one comparison holds: the actor's own main country only
        peers = parties.compare(engine, category=actor["category"], operating_in=where[:1] or None, year_to=year_to)["rows"] if where else []
        peer_note = "note.peers_narrowed"
    peers = [p for p in peers if p["incidents"]][:PEERS]
    if row["incidents"] and all(p["actor_id"] != aid for p in peers):
        peers.append(row)
    out.append(section("peers", OK, ["col.party", "col.incidents", "col.civilian_deaths", "measure.explosive-share", "measure.women-children-share"], [
        [txt(p["actor"] + (" ◀" if p["actor_id"] == aid else "")), n(p["incidents"]),
         fig(p["civilian_deaths"], p["civilian_deaths_low"], p["civilian_deaths_high"]),
         share(p["explosive_weapons_share"], p["explosive_weapons_base"]), share(p["women_children_share"], p["women_children_base"])]
        for p in peers], note, note=peer_note))
    points = dom.party_share_point(row["incidents"], row["explosive_weapons_share"], row["explosive_weapons_base"])
    subject = {"id": aid, "name": actor["canonical_name"], "category": actor["category"], "state": actor.get("state_iso3")}
    return _envelope(dom.BriefKind.PARTY, subject, as_of, {"party": aid}, out, notes, points, state)


# --- forum ---------------------------------------------------------------------------------------

MAX_LIST = 200  # states in an ad-hoc list


def _custom_members(ref: str) -> list[str] | None:
    """`CAN,FRA,DEU` (or `list:CAN,FRA,DEU`): an ad-hoc group of states; None for a forum id."""
    text = ref.strip()
    text = text[5:] if text.lower().startswith("list:") else text
    if "," not in text and not ref.strip().lower().startswith("list:"):
        return None
    codes = sorted({_country_code(c) for c in text.split(",") if c.strip()})
    if not codes:
        raise BriefNotFound("an ad-hoc list names no state (give ISO3 codes: CAN,FRA,DEU)")
    if len(codes) > MAX_LIST:
        raise ValueError(f"an ad-hoc list holds at most {MAX_LIST} states, got {len(codes)}")
    return codes


def forum(engine: Engine, ref: str, as_of: date | None = None) -> dict:
    """The forum brief: members x POC instruments, gaps with templated talking points, forces' record.
    `ref` is a forum id (G7, NATO, ...) or an ad-hoc list of states (`CAN,FRA,DEU`)."""
    as_of = as_of or _today()
    custom = _custom_members(ref)
    if custom is None:
        try:
            fo = fdom.forum(ref)
        except ValueError as exc:
            raise BriefNotFound(str(exc)) from None
        fid = fo.id
        subject = {"id": fid, "name": f"forum.{fid}"}
        members = treaties.forum_members(engine, fid, as_of)
    else:
        fid = ",".join(custom)
        subject = {"id": fid, "name": "forum.custom", "states": custom}
        members = custom
    subject["members"] = len(members)
    state = store_state(engine)
    notes: dict[str, dict] = {}
    OK, NOT = dom.SectionStatus.OK, dom.SectionStatus.NOT_LOADED
    points: list[dom.TalkingPoint] = []
    if not members:
        out = [section(s, NOT, note="note.no_members") for s in ("members_map", "matrix", "gaps", "likely_joiners", "forces_record")]
        return _envelope(dom.BriefKind.FORUM, subject, as_of, {"forum": fid}, out, notes, points, state)
    note = _footnote(notes, "treaties", "def.treaty_status", source_msgid="source.treaties")
    if custom is None:
        _footnote(notes, "forum", "def.forum_member", source_msgid="source.forums")
    imported = [tdom.BY_ID[i["id"]] for i in treaties.instruments(engine, as_of)["instruments"] if i["imported"] and i["poc"]]
    # one status rule for every cell: services.treaties.status (the JSON API's /treaties/status)
    w = treaties.world(engine)
    cells = {iso: {i.id: treaties.status(engine, iso, i.key, as_of, w)["status"] for i in imported} for iso in members}
    out: list[dict] = []
    if not imported:
        out += [section("matrix", NOT), section("gaps", NOT)]
    else:
        out.append(section("matrix", OK, ["col.member", *[f"short.{i.key}" for i in imported]], [
            [txt(iso), *[msg(f"status_short.{cells[iso][i.id]}") for i in imported]] for iso in members], note))
        gap_rows = []
        for i in imported:
            by_status: dict[str, list[str]] = {"party": [], "signatory": [], "withdrawn": [], "none": []}
            for iso in members:
                by_status[cells[iso][i.id]].append(iso)
            not_party = len(members) - len(by_status["party"])
            gap_rows.append([msg(f"instrument.{i.key}"), n(len(by_status["party"])), n(not_party), n(len(by_status["signatory"])),
                             n(len(by_status["withdrawn"])), txt(", ".join(by_status["signatory"] + by_status["none"]))])
            points += dom.forum_gap_points(len(members), f"msg:instrument.{i.key}", not_party,
                                           len(by_status["signatory"]), len(by_status["withdrawn"]))
        out.append(section("gaps", OK, ["col.instrument", "col.party", "col.not_party", "col.signed_not_ratified", "col.withdrawn",
                                        "col.not_party_members"], gap_rows, note))
    from civwatch.services import briefs_sections as extra

    if imported:
        out.append(extra.forum_map(members, cells, len(imported)))
        out.append(extra.likely_joiners(engine, fid if custom is None else None, imported, as_of))
        if out[-1]["status"] == "ok":
            _footnote(notes, "joiners", "def.likely_joiners", source_msgid="source.treaties")
    else:
        out += [section("members_map", NOT), section("likely_joiners", NOT)]
    try:
        forces = parties.compare(engine, states=members, year_to=as_of.year)["rows"]
        forces_note = None
    except PartyError as exc:
        forces, forces_note = [], ("note.no_forces" if "choose actors" in str(exc) else "note.too_many_forces")
    forces = [r for r in forces if r["incidents"]][:FORCES]
    pnote = _footnote(notes, "party", "def.party_measures", source_msgid="source.parties")
    out.append(section("forces_record", OK, ["col.state", "col.party", "col.incidents", "col.civilian_deaths", "measure.explosive-share"], [
        [txt(r["state_iso3"]), txt(r["actor"]), n(r["incidents"]), fig(r["civilian_deaths"], r["civilian_deaths_low"], r["civilian_deaths_high"]),
         share(r["explosive_weapons_share"], r["explosive_weapons_base"])] for r in forces], pnote, note=forces_note))
    return _envelope(dom.BriefKind.FORUM, subject, as_of, {"forum": fid}, out, notes, points, state)


def build(engine: Engine, kind: str, ref: str, as_of: date | None = None) -> dict:
    """One entry point for the CLI, the API and the pages."""
    try:
        k = dom.BriefKind(kind)
    except ValueError:
        raise ValueError(f"brief kind must be country, party or forum, got {kind!r}") from None
    if k is dom.BriefKind.COUNTRY:
        return country(engine, ref, as_of)
    if k is dom.BriefKind.PARTY:
        text = str(ref).strip()
        if not text.isdigit() or len(text) > 10 or int(text) > 2**31 - 1:
            raise BriefNotFound(f"no party {ref!r} (a party is an actor id of the party register)")
        return party(engine, int(text), as_of)
    return forum(engine, ref, as_of)

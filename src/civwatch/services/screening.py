"""Arms-export and assistance screening as use cases: import the SIPRI register, assemble the
evidence for an application, assess it criterion by criterion, decide, review consistency.

The evidence is read through the other registers, never re-implemented: the recipient's
forces from the party register (`parties.forces_of_state`: category and state, no names),
obligations from the treaty register (`treaties.status` on the application date), harm from
the incidents the party register attributes to those forces. Every item carries its source
and date; what is not loaded is said to be missing, never read as "no risk".

For the action plan: `decisions_with_complete_evidence(engine, as_of)` -> (complete, total).
"""

from __future__ import annotations

import copy
import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from civwatch.domain import screening as dom
from civwatch.domain.events import ImportBatchDone
from civwatch.domain.records import Rejection
from civwatch.domain.screening import (
    Application,
    ScreeningError,
    ScreeningImmutable,
    ScreeningNotFound,
)
from civwatch.domain.taxonomy import Role, Weapon
from civwatch.services import parties, treaties
from civwatch.services import screening_evidence as evidence
from civwatch.services.auth import Principal
from civwatch.services.importing import already_imported, file_sha256
from civwatch.services.screening_brief import brief_section
from civwatch.sources import countries, sipri
from civwatch.store import audit
from civwatch.store import reports as report_store
from civwatch.store import screening as store

__all__ = [
    "ScreeningError", "ScreeningImmutable", "ScreeningNotFound", "assemble", "brief_section", "consistency", "decide",
    "decisions_with_complete_evidence", "export_json", "import_sipri", "list_assessments", "new", "show",
]
CREATE_ROLES = (Role.ASSESSOR, Role.ANALYST)
DECIDE_ROLES = (Role.APPROVER,)
OBLIGATIONS = {"att": "Arms Trade Treaty", "ccm": "Convention on Cluster Munitions", "ottawa": "Anti-Personnel Mine Ban Convention",
               "rome": "Rome Statute", "ap1": "Additional Protocol I", "ap2": "Additional Protocol II"}
CONFIRMED_FAIR = ("confirmed", "fair")
WEAK_CONTESTED = ("weak", "contested")
EXPLOSIVE = tuple(w.value for w in Weapon if w.is_explosive)


def _today() -> date:
    return datetime.now(UTC).date()


# --- SIPRI import -----------------------------------------------------------------------------

def import_sipri(engine: Engine, path: str | Path, actor: str = "cli") -> dict:
    """Import a SIPRI trade register as one batch in one transaction: read = accepted + rejected,
    each rejected row kept with its reason. The same file twice is refused."""
    path = Path(path)
    if not sipri.is_trade_register(path):
        raise ScreeningError(f"{path.name} is not a SIPRI trade register (classic layout: 11 preamble lines, then the header "
                             f"{', '.join(h for h in sipri.HEADER if h.strip())})")
    digest = file_sha256(path)
    if (prior := already_imported(engine, digest)) is not None:
        raise ScreeningError(f"{path.name} was already imported (batch {prior})")
    with engine.begin() as conn:
        batch = report_store.start_batch(conn, sipri.FORMAT, path.name, digest, "SIPRI trade register (classic layout)", actor)
        read, accepted, rejections = 0, [], []
        for item in sipri.records(path):
            read += 1
            (rejections if isinstance(item, Rejection) else accepted).append(item)
        store.write_transfers(conn, batch, accepted)
        rejected = report_store.write_rejections(conn, batch, rejections)
        if read != len(accepted) + rejected:
            raise RuntimeError("import lost count of rows: read != accepted + rejected")
        report_store.finish_batch(conn, batch, "done", read=read, accepted=len(accepted), rejected=rejected, updated=0, unchanged=0)
        summary = {"batch_id": batch, "file": path.name, "read": read, "accepted": len(accepted), "rejected": rejected,
                   "tiv_delivered": round(sum(t.tiv_delivered or 0 for t in accepted), 4)}
        audit.append(conn, ImportBatchDone(actor=actor, entity_id=str(batch), after=summary))
    return summary


# --- evidence -----------------------------------------------------------------------------------

def _window(as_of: date, years: int) -> tuple[date, date]:
    try:
        start = as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February
        start = as_of.replace(year=as_of.year - years, day=28)
    return start + timedelta(days=1), as_of


def _share(part: int, base: int) -> float | None:
    return round(part / base, 4) if base else None


def _trend(series: list[tuple[int, int]]) -> dict:
    """Least-squares slope of civilian deaths per year over the years with data (None under 3 years)."""
    if len(series) < 3:
        return {"slope_per_year": None, "years": len(series), "reading": "too few years to read a trend"}
    n = len(series)
    mx = sum(y for y, _ in series) / n
    my = sum(v for _, v in series) / n
    sxx = sum((y - mx) ** 2 for y, _ in series)
    slope = sum((y - mx) * (v - my) for y, v in series) / sxx
    reading = "rising" if slope > 0 else "falling" if slope < 0 else "flat"
    return {"slope_per_year": round(slope, 3), "years": n, "reading": reading}


def _harm(conn, iso3: str, item: str, date_from: date, date_to: date) -> dict:
    forces = parties.forces_of_state(conn, iso3)
    weapons = dom.weapons_for(item)
    prov = {"source": "incidents attributed by the party register to the state forces of the recipient",
            "forces": [{"actor_id": f.actor_id, "name": f.name, "branch": f.branch,
                        "source_names": [f"{n.source}: {n.name}" for n in f.names]} for f in forces],
            "window": [date_from.isoformat(), date_to.isoformat()]}
    span = store.harm_data_span(conn, iso3)
    prov["country_data_span"] = [d.isoformat() if d else None for d in span]
    missing = []
    if not forces:
        missing.append(f"no state-forces actor of {iso3} in the party register (no GED/ACLED reports naming them loaded)")
    if span[1] is None:
        missing.append(f"no harm data loaded for {iso3}")
    elif span[1] < date_to:
        missing.append(f"no harm data loaded for {iso3} after {span[1].isoformat()}")
    if span[0] is not None and span[0] > date_from:
        missing.append(f"no harm data loaded for {iso3} before {span[0].isoformat()}")
    groups = store.harm_groups(conn, iso3, date_from, date_to)
    acc: Counter = Counter()
    by_grade: dict[str, Counter] = defaultdict(Counter)
    by_weapon: dict[str, Counter] = defaultdict(Counter)
    by_year: Counter = Counter()
    for g in groups:
        for k in ("n", "n_deaths_known", "deaths_low", "deaths_best", "deaths_high", "n_injuries_known",
                  "injuries_low", "injuries_best", "injuries_high"):
            acc[k] += int(g[k] or 0)
        cas = int(g["deaths_best"] or 0) + int(g["injuries_best"] or 0)
        acc["casualties"] += cas
        if g["weapon"] in EXPLOSIVE and g["populated_area"] is True:
            acc["casualties_ewipa"] += cas
        if g["populated_area"] is None and g["weapon"] in EXPLOSIVE:
            acc["casualties_explosive_place_unknown"] += cas
        if g["weapon"] != "unknown":
            acc["deaths_weapon_known"] += int(g["deaths_best"] or 0)
        if g["weapon"] in weapons:
            acc["deaths_matching"] += int(g["deaths_best"] or 0)
        if g["weapon"] == Weapon.SEXUAL_VIOLENCE.value:
            acc["sexual_violence_incidents"] += int(g["n"])
        by_grade[g["grade"]]["incidents"] += int(g["n"])
        by_grade[g["grade"]]["deaths_best"] += int(g["deaths_best"] or 0)
        by_weapon[g["weapon"]]["incidents"] += int(g["n"])
        by_weapon[g["weapon"]]["deaths_best"] += int(g["deaths_best"] or 0)
        by_year[int(g["year"])] += int(g["deaths_best"] or 0)
    lo_year = max(date_from.year, span[0].year) if span[0] else None
    hi_year = min(date_to.year, span[1].year) if span[1] else None
    series = [(y, by_year.get(y, 0)) for y in range(lo_year, hi_year + 1)] if lo_year and hi_year and lo_year <= hi_year else []

    covered = bool(forces) and span[1] is not None and not missing

    def fig(prefix: str) -> dict | None:
        """Unknown is not zero: None unless an incident gives the figure, or (deaths only) the
        store covers the whole window and holds no incident of these forces in it."""
        if not acc[f"n_{prefix}_known"]:
            if prefix == "deaths" and covered and acc["n"] == 0:
                return {"low": 0, "best": 0, "high": 0, "incidents_with_figure": 0}
            return None
        return {"low": acc[f"{prefix}_low"], "best": acc[f"{prefix}_best"], "high": acc[f"{prefix}_high"],
                "incidents_with_figure": acc[f"n_{prefix}_known"]}

    def grade_sum(names: tuple[str, ...], key: str) -> int:
        return sum(by_grade[g][key] for g in names if g in by_grade)

    weapons_rows = sorted(({"weapon": w, "matching": w in weapons, **dict(c)} for w, c in by_weapon.items()),
                          key=lambda r: (not r["matching"], -r["deaths_best"], r["weapon"]))
    return {
        "loaded": bool(forces) and span[1] is not None,
        "provenance": prov, "missing": missing,
        "incidents": acc["n"], "incidents_with_death_figure": acc["n_deaths_known"],
        "civilian_deaths": fig("deaths"), "civilian_injuries": fig("injuries"),
        "by_grade": {g: dict(c) for g, c in sorted(by_grade.items())},
        "confirmed_fair_incidents": grade_sum(CONFIRMED_FAIR, "incidents"),
        "confirmed_fair_deaths_best": grade_sum(CONFIRMED_FAIR, "deaths_best"),
        "weak_contested_incidents": grade_sum(WEAK_CONTESTED, "incidents"),
        "weak_contested_deaths_best": grade_sum(WEAK_CONTESTED, "deaths_best"),
        "item_weapons": list(weapons),
        "by_weapon": weapons_rows,
        "matching_deaths_best": acc["deaths_matching"], "matching_base_deaths": acc["deaths_weapon_known"],
        "matching_share": _share(acc["deaths_matching"], acc["deaths_weapon_known"]),
        "ewipa_casualties": acc["casualties_ewipa"], "ewipa_base_casualties": acc["casualties"],
        "ewipa_share": _share(acc["casualties_ewipa"], acc["casualties"]),
        "explosive_casualties_place_unknown": acc["casualties_explosive_place_unknown"],
        "sexual_violence_incidents": acc["sexual_violence_incidents"],
        "object_attacks": store.object_attacks(conn, iso3, date_from, date_to),
        "by_year": [{"year": y, "deaths_best": v} for y, v in series],
        "trend": _trend(series),
        "top_incidents": [{**r, "link": f"/incidents/{r['id']}", "date_start": r["date_start"].isoformat()}
                          for r in store.top_incidents(conn, iso3, date_from, date_to, weapons)],
    }


def _conflict(conn, iso3: str, date_from: date, date_to: date) -> dict:
    gw = {str(k) for k, v in countries.gw_codes().items() if v == iso3}
    lo, hi = store.conflict_span(conn)
    if lo is None:
        return {"loaded": False, "missing": ["no UCDP/PRIO Armed Conflict Dataset loaded"], "conflict_years": None, "rows": []}
    rows = []
    for r in store.conflict_rows(conn, date_from.year, date_to.year, gw) if gw else []:
        raw = json.loads(r["raw"])
        primary = {c.strip() for k in ("gwno_a", "gwno_b") for c in str(raw.get(k, "")).split(",") if c.strip()}
        secondary = {c.strip() for k in ("gwno_a_2nd", "gwno_b_2nd") for c in str(raw.get(k, "")).split(",") if c.strip()}
        role = "primary" if primary & gw else "secondary" if secondary & gw else None
        if role:
            rows.append({"conflict_id": r["conflict_id"], "year": r["year"], "location": r["location"], "side_a": r["side_a"],
                         "side_b": r["side_b"], "intensity_level": r["intensity_level"], "type_of_conflict": r["type_of_conflict"],
                         "role": role, "batch_id": r["batch_id"]})
    missing = [f"no conflict data loaded after {hi}"] if hi < date_to.year else []
    return {"loaded": True, "missing": missing, "data_years": [lo, hi], "gw_codes": sorted(gw),
            "conflict_years": sum(1 for r in rows if r["role"] == "primary"),
            "conflict_years_secondary": sum(1 for r in rows if r["role"] == "secondary"),
            "source": "UCDP/PRIO Armed Conflict Dataset (conflict_years), recipient as primary party by gwno_a/gwno_b",
            "rows": rows}


def _obligations(engine: Engine, iso3: str, as_of: date) -> dict:
    out: dict[str, Any] = {}
    w = treaties.world(engine)  # read once: each status call would check the treaty tables' fingerprint again
    for key, name in OBLIGATIONS.items():
        try:
            s = treaties.status(engine, iso3, key, as_of, w=w)
        except ValueError as exc:
            out[key] = {"name": name, "known": False, "missing": str(exc)}
            continue
        known = s.get("known_until") is not None
        out[key] = {"name": name, "known": known, "status": s["status"], "party_since": s.get("party_since"),
                    "known_until": s.get("known_until"), "as_of": as_of,
                    "source": "treaty register (UNTC snapshots and maintained CSV)",
                    **({} if known else {"missing": f"no treaty data loaded for {name}"})}
    return out


def _transfers(conn, iso3: str, as_of: date, years: int) -> dict:
    batch = store.sipri_loaded(conn)
    if batch is None:
        return {"loaded": False, "missing": ["no SIPRI trade register imported"], "rows": []}
    rows = store.transfers_of(conn, iso3)
    recent = store.received_in(rows, as_of.year - years + 1, as_of.year)
    by_supplier = Counter(store.tiv_by_supplier(recent))
    total = sum(by_supplier.values())
    hhi = round(sum((v / total) ** 2 for v in by_supplier.values()), 4) if total else None
    return {"loaded": True, "missing": [], "source": f"SIPRI Arms Transfers Database ({batch['file_name']}, batch {batch['id']})",
            "deals_all_years": len(rows), "deals_in_window": len(recent), "tiv_delivered_in_window": round(total, 4),
            "suppliers": [{"supplier": s, "tiv_delivered": round(v, 4), "share": _share_f(v, total)} for s, v in by_supplier.most_common()],
            "supplier_hhi": hhi,
            "rows": [{k: v for k, v in r.items()} for r in recent[:200]]}


def _share_f(v: float, total: float) -> float | None:
    return round(v / total, 4) if total else None


def assemble(engine: Engine, app: Application, config: dict, as_of: date) -> dict:
    """Every evidence item for an application, read on `as_of` (the application date)."""
    parties.ensure_fresh(engine)
    date_from, date_to = _window(as_of, int(config["window_years"]))
    with engine.connect() as conn:
        ev = {
            "as_of": as_of.isoformat(), "window": [date_from.isoformat(), date_to.isoformat()],
            "harm": _harm(conn, app.recipient, app.item, date_from, date_to),
            "conflict": _conflict(conn, app.recipient, date_from, date_to),
            "transfers": _transfers(conn, app.recipient, as_of, int(config["window_years"])),
        }
        ev["chmr"] = evidence.chmr(conn, app.recipient, date_from, date_to, as_of)
        ev["embargo"] = evidence.embargo(conn, app.recipient, as_of, app.end_user, app.item)
        ev["diversion"] = evidence.diversion(conn, app.recipient, date_from, date_to)
    ev["obligations"] = _obligations(engine, app.recipient, as_of)
    return ev


def _complete(ev: dict) -> bool:
    """Complete: harm, conflict and transfer data loaded over the whole window, and the recipient's
    Arms Trade Treaty status known from the treaty register (docs/screening.md)."""
    return bool(ev["harm"]["loaded"] and not ev["harm"]["missing"] and ev["conflict"]["loaded"] and not ev["conflict"]["missing"]
                and ev["transfers"]["loaded"] and ev["obligations"]["att"].get("known"))


# --- assessments --------------------------------------------------------------------------------

def _require(principal: Principal | None, roles: tuple[Role, ...], what: str, by: str | None) -> str:
    """The acting user's name; a principal (API, pages) must hold one of the roles. Without one
    the caller is the local operator of the CLI, named by `by`."""
    if principal is None:
        return by or "cli"
    if not principal.has(*roles):
        raise PermissionError(f"{what} needs the role {' or '.join(r.value for r in roles)}")
    return principal.username


def merged_config(overrides: dict | None) -> dict:
    cfg = copy.deepcopy(dom.DEFAULT_CONFIG)
    for k, v in (overrides or {}).items():
        if k not in cfg:
            raise ScreeningError(f"unknown configuration key {k!r}: valid keys are {', '.join(cfg)}")
        if isinstance(v, dict) and isinstance(cfg.get(k), dict):
            unknown = set(v) - set(cfg[k])
            if unknown:
                raise ScreeningError(f"unknown {k} {', '.join(sorted(unknown))}: valid are {', '.join(cfg[k])}")
            cfg[k].update(v)
        else:
            cfg[k] = v
    return cfg


def new(engine: Engine, raw: dict, principal: Principal | None = None, config: dict | None = None,
        as_of: date | None = None, supersedes: int | None = None, by: str | None = None) -> int:
    """Check the application, assemble the evidence, assess every criterion, store it all."""
    by = _require(principal, CREATE_ROLES, "an assessment", by)
    as_of = as_of or _today()
    app = dom.check_application(raw, countries.known_iso3(), as_of)
    cfg = merged_config(config)
    if supersedes is not None:
        with engine.connect() as conn:
            if store.get_assessment(conn, supersedes) is None:
                raise ScreeningNotFound(f"no assessment {supersedes}")
    ev = assemble(engine, app, cfg, as_of)
    results = [r.__dict__ for r in dom.assess(ev, cfg)]
    with engine.begin() as conn:
        aid = store.insert_assessment(conn, reference=app.reference, recipient_iso3=app.recipient, item=app.item,
                                      application=app.as_dict(), config=cfg, evidence=ev, criteria=results,
                                      evidence_complete=_complete(ev), as_of=as_of, supersedes=supersedes, created_by=by)
        audit.append(conn, dom.ScreeningAssessed(actor=by, entity_id=str(aid), after={
            "reference": app.reference, "recipient": app.recipient, "item": app.item, "supersedes": supersedes,
            "findings": {r["criterion"]: r["finding"] for r in results}}))
    return aid


def show(engine: Engine, assessment_id: int) -> dict:
    with engine.connect() as conn:
        a = store.get_assessment(conn, assessment_id)
        if a is None:
            raise ScreeningNotFound(f"no assessment {assessment_id}")
        a["superseded_by"] = store.superseded_by(conn, assessment_id)
    return a


def list_assessments(engine: Engine, decided: bool | None = None) -> list[dict]:
    with engine.connect() as conn:
        rows = store.list_assessments(conn, decided)
    return [{k: r[k] for k in ("id", "reference", "recipient_iso3", "item", "as_of", "decision", "decided_by", "decided_at",
                               "evidence_complete", "supersedes", "created_at")} for r in rows]


def decide(engine: Engine, assessment_id: int, decision: str, reasons: str, mitigation: str = "",
           principal: Principal | None = None, by: str | None = None) -> dict:
    """Record the officer's decision once; a decided assessment is immutable (403 without the role)."""
    by = _require(principal, DECIDE_ROLES, "a screening decision", by)
    d = dom.check_decision(decision, reasons)
    with engine.begin() as conn:
        a = store.get_assessment(conn, assessment_id)
        if a is None:
            raise ScreeningNotFound(f"no assessment {assessment_id}")
        if a["decision"] is not None:
            raise ScreeningImmutable(f"assessment {assessment_id} was decided ({a['decision']}) and cannot be changed: "
                                     "start a new assessment that supersedes it")
        at = datetime.now(UTC)
        if not store.record_decision(conn, assessment_id, decision=d, reasons=reasons.strip(), mitigation=(mitigation or "").strip(),
                                     decided_by=by, decided_at=at):
            raise ScreeningImmutable(f"assessment {assessment_id} was decided meanwhile")
        audit.append(conn, dom.ScreeningDecided(actor=by, entity_id=str(assessment_id), before={"decision": None},
                                                after={"decision": d, "reasons": reasons.strip(), "mitigation": mitigation}))
    return show(engine, assessment_id)


def consistency(engine: Engine, max_distance: float = 0.5) -> dict:
    """Decided, not superseded assessments: pairs with like evidence (distance <= max_distance)
    and unlike decisions, closest first."""
    with engine.connect() as conn:
        rows = store.list_assessments(conn, decided=True, limit=5000)
        replaced = {r["supersedes"] for r in store.list_assessments(conn, None, limit=5000) if r["supersedes"]}
    rows = [r for r in rows if r["id"] not in replaced]
    vec = {r["id"]: dom.evidence_vector(r["evidence"]) for r in rows}
    pairs = []
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if a["decision"] == b["decision"]:
                continue
            dist = dom.distance(vec[a["id"]], vec[b["id"]])
            if dist is not None and dist <= max_distance:
                pairs.append({"distance": dist, "a": _brief(a, vec), "b": _brief(b, vec)})
    pairs.sort(key=lambda p: (p["distance"], p["a"]["id"], p["b"]["id"]))
    return {"max_distance": max_distance, "decided": len(rows), "pairs": pairs,
            "distance": "mean absolute difference of log(1+civilian deaths Confirmed/Fair), matching-weapon share, "
                        "EWIPA share and log(1+conflict-years), over the figures both assessments know"}


def _brief(a: dict, vec: dict) -> dict:
    return {"id": a["id"], "reference": a["reference"], "recipient": a["recipient_iso3"], "item": a["item"],
            "decision": a["decision"], "evidence": vec[a["id"]]}


def decisions_with_complete_evidence(engine: Engine, as_of: date | datetime | None = None) -> tuple[int, int]:
    """For the action plan: (decided assessments whose evidence was complete, decided assessments), up to `as_of`."""
    if as_of is None:
        at = datetime.now(UTC)
    elif isinstance(as_of, datetime):
        at = as_of
    else:
        at = datetime.combine(as_of, time.max, tzinfo=UTC)
    with engine.connect() as conn:
        return store.count_decided(conn, at)


def complete_evidence_share(engine: Engine, as_of: date | datetime | None = None) -> dict:
    """The action plan's indicator: the share of decided assessments whose evidence was complete,
    over the decided ones (its base); unknown, not 0, before any decision."""
    complete, decided = decisions_with_complete_evidence(engine, as_of)
    if not decided:
        return {"value": None, "base": 0, "reason": "unknown: no screening decision by this date"}
    return {"value": complete / decided, "base": decided, "complete": complete}


def export_json(engine: Engine, assessment_id: int) -> dict:
    a = show(engine, assessment_id)
    return {"assessment": a, "criteria_ids": list(dom.CRITERION_IDS), "exported_at": datetime.now(UTC).isoformat()}


def export_document(engine: Engine, assessment_id: int, fmt: str = "json", lang: str = "en", paper: str = "a4") -> tuple[bytes, str]:
    """(body, media type) of an assessment as JSON, or as a PDF or HTML document in `lang`
    (services/screening_render.py: the briefs' renderer and message catalogue)."""
    from civwatch.services import screening_render

    if fmt not in screening_render.FORMATS:
        raise ScreeningError(f"unknown format {fmt!r}: valid are {', '.join(screening_render.FORMATS)}")
    if lang not in screening_render.messages.LANGUAGES:
        raise ScreeningError(f"unknown language {lang!r}: valid are {', '.join(screening_render.messages.LANGUAGES)}")
    if paper not in ("a4", "letter"):
        raise ScreeningError(f"unknown paper {paper!r}: valid are a4, letter")
    if fmt == "json":
        body = json.dumps(export_json(engine, assessment_id), ensure_ascii=False, default=str, indent=1)
        return body.encode("utf-8"), "application/json"
    a = show(engine, assessment_id)
    if fmt == "pdf":
        return screening_render.pdf(a, lang, paper), "application/pdf"
    return screening_render.html(a, lang, paper).encode("utf-8"), "text/html; charset=utf-8"

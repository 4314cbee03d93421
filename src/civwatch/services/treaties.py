"""Treaty universalization: import, status on any date, curves, forum gaps, profiles, likely
joiners and coalition targets.

Functions other capabilities call (arms-export screening, briefs), each answering "as of" a day:

- `status(engine, iso3, instrument, as_of)`: one state's status for one instrument.
- `forum_members(engine, forum, as_of)`: the ISO3 codes of a forum's members.

Imports follow the one accounting of services/importing.py: one batch per file, one
transaction, rows read = accepted + rejected, every rejected row kept with its reason
(`civwatch rejects BATCH`), an audit event per batch. Re-importing a file changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from civwatch import settings
from civwatch.analytics import treaties as ana
from civwatch.domain import forums as fdom
from civwatch.domain import treaties as tdom
from civwatch.domain.events import ImportBatchDone
from civwatch.domain.records import Rejection
from civwatch.services import messages
from civwatch.services.importing import file_sha256
from civwatch.sources import countries as country_codes
from civwatch.sources import forums as forum_src
from civwatch.sources import treaty_csv, untc
from civwatch.sources.base import open_table
from civwatch.store import audit
from civwatch.store import reports as report_store
from civwatch.store import treaties as tstore

POC_INSTRUMENTS = tuple(i.id for i in tdom.INSTRUMENTS if i.poc)


@dataclass
class TreatyImport:
    file: str
    format: str
    batch_id: int
    snapshot: date | None = None
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    new: int = 0  # actions or membership events stored for the first time
    unchanged: int = 0  # stored already (a re-import, or a later snapshot repeating them)
    repeated: int = 0  # further copies of a row already read in this file
    instruments: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _today() -> date:
    return datetime.now(UTC).date()


def import_file(engine: Engine, path: str | Path, snapshot: date | None = None, actor: str = "cli", today: date | None = None) -> TreatyImport:
    """Import one UNTC table (2015 or 2026 layout), treaty-actions CSV, forum-changes CSV or the
    CIA Factbook memberships file, as one batch in one transaction."""
    path = Path(path)
    table = open_table(path)
    today = today or _today()
    layout = untc.detect(path, table.header, snapshot)
    if layout is not None:
        fmt, items, what = layout.name, untc.records(table, layout), "actions"
        snap = layout.snapshot
    elif treaty_csv.is_actions(table.header):
        fmt, items, what, snap = "treaty-actions", treaty_csv.action_records(table, snapshot or today), "actions", snapshot or today
    elif treaty_csv.is_forum_changes(table.header):
        fmt, items, what, snap = "forum-changes", treaty_csv.forum_change_records(table, snapshot or today), "forums", snapshot or today
    elif forum_src.is_factbook(table.header):
        snap = forum_src.snapshot(path, snapshot)
        fmt, items, what = "forum-factbook", forum_src.records(table, snap), "forums"
    else:
        raise ValueError(
            f"{path.name} is not a treaty or forum file: expected a UNTC table (2015 or 2026 layout), "
            f"the CSV layout {','.join(treaty_csv.ACTION_COLUMNS)}, or {','.join(treaty_csv.FORUM_COLUMNS)}"
        )
    digest = file_sha256(path)
    with engine.begin() as conn:
        batch = report_store.start_batch(conn, fmt, path.name, digest, f"{fmt} (snapshot {snap})", actor)
        summary = TreatyImport(path.name, fmt, batch, snap)
        rejections: list[Rejection] = []
        accepted: list = []
        rows_ok = 0
        for item in items:
            summary.read += 1
            if isinstance(item, Rejection):
                rejections.append(item)
                continue
            rows_ok += 1
            if item is None:
                continue
            if what == "actions":
                accepted.extend(item)
            else:
                accepted.append(item)
        if what == "actions":
            distinct = {(a.instrument, a.country_iso3, a.action, a.action_date) for a in accepted}
            summary.new, summary.unchanged = tstore.write_actions(conn, batch, accepted)
            summary.repeated = len(accepted) - len(distinct)
            summary.instruments = sorted({a.instrument for a in accepted})
            if fmt.startswith("untc"):
                insts = summary.instruments or ([layout.instrument] if layout and layout.instrument else [])
                tstore.record_snapshot(conn, batch, insts, fmt, snap)
                tstore.record_listings(conn, batch, ((a.instrument, a.country_iso3) for a in accepted), snap)
        else:
            distinct = {(e[0], e[1], e[2], e[3]) for e in accepted}
            summary.new, summary.unchanged = tstore.write_forum_events(conn, batch, accepted)
            summary.repeated = len(accepted) - len(distinct)
        summary.rejected = report_store.write_rejections(conn, batch, rejections)
        summary.accepted = rows_ok
        if summary.read != summary.accepted + summary.rejected:
            raise RuntimeError("import lost count of rows: read != accepted + rejected")
        report_store.finish_batch(conn, batch, "done", read=summary.read, accepted=summary.accepted, rejected=summary.rejected,
                                  updated=0, unchanged=summary.unchanged)
        audit.append(conn, ImportBatchDone(actor=actor, entity_id=str(batch), after={k: (str(v) if isinstance(v, date) else v) for k, v in summary.as_dict().items()}))
    return summary


def shared_files(folder: Path | None = None) -> list[Path]:
    """The treaty and membership files of shared/data (CIVWATCH_SHARED_DATA), then the maintained changes."""
    base = folder or settings.shared_data_folder()
    treaties = sorted((base / "treaties").glob("untc_*_2015.csv")) + sorted((base / "treaties").glob("untc_ch*_ratifications_*.csv"))
    treaties = [p for p in treaties if "treaty_index" not in p.name]
    factbook = base / "countries" / "country_international_org_memberships_ciafactbook_2020.csv"
    if not treaties:
        raise FileNotFoundError(f"no UNTC treaty files under {base / 'treaties'}: set CIVWATCH_SHARED_DATA")
    return treaties + ([factbook] if factbook.is_file() else []) + [forum_src.maintained_changes()]


def import_all(engine: Engine, paths: list[Path] | None = None, actor: str = "cli", skip_imported: bool = False) -> list[dict]:
    out = []
    for p in paths or shared_files():
        if skip_imported:
            done = report_store_batch(engine, p)
            if done is not None:
                out.append({"file": p.name, "batch_id": done, "skipped": True})
                continue
        out.append(import_file(engine, p, actor=actor).as_dict())
    return out


def report_store_batch(engine: Engine, path: Path) -> int | None:
    with engine.connect() as conn:
        return report_store.batch_for_file(conn, file_sha256(path))


# ---- reading -----------------------------------------------------------------------------------


_CACHE: dict[tuple, object] = {}  # (store url, fingerprint[, as_of, horizon]) -> World or fitted rule; a few entries


def _cached(key: tuple, make):
    if key not in _CACHE:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = make()
    return _CACHE[key]


def _key(engine: Engine) -> tuple:
    with engine.connect() as conn:
        return (engine.url.render_as_string(hide_password=True), tstore.fingerprint(conn))


def world(engine: Engine) -> ana.World:
    """Everything stored, ready for questions as of any date (kept while the store is unchanged)."""
    return _cached(("world", *_key(engine)), lambda: _load_world(engine))


def _load_world(engine: Engine) -> ana.World:
    regions = forum_src.regions()
    with engine.connect() as conn:
        actions = tstore.action_index(conn)
        forums = tstore.forum_index(conn)
        snaps = tstore.snapshots(conn)
        listed = tstore.listings(conn)
        located = tstore.conflict_locations(conn)
    conflicts = None
    if located is not None:
        conflicts = set()
        for gw, iso, year in located:
            codes = {country_codes.from_gw(c) for c in str(gw).split(",")} | {iso}
            conflicts |= {(c, year) for c in codes if c}
    return ana.World(actions, forums, {k: (v[1], v[2]) for k, v in regions.items()}, snaps, conflicts, listed)


def _names() -> dict[str, str]:
    return {k: v[0] for k, v in forum_src.regions().items()}


def country_name(iso3: str) -> str:
    return _names().get(iso3, iso3)


def _status_dict(inst: tdom.Instrument, iso3: str, s: tdom.StateStatus, as_of: date) -> dict:
    return {"country": iso3, "name": country_name(iso3), "instrument": inst.id, "as_of": as_of, "status": s.status.value,
            "party_since": s.party_since, "signed": s.signed, "left": s.left,
            "actions": [{"action": a, "date": d} for a, d in s.actions]}


def status(engine: Engine, iso3: str, instrument: str, as_of: date | None = None, w: ana.World | None = None) -> dict:
    """Status of state `iso3` (ISO alpha-3) for `instrument` (id such as XXVI-5, or key such as
    ottawa) on `as_of` (default today): {"status": party|signatory|withdrawn|none, "party_since",
    "signed", "left", "actions", "known_until"}. `known_until` is the latest snapshot that holds
    the instrument (None: no source): after it, status is as of that snapshot plus any CSV rows."""
    inst = tdom.instrument(instrument)
    code = _code(iso3)
    as_of = as_of or _today()
    w = w or world(engine)
    out = _status_dict(inst, code, w.status(inst.id, code, as_of), as_of)
    out["known_until"] = w.covered_until(inst.id)
    gone = w.unlisted_later(inst.id, as_of).get(code)
    out["unlisted_since"] = gone  # party by the records, but the later snapshot of this day no longer lists it
    return out


def _code(iso3: str) -> str:
    code = country_codes.from_iso3(iso3)
    if code is None:
        raise ValueError(f"unknown country code {iso3!r} (use ISO 3166 alpha-3, e.g. CAN)")
    return code


def forum_members(engine: Engine, forum: str, as_of: date | None = None, w: ana.World | None = None) -> list[str]:
    """ISO3 codes of the members of `forum` (G7, NATO, UN, ...) on `as_of` (default today), sorted."""
    f = fdom.forum(forum)
    w = w or world(engine)
    return sorted(w.members(f.id, as_of or _today()))


def instruments(engine: Engine, as_of: date | None = None) -> dict:
    as_of = as_of or _today()
    w = world(engine)
    rows = []
    for i in tdom.INSTRUMENTS:
        states = w.states(as_of)
        rows.append({"id": i.id, "key": i.key, "name": i.name, "opened": i.opened, "family": i.family, "depositary": i.depositary,
                     "poc": i.poc, "official_list": i.official_list, "parties": len(w.parties(i.id, as_of) & states) if i.id in w.actions else None,
                     "states": len(states), "known_until": w.covered_until(i.id), "imported": i.id in w.actions})
    return {"as_of": as_of, "instruments": rows}


def instrument_view(engine: Engine, ref: str, as_of: date | None = None) -> dict:
    """An instrument's page: parties, curve, by region, every state's status (for the map)."""
    inst = tdom.instrument(ref)
    as_of = as_of or _today()
    w = world(engine)
    states = sorted(w.states(as_of))
    rows = [_status_dict(inst, iso, w.status(inst.id, iso, as_of), as_of) for iso in states]
    for r in rows:
        r.pop("actions")
    gone = w.unlisted_later(inst.id, as_of)
    for r in rows:
        r["unlisted_since"] = gone.get(r["country"])
        r["iso_numeric"] = _numeric(r["country"])
    counts = {s.value: sum(1 for r in rows if r["status"] == s.value) for s in tdom.Status}
    return {"instrument": asdict(inst), "as_of": as_of, "known_until": w.covered_until(inst.id), "imported": inst.id in w.actions,
            "states": len(states), "counts": counts, "curve": w.curve(inst, as_of), "by_region": w.by_region(inst.id, as_of),
            "unlisted_later": [{"country": k, "name": country_name(k), "snapshot": v} for k, v in sorted(gone.items())], "rows": rows}


def _numeric(iso3: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.numeric if c else None


def country_section(engine: Engine, iso3: str, as_of: date | None = None) -> dict | None:
    """The treaty section of the country page: the POC instruments; None when nothing is imported."""
    try:
        p = profile(engine, iso3, as_of)
    except ValueError:
        return None
    if not p["instruments_known"]:
        return None
    return {**p, "rows": [r for r in p["rows"] if r["poc"] and r["imported"]]}


def gaps(engine: Engine, forum: str, instrument: str, as_of: date | None = None) -> dict:
    """Members of `forum` not party to `instrument`: signed-not-ratified, withdrawn, never acted."""
    f, inst = fdom.forum(forum), tdom.instrument(instrument)
    as_of = as_of or _today()
    w = world(engine)
    g = w.gap(f.id, inst.id, as_of)
    for k in ("party", "signatory", "withdrawn", "none"):
        for r in g[k]:
            r["name"] = country_name(r["country"])
    return {"forum": f.id, "forum_name": f.name, "instrument": inst.id, "instrument_name": inst.name, "as_of": as_of,
            "known_until": w.covered_until(inst.id), "members": g["members"], "party": len(g["party"]),
            "signed_not_ratified": g["signatory"], "withdrawn": g["withdrawn"], "never_acted": g["none"],
            "party_but_unlisted_later": sorted(set(w.unlisted_later(inst.id, as_of)) & {r["country"] for r in g["party"]})}


# Sentences this module writes for pages, as message ids (services.messages.msg) beside the English
# text the JSON API and the CLI keep: the likely-joiners rule's reasons, a forum's note, and why an
# instrument could not be evaluated.
FEATURE_MSG = {name: f"treaties.feature.{name}" for name in tdom.FEATURE_NAMES}
FORUM_NOTE_MSG = {"no data file: import a membership CSV": "treaties.forum_note.no_file",
                  "no data file: import a membership CSV (docs/treaties.md)": "treaties.forum_note.no_file_docs"}
EVAL_WHY_MSG = {"not imported": "treaties.eval_why.not_imported",
                "no snapshot reaches the end of the window": "treaties.eval_why.no_snapshot",
                "not open at the as-of date": "treaties.eval_why.not_open"}


def _msg_for(table: dict[str, str], key: str) -> dict | None:
    return messages.msg(table[key]) if key in table else None


def reasons_with_messages(reasons: list[dict]) -> list[dict]:
    """The rule's reasons, each with `label_msg` for the page (its `label` stays English)."""
    return [{**r, "label_msg": _msg_for(FEATURE_MSG, r["feature"])} for r in reasons]


def forum_view(engine: Engine, forum: str, as_of: date | None = None, instruments_: tuple[str, ...] = POC_INSTRUMENTS) -> dict:
    """The forum page: members x instruments, each cell a status, with a party count per instrument."""
    f = fdom.forum(forum)
    as_of = as_of or _today()
    w = world(engine)
    members = sorted(w.members(f.id, as_of))
    insts = [tdom.BY_ID[i] for i in instruments_]
    matrix = []
    for iso in members:
        m = w.membership(f.id, iso, as_of)
        matrix.append({"country": iso, "name": country_name(iso), "member_since": m.since, "since_known": m.since_known,
                       "cells": {i.id: (w.status(i.id, iso, as_of).status.value if i.id in w.actions else None) for i in insts}})
    totals = {i.id: (sum(1 for r in matrix if r["cells"][i.id] == "party") if i.id in w.actions else None) for i in insts}
    return {"forum": f.id, "name": f.name, "note": f.note, "note_msg": _msg_for(FORUM_NOTE_MSG, f.note), "as_of": as_of, "members": len(members),
            "instruments": [{"id": i.id, "key": i.key, "name": i.name, "imported": i.id in w.actions} for i in insts],
            "party_totals": totals, "matrix": matrix}


def curves(engine: Engine, instrument: str, as_of: date | None = None, by: str | None = None) -> dict:
    """Universalization curve (parties at each year end); `by` region, or a forum id."""
    inst = tdom.instrument(instrument)
    as_of = as_of or _today()
    w = world(engine)
    series: dict[str, list[dict]] = {"all": w.curve(inst, as_of)}
    if by == "region":
        for reg in sorted({v[0] for v in w.regions.values()}):
            group = {i for i, v in w.regions.items() if v[0] == reg}
            series[reg] = w.curve(inst, as_of, group)
    elif by:
        f = fdom.forum(by)
        series[f.id] = [{**pt, "parties": len(w.parties(inst.id, pt["as_of"]) & w.members(f.id, pt["as_of"])),
                         "members": len(w.members(f.id, pt["as_of"]))} for pt in w.curve(inst, as_of)]
    return {"instrument": inst.id, "as_of": as_of, "by": by, "series": series}


def profile(engine: Engine, iso3: str, as_of: date | None = None) -> dict:
    """A state's status across every instrument, with its forums."""
    code = _code(iso3)
    as_of = as_of or _today()
    w = world(engine)
    rows = []
    for i in tdom.INSTRUMENTS:
        if i.id not in w.actions:
            rows.append({"instrument": i.id, "key": i.key, "name": i.name, "status": None, "party_since": None, "signed": None,
                         "left": None, "imported": False, "poc": i.poc, "known_until": None})
            continue
        s = w.status(i.id, code, as_of)
        rows.append({"instrument": i.id, "key": i.key, "name": i.name, "status": s.status.value, "party_since": s.party_since,
                     "signed": s.signed, "left": s.left, "imported": True, "poc": i.poc, "known_until": w.covered_until(i.id)})
    imported = [r for r in rows if r["imported"]]
    return {"country": code, "name": country_name(code), "as_of": as_of, "forums": w.forums_of(code, as_of),
            "party_to": sum(1 for r in imported if r["status"] == "party"), "instruments_known": len(imported), "rows": rows}


# ---- likely joiners, backtest, coalition targets -----------------------------------------------

BASELINES = {"signed_first": ("signed",), "regional_peers": ("subregion_share",)}


def _features_used(w: ana.World) -> tuple[str, ...]:
    return tuple(f for f in tdom.FEATURE_NAMES if f != "conflict" or w.conflicts is not None)


def fit_rule(w: ana.World, as_of: date, horizon_years: int) -> tuple[tdom.ScoringRule, int, int]:
    """The likely-joiners rule fitted on windows whose outcome is known on `as_of`; (rule, rows, joins)."""
    def make():
        train = ana.training_rows(w, as_of, horizon_years, tdom.INSTRUMENTS)
        return ana.fit(train, _features_used(w)), len(train.y), sum(train.y)

    return _cached(("rule", id(w), as_of, horizon_years), make)


def backtest(engine: Engine, as_of: date, until: date, horizon_years: int = 10, instrument: str | None = None) -> dict:
    """Fit on what was known on `as_of`, predict joins from the next day to `until` (capped at
    as_of + horizon); per instrument: joins, AUC, precision at 20, Brier, calibration, and the
    same for the baselines (signed-not-ratified first; share of sub-regional peers; random)."""
    if until <= as_of:
        raise ValueError("--until must be after --as-of")
    w = world(engine)
    insts = [tdom.instrument(instrument)] if instrument else list(tdom.INSTRUMENTS)
    train = ana.training_rows(w, as_of, horizon_years, tdom.INSTRUMENTS)
    rule = ana.fit(train, _features_used(w))
    base_rules = {name: ana.fit(train, feats) for name, feats in BASELINES.items()}
    prior = sum(train.y) / len(train.y)
    out = []
    for inst in insts:
        cover = w.covered_until(inst.id)
        test = ana.windows(w, as_of, horizon_years, [inst], label_end=until)
        if not test.y:
            why = "not imported" if inst.id not in w.actions else ("no snapshot reaches the end of the window" if cover is None or cover < until else "not open at the as-of date")
            out.append({"instrument": inst.id, "key": inst.key, "candidates": 0, "joins": None, "evaluated": False, "why": why,
                        "why_msg": _msg_for(EVAL_WHY_MSG, why)})
            continue
        p = [rule.probability(f) for f in test.feats]
        entry = {"instrument": inst.id, "key": inst.key, "candidates": len(test.y), "joins": sum(test.y), "evaluated": True,
                 **ana.scores(test.y, p), "baselines": {}}
        for name, br in base_rules.items():
            entry["baselines"][name] = ana.scores(test.y, [br.probability(f) for f in test.feats])
        import random

        rng = random.Random(f"{inst.id}-{as_of}")
        rand = ana.scores(test.y, [rng.random() for _ in test.y])
        rand["brier"] = ana.scores(test.y, [prior] * len(test.y))["brier"]  # a random ranking, the base rate as forecast
        entry["baselines"]["random"] = rand
        entry["top"] = [{"country": iso, "p": round(pi, 4), "joined": bool(y)} for (_, iso), pi, y in
                        sorted(zip(test.keys, p, test.y, strict=True), key=lambda t: -t[1])[:20]]
        out.append(entry)
    return {"as_of": as_of, "until": until, "horizon_years": horizon_years, "training_rows": len(train.y), "training_joins": sum(train.y),
            "features": list(rule.features), "weights": dict(zip(rule.features, [round(x, 4) for x in rule.weights], strict=True)),
            "conflict_feature": w.conflicts is not None, "instruments": out}


def targets(engine: Engine, forum: str, instrument: str, as_of: date | None = None, horizon_years: int = 5) -> dict:
    """Coalition targets: the forum's members not party, ranked by the probability of joining
    within the horizon, with the peer figure and the momentum (joins among members, last 5 years)."""
    f, inst = fdom.forum(forum), tdom.instrument(instrument)
    as_of = as_of or _today()
    w = world(engine)
    members = w.members(f.id, as_of)
    if not members:
        raise ValueError(f"no members of {f.id} are recorded on {as_of}: import the memberships first (`civwatch treaties import`)")
    if inst.id not in w.actions:
        raise ValueError(f"no actions recorded for {inst.id}: import its file or the CSV layout (docs/treaties.md)")
    parties = w.parties(inst.id, as_of) & members
    earlier = ana.years_before(as_of, 5)
    momentum = sorted(parties - w.parties(inst.id, earlier))
    rule, rows, joins = fit_rule(w, as_of, horizon_years)
    ranked = []
    for iso in sorted(members - parties):
        x = w.features(inst, iso, as_of)
        s = w.status(inst.id, iso, as_of)
        ranked.append({"country": iso, "name": country_name(iso), "status": s.status.value, "signed": s.signed, "left": s.left,
                       "p": round(rule.probability(x), 4), "reasons": reasons_with_messages(rule.reasons(x))})
    ranked.sort(key=lambda r: (-r["p"], r["country"]))
    return {"forum": f.id, "forum_name": f.name, "instrument": inst.id, "instrument_name": inst.name, "as_of": as_of,
            "horizon_years": horizon_years, "members": len(members), "party": len(parties),
            "peer_figure": f"{len(parties)} of {len(members)} {f.id} members are party",
            "momentum": {"joins_last_5_years": len(momentum), "since": earlier, "states": momentum},
            "model": {"training_rows": rows, "training_joins": joins, "features": list(rule.features)},
            "known_until": w.covered_until(inst.id), "targets": ranked}


def export(kind: str, data: dict, fmt: str) -> tuple[bytes, str, str]:
    """A page's table as CSV or XLSX (formula-safe, services.exports)."""
    from civwatch.services.exports import export_table

    if kind == "instrument":
        cols = ["country", "name", "instrument", "as_of", "status", "party_since", "signed", "left"]
        return export_table(cols, data["rows"], fmt, "status")
    if kind == "forum":
        ids = [i["id"] for i in data["instruments"]]
        rows = [{"country": r["country"], "name": r["name"], "member_since": r["member_since"], **r["cells"]} for r in data["matrix"]]
        return export_table(["country", "name", "member_since", *ids], rows, fmt, "forum")
    if kind == "targets":
        rows = [{**r, "reasons": "; ".join(f"{x['label']} ({x['effect']:+.2f})" for x in r["reasons"])} for r in data["targets"]]
        return export_table(["country", "name", "status", "signed", "left", "p", "reasons"], rows, fmt, "targets")
    if kind == "profile":
        return export_table(["instrument", "key", "name", "status", "party_since", "signed", "left"], data["rows"], fmt, "profile")
    raise ValueError(f"unknown export {kind!r}")

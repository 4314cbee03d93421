"""Use cases of linkage: link reports into incidents, merge, split, grade, export the links.

Every write runs in one transaction with its audit entry. Analysts' merges and splits are
stored as must-link / cannot-link decisions between reports, so every later `link` keeps them.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine

from civwatch.domain.events import (
    GradeOverridden,
    IncidentEdited,
    IncidentsMerged,
    IncidentSplit,
    LinkageRun,
)
from civwatch.domain.grading import evidence_from_report, grade
from civwatch.domain.headline import headline_fields
from civwatch.domain.taxonomy import Grade
from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.engine import link as run_linkage
from civwatch.linkage.model import FellegiSunter
from civwatch.linkage.records import Records
from civwatch.linkage.schemes import lineages
from civwatch.services import decisions, indicators
from civwatch.store import audit
from civwatch.store import linkage as repo


@dataclass
class LinkSummary:
    reports: int
    new_reports: int
    candidate_pairs: int
    linked_pairs: int
    incidents_before: int
    incidents_after: int
    incidents_changed: int
    seconds: float
    full: bool
    stats: dict[str, float] = field(default_factory=dict)


def load_config(path: str | Path | None = None, **overrides: object) -> LinkageConfig:
    """Linkage settings: defaults, then a JSON file, then CIVWATCH_LINK_THRESHOLD, then overrides."""
    return LinkageConfig.load(path, **overrides)


def _records(rows: list[dict], config: LinkageConfig) -> Records:
    cols = {name: [r[name] for r in rows] for name in repo.REPORT_COLUMNS}
    cols["key"] = cols["id"]
    # the same source under another id scheme is linked like another source (linkage/schemes.py)
    cols["source"] = lineages(cols["source"], cols["source_id"], config.id_scheme_sources)
    return Records.from_columns(cols, config)


def refresh(conn: Connection, incident_ids: set[int] | list[int]) -> int:
    """Recompute headline fields and grade of the given incidents from their reports."""
    ids = sorted(set(incident_ids))
    if not ids:
        return 0
    rows = repo.report_rows(conn, ids)
    grouped = repo.members_by_incident(rows)
    current = repo.incident_rows(conn, ids)
    updates = []
    for iid in ids:
        members, inc = grouped.get(iid), current.get(iid)
        if not members or inc is None:
            continue
        fields = headline_fields(members)
        g, reasons = grade(
            [evidence_from_report(m) for m in members],
            responsibility_accepted=bool(inc["responsibility_accepted"]),
            override=inc["grade_override"],
            override_reason=inc["grade_override_reason"],
        )
        fields.update(id=iid, grade=g.value, grade_reasons=json.dumps(reasons, ensure_ascii=False))
        updates.append(fields)
    repo.update_incidents(conn, updates)
    return len(updates)


def _assign(conn: Connection, rows: list[dict], labels: np.ndarray) -> set[int]:
    """Give each group of rows one incident, keeping the incident most of its reports already
    have; returns the incidents whose reports changed. Incidents left empty are deleted and
    redirected to where most of their reports went."""
    groups: dict[int, list[int]] = {}
    for pos, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(pos)
    taken: set[int] = set()
    moves: dict[int, int] = {}
    went: dict[int, Counter] = {}
    touched: set[int] = set()
    for members in sorted(groups.values(), key=len, reverse=True):
        held = Counter(rows[p]["incident_id"] for p in members)
        ranked = sorted(held.items(), key=lambda kv: (-kv[1], kv[0]))
        keeper = next((iid for iid, _ in ranked if iid not in taken), None)
        if keeper is None:
            keeper = repo.new_incident(conn, {**headline_fields([rows[p] for p in members]), "grade": "ungraded"})
        taken.add(keeper)
        for p in members:
            old = rows[p]["incident_id"]
            if old != keeper:
                touched.update((old, keeper))
                went.setdefault(old, Counter())[keeper] += 1
                moves[rows[p]["id"]] = keeper
                rows[p]["incident_id"] = keeper
    repo.move_reports(conn, moves)
    left = {r["incident_id"] for r in rows}
    emptied = {iid for iid in touched if iid not in left}
    repo.retire_incidents(conn, {old: went[old].most_common(1)[0][0] for old in emptied})
    return touched - emptied


def link(
    engine: Engine,
    actor: str = "cli",
    full: bool = False,
    config: LinkageConfig | None = None,
    model: FellegiSunter | None = None,
) -> LinkSummary:
    """Link reports into incidents. Incremental unless `full`: only pairs with a new or changed
    report are scored, and existing incidents grow; `full` re-links everything. Analysts'
    merges and splits hold either way."""
    config = config or LinkageConfig.load()
    t0 = time.perf_counter()
    with engine.begin() as conn:
        before = repo.counts(conn)["incidents"]
        rows = repo.report_rows(conn)
        already = repo.seen(conn)
        new = np.array([r["id"] not in already or already[r["id"]] != r["content_sha"] for r in rows], dtype=bool)
        if not rows or (not full and not new.any()):
            ungraded = repo.ungraded_incident_ids(conn)
            token = indicators.before_change(conn, ungraded)
            regraded = refresh(conn, ungraded)
            decisions.log_link_run(conn, moves=[], graded=ungraded, config=config.to_dict(), model=None, actor=actor, full=full)
            if regraded:
                audit.append(conn, LinkageRun(actor=actor, after={"full": full, "reports": len(rows), "new_reports": 0, "graded": regraded}))
            indicators.after_change(conn, token, ungraded)
            return LinkSummary(len(rows), 0, 0, 0, before, before, regraded, time.perf_counter() - t0, full)
        index = {r["id"]: pos for pos, r in enumerate(rows)}
        must, cannot = repo.active_decisions(conn)
        start_groups = []
        if not full:
            old_groups: dict[int, list[int]] = {}
            for pos, r in enumerate(rows):
                if not new[pos]:
                    old_groups.setdefault(r["incident_id"], []).append(pos)
            start_groups = [g for g in old_groups.values() if len(g) > 1]
        result = run_linkage(
            _records(rows, config), config, model, new=None if full else new,
            start_groups=start_groups,
            must=[(index[a], index[b]) for a, b in must if a in index and b in index],
            cannot=[(index[a], index[b]) for a, b in cannot if a in index and b in index],
        )
        was = [r["incident_id"] for r in rows]
        # the cube lets go of every incident this run may change (a full run rebuilds it)
        maybe = set() if full else _may_change(rows, result.labels, new) | set(repo.ungraded_incident_ids(conn))
        token = indicators.before_change(conn, maybe)
        changed = _assign(conn, rows, result.labels)
        changed |= {rows[p]["incident_id"] for p in np.flatnonzero(new).tolist()}
        if full:
            changed |= {r["incident_id"] for r in rows}
        changed |= set(repo.ungraded_incident_ids(conn))
        refresh(conn, changed)
        moves = [(r["id"], old, r["incident_id"]) for r, old in zip(rows, was, strict=True) if r["incident_id"] != old]
        model_doc = model or FellegiSunter.load()
        decisions.log_link_run(conn, moves=moves, graded=sorted(changed), config=config.to_dict(), actor=actor, full=full,
                               model={"prior": model_doc.prior, "m": model_doc.m, "u": model_doc.u})
        repo.mark_seen(conn, rows, already)
        after = repo.counts(conn)["incidents"]
        summary = LinkSummary(
            reports=len(rows), new_reports=int(new.sum()), candidate_pairs=int(result.stats["candidate_pairs"]),
            linked_pairs=int(result.stats["linked_pairs"]), incidents_before=before, incidents_after=after,
            incidents_changed=len(changed), seconds=time.perf_counter() - t0, full=full, stats=result.stats,
        )
        audit.append(conn, LinkageRun(actor=actor, after={
            "full": full, "reports": summary.reports, "new_reports": summary.new_reports,
            "incidents_before": before, "incidents_after": after, "config": config.to_dict(),
        }))
        if full:
            indicators.rebuild_in(conn)
        else:
            indicators.after_change(conn, token, maybe | changed)
    return summary


def _may_change(rows: list[dict], labels: np.ndarray, new: np.ndarray) -> set[int]:
    """Incidents `_assign` and `refresh` may change: those whose reports fall in several groups,
    those sharing a group with another incident, and those holding a new or changed report."""
    by_label: dict[int, set[int]] = {}
    by_incident: dict[int, set[int]] = {}
    for r, label in zip(rows, labels.tolist(), strict=True):
        by_label.setdefault(label, set()).add(r["incident_id"])
        by_incident.setdefault(r["incident_id"], set()).add(label)
    out = {iid for iid, labs in by_incident.items() if len(labs) > 1}
    out |= {iid for iids in by_label.values() if len(iids) > 1 for iid in iids}
    out |= {rows[p]["incident_id"] for p in np.flatnonzero(new).tolist()}
    return out


def _require_incident(conn: Connection, incident_id: int) -> dict:
    row = repo.incident(conn, incident_id)
    if row is None:
        moved = repo.redirect_of(conn, incident_id)
        hint = f" (it was merged into incident {moved})" if moved else ""
        raise ValueError(f"no incident {incident_id}{hint}")
    return row


def _snapshot(conn: Connection, incident_id: int) -> dict:
    inc = repo.incident(conn, incident_id) or {}
    members = repo.report_rows(conn, [incident_id])
    return {
        "incident_id": incident_id,
        "reports": [f"{m['source']}:{m['source_id']}" for m in members],
        "grade": inc.get("grade"),
        "civilian_deaths": [inc.get("civilian_deaths_low"), inc.get("civilian_deaths_best"), inc.get("civilian_deaths_high")],
    }


def merge(engine: Engine, keep: int, other: int, actor: str, reason: str | None = None) -> int:
    """Merge incident `other` into `keep`; every later link keeps them together."""
    if keep == other:
        raise ValueError("an incident cannot be merged with itself")
    with engine.begin() as conn:
        _require_incident(conn, keep)
        _require_incident(conn, other)
        before = {"kept": _snapshot(conn, keep), "merged": _snapshot(conn, other)}
        keep_reports = [r["id"] for r in repo.report_rows(conn, [keep])]
        other_reports = [r["id"] for r in repo.report_rows(conn, [other])]
        if not keep_reports or not other_reports:
            raise ValueError("both incidents need reports to be merged")
        token = indicators.before_change(conn, [keep, other])
        repo.retire_decisions(conn, "split", keep_reports, other_reports)
        # a merge confirms the whole incident: every report is held to the first one
        repo.add_decisions(conn, "merge", [(keep_reports[0], r) for r in keep_reports[1:] + other_reports], actor, reason)
        repo.move_reports(conn, dict.fromkeys(other_reports, keep))
        repo.retire_incidents(conn, {other: keep})
        repo.update_incidents(conn, [{"id": keep, "manual": True}])
        refresh(conn, [keep])
        audit.append(conn, IncidentsMerged(actor=actor, entity_id=str(keep), before=before,
                                           after={**_snapshot(conn, keep), "reason": reason}))
        indicators.after_change(conn, token, [keep, other])
    return keep


def split(engine: Engine, incident_id: int, report_ids: list[int], actor: str, reason: str | None = None) -> int:
    """Move the given reports out of an incident into a new one; later links keep them apart."""
    with engine.begin() as conn:
        _require_incident(conn, incident_id)
        members = repo.report_rows(conn, [incident_id])
        member_ids = {m["id"] for m in members}
        moving = sorted(set(report_ids))
        if not moving:
            raise ValueError("name the reports to split off")
        strangers = [r for r in moving if r not in member_ids]
        if strangers:
            raise ValueError(f"reports {strangers} are not in incident {incident_id}")
        staying = sorted(member_ids - set(moving))
        if not staying:
            raise ValueError("a split must leave at least one report in the incident")
        before = _snapshot(conn, incident_id)
        token = indicators.before_change(conn, [incident_id])
        repo.retire_decisions(conn, "merge", moving, staying)
        repo.add_decisions(conn, "split", [(a, b) for a in moving for b in staying], actor, reason)
        # a split confirms both halves: each is held together, and apart from the other
        repo.add_decisions(conn, "merge", [(moving[0], r) for r in moving[1:]] + [(staying[0], r) for r in staying[1:]], actor, reason)
        rows = [m for m in members if m["id"] in set(moving)]
        new_id = repo.new_incident(conn, {**headline_fields(rows), "grade": "ungraded", "manual": True})
        repo.move_reports(conn, dict.fromkeys(moving, new_id))
        repo.update_incidents(conn, [{"id": incident_id, "manual": True}])
        refresh(conn, [incident_id, new_id])
        audit.append(conn, IncidentSplit(actor=actor, entity_id=str(incident_id), before=before, after={
            "kept": _snapshot(conn, incident_id), "new": _snapshot(conn, new_id), "reason": reason}))
        indicators.after_change(conn, token, [incident_id, new_id])
    return new_id


def set_grade(engine: Engine, incident_id: int, grade_value: str, reason: str | None, actor: str) -> tuple[str, list[str]]:
    """An analyst's grade with a reason; `auto` returns to the computed grade."""
    if not reason or not reason.strip():
        raise ValueError("a grade set by an analyst needs --reason")
    override = None if grade_value == "auto" else Grade(grade_value).value
    if override == Grade.UNGRADED.value:
        raise ValueError("choose a grade (confirmed, fair, weak, contested, discounted) or auto")
    with engine.begin() as conn:
        inc = _require_incident(conn, incident_id)
        before = {"grade": inc["grade"], "grade_override": inc["grade_override"], "reason": inc["grade_override_reason"]}
        token = indicators.before_change(conn, [incident_id])
        repo.update_incidents(conn, [{"id": incident_id, "grade_override": override,
                                      "grade_override_reason": reason.strip() if override else None}])
        refresh(conn, [incident_id])
        after_row = repo.incident(conn, incident_id) or {}
        audit.append(conn, GradeOverridden(actor=actor, entity_id=str(incident_id), before=before, after={
            "grade": after_row["grade"], "grade_override": override, "reason": reason.strip()}))
        indicators.after_change(conn, token, [incident_id])
    return after_row["grade"], json.loads(after_row["grade_reasons"] or "[]")


def set_responsibility(engine: Engine, incident_id: int, accepted: bool, reason: str | None, actor: str) -> str:
    """Record that a party has (or has not) accepted responsibility; returns the new grade."""
    if not reason or not reason.strip():
        raise ValueError("say where the acceptance of responsibility is recorded (--reason)")
    with engine.begin() as conn:
        inc = _require_incident(conn, incident_id)
        token = indicators.before_change(conn, [incident_id])
        repo.update_incidents(conn, [{"id": incident_id, "responsibility_accepted": accepted}])
        refresh(conn, [incident_id])
        after = repo.incident(conn, incident_id) or {}
        audit.append(conn, IncidentEdited(actor=actor, entity_id=str(incident_id),
                                          before={"responsibility_accepted": inc["responsibility_accepted"]},
                                          after={"responsibility_accepted": accepted, "reason": reason.strip()}))
        indicators.after_change(conn, token, [incident_id])
    return after["grade"]


def show(engine: Engine, incident_id: int) -> dict:
    """An incident with each source's figures side by side and the analysts' decisions."""
    with engine.connect() as conn:
        inc = _require_incident(conn, incident_id)
        members = repo.report_rows(conn, [incident_id])
        decisions = repo.decisions(conn, incident_id)
        twin_groups = repo.twins_of(conn, [m["id"] for m in members])
    inc["grade_reasons"] = json.loads(inc["grade_reasons"] or "[]")
    return {"incident": inc, "reports": members, "decisions": decisions, "twins": twin_groups}


def twins(engine: Engine, source: str | None = None) -> list[list[dict]]:
    """Groups of reports of one source identical in every field linkage compares: probable
    double entries for an analyst to check (`civwatch incidents twins`). Nothing is merged."""
    with engine.connect() as conn:
        return repo.twin_groups(conn, source)


def _cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_links(engine: Engine, path: str | Path, fmt: str = "csv") -> int:
    """One row per report: incident_id, source, source_id. Returns the rows written."""
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}; use csv")
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    n = 0
    with engine.connect() as conn, open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["incident_id", "source", "source_id"])
        for incident_id, source, source_id in repo.link_rows(conn):
            writer.writerow([incident_id, _cell(source), _cell(source_id)])
            n += 1
    tmp.replace(target)
    return n

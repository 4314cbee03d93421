"""The decision log as use cases: record a decision, civwatch's own automatic decisions, the
queries (no human review, override rates by system, per incident and case) and the export.

Each entry is inserted once with a `decision_logged` audit event whose `after` is the entry's
canonical content, in one transaction; `show` says whether the row still matches it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from civwatch.domain.decisions import (
    WRITE_ROLES,
    DecisionIn,
    DecisionLogged,
    DecisionOutcome,
    override_rate,
)
from civwatch.domain.events import canonical
from civwatch.services.auth import AuthError, Principal
from civwatch.services.exports import neutralise
from civwatch.store import audit
from civwatch.store import decisions as store
from civwatch.store import evidence as evidence_store


class DecisionNotFound(LookupError):
    """No decision with that id."""


def _iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def content(row: dict) -> dict:
    """The canonical content of an entry, as hashed into its audit entry."""
    return {
        "id": row["id"], "system": row["system"], "system_version": row["system_version"], "kind": row["kind"],
        "inputs": json.loads(row["inputs"] or "[]"), "output": row["output"], "confidence": row["confidence"],
        "reviewer": row["reviewer"], "decision": row["decision"], "rule": row["rule"],
        "params": json.loads(row["params"] or "{}"), "decided_at": _iso(row["decided_at"]),
        "incident_id": row["incident_id"], "case_id": row["case_id"], "recorded_by": row["recorded_by"],
    }


def _subjects_digest(rows: list[tuple]) -> str:
    return hashlib.sha256(canonical([list(r) for r in rows]).encode("utf-8")).hexdigest()


def _append(conn: Connection, values: dict[str, Any], actor: str, subjects: list[dict] | None = None) -> int:
    decision_id = store.insert(conn, values)
    extra: dict[str, Any] = {}
    if subjects:
        store.insert_subjects(conn, [{**s, "decision_id": decision_id} for s in subjects])
        extra = {"subjects": len(subjects), "subjects_sha256": _subjects_digest(store.subjects_digest_rows(conn, decision_id))}
    row = store.get(conn, decision_id)
    seq = audit.append(conn, DecisionLogged(actor=actor, entity_id=str(decision_id), after={**content(row), **extra}))
    store.set_audit_seq(conn, decision_id, seq)
    return decision_id


def record(engine: Engine, principal: Principal | None, entry: DecisionIn) -> int:
    """Log one decision informed by an AI or autonomous system; returns its id."""
    if principal is None:
        raise AuthError("give a token: the decision log records who wrote each entry")
    if not principal.has(*WRITE_ROLES):
        raise PermissionError("only analysts, assessors, investigators and approvers may write to the decision log")
    entry = entry.checked()
    with engine.begin() as conn:
        for item_id in entry.inputs:
            if evidence_store.get_item(conn, item_id) is None:
                raise ValueError(f"inputs: no evidence item {item_id}")
        incident_id = entry.incident_id
        if incident_id is not None:
            incident_id = evidence_store.resolve_incident(conn, incident_id)
            if not evidence_store.target_exists(conn, "incident", incident_id):
                raise ValueError(f"incident_id: no incident {entry.incident_id}")
        if entry.case_id is not None and not evidence_store.target_exists(conn, "case", entry.case_id):
            raise ValueError(f"case_id: no case {entry.case_id}")
        values = {
            "system": entry.system, "system_version": entry.system_version, "kind": entry.kind.value,
            "inputs": json.dumps(sorted(set(entry.inputs))), "output": entry.output, "confidence": entry.confidence,
            "reviewer": entry.reviewer, "decision": entry.decision.value, "rule": entry.rule,
            "params": json.dumps(entry.params, sort_keys=True, ensure_ascii=False, default=str),
            "decided_at": entry.decided_at.astimezone(UTC), "incident_id": incident_id, "case_id": entry.case_id,
            "recorded_by": principal.username,
        }
        return _append(conn, values, principal.username)


def log_machine(conn: Connection, *, system: str, version: str, kind: str, output: str, params: dict[str, Any],
                subjects: list[dict], actor: str, rule: str | None = None) -> int | None:
    """civwatch's own decision (a link run's merges and splits, its computed grades), unreviewed,
    inside the caller's transaction. `subjects` are {incident_id, action, detail} rows."""
    if not subjects:
        return None
    rows = [{"incident_id": s["incident_id"], "action": s["action"],
             "detail": json.dumps(s["detail"], sort_keys=True, ensure_ascii=False, default=str)} for s in subjects]
    values = {"system": system, "system_version": version, "kind": kind, "inputs": "[]", "output": output,
              "confidence": None, "reviewer": None, "decision": DecisionOutcome.UNREVIEWED.value, "rule": rule,
              "params": json.dumps(params, sort_keys=True, ensure_ascii=False, default=str),
              "decided_at": datetime.now(UTC), "incident_id": None, "case_id": None, "recorded_by": actor}
    return _append(conn, values, actor, rows)


def _document(conn: Connection, row: dict) -> dict:
    doc = content(row)
    doc["audit_seq"] = row["audit_seq"]
    doc["chained"] = _intact(conn, row)
    return doc


def _intact(conn: Connection, row: dict) -> bool:
    entry = evidence_store.audit_entry(conn, row["audit_seq"]) if row["audit_seq"] else None
    if entry is None or entry["event"] != DecisionLogged.kind or entry["entity_id"] != str(row["id"]):
        return False
    logged = json.loads(entry["after"] or "{}")
    digest = logged.pop("subjects_sha256", None)
    logged.pop("subjects", None)
    if digest is not None and digest != _subjects_digest(store.subjects_digest_rows(conn, row["id"])):
        return False
    return canonical(logged) == canonical(content(row))


def show(engine: Engine, decision_id: int) -> dict:
    with engine.connect() as conn:
        row = store.get(conn, decision_id)
        if row is None:
            raise DecisionNotFound(f"no decision {decision_id}")
        doc = _document(conn, row)
        doc["subjects"] = [{"incident_id": s["incident_id"], "action": s["action"], "detail": json.loads(s["detail"])}
                           for s in store.subjects(conn, decision_id)]
        doc["subject_count"] = store.count_subjects(conn, decision_id)
    return doc


def query(engine: Engine, *, system: str | None = None, unreviewed: bool = False, incident_id: int | None = None,
          case_id: int | None = None, limit: int = 200) -> list[dict]:
    """Entries newest first; `unreviewed` = no human reviewed them; per incident includes the
    machine decisions that touched it, and incidents merged into it."""
    with engine.connect() as conn:
        incident_ids = None
        if incident_id is not None:
            incident_ids = evidence_store.redirected_from(conn, evidence_store.resolve_incident(conn, incident_id))
        rows = store.query(conn, system=system, unreviewed=unreviewed, incident_ids=incident_ids, case_id=case_id, limit=limit)
        return [_document(conn, r) for r in rows]


def rates(engine: Engine) -> list[dict]:
    """Per system: entries, how many no human reviewed, and the override rate over the reviewed."""
    with engine.connect() as conn:
        rows = store.rates(conn)
    out = []
    for r in rows:
        reviewed = int(r["approved"] or 0) + int(r["overridden"] or 0) + int(r["aborted"] or 0)
        out.append({"system": r["system"], "entries": int(r["entries"]), "unreviewed": int(r["unreviewed"] or 0),
                    "reviewed": reviewed, "approved": int(r["approved"] or 0), "overridden": int(r["overridden"] or 0),
                    "aborted": int(r["aborted"] or 0), "override_rate": override_rate(int(r["overridden"] or 0), reviewed)})
    return out


def summary(engine: Engine) -> dict:
    with engine.connect() as conn:
        return {"by_incident": store.per_target(conn, "incident_id"), "by_case": store.per_target(conn, "case_id")}


EXPORT_COLUMNS = ("id", "system", "system_version", "kind", "inputs", "output", "confidence", "reviewer", "decision",
                  "rule", "params", "decided_at", "incident_id", "case_id", "recorded_by", "audit_seq", "chained")


def export(engine: Engine, out: str | Path, fmt: str = "csv", **filters: Any) -> int:
    """Write the entries (filtered as `query`) as CSV (formulas neutralised) or JSON; returns rows."""
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown export format {fmt!r}; use csv or json")
    rows = query(engine, limit=1_000_000, **filters)
    target = Path(out)
    tmp = target.with_name(target.name + ".part")
    if fmt == "json":
        tmp.write_text(json.dumps(rows, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(EXPORT_COLUMNS)
            for r in rows:
                writer.writerow([neutralise(json.dumps(r[c]) if isinstance(r[c], list | dict) else r[c]) for c in EXPORT_COLUMNS])
    tmp.replace(target)
    return len(rows)


def log_link_run(conn: Connection, *, moves: list[tuple[int, int, int]], graded: list[int], config: dict[str, Any],
                 model: dict[str, Any] | None, actor: str, full: bool) -> list[int]:
    """Log what one `civwatch link` run decided on its own: the merges and splits its moves of
    reports make (`moves` = (report, from incident, to incident)), and the grades it computed."""
    from civwatch import __version__
    from civwatch.domain.decisions import GRADING_RULE, GRADING_SYSTEM, LINK_SYSTEM, DecisionKind
    from civwatch.store import linkage as link_store

    gained: dict[int, dict[int, list[int]]] = {}
    spread: dict[int, set[int]] = {}
    for report, old, new in moves:
        gained.setdefault(new, {}).setdefault(old, []).append(report)
        spread.setdefault(old, set()).add(new)
    subjects = [{"incident_id": new, "action": "merge",
                 "detail": {"reports_from": {str(old): sorted(reps) for old, reps in sorted(froms.items())}}}
                for new, froms in sorted(gained.items())]
    subjects += [{"incident_id": old, "action": "split", "detail": {"reports_went_to": sorted(news)}}
                 for old, news in sorted(spread.items()) if len(news) > 1]
    model_params = {"model_sha256": hashlib.sha256(canonical(model).encode()).hexdigest(), "prior": model.get("prior")} if model else {}
    out = []
    linked = log_machine(conn, system=LINK_SYSTEM, version=__version__, kind=DecisionKind.LINKAGE.value,
                         output=f"{len(moves)} reports moved: {sum(1 for s in subjects if s['action'] == 'merge')} incidents "
                                f"gained reports, {sum(1 for s in subjects if s['action'] == 'split')} were split",
                         params={"full": full, "config": config, **model_params}, subjects=subjects, actor=actor,
                         rule="Fellegi-Sunter match probability over the threshold (docs/linkage.md)")
    if linked:
        out.append(linked)
    rows = link_store.incident_rows(conn, graded)
    grades = [{"incident_id": iid, "action": "grade",
               "detail": {"grade": r["grade"], "reasons": json.loads(r["grade_reasons"] or "[]"),
                          "override": r["grade_override"]}} for iid, r in sorted(rows.items())]
    counts: dict[str, int] = {}
    for g in grades:
        counts[g["detail"]["grade"]] = counts.get(g["detail"]["grade"], 0) + 1
    graded_id = log_machine(conn, system=GRADING_SYSTEM, version=__version__, kind=DecisionKind.GRADING.value,
                            output="grades computed: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
                            params={"rule": "domain.grading.grade"}, subjects=grades, actor=actor, rule=GRADING_RULE)
    if graded_id:
        out.append(graded_id)
    return out

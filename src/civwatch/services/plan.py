"""The national action plan on POC as use cases: import a YAML version (one transaction with its
audit event; refused whole, with lines, when anything is wrong), export it, show the tree with
live indicator values, the department view, a commitment with its indicator series, and the
progress report for a period (approved by a role, audited)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Engine

from civwatch.domain import plan as dom
from civwatch.domain.events import AuditEvent
from civwatch.domain.taxonomy import Role
from civwatch.services import exports
from civwatch.services.auth import AuthError, Principal
from civwatch.services.incidents import NotFound
from civwatch.services.plan_queries import catalogue, compute
from civwatch.sources import plan_yaml
from civwatch.sources.plan_yaml import PlanRefused
from civwatch.store import audit
from civwatch.store import plan as store

__all__ = ["PlanRefused", "PlanNotFound", "PlanForbidden", "import_yaml", "export_yaml", "show", "departments_view", "commitment", "report",
           "approve", "report_csv", "catalogue", "sample_path", "IMPORT_ROLES", "APPROVE_ROLES"]

IMPORT_ROLES = frozenset({Role.ANALYST, Role.ADMIN})
APPROVE_ROLES = frozenset({Role.APPROVER, Role.ADMIN})
CLOSED = {dom.Status.DONE, dom.Status.DROPPED}
SERIES_POINTS = 12


@dataclass(frozen=True)
class PlanImported(AuditEvent):
    kind: ClassVar[str] = "plan_imported"
    entity: ClassVar[str] = "plan"


@dataclass(frozen=True)
class PlanReportApproved(AuditEvent):
    kind: ClassVar[str] = "plan_report_approved"
    entity: ClassVar[str] = "plan_report"


class PlanForbidden(PermissionError):
    """The user lacks the role the change needs."""


class PlanNotFound(NotFound):
    """No plan (or version, or commitment) by that identifier."""


def sample_path() -> Path:
    """The bundled sample plan (ILLUSTRATIVE: made up to show the mechanism)."""
    return Path(str(resources.files("civwatch").joinpath("data", "plan", "sample_plan.yaml")))


def _require(principal: Principal | None, roles: frozenset, what: str) -> Principal:
    if principal is None:
        raise AuthError(f"{what} needs a logged-in user with the role {' or '.join(sorted(r.value for r in roles))}")
    if not principal.has(*roles):
        raise PlanForbidden(f"{what} needs the role {' or '.join(sorted(r.value for r in roles))}; {principal.username} has "
                        f"{', '.join(sorted(r.value for r in principal.roles)) or 'none'}")
    return principal


def import_yaml(engine: Engine, text: str | bytes, principal: Principal | None, note: str | None = None,
                actor: str | None = None) -> dict[str, Any]:
    """Check the YAML whole, then store it as the plan's next version with its audit event in one
    transaction. The same text as the latest version changes nothing."""
    who = actor if principal is None and actor else _require(principal, IMPORT_ROLES, "importing a plan").username
    raw = text.encode("utf-8") if isinstance(text, str) else text
    plan = plan_yaml.parse(raw)
    sha = hashlib.sha256(raw).hexdigest()
    with engine.begin() as conn:
        last = store.get_version(conn, plan.id)
        if last and last["sha256"] == sha:
            return {"plan_id": plan.id, "version": last["version"], "unchanged": True}
        version = (last["version"] if last else 0) + 1
        now = datetime.now(UTC)
        store.add_version(conn, {
            "plan_id": plan.id, "version": version, "title": plan.title, "illustrative": plan.illustrative,
            "yaml": raw.decode("utf-8"), "document": plan.model_dump_json(), "sha256": sha,
            "imported_by": who, "imported_at": now, "note": note,
        })
        audit.append(conn, PlanImported(actor=who, entity_id=f"{plan.id}@{version}",
                                        before={"version": last["version"], "sha256": last["sha256"]} if last else None,
                                        after={"version": version, "sha256": sha, "commitments": len(plan.commitments()),
                                               "note": note}, at=now))
    return {"plan_id": plan.id, "version": version, "unchanged": False, "commitments": len(plan.commitments())}


def load_sample(engine: Engine, actor: str = "demo") -> dict[str, Any]:
    """The demo's sample plan (an import by the demo loader, audited like any other)."""
    return import_yaml(engine, sample_path().read_bytes(), None, note="sample plan (illustrative)", actor=actor)


def _version(engine: Engine, plan_id: str | None, version: int | None) -> tuple[dict, dom.Plan]:
    with engine.connect() as conn:
        if plan_id is None:
            ids = store.plan_ids(conn)
            if not ids:
                raise PlanNotFound("no plan imported yet: civwatch plan import FILE.yaml")
            plan_id = ids[0]["plan_id"]
        row = store.get_version(conn, plan_id, version)
    if row is None:
        raise PlanNotFound(f"no plan {plan_id!r}" + (f" version {version}" if version else ""))
    return row, dom.Plan.model_validate_json(row["document"])


def export_yaml(engine: Engine, plan_id: str | None = None, version: int | None = None) -> str:
    """The version's YAML exactly as it was imported (so exports diff line by line)."""
    return _version(engine, plan_id, version)[0]["yaml"]


def _header(row: dict, plan: dom.Plan, engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        versions = store.versions(conn, plan.id)
    return {
        "id": plan.id, "title": plan.title, "version": row["version"], "latest_version": versions[-1]["version"],
        "illustrative": plan.illustrative, "illustrative_note": dom.ILLUSTRATIVE_NOTE if plan.illustrative else None,
        "period": list(plan.period), "imported_by": row["imported_by"], "imported_at": row["imported_at"],
        "versions": [{"version": v["version"], "imported_at": v["imported_at"], "imported_by": v["imported_by"],
                      "note": v["note"]} for v in versions],
        "departments": dom.departments(), "sources": [s.model_dump(mode="json") for s in plan.sources],
    }


def _indicator_now(engine: Engine, ind: dom.Indicator, on: date, ctx: dict) -> dict[str, Any]:
    value = compute(engine, ind, on, ctx)
    prog = dom.progress(ind, value["value"], on)
    return {"id": ind.id, "title": ind.title or dom.query(ind.query).title, "query": dom.query(ind.query).ref,
            "params": ind.params, "direction": ind.direction.value,
            "baseline": ind.baseline.model_dump(mode="json"), "target": ind.target.model_dump(mode="json"),
            "current": value, "progress": prog.as_dict()}


def _overdue(c: dom.Commitment, on: date) -> bool:
    return c.due < on and c.status not in CLOSED


def _commitment_doc(engine: Engine, o: dom.Objective, c: dom.Commitment, on: date, ctx: dict) -> dict[str, Any]:
    inds = [_indicator_now(engine, i, on, ctx) for i in c.indicators]
    return {"id": c.id, "title": c.title, "objective": o.id, "lead": c.lead, "partners": c.partners, "owner": c.owner,
            "due": c.due, "status": c.status.value, "reason": c.reason, "answers": c.answers, "overdue": _overdue(c, on),
            "behind": any(i["progress"]["state"] == "behind" for i in inds), "indicators": inds,
            "actions": [{**a.model_dump(mode="json"), "overdue": bool(a.due and a.due < on and a.status not in CLOSED)}
                        for a in c.actions]}


def show(engine: Engine, plan_id: str | None = None, version: int | None = None, on: date | None = None) -> dict[str, Any]:
    """The plan tree with every indicator's value and progress on `on` (default today)."""
    on = on or datetime.now(UTC).date()
    row, plan = _version(engine, plan_id, version)
    ctx: dict = {}
    return {**_header(row, plan, engine), "on": on, "objectives": [
        {"id": o.id, "title": o.title, "description": o.description,
         "commitments": [_commitment_doc(engine, o, c, on, ctx) for c in o.commitments]} for o in plan.objectives]}


def departments_view(engine: Engine, plan_id: str | None = None, on: date | None = None, version: int | None = None) -> dict[str, Any]:
    """Per department: what it leads, what it partners in, what is overdue, what is at risk."""
    tree = show(engine, plan_id, version, on)
    out = []
    for code, name in dom.departments().items():
        leads = [c for o in tree["objectives"] for c in o["commitments"] if c["lead"] == code]
        partners = [c["id"] for o in tree["objectives"] for c in o["commitments"] if code in c["partners"]]
        out.append({
            "code": code, "name": name, "leads": [{"id": c["id"], "title": c["title"], "status": c["status"], "due": c["due"]} for c in leads],
            "partner_in": partners,
            "overdue": [c["id"] for c in leads if c["overdue"]],
            "at_risk": [c["id"] for c in leads if c["status"] in ("at_risk", "off_track") or c["behind"]],
        })
    return {k: tree[k] for k in ("id", "title", "version", "illustrative", "illustrative_note", "on")} | {"departments": out}


def _series_dates(start: date, end: date) -> list[date]:
    days = (end - start).days
    if days <= 0:
        return [start]
    step = max(1, days // (SERIES_POINTS - 1))
    out = [start + timedelta(days=i * step) for i in range(SERIES_POINTS - 1) if start + timedelta(days=i * step) < end]
    return [*out, end]


def commitment(engine: Engine, cid: str, plan_id: str | None = None, version: int | None = None, on: date | None = None) -> dict[str, Any]:
    """One commitment with each indicator's series from its baseline to `on` (or its target,
    whichever is first) beside the straight path."""
    on = on or datetime.now(UTC).date()
    row, plan = _version(engine, plan_id, version)
    try:
        o, c = plan.commitment(cid)
    except KeyError:
        raise PlanNotFound(f"no commitment {cid!r} in plan {plan.id!r} version {row['version']}") from None
    ctx: dict = {}
    doc = _commitment_doc(engine, o, c, on, ctx)
    for ind, out in zip(c.indicators, doc["indicators"], strict=True):
        dates = _series_dates(ind.baseline.date, min(max(on, ind.baseline.date), ind.target.date))
        out["series"] = [{"date": d, "value": compute(engine, ind, d, ctx)["value"], "path": round(dom.expected_on(ind, d), 4)} for d in dates]
    head = _header(row, plan, engine)
    return {k: head[k] for k in ("id", "title", "version", "illustrative", "illustrative_note", "departments")} | {
        "on": on, "objective": {"id": o.id, "title": o.title}, "commitment": doc}


def _approvals(engine: Engine, plan_id: str, start: date, end: date) -> list[dict]:
    with engine.connect() as conn:
        rows = store.reports(conn, plan_id)
    return [{"id": r["id"], "plan_version": r["plan_version"], "approved_by": r["approved_by"], "role": r["approved_role"],
             "approved_at": r["approved_at"], "narratives": json.loads(r["narratives"])}
            for r in rows if r["period_start"] == start and r["period_end"] == end]


def report(engine: Engine, start: date, end: date, plan_id: str | None = None, version: int | None = None) -> dict[str, Any]:
    """Every commitment's indicators on the period's first and last day, progress on the last day
    against the straight path, the narratives and approvals recorded for the period."""
    if end <= start:
        raise ValueError(f"the report period ends ({end}) before it starts ({start})")
    row, plan = _version(engine, plan_id, version)
    ctx: dict = {}
    rows = []
    for o, c in plan.commitments():
        for ind in c.indicators:
            v0, v1 = compute(engine, ind, start, ctx), compute(engine, ind, end, ctx)
            p = dom.progress(ind, v1["value"], end)
            rows.append({
                "objective": o.id, "commitment": c.id, "commitment_title": c.title, "lead": c.lead, "partners": c.partners,
                "status": c.status.value, "reason": c.reason, "due": c.due, "answers": c.answers, "indicator": ind.id,
                "indicator_title": ind.title or dom.query(ind.query).title, "query": dom.query(ind.query).ref,
                "direction": ind.direction.value, "unit": v1["unit"],
                "baseline_value": ind.baseline.value, "baseline_date": ind.baseline.date,
                "target_value": ind.target.value, "target_date": ind.target.date,
                "value_start": v0["value"], "value_end": v1["value"],
                "base_start": v0["detail"].get("base"), "base_end": v1["detail"].get("base"),
                "note_start": v0["reason"], "note_end": v1["reason"],
                "expected_end": round(p.expected, 4) if p.expected is not None else None,
                "achieved_end": p.as_dict()["achieved"], "elapsed_end": p.as_dict()["elapsed"], "progress": p.state,
            })
    approvals = _approvals(engine, plan.id, start, end)
    return {"plan": plan.id, "title": plan.title, "version": row["version"], "illustrative": plan.illustrative,
            "illustrative_note": dom.ILLUSTRATIVE_NOTE if plan.illustrative else None,
            "period": {"start": start, "end": end}, "departments": dom.departments(), "rows": rows,
            "approvals": approvals, "approved": bool(approvals),
            "narratives": approvals[-1]["narratives"] if approvals else {}}


def approve(engine: Engine, principal: Principal | None, start: date, end: date, narratives: dict[str, str],
            plan_id: str | None = None) -> dict[str, Any]:
    """Approve the report for the period with a narrative per department (role approver)."""
    who = _require(principal, APPROVE_ROLES, "approving a plan report")
    known = dom.departments()
    unknown = sorted(set(narratives) - set(known))
    if unknown:
        raise ValueError(f"narrative for unknown department {', '.join(unknown)} (departments are {', '.join(known)})")
    narratives = {k: v.strip() for k, v in narratives.items() if v and v.strip()}
    content = report(engine, start, end, plan_id)
    role = (Role.APPROVER if Role.APPROVER in who.roles else Role.ADMIN).value
    now = datetime.now(UTC)
    with engine.begin() as conn:
        rid = store.add_report(conn, {
            "plan_id": content["plan"], "plan_version": content["version"], "period_start": start, "period_end": end,
            "narratives": json.dumps(narratives, ensure_ascii=False, sort_keys=True),
            "content": json.dumps(content["rows"], default=str, ensure_ascii=False),
            "approved_by": who.username, "approved_role": role, "approved_at": now,
        })
        audit.append(conn, PlanReportApproved(actor=who.username, entity_id=str(rid), at=now, after={
            "plan": content["plan"], "version": content["version"], "start": start.isoformat(), "end": end.isoformat(),
            "narratives": narratives}))
    return {"id": rid, "plan": content["plan"], "version": content["version"], "approved_by": who.username, "role": role}


REPORT_COLUMNS = [
    "objective", "commitment", "commitment_title", "lead", "status", "due", "indicator", "indicator_title", "query", "unit",
    "direction", "baseline_value", "baseline_date", "target_value", "target_date", "value_start", "base_start", "note_start",
    "value_end", "base_end", "note_end", "expected_end", "achieved_end", "elapsed_end", "progress",
]


def report_export(data: dict[str, Any], fmt: str) -> tuple[bytes, str, str]:
    """The report's rows as CSV / XLSX (formula-safe: services/exports) or JSON."""
    stem = f"civwatch-plan-{data['plan']}-v{data['version']}-{data['period']['start']}_{data['period']['end']}"
    if data["illustrative"]:
        stem += "-ILLUSTRATIVE"
    if fmt == "json":
        body = json.dumps(data, default=str, ensure_ascii=False, indent=1).encode("utf-8")
        return body, "application/json", f"{stem}.json"
    rows = [{**r, "commitment_title": ("ILLUSTRATIVE: " if data["illustrative"] else "") + r["commitment_title"]} for r in data["rows"]]
    body, media, ext_name = exports.export_table(REPORT_COLUMNS, rows, fmt, sheet="plan report")
    return body, media, f"{stem}.{ext_name.rsplit('.', 1)[-1]}"


def report_csv(data: dict[str, Any]) -> str:
    return report_export(data, "csv")[0].decode("utf-8")


def audit_entries(engine: Engine, plan_id: str) -> list[dict]:
    with engine.connect() as conn:
        rows = audit.entries(conn, entity="plan", limit=200)
    return [r for r in rows if str(r["entity_id"]).startswith(f"{plan_id}@")]


def jsonable(data: dict[str, Any]) -> Any:
    """Dates and times as ISO text (what the JSON API and the pages' twins send)."""
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))

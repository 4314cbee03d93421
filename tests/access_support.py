"""Shared set-up for the route walks: the app's own list of routes, a store with one of each
thing a route can name, and a user of every role (API token and logged-in web session)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from civwatch.app import create_app
from civwatch.domain.taxonomy import Role
from civwatch.services import auth
from civwatch.store.schema import actors, audit_log

PASSWORD = "a long test password"
INCIDENT = {
    "date_start": "2024-03-02", "country_iso3": "SDN", "headline": "Shelling of a market in El Fasher",
    "weapon": "explosive_ground_launched", "perpetrator_category": "non_state_armed_group",
    "populated_area": True, "civilian_deaths": {"best": 12, "low": 10, "high": 15},
}
PUBLIC_REPORT = {"summary": "A shell hit the market at noon; several people were killed.", "country_iso3": "SDN",
                 "civilian_deaths": 3}

MISSING_PERSON = {"name": "Walked Person", "sex": "f", "age": 30, "circumstance": "abducted"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as declared, e.g. /cases/{case_id:int}.json


def routes(app: FastAPI) -> Iterator[Route]:
    """Every (method, path) the app serves, read from its router (HEAD rides on GET)."""
    for ctx in iter_route_contexts(app.routes):
        for method in sorted(ctx.methods or ()):
            if method != "HEAD":
                yield Route(method, ctx.path)


def fill(path: str, ids: dict[str, str]) -> str:
    """The declared path with every parameter replaced by a value the store holds."""
    def value(m: re.Match) -> str:
        name = m.group(1)
        if name not in ids:
            raise AssertionError(f"the route walk does not know a value for {{{name}}} in {path}: add it to the seed")
        return ids[name]

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


@dataclass
class World:
    engine: Engine
    app: FastAPI
    ids: dict[str, str]
    tokens: dict[Role, str]
    sessions: dict[Role, TestClient]  # a client logged in through the form, per role

    def client(self) -> TestClient:
        return TestClient(self.app)

    def audit_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def csrf_of(client: TestClient, path: str = "/login") -> str:
    html = client.get(path).text
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def seed_capabilities(engine: Engine, c: TestClient, admin: dict[str, str]) -> dict[str, str]:
    """One record of each capability a route names, from the real shared data where it has one
    (treaty ratifications, peacekeeping deployments), so that the walk opens real pages, not 404s."""
    from civwatch import settings
    from civwatch.services import missions_import, parties, plan, treaties
    from tests.evidence_support import jpeg
    from tests.plan_support import commitment, indicator
    from tests.plan_support import plan as walk_plan

    shared = settings.shared_data_folder()
    treaties.import_all(engine, treaties.shared_files(shared), actor="walk")
    missions_import.import_file(engine, shared / "peacekeeping" / "un_dppa_dpo_peacekeeping_missions_2024-02-19.csv",
                                actor="walk")
    parties.build(engine, actor="walk")
    plan.import_yaml(engine, walk_plan(commitment("C1", indicator("I1", "manual"))), None, actor="walk")
    with engine.connect() as conn:
        actor = conn.execute(select(func.min(actors.c.id))).scalar_one()
    assert actor is not None, "the party register built nothing from the walk's incidents"
    decision = c.post("/api/decisions", headers=admin, json={
        "system": "Walk", "system_version": "1", "kind": "assessment", "output": "no civilians detected",
        "reviewer": "a reviewer", "decision": "overridden", "decided_at": "2024-02-27T14:00:00+00:00"})
    with tempfile.TemporaryDirectory() as tmp:  # a photo, so that its thumbnail page has one to show
        photo = jpeg(Path(tmp) / "walk.jpg").read_bytes()
    item = c.post("/api/evidence", params={"name": "walk.jpg"}, content=photo, headers=admin)
    assessment = c.post("/api/screening", headers=admin, json={
        "recipient": "SDN", "end_user": "armed_forces", "item": "ML1", "quantity": 1, "value": 1, "currency": "CAD",
        "intended_use": "the walk", "period_from": "2099-01-01", "period_to": "2099-12-31", "reference": "WALK-1"})
    for made in (decision, item, assessment):
        assert made.status_code == 201, made.text
    return {"acronym": "MINUSMA", "forum": "NATO", "ref": "XXVI-6", "cid": "C1", "actor_id": str(actor),
            "decision_id": str(decision.json()["id"]), "item_id": str(item.json()["id"]),
            "assessment_id": str(assessment.json()["id"])}


def build_world(engine: Engine, private_reads: bool) -> World:
    app = create_app(engine, private_reads=private_reads)
    tokens: dict[Role, str] = {}
    for role in Role:
        auth.add_user(engine, f"u-{role.value}", PASSWORD, role.value)
        tokens[role] = auth.issue_token(engine, f"u-{role.value}")
    admin = {"Authorization": f"Bearer {tokens[Role.ADMIN]}"}
    c = TestClient(app)
    incident = c.post("/api/incidents", json=INCIDENT, headers=admin).json()["id"]
    other = c.post("/api/incidents", json={**INCIDENT, "headline": "A second shelling"}, headers=admin).json()["id"]
    case = c.post("/api/cases", json={"incident_id": incident, "reason": "walk"}, headers=admin).json()["id"]
    report = c.post("/api/public-reports", json=PUBLIC_REPORT).json()["id"]
    missing = c.post("/api/missing/cases", json=MISSING_PERSON, headers=admin)
    assert missing.status_code == 201 and missing.json()["id"] == case, missing.text  # one id names both kinds of case
    ids = {"incident_id": str(incident), "other_incident": str(other), "case_id": str(case), "report_id": str(report),
           "batch_id": "1", "iso3": "SDN", "name": "civilian-deaths", "fmt": "csv", "path": "app.css", "job_id": "no-such-job",
           "country": "SDN", "admin1": "Khartoum", "kind": "status", "name_id": "1", "unit": "SDN", "version": "1",
           "candidate_id": "1", "list_id": "1", "kind_ref": "SDN", "table": "embargo",
           **seed_capabilities(engine, c, admin)}
    sessions = {}
    for role in Role:
        s = TestClient(app)
        r = s.post("/login", data={"username": f"u-{role.value}", "password": PASSWORD, "csrf": csrf_of(s)},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        sessions[role] = s
    return World(engine, app, ids, tokens, sessions)

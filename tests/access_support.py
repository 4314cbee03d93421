"""Shared set-up for the route walks: the app's own list of routes, a store with one of each
thing a route can name, and a user of every role (API token and logged-in web session)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from civwatch.app import create_app
from civwatch.domain.taxonomy import Role
from civwatch.services import auth
from civwatch.store.schema import audit_log

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
           # capabilities whose records the walk's store does not hold: their pages answer 404
           "acronym": "MINUSMA", "actor_id": "1", "country": "SDN", "admin1": "Khartoum", "decision_id": "1",
           "forum": "NATO", "item_id": "1", "kind": "status", "name_id": "1", "ref": "XXVI-6", "unit": "SDN", "assessment_id": "1", "cid": "C1", "version": "1",
           "candidate_id": "1", "list_id": "1",
           "kind_ref": "SDN", "table": "embargo"}
    sessions = {}
    for role in Role:
        s = TestClient(app)
        r = s.post("/login", data={"username": f"u-{role.value}", "password": PASSWORD, "csrf": csrf_of(s)},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        sessions[role] = s
    return World(engine, app, ids, tokens, sessions)

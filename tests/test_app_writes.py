"""Every write route of the app, read from its router, tried anonymously, as a viewer, with a
wrong role and without a CSRF token: each is refused and nothing reaches the store (the audit
trail, which every write appends to, does not grow). A new write route fails this test until it
is given a valid body and a wrong role here, so it cannot be forgotten."""

from __future__ import annotations

import pytest

from civwatch.domain.taxonomy import Role
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.access_support import INCIDENT, World, build_world, csrf_of, fill, routes

# Open by design: logging in and out, and the public harm report (form and API). The forms
# among them still need the CSRF token (checked below); the API one carries no credentials.
PUBLIC_WRITES = {("POST", "/login"), ("POST", "/logout"), ("POST", "/report-harm"), ("POST", "/api/public-reports"),
                 ("POST", "/missing-report"), ("POST", "/missing-follow"), ("POST", "/api/missing-reports"),
                 ("POST", "/api/missing-follow")}

SCREENING_APPLICATION = {"recipient": "SDN", "end_user": "armed_forces", "item": "ML4", "quantity": 10, "value": 1000000.0,
                    "currency": "CAD", "intended_use": "walk", "period_from": "2030-01-01", "period_to": "2031-01-01",
                    "reference": "WALK-1", "kind": "export"}

# A body each API route accepts from the right role (so a refusal is about the caller, not the
# body), and the form fields of each form route; ids come from the seeded store.
API_BODIES = {
    ("POST", "/api/incidents"): lambda ids: INCIDENT,
    ("PATCH", "/api/incidents/{incident_id}"): lambda ids: {"headline": "An edited headline"},
    ("POST", "/api/cases"): lambda ids: {"report": {"summary": "A report typed in during the walk"}, "reason": "walk"},
    ("POST", "/api/cases/{case_id}/moves"): lambda ids: {
        "to": "initial_assessment", "reason": "walk", "details": {"outcome": "needs_information", "reasons": ["walk"], "information_needed": "walk"}},
    ("POST", "/api/cases/{case_id}/parties"): lambda ids: {"role": "victim", "name": "Someone Walked"},
    ("POST", "/api/public-reports/{report_id}/review"): lambda ids: {"accept": False, "reason": "walk"},
    ("POST", "/api/cases/{case_id}/publication"): lambda ids: {
        "summary": "Shelling of a market; the case was assessed and a response is under way.", "reason": "walk"},
    ("POST", "/api/cases/{case_id}/publication/withdraw"): lambda ids: {"reason": "walk"},
    ("POST", "/api/incidents/{incident_id}/merge"): lambda ids: {"other": int(ids["other_incident"]), "reason": "walk"},
    ("POST", "/api/incidents/{incident_id}/split"): lambda ids: {"report_ids": [1], "reason": "walk"},
    ("POST", "/api/incidents/{incident_id}/grade"): lambda ids: {"grade": "weak", "reason": "walk"},
    ("POST", "/api/incidents/{incident_id}/responsibility"): lambda ids: {"accepted": True, "reason": "walk"},
    ("POST", "/api/decisions"): lambda ids: {
        "system": "walk-system", "system_version": "1", "kind": "analysis", "output": "walk", "decision": "unreviewed",
        "decided_at": "2024-03-02T10:00:00Z", "incident_id": int(ids["incident_id"])},
    ("POST", "/api/evidence"): lambda ids: {},  # the file is the raw body; refused before it is read
    ("POST", "/api/evidence/captures"): lambda ids: {"sha256": "a" * 64, "name": "walk.html", "source_url": "https://example.org/walk"},
    ("POST", "/api/evidence/{item_id}/links"): lambda ids: {"incidents": [int(ids["incident_id"])], "why": "walk"},
    ("POST", "/api/evidence/{item_id}/transfers"): lambda ids: {"to": "walk court", "why": "walk"},
    ("POST", "/api/forecasts/fit"): lambda ids: {"level": "country", "backtest": False},
    ("POST", "/api/parties/names/{name_id}/assign"): lambda ids: {"actor_id": 1, "reason": "walk"},
    ("POST", "/api/parties/{actor_id}/correct"): lambda ids: {"canonical_name": "Walked forces"},
    ("POST", "/api/parties/{actor_id}/merge"): lambda ids: {"others": [2], "reason": "walk"},
    ("POST", "/api/screening"): lambda ids: SCREENING_APPLICATION,
    ("POST", "/api/plan"): lambda ids: {},  # the YAML is the raw body; refused before it is read
    ("POST", "/api/plan/report/approve"): lambda ids: {"from": "2012-01-01", "to": "2014-12-31"},
    ("POST", "/api/screening/{assessment_id}/decision"): lambda ids: {"decision": "refer", "reasons": "walk"},
    ("POST", "/api/screening/tables"): lambda ids: {},  # the CSV is the raw body
    ("POST", "/api/parties/{actor_id}/split"): lambda ids: {"name_ids": [1], "canonical_name": "Walked", "category": "unknown"},
    ("POST", "/api/missing/cases"): lambda ids: {"name": "Another Walked Person", "circumstance": "detained"},
    ("POST", "/api/missing/cases/{case_id}/moves"): lambda ids: {"to": "registered", "reason": "walk"},
    ("POST", "/api/missing/cases/{case_id}/candidates/{candidate_id}/decision"): lambda ids: {"confirm": False, "reason": "walk"},
    ("POST", "/api/missing/lists"): lambda ids: {},  # multipart; refused before it is read
}
FORM_FIELDS = {
    ("POST", "/record"): {"headline": "A walked incident", "date_start": "2024-03-02", "country": "SDN",
                          "civilian_deaths_best": "2"},
    ("POST", "/imports"): {},  # multipart, the token in the action (see _form_post)
    ("POST", "/missing/lists"): {},  # multipart, the token in the action (see _form_post)
    ("POST", "/cases"): {"summary": "A report typed in during the walk", "reason": "walk"},
    ("POST", "/cases/{case_id:int}/move"): {"to": "initial_assessment", "reason": "walk", "outcome": "needs_information",
                                           "reasons": "walk", "information_needed": "walk"},
    ("POST", "/cases/{case_id:int}/parties"): {"party_role": "victim", "name": "Someone Walked"},
    ("POST", "/cases/public-reports/{report_id:int}/review"): {"decision": "reject", "reason": "walk"},
    ("POST", "/parties/{actor_id}/merge"): {"others": "2", "reason": "walk"},
    ("POST", "/record/textcounts.json"): {"text": "Two civilians were killed."},
    ("POST", "/screening/new"): {k: str(v) for k, v in SCREENING_APPLICATION.items()},
    ("POST", "/plan/report/approve"): {"from": "2012-01-01", "to": "2014-12-31"},
    ("POST", "/screening/{assessment_id}/decision"): {"decision": "refer", "reasons": "walk"},
    ("POST", "/missing/cases/{case_id:int}/move"): {"to": "closed", "close_reason": "other", "reason": "walk"},
    ("POST", "/missing/cases/{case_id:int}/decision"): {"candidate": "1", "decision": "reject", "reason": "walk"},
    ("POST", "/screening/tables"): {"name": "walk.csv", "text": "source,url,date,destination_iso3,scope,start,end\n"
                                    "walk,https://example.org/walk,2024-01-01,SDN,arms,2024-01-01,\n"},
}
# POSTs that compute and write nothing: open (a text in, figures out) or the recording form's
# helper (a recorder's, with the form's token); they are walked for refusals only where gated.
COMPUTE_ONLY = {("POST", "/api/text/counts")}
# Accepted from the right role only with records the walk's store does not hold (a fitted
# model needs years of events, an evidence item its file and time-stamp, a merge two actors):
# their accepted path is tested in tests/api/test_forecasts.py, test_evidence*.py, test_parties.py.
CONTROL_ELSEWHERE = {
    ("POST", "/api/forecasts/fit"), ("POST", "/api/evidence"), ("POST", "/api/evidence/captures"),
    ("POST", "/api/evidence/{item_id}/links"), ("POST", "/api/evidence/{item_id}/transfers"),
    ("POST", "/api/parties/names/{name_id}/assign"), ("POST", "/api/parties/{actor_id}/correct"),
    ("POST", "/api/parties/{actor_id}/merge"), ("POST", "/api/parties/{actor_id}/split"), ("POST", "/parties/{actor_id}/merge"),
    ("POST", "/record/textcounts.json"),  # writes nothing: figures for the recorder to accept
    ("POST", "/api/screening/{assessment_id}/decision"), ("POST", "/screening/{assessment_id}/decision"),  # test_screening*
    ("POST", "/api/plan"), ("POST", "/api/plan/report/approve"), ("POST", "/plan/report/approve"),  # tests/*/test_plan*
    # a decision needs a candidate from a list, a form move a case in another state: tests/*/test_missing*
    ("POST", "/api/missing/cases/{case_id}/candidates/{candidate_id}/decision"), ("POST", "/missing/cases/{case_id:int}/decision"),
    ("POST", "/missing/cases/{case_id:int}/move"),
    # a list upload needs its fields and a list file: tests/api/test_missing_lists_upload.py, tests/web/test_missing_pages.py
    ("POST", "/api/missing/lists"), ("POST", "/missing/lists"),
    ("POST", "/api/screening/tables"),  # tests/api/test_screening.py
}
# A role the route refuses. Assessor holds no register, import or linkage role; the case moves
# and people need the assessor or personal-data roles, which a recorder lacks.
WRONG_ROLE = {
    "/api/cases/{case_id}/moves": Role.RECORDER, "/api/cases/{case_id}/parties": Role.RECORDER,
    "/cases/{case_id:int}/move": Role.RECORDER, "/cases/{case_id:int}/parties": Role.RECORDER,
    "/api/decisions": Role.RECORDER, "/api/evidence": Role.APPROVER, "/api/evidence/captures": Role.APPROVER,
    "/api/evidence/{item_id}/links": Role.APPROVER, "/api/evidence/{item_id}/transfers": Role.APPROVER,
    "/api/screening": Role.RECORDER, "/screening/new": Role.RECORDER,
    "/api/missing/cases/{case_id}/candidates/{candidate_id}/decision": Role.RECORDER,
    "/missing/cases/{case_id:int}/decision": Role.RECORDER,
    "/api/screening/tables": Role.RECORDER, "/screening/tables": Role.RECORDER,
    "/api/plan": Role.RECORDER, "/api/plan/report/approve": Role.ANALYST, "/plan/report/approve": Role.ANALYST,
}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('writes') / 'civwatch.sqlite'}")
    migrate.upgrade(engine)
    yield build_world(engine, private_reads=False)
    engine.dispose()


def writes(world: World):
    return [r for r in routes(world.app) if r.method in ("POST", "PATCH", "PUT", "DELETE")
            and (r.method, r.path) not in PUBLIC_WRITES | COMPUTE_ONLY]


def _form_post(client, route, url: str, csrf: str | None):
    fields = dict(FORM_FIELDS[(route.method, route.path)])
    if route.path in ("/imports", "/missing/lists"):
        target = f"{url}?csrf={csrf}" if csrf else url
        return client.post(target, files={"file": ("walk.csv", b"a,b\n1,2\n")}, follow_redirects=False)
    if csrf:
        fields["csrf"] = csrf
    return client.request(route.method, url, data=fields, follow_redirects=False)


QUERY = {("POST", "/api/evidence"): "?name=walk.txt", ("POST", "/api/screening/tables"): "?name=walk.csv"}  # the upload names its file in the query


def _try(world: World, route, who: Role | None, with_csrf: bool = True, via_session_only: bool = False):
    url = fill(route.path, world.ids) + QUERY.get((route.method, route.path), "")
    if route.path.startswith("/api/"):
        body = API_BODIES[(route.method, route.path)](world.ids)
        if via_session_only:  # an API write with the admin's cookie and no token
            return world.sessions[Role.ADMIN].request(route.method, url, json=body)
        headers = {"Authorization": f"Bearer {world.tokens[who]}"} if who else {}
        return world.client().request(route.method, url, json=body, headers=headers)
    client = world.sessions[who] if who else world.client()
    csrf = csrf_of(client) if with_csrf else None
    return _form_post(client, route, url, csrf)


def test_every_write_route_has_a_body_and_a_wrong_role(world: World) -> None:
    declared = {(r.method, r.path) for r in writes(world)}
    missing = declared - set(API_BODIES) - set(FORM_FIELDS)
    assert not missing, f"write routes the walk does not know yet: {sorted(missing)}"
    assert {("POST", "/api/incidents"), ("POST", "/imports"), ("POST", "/cases/{case_id:int}/move")} <= declared


@pytest.mark.parametrize("who", ["anonymous", "viewer", "wrong-role", "no-csrf"])
def test_every_write_route_refuses(world: World, who: str) -> None:
    for route in writes(world):
        before = world.audit_count()
        if who == "anonymous":
            r = _try(world, route, None)
        elif who == "viewer":
            r = _try(world, route, Role.VIEWER)
        elif who == "wrong-role":
            r = _try(world, route, WRONG_ROLE.get(route.path, Role.ASSESSOR))
        elif route.path.startswith("/api/"):
            r = _try(world, route, Role.ADMIN, via_session_only=True)  # cookies never authenticate an API write
        else:
            r = _try(world, route, Role.ADMIN, with_csrf=False)
        assert r.status_code in (401, 403), (who, route, r.status_code, r.text[:300])
        if who == "viewer" or who == "wrong-role":
            assert r.status_code == 403, (who, route, r.status_code)
        assert world.audit_count() == before, (who, route, "something was written")


def test_the_public_forms_still_need_the_csrf_token(world: World) -> None:
    anonymous = world.client()
    before = world.audit_count()
    for path, fields in (("/report-harm", {"summary": "A shell hit the market at noon; people were killed."}),
                         ("/login", {"username": "u-admin", "password": "a long test password"})):
        r = anonymous.post(path, data=fields, follow_redirects=False)
        assert r.status_code == 403, (path, r.status_code)
    assert world.audit_count() == before


def test_the_same_requests_from_the_right_role_go_through(world: World) -> None:
    """The control: with the admin's token (API) or session and token (forms), the very bodies
    used above are accepted, so the refusals above were about the caller, not the body."""
    outcomes = {}
    for route in writes(world):
        if (route.method, route.path) in CONTROL_ELSEWHERE:
            continue
        before = world.audit_count()
        r = _try(world, route, Role.ADMIN)
        outcomes[(route.method, route.path)] = (r.status_code, world.audit_count() > before)
    refused = {k: v for k, v in outcomes.items() if v[0] in (401, 403) or v[0] >= 500}
    assert not refused, refused
    wrote = [k for k, (status, grew) in outcomes.items() if grew]
    # the import runs in the background (its audit entry comes later); the form's review finds
    # the public report reviewed already by the API's review just before (400, says so)
    late = {("POST", "/imports"), ("POST", "/cases/public-reports/{report_id:int}/review")}
    assert set(outcomes) - set(wrote) <= late, outcomes
    assert outcomes[("POST", "/imports")][0] == 303

"""Every route of the app, read from its router, tried anonymously and as each role: with
CIVWATCH_PRIVATE_READS nothing but the log-in, the static files, the API description and the
public harm-report form answers an anonymous reader; case work needs a case role always."""

from __future__ import annotations

import pytest

from civwatch.domain.taxonomy import Role
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.access_support import World, build_world, fill, routes

# What an anonymous reader may open on a private server (the test's own expectation).
OPEN = {"/login", "/login.json", "/report-harm", "/report-harm.json", "/favicon.ico", "/static/{path:path}",
        "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc",
        "/missing-report", "/missing-report.json", "/missing-follow", "/missing-follow.json", "/missing-figures",
        "/missing-figures.json", "/api/missing-figures"}
# Pages a route itself gives only to some roles (the form to record an incident, import jobs).
ROLE_GATED = {"/record", "/record.json", "/imports/jobs/{job_id}", "/imports/jobs/{job_id}.json"}
CASE_WORK = ("/cases", "/api/cases", "/api/public-reports", "/missing", "/api/missing")


# Parameters naming records the walk's store does not hold (an import job, a batch, a mission, ...).
UNSEEDED = ("job_id", "batch_id", "name_id", "unit", "country", "admin1", "kind", "version", "list_id")


def unseeded(path: str) -> bool:
    return any("{" + name in path for name in UNSEEDED) or path.startswith(("/contributors/", "/api/contributors/"))


# Evidence and the decision log need a signed-in user even on a public server (docs/evidence.md).
SIGNED_IN = ("/api/evidence", "/evidence", "/api/decisions", "/decisions")


def needs_sign_in(path: str) -> bool:
    return any(path == p or path.startswith((p + "/", p + ".")) for p in SIGNED_IN)


def is_case_work(path: str) -> bool:
    return any(path == p or path.startswith((p + "/", p + ".")) for p in CASE_WORK)


def refused(response, path: str) -> bool:
    """401/403, or for an HTML page a redirect to the log-in."""
    if response.status_code in (401, 403):
        return True
    return response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.fixture(scope="module", params=[True, False], ids=["private-reads", "public-reads"])
def world(request, tmp_path_factory) -> World:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('walk') / 'civwatch.sqlite'}")
    migrate.upgrade(engine)
    yield build_world(engine, private_reads=request.param)
    engine.dispose()


def _reads(world: World):
    return [r for r in routes(world.app) if r.method == "GET"]


def test_the_walk_covers_every_page_its_twin_and_the_api(world: World) -> None:
    paths = {r.path for r in _reads(world)}
    # the routes the issue named are among those walked, and every page has its .json twin
    assert {"/incidents.json", "/cases/{case_id:int}.json", "/imports.json", "/api/incidents"} <= paths
    pages = {p for p in paths if not p.startswith(("/api/", "/static/", "/docs", "/redoc", "/openapi")) and not p.endswith((".json", ".png", ".css", "/download"))}  # files, not pages
    twins = {p[: -len(".json")] for p in paths if p.endswith(".json")}
    assert pages - twins - {"/", "/favicon.ico"} == set()


def test_anonymous_readers(world: World) -> None:
    anonymous = world.client()
    private = world.app.state.private_reads
    for route in _reads(world):
        url = fill(route.path, world.ids)
        r = anonymous.get(url, follow_redirects=False)
        if route.path in OPEN:
            assert not refused(r, url) and r.status_code < 500, (url, r.status_code)
        elif is_case_work(route.path) or needs_sign_in(route.path) or private:
            assert refused(r, url), (url, r.status_code, r.text[:200])
            assert world.ids["case_id"] not in r.text or r.status_code != 200
        elif route.path in ROLE_GATED:
            assert refused(r, url), (url, r.status_code)
        else:
            assert r.status_code in (200, 400, 404, 422), (url, r.status_code)  # 400/422: no data for it, a required parameter


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
@pytest.mark.parametrize("how", ["token", "session"])
def test_each_role_reads_what_it_may(world: World, role: Role, how: str) -> None:
    client = world.sessions[role] if how == "session" else world.client()
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if how == "token" else {}
    for route in _reads(world):
        if how == "session" and route.path.startswith("/api/"):
            continue  # the API is read with a token; the pages with the session (or a token)
        url = fill(route.path, world.ids)
        r = client.get(url, headers=headers, follow_redirects=False)
        assert r.status_code != 401 and r.status_code < 500, (url, r.status_code, r.text[:200])
        if is_case_work(route.path) and role is Role.VIEWER:
            assert r.status_code == 403, (url, r.status_code)
        elif role is Role.ADMIN:
            # the admin may read everything; only records the walk's store does not hold are missing
            assert r.status_code in (200, 400, 422) or unseeded(route.path) and r.status_code == 404, (url, r.status_code)
        elif not is_case_work(route.path) and route.path not in ROLE_GATED:
            assert r.status_code in (200, 400, 404, 422), (url, r.status_code)  # 400/422: no data for it, a required parameter


def test_a_revoked_or_expired_token_and_an_ended_session_read_nothing_private(world: World) -> None:
    from civwatch.services import auth

    username = f"u-late-{world.app.state.private_reads}"
    auth.add_user(world.engine, username, "a long test password", "recorder")
    token = auth.issue_token(world.engine, username)
    c = world.client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert c.get("/cases.json", headers=bearer).status_code == 200
    auth.revoke_tokens(world.engine, username)
    r = c.get("/cases.json", headers=bearer)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]

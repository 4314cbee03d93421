"""Shared fixtures: a real SQLite file and a real PostgreSQL database for every store test.

PostgreSQL comes from CIVWATCH_TEST_POSTGRES_URL (set by .ci/run), else 127.0.0.1:5432 if it
answers. Each test session creates its own database there and drops it at the end, so parallel
runs do not collide. Without a server the PostgreSQL tests are skipped loudly; under CI=true a
missing server is a failure.

Under CI=true no test skips at all: whatever a test needs and does not find (PostgreSQL,
Chromium, ../shared/data or CIVWATCH_SHARED_DATA, the ACLED files, an optional module) fails it,
and the hooks at the end turn any other skip into a failure too, so a green CI run ran everything.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from civwatch.settings import normalise_database_url
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.helpers import CI, SHARED_DATA, missing

# missing persons' personal fields: a fixed test key, so no key file is made in the user folder
os.environ.setdefault("CIVWATCH_MISSING_KEY", "dGVzdC1rZXktZm9yLW1pc3NpbmctcGVyc29ucy0zMmI=")
REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "test-artifacts"

_PG_SKIPPED: list[str] = []


def _server_url() -> str | None:
    url = os.environ.get("CIVWATCH_TEST_POSTGRES_URL")
    if url:
        return normalise_database_url(url)
    try:
        probe = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", connect_args={"connect_timeout": 2})
        with probe.connect():
            pass
        probe.dispose()
        return "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    except Exception:
        return None


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    url = _server_url()
    if url is None:
        if CI:
            pytest.fail("CI=true but no PostgreSQL server answers: the PostgreSQL tests must run in CI")
        _PG_SKIPPED.append("no PostgreSQL server")
        pytest.skip("no PostgreSQL server: set CIVWATCH_TEST_POSTGRES_URL or run one on 127.0.0.1:5432")
    yield url


def _fresh_pg_database(server_url: str) -> tuple[str, callable]:
    name = f"civwatch_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'civwatch.sqlite'}"


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    url, drop = _fresh_pg_database(postgres_server_url)
    yield url
    drop()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    """A migrated, empty store: once as a SQLite file, once as a PostgreSQL database."""
    if request.param == "postgres":
        request.node.add_marker(pytest.mark.postgres)
        url = request.getfixturevalue("postgres_url")
    else:
        url = request.getfixturevalue("sqlite_url")
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        missing(f"shared data not found at {SHARED_DATA} (set CIVWATCH_SHARED_DATA or put it at ../shared/data)")
    return SHARED_DATA


@pytest.fixture
def acled_dir(shared_data: Path) -> Path:
    """ACLED files are read from shared data only (ACLED's terms forbid committing them)."""
    path = shared_data / "acled"
    if not path.is_dir():
        missing(f"ACLED files not found at {path} (they are never committed)")
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    if _PG_SKIPPED:
        terminalreporter.write_sep("!", "PostgreSQL tests were SKIPPED: no server answered", red=True, bold=True)


def _ci_no_skip(report, may_skip: bool) -> None:
    """Under CI=true a skip is a failure (xfail stays xfail; `ci_may_skip` opts out, with its reason)."""
    if not CI or not report.skipped or hasattr(report, "wasxfail") or may_skip:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"CI=true: this test skipped ({reason}); in CI every test must run"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ARG001
    outcome = yield
    _ci_no_skip(outcome.get_result(), item.get_closest_marker("ci_may_skip") is not None)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):  # noqa: ARG001
    outcome = yield
    _ci_no_skip(outcome.get_result(), False)

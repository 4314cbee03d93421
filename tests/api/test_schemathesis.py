"""Property-based run against /openapi.json: no generated request may cause a 5xx.

Examples per operation are kept small so the run takes about a minute on two shared cores.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from civwatch.app import create_app
from civwatch.services import auth
from tests.seed import add_report

EXAMPLES = 12


@pytest.fixture
def recorder_token(store) -> str:
    auth.add_user(store, "fuzz", "correct horse battery", "recorder")
    return auth.issue_token(store, "fuzz")


@pytest.fixture
def api_schema(store, recorder_token):
    add_report(store, day=date(2020, 5, 1), deaths=3, weapon="explosive_air_launched", populated=True,
               harm_rows=[{"outcome": "killed", "sex": "female", "age_group": "child", "best": 1}])
    add_report(store, day=date(2021, 5, 1), deaths=1, source="acled", notes="=cmd")
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(store, private_reads=False))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case, recorder_token) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {recorder_token}"}, checks=[not_a_server_error])

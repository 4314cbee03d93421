from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from civwatch.app import create_app
from civwatch.services import auth


@pytest.fixture
def client(store) -> TestClient:
    return TestClient(create_app(store, private_reads=False))


@pytest.fixture
def tokens(store) -> dict[str, str]:
    out = {}
    for name, roles in (("rita", "recorder"), ("vic", "viewer"), ("ada", "admin")):
        auth.add_user(store, name, "correct horse battery", roles)
        out[name] = auth.issue_token(store, name)
    return out


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

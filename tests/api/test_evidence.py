"""Evidence and the decision log over the JSON API (SQLite and PostgreSQL): streamed uploads,
refusals as problem+json with nothing kept, downloads only as attachments."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from tests.api.conftest import bearer
from tests.evidence_support import NOTHING, jpeg, leftovers, start_tsa


@pytest.fixture(scope="module")
def tsa_server(tmp_path_factory):
    server = start_tsa(tmp_path_factory.mktemp("tsa"))
    yield server
    server.stop()


@pytest.fixture
def root(monkeypatch, tmp_path, tsa_server):
    root = tmp_path / "evidence"
    monkeypatch.setenv("CIVWATCH_EVIDENCE_ROOT", str(root))
    monkeypatch.setenv("CIVWATCH_TSA_URL", tsa_server.url)
    monkeypatch.setenv("CIVWATCH_TSA_CA_FILE", str(tsa_server.ca))
    return root


def _chunks(data: bytes, size: int = 4096):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_upload_streams_view_records_and_download_is_an_attachment(client, tokens, root, tmp_path):
    photo = jpeg(tmp_path / "photo.jpg").read_bytes()
    r = client.post("/api/evidence", params={"name": "photo.jpg", "why": "from a witness"}, content=_chunks(photo),
                    headers=bearer(tokens["rita"]) | {"Content-Type": "image/jpeg"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["sha256"] == hashlib.sha256(photo).hexdigest() and body["media_type"] == "image/jpeg"
    again = client.post("/api/evidence", params={"name": "same.jpg"}, content=photo, headers=bearer(tokens["rita"]))
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["new"] is False
    item = client.get(f"/api/evidence/{body['id']}", headers=bearer(tokens["vic"]))
    assert item.status_code == 200 and item.json()["item"]["timestamped"] is True
    down = client.get(f"/api/evidence/{body['id']}/content", headers=bearer(tokens["vic"]))
    assert down.status_code == 200 and down.content == photo
    assert down.headers["content-disposition"].startswith('attachment; filename="photo.jpg"')
    assert down.headers["x-content-type-options"] == "nosniff" and "sandbox" in down.headers["content-security-policy"]
    steps = client.get(f"/api/evidence/{body['id']}/custody", headers=bearer(tokens["vic"])).json()["steps"]
    assert [(s["action"], s["actor"]) for s in steps] == [("added", "rita"), ("resubmitted", "rita"), ("viewed", "vic"),
                                                          ("downloaded", "vic")]


def test_html_is_kept_but_only_ever_downloaded_as_bytes(client, tokens, root):
    page = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    r = client.post("/api/evidence", params={"name": "capture.html"}, content=page, headers=bearer(tokens["rita"]))
    assert r.status_code == 201 and r.json()["media_type"] == "text/html"
    down = client.get(f"/api/evidence/{r.json()['id']}/content", headers=bearer(tokens["rita"]))
    assert down.headers["content-type"] == "application/octet-stream"
    assert down.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize("case", ["no_token", "viewer", "over_limit", "wrong_type", "path_name"])
def test_refused_uploads_are_problems_and_keep_nothing(case, client, tokens, root, store, tmp_path, monkeypatch):
    photo = jpeg(tmp_path / "photo.jpg").read_bytes()
    headers, params, status = bearer(tokens["rita"]), {"name": "photo.jpg"}, None
    if case == "no_token":
        headers, status = {}, 401
    elif case == "viewer":
        headers, status = bearer(tokens["vic"]), 403
    elif case == "over_limit":
        monkeypatch.setenv("CIVWATCH_EVIDENCE_MAX_BYTES", "100")
        status = 413
    elif case == "wrong_type":
        headers |= {"Content-Type": "application/pdf"}
        status = 422
    else:
        params, status = {"name": "../photo.jpg"}, 422
    r = client.post("/api/evidence", params=params, content=photo, headers=headers)
    assert r.status_code == status and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"]
    assert leftovers(store, root) == NOTHING


def test_reads_of_evidence_need_a_token(client, tokens, root, tmp_path):
    r = client.post("/api/evidence", params={"name": "p.jpg"}, content=jpeg(tmp_path / "p.jpg").read_bytes(),
                    headers=bearer(tokens["rita"]))
    item_id = r.json()["id"]
    for url in (f"/api/evidence/{item_id}", f"/api/evidence/{item_id}/content", "/api/evidence", "/api/decisions"):
        assert client.get(url).status_code == 401
    assert client.get("/api/evidence/999", headers=bearer(tokens["rita"])).status_code == 404


def test_decisions_over_the_api(client, tokens, store):
    from civwatch.services import auth

    auth.add_user(store, "lena", "correct horse battery", "analyst")
    lena = auth.issue_token(store, "lena")
    at = datetime(2024, 2, 27, 14, 0, tzinfo=UTC).isoformat()
    entry = {"system": "AidA", "system_version": "2", "kind": "assessment", "output": "no civilians detected",
             "confidence": 0.55, "reviewer": "capt. test", "decision": "overridden", "decided_at": at}
    assert client.post("/api/decisions", json=entry, headers=bearer(tokens["vic"])).status_code == 403
    made = client.post("/api/decisions", json=entry, headers=bearer(lena))
    assert made.status_code == 201
    bad = client.post("/api/decisions", json=entry | {"reviewer": None, "decision": "approved"}, headers=bearer(lena))
    assert bad.status_code == 400 and "reviewer" in bad.json()["detail"]
    client.post("/api/decisions", json=entry | {"reviewer": None, "decision": "unreviewed"}, headers=bearer(lena))
    rates = client.get("/api/decisions/rates", headers=bearer(lena)).json()["systems"]
    assert rates == [{"system": "AidA", "entries": 2, "unreviewed": 1, "reviewed": 1, "approved": 0, "overridden": 1,
                      "aborted": 0, "override_rate": 1.0}]
    one = client.get(f"/api/decisions/{made.json()['id']}", headers=bearer(lena)).json()
    assert one["chained"] is True and one["confidence"] == 0.55
    assert len(client.get("/api/decisions?unreviewed=true", headers=bearer(lena)).json()["decisions"]) == 1

"""Evidence items on SQLite and PostgreSQL, timestamped by a real local TSA (`openssl ts`):
kept once under their SHA-256, typed from content, refused with nothing left behind, custody
chained in the audit trail."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from civwatch.domain.evidence import EvidenceRefused
from civwatch.services import audit_trail, auth
from civwatch.services import evidence as svc
from civwatch.services import evidence_files as files
from tests.case_support import one_sided_rows, register_incidents
from tests.evidence_support import NOTHING, jpeg, leftovers, pdf, start_tsa


@pytest.fixture(scope="module")
def tsa_server(tmp_path_factory):
    server = start_tsa(tmp_path_factory.mktemp("tsa"))
    yield server
    server.stop()


@pytest.fixture
def env(monkeypatch, tmp_path, tsa_server):
    root = tmp_path / "evidence"
    monkeypatch.setenv("CIVWATCH_EVIDENCE_ROOT", str(root))
    monkeypatch.setenv("CIVWATCH_TSA_URL", tsa_server.url)
    monkeypatch.setenv("CIVWATCH_TSA_CA_FILE", str(tsa_server.ca))
    return root


@pytest.fixture
def people(store):
    out = {}
    for name, roles in (("rita", "recorder"), ("vic", "viewer"), ("lena", "analyst")):
        out[name] = auth.add_user(store, name, "a long test password", roles)
    return out


@pytest.fixture
def incident(store, shared_data) -> int:
    return next(iter(register_incidents(store, one_sided_rows(shared_data, 1)).values()))


def test_a_file_is_kept_once_under_its_sha256_and_linked_twice(store, env, people, incident, tmp_path):
    photo = jpeg(tmp_path / "photo.jpg")
    expected = hashlib.sha256(photo.read_bytes()).hexdigest()
    first = svc.add_file(store, photo, people["rita"], links=svc.parse_links(incidents=[incident]), why="from a witness")
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(photo.read_bytes())
    again = svc.add_file(store, copy, people["rita"], links=svc.parse_links(reports=[1]))
    assert first["sha256"] == again["sha256"] == expected
    assert (first["new"], again["new"]) == (True, False) and first["id"] == again["id"]
    kept = [p for p in (env / "sha256").rglob("*") if p.is_file()]
    assert kept == [env / "sha256" / expected[:2] / expected[2:4] / expected]
    assert kept[0].read_bytes() == photo.read_bytes()
    assert list((env / "incoming").iterdir()) == []
    doc = svc.describe(store, first["id"])
    item = doc["item"]
    assert item["media_type"] == "image/jpeg" and item["size"] == photo.stat().st_size
    assert item["meta"]["device"] == "TestCam T1" and item["meta"]["capture_date"] == "2024:02:27 14:05:00"
    assert sorted((link["target"], link["target_id"]) for link in doc["links"]) == [("incident", incident), ("report", 1)]
    steps = doc["custody"]["steps"]
    assert [s["action"] for s in steps] == ["added", "linked", "resubmitted", "linked"]
    assert steps[0]["why"] == "from a witness" and all(s["actor"] == "rita" for s in steps)
    assert doc["custody"]["intact"]
    assert audit_trail.verify(store)[1] == []
    assert [i["id"] for i in svc.for_incident(store, incident)] == [first["id"]]


def test_the_timestamp_is_rfc3161_and_checks_with_openssl(store, env, people, tsa_server, tmp_path):
    report = pdf(tmp_path / "statement.pdf")
    result = svc.add_file(store, report, people["rita"])
    with store.connect() as conn:
        from civwatch.store import evidence as store_evidence

        row = store_evidence.get_item(conn, result["id"])
    assert json.loads(row["meta"])["title"] == "Test witness statement" and json.loads(row["meta"])["pages"] == 1
    token = tmp_path / "token.tsr"
    token.write_bytes(row["tsa_token"])
    # an independent check: OpenSSL verifies the token against the data and the TSA's CA
    checked = subprocess.run(
        ["openssl", "ts", "-verify", "-token_in", "-in", str(token), "-data", str(report), "-CAfile", str(tsa_server.ca),
         "-untrusted", str(tsa_server.folder / "tsa.pem")], capture_output=True, text=True)
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout
    other = tmp_path / "other.pdf"
    other.write_bytes(report.read_bytes() + b"\n%tampered\n")
    tampered = subprocess.run(
        ["openssl", "ts", "-verify", "-token_in", "-in", str(token), "-data", str(other), "-CAfile", str(tsa_server.ca),
         "-untrusted", str(tsa_server.folder / "tsa.pem")], capture_output=True, text=True)
    assert tampered.returncode != 0


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf, zf.open("zeros.bin", "w") as fh:
        block = bytes(1024 * 1024)
        for _ in range(64):
            fh.write(block)
    return path


@pytest.mark.parametrize("case", ["zip_bomb", "claimed_type", "name_says_other", "path_separator", "backslash",
                                  "over_limit", "no_role", "no_user", "unknown_link", "html_as_pdf"])
def test_refused_uploads_leave_nothing_behind(case, store, env, people, tmp_path, monkeypatch):
    principal, kwargs = people["rita"], {}
    path = jpeg(tmp_path / "photo.jpg")
    expected = {
        "zip_bomb": "zip bomb", "claimed_type": "not the image/jpeg claimed", "name_says_other": "says image/jpeg",
        "path_separator": "path separator", "backslash": "path separator", "over_limit": "over the limit",
        "no_role": "may not add", "no_user": "log in", "unknown_link": "no incident 999999", "html_as_pdf": "not the application/pdf",
    }[case]
    if case == "zip_bomb":
        path = _zip_bomb(tmp_path / "capture.zip")
        assert path.stat().st_size < 1024 * 1024  # 64 MiB of zeros packed small
    elif case == "claimed_type":
        path, kwargs = pdf(tmp_path / "doc.pdf"), {"claimed_type": "image/jpeg"}
    elif case == "name_says_other":
        real = pdf(tmp_path / "doc.pdf")
        path = tmp_path / "photo_really_pdf.jpg"
        path.write_bytes(real.read_bytes())
    elif case == "path_separator":
        kwargs = {"name": "../../etc/passwd"}
    elif case == "backslash":
        kwargs = {"name": "..\\evil.jpg"}
    elif case == "over_limit":
        monkeypatch.setenv("CIVWATCH_EVIDENCE_MAX_BYTES", str(path.stat().st_size - 1))
    elif case == "no_role":
        principal = people["vic"]
    elif case == "no_user":
        principal = None
    elif case == "unknown_link":
        kwargs = {"links": svc.parse_links(incidents=[999999])}
    elif case == "html_as_pdf":
        path = tmp_path / "page.html"
        path.write_text("<!doctype html><html><script>alert(1)</script></html>")
        kwargs = {"claimed_type": "application/pdf"}
    with pytest.raises((EvidenceRefused, PermissionError)) as err:
        svc.add_file(store, path, principal, **kwargs)
    assert expected in str(err.value)
    assert leftovers(store, env) == NOTHING


def test_a_streamed_upload_over_the_limit_stops_without_a_declared_size(store, env, people, monkeypatch):
    monkeypatch.setenv("CIVWATCH_EVIDENCE_MAX_BYTES", "100000")
    upload = svc.begin_upload(store, people["rita"], "video.mp4", declared_size=None)
    with pytest.raises(EvidenceRefused, match="over the limit"):
        for _ in range(10):
            upload.feed(b"\x00" * 30000)
    assert leftovers(store, env) == NOTHING


def test_a_tsa_that_cannot_be_reached_keeps_nothing(store, env, people, tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CIVWATCH_TSA_URL", f"http://127.0.0.1:{port}/tsa")
    from civwatch.services.evidence_tsa import TimestampError

    with pytest.raises(TimestampError, match="could not be reached"):
        svc.add_file(store, jpeg(tmp_path / "p.jpg"), people["rita"])
    assert leftovers(store, env) == NOTHING


def test_views_downloads_transfers_are_custody_steps_and_chain(store, env, people, tmp_path):
    item = svc.add_file(store, jpeg(tmp_path / "p.jpg"), people["rita"])["id"]
    svc.view(store, item, people["vic"], why="review for the board")
    path, row = svc.download(store, item, people["vic"])
    assert path.read_bytes() == (tmp_path / "p.jpg").read_bytes()
    svc.transfer(store, item, people["lena"], "ICC Office of the Prosecutor", why="request 2024/17")
    thumb = svc.thumbnail(store, item, people["vic"])
    from PIL import Image

    with Image.open(thumb) as im:
        assert im.format == "PNG" and max(im.size) <= files.THUMB
    report = svc.custody_report(store, item)
    assert [(s["action"], s["actor"]) for s in report["steps"]] == [
        ("added", "rita"), ("viewed", "vic"), ("downloaded", "vic"), ("transferred", "lena"), ("viewed", "vic")]
    assert report["steps"][3]["detail"] == {"to": "ICC Office of the Prosecutor"} and report["intact"]
    with pytest.raises(PermissionError):
        svc.view(store, item, None)
    with pytest.raises(PermissionError):
        svc.transfer(store, item, people["vic"], "someone", why="x")


def test_an_external_capture_is_registered_by_hash(store, env, people):
    sha = hashlib.sha256(b"a capture kept by an archiver").hexdigest()
    result = svc.register_capture(store, people["rita"], sha256=sha, name="capture.wacz",
                                  source_url="https://archive.example.org/wacz/1")
    doc = svc.describe(store, result["id"])
    assert doc["item"]["kind"] == "capture" and doc["item"]["timestamped"] and doc["item"]["sha256"] == sha
    with pytest.raises(EvidenceRefused, match="64 hexadecimal"):
        svc.register_capture(store, people["rita"], sha256="abc", name="x", source_url="https://example.org")


def test_detection_reads_content_not_names(tmp_path):
    warc = b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: 2024-02-27T14:05:00Z\r\nWARC-Target-URI: https://example.org/\r\n\r\n"
    (tmp_path / "a.warc").write_bytes(warc)
    assert files.detect(warc, tmp_path / "a.warc") == "application/warc"
    assert files.metadata(tmp_path / "a.warc", "application/warc") == {
        "capture_date": "2024-02-27T14:05:00Z", "targets": ["https://example.org/"]}
    wacz = tmp_path / "c.wacz"
    with zipfile.ZipFile(wacz, "w") as zf:
        zf.writestr("datapackage.json", json.dumps({"created": "2024-02-27", "software": "test"}))
        zf.writestr("archive/data.warc", warc)
    assert files.detect(wacz.read_bytes()[:65536], wacz) == "application/wacz"
    buf = io.BytesIO()
    jpeg(tmp_path / "x.jpg")
    buf.write((tmp_path / "x.jpg").read_bytes())
    assert files.detect(buf.getvalue(), tmp_path / "x.jpg") == "image/jpeg"


def test_evidence_settings_are_declared_and_misspellings_refused(monkeypatch, tmp_path):
    from civwatch.settings import ConfigError, evidence_max_bytes, evidence_root

    monkeypatch.delenv("CIVWATCH_EVIDENCE_ROOT", raising=False)
    assert evidence_root(str(tmp_path / "store.sqlite")) == (tmp_path / "evidence").resolve()
    monkeypatch.setenv("CIVWATCH_EVIDENCE_MAX_BYTES", "ten")
    with pytest.raises(ConfigError, match="whole number"):
        evidence_max_bytes()
    monkeypatch.delenv("CIVWATCH_EVIDENCE_MAX_BYTES")
    monkeypatch.setenv("CIVWATCH_EVIDENCE_ROT", str(tmp_path))
    with pytest.raises(ConfigError, match="Did you mean CIVWATCH_EVIDENCE_ROOT"):
        evidence_root()

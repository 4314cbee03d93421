"""Bundles for an inquiry: written from a real store with a real local TSA, then checked with no
store at all; a tampered file, a tampered manifest, a forged token and a removed custody entry
are each found."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from civwatch.domain.decisions import DecisionIn
from civwatch.services import auth, cases, decisions
from civwatch.services import evidence as svc
from civwatch.services import evidence_bundle as bundles
from civwatch.services import evidence_tsa as tsa
from tests.case_support import one_sided_rows, register_incidents
from tests.evidence_support import jpeg, pdf, rewrite_zip, start_tsa

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tsa_servers(tmp_path_factory):
    good = start_tsa(tmp_path_factory.mktemp("tsa"))
    rogue = start_tsa(tmp_path_factory.mktemp("rogue-tsa"))
    yield good, rogue
    good.stop()
    rogue.stop()


@pytest.fixture(scope="module")
def made(tmp_path_factory, tsa_servers, shared_data):
    """One SQLite store with a case, two items (one linked to the case, one to its incident),
    a decision on the case, and its bundle."""
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    good, _ = tsa_servers
    folder = tmp_path_factory.mktemp("bundle")
    saved = {k: os.environ.get(k) for k in ("CIVWATCH_EVIDENCE_ROOT", "CIVWATCH_TSA_URL", "CIVWATCH_TSA_CA_FILE")}
    os.environ.update(CIVWATCH_EVIDENCE_ROOT=str(folder / "evidence"), CIVWATCH_TSA_URL=good.url,
                      CIVWATCH_TSA_CA_FILE=str(good.ca))
    try:
        engine = make_engine(f"sqlite:///{folder / 'store.sqlite'}")
        migrate.upgrade(engine)
        incident = next(iter(register_incidents(engine, one_sided_rows(shared_data, 1)).values()))
        ivan = auth.add_user(engine, "ivan", "a long test password", "investigator,recorder")
        case_id = cases.open_from_incident(engine, incident, ivan, "test case")
        photo = svc.add_file(engine, jpeg(folder / "photo.jpg"), ivan, links=svc.parse_links(cases=[case_id]))
        statement = svc.add_file(engine, pdf(folder / "statement.pdf"), ivan, links=svc.parse_links(incidents=[incident]))
        svc.view(engine, photo["id"], ivan, why="first look")
        decision = decisions.record(engine, ivan, DecisionIn(
            system="TestTargetingAid", system_version="0.1-test", kind="targeting", inputs=[photo["id"]],
            output="strike recommended", confidence=0.7, reviewer="ivan", decision="overridden",
            rule="test ROE 1.2", decided_at=datetime(2024, 2, 27, 14, 0, tzinfo=UTC), case_id=case_id))
        out = folder / "bundle.zip"
        summary = bundles.bundle(engine, ivan, out, case_id=case_id, why="inquiry 17")
        engine.dispose()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"bundle": out, "summary": summary, "ca": good.ca, "items": [photo, statement], "decision": decision,
            "folder": folder, "rogue": tsa_servers[1], "tsa_url": good.url}


def _run_verify(bundle: Path, ca: Path | None, cwd: Path) -> subprocess.CompletedProcess:
    """`civwatch evidence verify` as a fresh process with no store configured and empty data dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    env |= {"HOME": str(cwd / "home"), "XDG_DATA_HOME": str(cwd / "data"), "PYTHONPATH": str(REPO / "src")}
    args = [sys.executable, "-c", "from civwatch.cli.main import app; app()", "evidence", "verify", str(bundle)]
    if ca:
        args += ["--tsa-ca", str(ca)]
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_an_untouched_bundle_verifies_on_a_fresh_machine(made, tmp_path):
    assert made["summary"]["items"] == 2 and made["summary"]["decisions"] == 1 and made["summary"]["timestamped"]
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    copy = fresh / "bundle.zip"
    shutil.copy(made["bundle"], copy)
    shutil.copy(made["ca"], fresh / "ca.pem")
    done = _run_verify(copy, fresh / "ca.pem", fresh)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bundle verified" in done.stdout
    # no store was opened or made: the empty folders stay empty
    assert sorted(p.name for p in fresh.rglob("*")) == ["bundle.zip", "ca.pem"]
    # and without --tsa-ca it trusts the certificate inside, and says so
    inside = _run_verify(copy, None, fresh)
    assert inside.returncode == 0 and "inside the bundle" in inside.stdout


def test_the_manifest_agrees_with_the_files(made):
    import zipfile

    with zipfile.ZipFile(made["bundle"]) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for item in manifest["items"]:
            assert hashlib.sha256(zf.read(item["file"])).hexdigest() == item["sha256"]
            assert tsa.verify_token(zf.read(item["timestamp"]["token"]), bytes.fromhex(item["sha256"]))
            assert item["custody"][-1]["seq"] > item["custody"][0]["seq"]
        audit_lines = zf.read("audit.jsonl").decode().splitlines()
    assert {i["id"] for i in manifest["items"]} == {i["id"] for i in made["items"]}
    assert [d["id"] for d in manifest["decisions"]] == [made["decision"]]
    assert manifest["decisions"][0]["decision"] == "overridden" and manifest["decisions"][0]["inputs"] == [made["items"][0]["id"]]
    custody = sum(len(i["custody"]) for i in manifest["items"])
    assert len(audit_lines) == custody + 1 == manifest["audit"]["entries"]


def _verify_changed(made, tmp_path, change) -> bundles.Verification:
    target = tmp_path / "changed.zip"
    rewrite_zip(made["bundle"], target, change)
    return bundles.verify(target, made["ca"])


def test_a_tampered_file_is_found(made, tmp_path):
    sha = made["items"][0]["sha256"]

    def change(m):
        data = bytearray(m[f"files/{sha}"])
        data[-10] ^= 0xFF
        m[f"files/{sha}"] = bytes(data)
        return m

    result = _verify_changed(made, tmp_path, change)
    assert not result.ok and any("the file was altered" in p for p in result.problems)


def test_a_tampered_manifest_is_found(made, tmp_path):
    def change(m):
        manifest = json.loads(m["manifest.json"])
        manifest["items"][0]["name"] = "someone-else.jpg"
        m["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
        return m

    result = _verify_changed(made, tmp_path, change)
    assert not result.ok and any(p.startswith("manifest.json:") for p in result.problems)


@pytest.mark.parametrize("forgery", ["other_tsa", "other_content", "altered_signature", "altered_time"])
def test_a_forged_timestamp_token_is_found(forgery, made, tmp_path):
    sha = made["items"][1]["sha256"]
    if forgery == "other_tsa":  # a token for the right content from an authority not trusted
        token = tsa.request_stamp(made["rogue"].url, bytes.fromhex(sha)).token
    elif forgery == "other_content":
        token = tsa.request_stamp(made["tsa_url"], hashlib.sha256(b"other content").digest()).token  # same TSA
    else:
        import zipfile

        with zipfile.ZipFile(made["bundle"]) as zf:
            data = bytearray(zf.read(f"tokens/{sha}.tsr"))
        if forgery == "altered_signature":  # the signer's signature closes the token
            data[-20] ^= 0x01
        else:  # an earlier year in the signed TSTInfo's genTime (YYYYMMDDhhmmssZ)
            year = str(datetime.now(UTC).year).encode()
            at = bytes(data).index(b"\x18\x0f" + year) + 2
            data[at:at + 4] = str(int(year) - 1).encode()
        token = bytes(data)

    def change(m):
        m[f"tokens/{sha}.tsr"] = token
        return m

    result = _verify_changed(made, tmp_path, change)
    assert not result.ok
    assert any(p.startswith(f"item {made['items'][1]['id']}") and "timestamp token" in p for p in result.problems)


@pytest.mark.parametrize("how", ["line_only", "consistently"])
def test_a_removed_custody_entry_is_found(how, made, tmp_path):
    item = made["items"][0]

    def change(m):
        manifest = json.loads(m["manifest.json"])
        entry = next(i for i in manifest["items"] if i["id"] == item["id"])
        viewed = entry["custody"][-2]  # the "viewed" step before the export
        lines = [line for line in m["audit.jsonl"].decode().splitlines() if json.loads(line)["seq"] != viewed["seq"]]
        m["audit.jsonl"] = ("\n".join(lines) + "\n").encode()
        if how == "consistently":  # also struck from the manifest, whose record of audit.jsonl is redone
            entry["custody"] = [s for s in entry["custody"] if s["seq"] != viewed["seq"]]
            manifest["audit"]["sha256"] = hashlib.sha256(m["audit.jsonl"]).hexdigest()
            manifest["audit"]["entries"] -= 1
            m["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode()
        return m

    result = _verify_changed(made, tmp_path, change)
    assert not result.ok
    assert any("does not follow the one before it" in p for p in result.problems)
    if how == "line_only":
        assert any("is missing from audit.jsonl" in p for p in result.problems)
    else:
        assert any(p.startswith("manifest.json:") for p in result.problems)


def test_an_altered_decision_is_found(made, tmp_path):
    def change(m):
        lines = []
        for line in m["audit.jsonl"].decode().splitlines():
            e = json.loads(line)
            if e["event"] == "decision_logged":
                after = json.loads(e["after"])
                after["decision"] = "approved"
                e["after"] = json.dumps(after, sort_keys=True, separators=(",", ":"))
            lines.append(json.dumps(e, sort_keys=True, separators=(",", ":")))
        m["audit.jsonl"] = ("\n".join(lines) + "\n").encode()
        return m

    result = _verify_changed(made, tmp_path, change)
    assert not result.ok and any("does not match its hash" in p for p in result.problems)

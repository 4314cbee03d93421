"""Request bodies and client addresses on a real uvicorn server: an upload is refused (role,
CSRF, size) before its body is read or stored, JSON bodies are capped, scratch folders of dead
processes are cleaned, and X-Forwarded-For counts only from a configured proxy."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import uvicorn

from civwatch import settings
from civwatch.app import MAX_BODY_BYTES, create_app
from civwatch.cli.stats import server_options
from civwatch.services import auth, uploads
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.access_support import INCIDENT, PUBLIC_REPORT
from tests.web.conftest import free_port

PW = "a long test password"


def serve(engine, **options):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning", lifespan="off", **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    url = f"sqlite:///{folder / 'civwatch.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    auth.add_user(engine, "rita", PW, "recorder")
    token = auth.issue_token(engine, "rita")
    server, base = serve(engine)
    yield {"engine": engine, "url": url, "base": base, "token": token, "scratch": settings.scratch_dir(url)}
    server.should_exit = True


def raw_post(base: str, path: str, headers: dict[str, str], first_bytes: bytes) -> tuple[int, float]:
    """Send the headers and only the first bytes of a (much larger) declared body; return the
    status the server answers with, and how long it took. A server that waited for the body
    before refusing would not answer at all (socket timeout)."""
    u = urlparse(base)
    started = time.monotonic()
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        head = f"POST {path} HTTP/1.1\r\nHost: {u.hostname}\r\nConnection: close\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        s.sendall(head.encode() + first_bytes)
        reply = s.recv(65536).decode("latin-1")
    return int(reply.split(" ", 2)[1]), time.monotonic() - started


def logged_in(base: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    assert c.post("/login", data={"username": "rita", "password": PW, "csrf": token}).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/imports").text).group(1)
    return c, csrf


def upload_folders(site) -> list[Path]:
    return [p for p in site["scratch"].glob("upload-*")] if site["scratch"].exists() else []


def test_an_anonymous_300_mb_upload_is_refused_before_its_body(site) -> None:
    boundary = "b0undary"
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(300 * 1024 * 1024)}
    start = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'.encode()
    status, seconds = raw_post(site["base"], "/imports", headers, start + b"x" * 65536)
    assert status == 403 and seconds < 5
    assert upload_folders(site) == []


def test_a_recorder_upload_needs_the_csrf_token_before_the_body(site) -> None:
    client, csrf = logged_in(site["base"])
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    headers = {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(300 * 1024 * 1024), "Cookie": cookie}
    status, _ = raw_post(site["base"], "/imports", headers, b"--x\r\n")
    assert status == 403  # no token in the action: refused before the body
    headers["Content-Length"] = str(uploads.MAX_UPLOAD_BYTES + 1)
    status, _ = raw_post(site["base"], f"/imports?csrf={csrf}", headers, b"--x\r\n")
    assert status == 413  # the token is right, but the declared size is over the limit
    assert upload_folders(site) == []


def test_a_streamed_upload_past_the_limit_is_cut_off_and_removed(site, monkeypatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 256 * 1024)  # the server runs in this process
    client, csrf = logged_in(site["base"])

    def body():
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        for _ in range(64):
            yield b"a,b,c\n" * 2000  # 12 kB a chunk, 768 kB in all, no Content-Length
        yield b"\r\n--x--\r\n"

    r = client.post(f"/imports?csrf={csrf}", content=body(), headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413
    assert upload_folders(site) == []


def test_a_refused_format_removes_the_uploaded_file(site) -> None:
    client, csrf = logged_in(site["base"])
    r = client.post(f"/imports?csrf={csrf}", data={"format": "nonsense"}, files={"file": ("x.csv", b"a,b\n1,2\n")})
    assert r.status_code == 400 and "format must be one of" in r.text
    assert upload_folders(site) == []


def test_json_bodies_are_capped(site) -> None:
    bearer = {"Authorization": f"Bearer {site['token']}"}
    big = {**INCIDENT, "headline": "x" * (MAX_BODY_BYTES + 10)}
    r = httpx.post(f"{site['base']}/api/incidents", json=big, headers=bearer)
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")

    def chunks():
        yield b'{"headline": "'
        for _ in range(40):
            yield b"y" * 32768
        yield b'"}'

    r = httpx.post(f"{site['base']}/api/incidents", content=chunks(), headers={**bearer, "Content-Type": "application/json"})
    assert r.status_code == 413
    ok = httpx.post(f"{site['base']}/api/incidents", json=INCIDENT, headers=bearer)
    assert ok.status_code == 201


def test_stale_scratch_folders_of_dead_processes_are_removed(site) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    site["scratch"].mkdir(parents=True, exist_ok=True)
    stale = site["scratch"] / f"import-{pid}-abc"
    stale.mkdir()
    (stale / "stage.sqlite").write_bytes(b"left by a killed import")
    mine = settings.scratch_folder(site["url"], "upload")
    assert settings.clean_stale(site["url"]) == 1
    assert not stale.exists() and mine.exists()
    mine.rmdir()


def test_scratch_lives_beside_the_store(site) -> None:
    assert site["scratch"].parent == Path(site["url"].split("///", 1)[1]).parent


@pytest.mark.parametrize("trusted", [False, True], ids=["no-proxy-configured", "loopback-proxy-configured"])
def test_forwarded_addresses_count_only_from_a_configured_proxy(tmp_path, monkeypatch, trusted: bool) -> None:
    monkeypatch.setenv("CIVWATCH_PUBLIC_REPORT_LIMIT", "2")
    engine = make_engine(f"sqlite:///{tmp_path / 'civwatch.sqlite'}")
    migrate.upgrade(engine)
    env = {"CIVWATCH_TRUSTED_PROXIES": "127.0.0.1"} if trusted else {}
    server, base = serve(engine, **server_options(1, env))
    try:
        statuses = [httpx.post(f"{base}/api/public-reports", json=PUBLIC_REPORT,
                               headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(4)]
    finally:
        server.should_exit = True
    # untrusted: the header is ignored, all four come from 127.0.0.1 and the third is refused
    assert statuses == ([202] * 4 if trusted else [202, 202, 429, 429])


def test_more_than_one_worker_needs_the_secret_key() -> None:
    with pytest.raises(ValueError, match="CIVWATCH_SECRET_KEY"):
        server_options(2, {})
    assert server_options(2, {"CIVWATCH_SECRET_KEY": "k" * 32}) == {"proxy_headers": False}


def test_logout_kills_a_copied_cookie_and_failed_logins_get_429(site) -> None:
    client, _ = logged_in(site["base"])
    copied = dict(client.cookies)
    assert client.get("/cases.json").status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    thief = httpx.Client(base_url=site["base"], cookies=copied)
    assert thief.get("/cases.json").status_code == 401  # the session ended on the server, not only in the browser

    guesser = httpx.Client(base_url=site["base"])
    token = re.search(r'name="csrf" value="([^"]+)"', guesser.get("/login").text).group(1)
    codes = [guesser.post("/login", data={"username": "rita", "password": f"guess-{i}-xxxxx", "csrf": token}).status_code
             for i in range(auth.MAX_FAILURES_PER_ACCOUNT + 1)]
    assert codes == [401] * auth.MAX_FAILURES_PER_ACCOUNT + [429]
    last = guesser.post("/login", data={"username": "rita", "password": PW, "csrf": token})
    assert last.status_code == 429 and "too many failed logins" in last.text

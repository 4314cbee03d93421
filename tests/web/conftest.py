"""A live civwatch server and a real Chromium for the browser tests.

The server is the real app under uvicorn, in a thread, on a free port, against a temporary
SQLite store. Chromium is Debian's /usr/bin/chromium driven by Playwright (never a downloaded
browser). Without Chromium the browser tests are skipped, except under CI=true, where that
is a failure. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine

from civwatch.app import create_app
from civwatch.services import auth, demo
from civwatch.store import migrate
from civwatch.store.db import make_engine

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RECORDER = ("rita.recorder", "a-long-test-password-1")
VIEWER = ("vic.viewer", "a-long-test-password-2")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    engine: Engine


def start_server(engine: Engine) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    config = uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the civwatch server did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def sample_store(folder: Path) -> Engine:
    """A SQLite store loaded with the bundled real UCDP GED sample, plus two users."""
    engine = make_engine(f"sqlite:///{folder / 'civwatch.sqlite'}")
    migrate.upgrade(engine)
    demo.load_sample(engine, actor="test")
    auth.add_user(engine, RECORDER[0], RECORDER[1], "recorder")
    auth.add_user(engine, VIEWER[0], VIEWER[1], "viewer")
    return engine


def _serve(engine: Engine) -> Iterator[LiveServer]:
    server, thread, url = start_server(engine)
    yield LiveServer(url=url, engine=engine)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo data, read only: tests that write use `writable_server`."""
    yield from _serve(sample_store(tmp_path_factory.mktemp("web-read")))


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo data in a store of the test module's own, for tests that record or import."""
    yield from _serve(sample_store(tmp_path_factory.mktemp("web-write")))


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    """The server a test's browser talks to; modules that write override it with writable_server."""
    return live_server


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing: the browser tests must run in CI")
        pytest.skip("no /usr/bin/chromium: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=[(1280, 900), (390, 844)], ids=["1280px", "390px"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    width, height = request.param
    return {"width": width, "height": height}


@pytest.fixture
def page(browser, server: LiveServer) -> Iterator:
    """A fresh browser context (no cookies) at 1280 px; page errors are collected in `page.errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.errors = errors
    yield pg
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable:
    """Save a full-page screenshot as test-artifacts/<test>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(pg, name: str) -> Path:
        safe = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")
        path = ARTIFACTS / f"{safe}-{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(pg, who: tuple[str, str] = RECORDER) -> None:
    pg.goto("/login")
    pg.get_by_label("Username").fill(who[0])
    pg.get_by_label("Password").fill(who[1])
    pg.get_by_role("button", name="Log in").click()
    pg.wait_for_load_state()

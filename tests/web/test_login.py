"""Logging in and out in Chromium: the session cookie, CSRF on forms, the write link appears."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.web.conftest import RECORDER, log_in

pytestmark = pytest.mark.browser


def test_log_in_and_out(page, screenshot) -> None:
    page.goto("/login")
    screenshot(page, "login")
    assert page.get_by_role("link", name="Record an incident").count() == 0
    log_in(page)
    assert page.get_by_role("link", name="Record an incident").is_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "civwatch_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Log in").is_visible()
    assert page.get_by_role("link", name="Record an incident").count() == 0


def test_wrong_password_is_refused(page) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(RECORDER[0])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "wrong username or password"
    assert page.get_by_role("link", name="Record an incident").count() == 0


def test_a_form_without_the_session_token_is_refused(live_server) -> None:
    with httpx.Client(base_url=live_server.url) as client:
        client.get("/login")
        response = client.post("/login", data={"username": RECORDER[0], "password": RECORDER[1], "csrf": "forged"})
        assert response.status_code == 403
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        ok = client.post("/login", data={"username": RECORDER[0], "password": RECORDER[1], "csrf": token})
        assert ok.status_code == 303
        # another visitor's token is worthless in this session
        with httpx.Client(base_url=live_server.url) as other:
            other.get("/login")
            response = other.post("/logout", data={"csrf": token})
            assert response.status_code == 403


def test_an_open_redirect_is_not_followed(live_server) -> None:
    with httpx.Client(base_url=live_server.url) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        response = client.post("/login", data={"username": RECORDER[0], "password": RECORDER[1], "csrf": token, "next": "//evil.example/"})
        assert response.headers["location"] == "/"

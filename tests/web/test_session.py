"""The session cookie cannot be forged or replayed past its expiry; CSRF tokens must match."""

from __future__ import annotations

import time

import pytest

from civwatch.web.session import CsrfError, Session, SessionCodec, check_csrf, log_in, log_out


def test_a_session_survives_the_round_trip() -> None:
    codec = SessionCodec("k" * 32)
    s = Session(exp=int(time.time()) + 60)
    log_in(s, "sid-7")
    back = codec.loads(codec.dumps(s))
    assert (back.sid, back.csrf, back.changed) == ("sid-7", s.csrf, False)


def test_a_forged_or_foreign_cookie_gives_a_fresh_anonymous_session() -> None:
    codec = SessionCodec("k" * 32)
    s = Session(exp=int(time.time()) + 60)
    log_in(s, "sid-7")
    cookie = codec.dumps(s)
    payload, signature = cookie.split(".")
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps({"sid": "sid-1", "csrf": s.csrf, "exp": s.exp}).encode()).decode().rstrip("=")
    for bad in (f"{forged}.{signature}", cookie + "x", "garbage", "", SessionCodec("other-key").dumps(s)):
        fresh = codec.loads(bad)
        assert fresh.sid is None and fresh.csrf != s.csrf and fresh.changed


def test_an_expired_session_is_not_accepted() -> None:
    codec = SessionCodec("k" * 32)
    s = Session(sid="sid-3", exp=int(time.time()) - 1)
    assert codec.loads(codec.dumps(s)).sid is None


def test_csrf_tokens_must_match_and_change_at_login_and_logout() -> None:
    s = Session()
    check_csrf(s, s.csrf)
    for bad in (None, "", s.csrf + "x"):
        with pytest.raises(CsrfError):
            check_csrf(s, bad)
    before = s.csrf
    log_in(s, "sid-1")
    assert s.csrf != before
    during = s.csrf
    log_out(s)
    assert s.csrf != during and s.sid is None

"""Signed session cookies and CSRF tokens for the HTML pages (standard library only).

The cookie holds {"sid", "csrf", "exp"} as base64 JSON plus an HMAC-SHA256 of it, so a visitor
can read but not forge it. `sid` names a server-side session (`web_sessions`, only its hash
stored): logging out, or disabling the user, ends it on the server, so a copied cookie dies too. Every visitor gets a CSRF token, logged in or not (the login form
needs one too); every POST from a form must carry it back (`check_csrf`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field

COOKIE = "civwatch_session"
MAX_AGE = 8 * 3600  # a working day


class CsrfError(PermissionError):
    """A form came back without the token of the session that served it."""


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sid: str | None = None
    exp: int = 0
    changed: bool = False


class SessionCodec:
    def __init__(self, secret_key: str | None) -> None:
        # Without a configured key, sessions last as long as the process: safe, if forgetful.
        self._key = (secret_key or secrets.token_hex(32)).encode("utf-8")

    def _sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, payload, hashlib.sha256).digest()).decode().rstrip("=")

    def dumps(self, session: Session) -> str:
        body = json.dumps({"sid": session.sid, "csrf": session.csrf, "exp": session.exp}, separators=(",", ":"))
        payload = base64.urlsafe_b64encode(body.encode("utf-8"))
        return payload.decode().rstrip("=") + "." + self._sign(payload.rstrip(b"="))

    def loads(self, cookie: str | None) -> Session:
        """The session in the cookie, or a fresh one when it is missing, forged or expired."""
        if cookie and cookie.count(".") == 1:
            payload, signature = cookie.split(".")
            if hmac.compare_digest(signature, self._sign(payload.encode())):
                try:
                    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
                    if int(data["exp"]) > time.time() and isinstance(data["csrf"], str):
                        sid = data.get("sid")
                        return Session(csrf=data["csrf"], sid=sid if isinstance(sid, str) else None, exp=int(data["exp"]))
                except (ValueError, KeyError, TypeError):
                    pass
        return Session(exp=int(time.time()) + MAX_AGE, changed=True)


def check_csrf(session: Session, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(session.csrf, submitted):
        raise CsrfError("the form expired or did not come from this site; reload the page and try again")


def log_in(session: Session, sid: str) -> None:
    """A new token at login, so a token seen before login is worthless after it."""
    session.sid = sid
    session.csrf = secrets.token_urlsafe(24)
    session.exp = int(time.time()) + MAX_AGE
    session.changed = True


def log_out(session: Session) -> None:
    session.sid = None
    session.csrf = secrets.token_urlsafe(24)
    session.changed = True

"""Telling a case's officer that a list produced candidates: email through the SMTP server in
CIVWATCH_SMTP_HOST / _PORT (unset: recorded as unsent). The message names no one: it gives the
case code, how many candidates and where to look. Every attempt is recorded on the case."""

from __future__ import annotations

import logging
import os
import smtplib
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import Engine

from civwatch import settings
from civwatch.store import missing as store

log = logging.getLogger(__name__)


def tell_officer(engine: Engine, case: dict, new: int, source: str, now: datetime) -> str:
    recipient = case.get("officer_email") or os.environ.get("CIVWATCH_MISSING_NOTIFY_TO") or ""
    subject = f"civwatch: {new} candidate(s) for missing-person case {case['code']}"
    status, detail = "unsent", "no recipient (set CIVWATCH_MISSING_NOTIFY_TO or the case's officer address)"
    host = os.environ.get("CIVWATCH_SMTP_HOST")
    if recipient and not host:
        detail = "no SMTP server configured (CIVWATCH_SMTP_HOST)"
    elif recipient and host:
        msg = EmailMessage()
        msg["From"] = os.environ.get("CIVWATCH_SMTP_FROM", "civwatch@localhost")
        msg["To"] = recipient
        msg["Subject"] = subject
        msg.set_content(f"{new} new candidate(s) from {source} await a decision on case {case['code']} "
                        f"(/missing/cases/{case['id']}). Nothing is confirmed until a person confirms it.\n")
        try:
            with smtplib.SMTP(host, settings.int_setting("CIVWATCH_SMTP_PORT", 25, 1), timeout=10) as smtp:
                smtp.send_message(msg)
            status, detail = "sent", None
        except (OSError, smtplib.SMTPException) as exc:
            status, detail = "failed", f"{type(exc).__name__}: {exc}"[:500]
            log.warning("notification for missing case %s failed: %s", case["id"], type(exc).__name__)
    with engine.begin() as conn:
        store.add_notification(conn, {"case_id": case["id"], "recipient": recipient or "-", "subject": subject,
                                      "status": status, "detail": detail, "at": now})
    return status

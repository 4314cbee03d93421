"""The documented CSV layouts for what no UNTC file holds (docs/treaties.md).

Treaty actions (instruments not deposited with the UN Secretary-General, and withdrawals):

    state,instrument,action,date,source_url
    PHL,XVIII-10,withdrawal,2019-03-17,https://treaties.un.org/doc/Publication/CN/2018/CN.138.2018-Eng.pdf

`state` is an ISO 3166 alpha-3 code or a UNTC name; `instrument` a pinned id or key of the
register; `action` one of the domain's actions; `date` ISO 8601 (for a withdrawal the day it
takes effect); `source_url` http(s), required: every row says where it comes from.

Forum membership changes (the same shape; the maintained table ships in data/forum_changes.csv):

    forum,state,change,date,source,source_url
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import urlparse

from civwatch.domain import forums as fdom
from civwatch.domain.records import Rejection
from civwatch.domain.treaties import Action, ActionRecord, instrument
from civwatch.sources.base import Table, check_width, raw_json
from civwatch.sources.untc import HISTORICAL, iso3_for

ACTION_COLUMNS = ("state", "instrument", "action", "date", "source_url")
FORUM_COLUMNS = ("forum", "state", "change", "date", "source", "source_url")


def is_actions(header: list[str]) -> bool:
    return [h.strip().lower() for h in header[:5]] == list(ACTION_COLUMNS)


def is_forum_changes(header: list[str]) -> bool:
    return [h.strip().lower() for h in header[:6]] == list(FORUM_COLUMNS)


def _url(text: str) -> str:
    u = text.strip()
    p = urlparse(u)
    if p.scheme not in ("http", "https") or not p.netloc:
        raise ValueError(f"source_url must be an http(s) address, got {text!r}")
    return u


def _date(text: str, today: date) -> date:
    try:
        d = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"unreadable date {text!r} (expected YYYY-MM-DD)") from None
    if d > today:
        raise ValueError(f"date {d} is after the import date {today}")
    return d


def state_code(text: str) -> str:
    code = iso3_for(text)
    if code in HISTORICAL:
        raise ValueError(f"{text!r} is a former state; record actions of its successors")
    return code


def action_records(table: Table, today: date) -> Iterator[list[ActionRecord] | Rejection]:
    width = len(table.header)
    for line, row in table.rows:
        raw = raw_json(dict(zip(table.header, row, strict=False)))
        why = check_width(row, width)
        if why:
            yield Rejection(line, why, raw)
            continue
        try:
            state, inst, action, when, url = (c.strip() for c in row[:5])
            try:
                act = Action(action.lower())
            except ValueError:
                raise ValueError(f"unknown action {action!r}; actions are {', '.join(a.value for a in Action)}") from None
            yield [ActionRecord(instrument(inst).id, state_code(state), act, _date(when, today), state, "csv", _url(url), line)]
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)


def forum_change_records(table: Table, today: date) -> Iterator[tuple | Rejection]:
    """(forum id, iso3, ForumEvent, date, source, source_url, name as received) per row."""
    width = len(table.header)
    for line, row in table.rows:
        raw = raw_json(dict(zip(table.header, row, strict=False)))
        why = check_width(row, width)
        if why:
            yield Rejection(line, why, raw)
            continue
        try:
            forum, state, change, when, source, url = (c.strip() for c in row[:6])
            try:
                event = fdom.ForumEvent(change.lower())
            except ValueError:
                raise ValueError(f"unknown change {change!r}; changes are {', '.join(e.value for e in fdom.ForumEvent)}") from None
            if not source:
                raise ValueError("source is empty: every change names its source")
            yield (fdom.forum(forum).id, state_code(state), event, _date(when, today), source, _url(url), state)
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)

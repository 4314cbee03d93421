"""Screening evidence read from the tables users maintain and from case work: the embargo
table on the application date, diversion (the SIPRI proxies and the diversion table), and CHMR
findings against the recipient's forces. Each item carries its source and date; what is not
loaded is said to be missing, never read as "no risk".
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from datetime import UTC, date, datetime, time

from sqlalchemy import Connection

from civwatch.domain import screening_tables as tdom
from civwatch.sources import countries
from civwatch.store import screening as store
from civwatch.store import screening_tables as tables

PAREN = re.compile(r"\(([^()]+)\)\s*$")
CHECK_LISTS = "check the UN Security Council, EU and national embargo lists"


def embargo(conn: Connection, iso3: str, on: date, end_user: str, item: str) -> dict:
    """The embargo table in force, read on `on`: each statement with its status that day and
    whether it bears on this end user and item."""
    batches = tables.current_batches(conn, "embargo")
    if not batches:
        return {"loaded": False, "statements": [], "in_force": 0, "tables": [],
                "missing": [f"no embargo table imported: {CHECK_LISTS}"]}
    rows = tables.rows(conn, "embargo", [b["id"] for b in batches], iso3)
    statements = []
    for r in rows:
        statements.append({"source": r["source"], "url": r["url"], "stated_on": r["stated_on"].isoformat(),
                           "scope": r["scope"], "start": r["starts_on"].isoformat() if r["starts_on"] else None,
                           "end": r["ends_on"].isoformat() if r["ends_on"] else None, "text": r["text"],
                           "status": tdom.embargo_status(r, on), "applies": tdom.applies(r, end_user, item),
                           "batch_id": r["batch_id"], "line": r["line"]})
    status = Counter(s["status"] for s in statements if s["applies"])
    missing = [] if statements else [f"{iso3} is not listed in the embargo table loaded: {CHECK_LISTS}"]
    if status["start_not_recorded"]:
        missing.append(f"{status['start_not_recorded']} statements have no start or end date recorded: date them in the table")
    return {"loaded": True, "on": on.isoformat(), "statements": statements, "by_status": dict(status),
            "in_force": status["in_force"], "start_not_recorded": status["start_not_recorded"],
            "lifted_statements": sum(1 for s in statements if s["status"] == "lifted"),
            "tables": [{"batch_id": b["id"], "file": b["file_name"], "layout": b["source_format"],
                        "imported_at": b["finished_at"].isoformat() if b["finished_at"] else None} for b in batches],
            "source": "; ".join(sorted({s["source"] for s in statements})) or "embargo table", "missing": missing}


def diversion(conn: Connection, iso3: str, date_from: date, date_to: date) -> dict:
    """ATT 11 / EU criterion 7. SIPRI proxies (major conventional arms only): deals the recipient
    supplied to non-state actors (`*`), deals to non-state actors located in the recipient's
    territory, second-hand deals it re-exported; and the diversion table the user maintains."""
    sipri = store.sipri_loaded(conn)
    batches = tables.current_batches(conn, "diversion")
    y0, y1 = date_from.year, date_to.year
    out: dict = {"sipri_loaded": sipri is not None, "table_loaded": bool(batches), "missing": []}
    if sipri is not None:
        supplied = store.transfers_from(conn, iso3, y0, y1)
        to_non_state = [r for r in supplied if r["recipient_marker"] == "*"]
        within = []
        for r in store.non_state_deliveries(conn, y0, y1):
            m = PAREN.search(r["recipient"])
            if m and _country(m.group(1)) == iso3:
                within.append(r)
        out |= {"sipri_source": f"SIPRI Arms Transfers Database ({sipri['file_name']}, batch {sipri['id']})",
                "supplied_to_non_state": [_deal(r) for r in to_non_state],
                "non_state_recipients_in_country": [_deal(r) for r in within],
                "second_hand_re_exports": sum(1 for r in supplied if r["status"].startswith("Second hand")),
                "deals_supplied": len(supplied)}
    else:
        out["missing"].append("no SIPRI trade register imported")
    rows = tables.rows(conn, "diversion", [b["id"] for b in batches], iso3) if batches else []
    in_window = [r for r in rows if date_from <= (r["event_date"] or r["reported_on"]) <= date_to]
    out["reports"] = [{"source": r["source"], "url": r["url"], "reported_on": r["reported_on"].isoformat(), "kind": r["kind"],
                       "event_date": r["event_date"].isoformat() if r["event_date"] else None, "items": r["items"],
                       "text": r["text"], "batch_id": r["batch_id"], "line": r["line"]} for r in in_window]
    if not batches:
        out["missing"].append("no diversion data loaded (diversion table not imported): see docs/screening.md for where "
                              "official sources live")
    out["loaded"] = bool(batches) or sipri is not None
    out["records"] = len(out.get("supplied_to_non_state", [])) + len(out.get("non_state_recipients_in_country", [])) + len(in_window)
    return out


@functools.lru_cache(maxsize=1024)
def _country(name: str) -> str | None:
    """The country a SIPRI non-state name places its group in (cached: the lookup is slow)."""
    return countries.from_name(name)


def _deal(r: dict) -> dict:
    keep = ("id", "batch_id", "line", "recipient", "supplier", "order_year", "designation", "description", "tiv_delivered")
    return {k: r[k] for k in keep if k in r}


def chmr(conn: Connection, iso3: str, date_from: date, date_to: date, as_of: date) -> dict:
    """Counts of CHMR findings (never personal data) on cases linked to the forces' incidents in
    the window, as each case's latest findings stood on `as_of`."""
    upto = datetime.combine(as_of, time.max, tzinfo=UTC)
    latest: dict[int, dict] = {}
    for r in store.chmr_findings(conn, iso3, date_from, date_to, upto):
        latest[r["case_id"]] = r
    found = [json.loads(r["details"] or "{}") for r in latest.values()]
    at = [r["at"] for r in latest.values()]
    return {
        "source": "CHMR case work in this store: findings of cases whose incident the party register attributes to "
                  "the recipient's state forces",
        "cases_recorded": store.cases_recorded(conn),
        "cases_with_findings": len(found),
        "harm_confirmed": sum(1 for d in found if d.get("harm_confirmed")),
        "ihl_concern": sum(1 for d in found if d.get("ihl_concern")),
        "attribution": dict(Counter(d.get("attribution", "undetermined") for d in found)),
        "first_finding": min(at).date().isoformat() if at else None,
        "last_finding": max(at).date().isoformat() if at else None,
        "missing": [] if found else ["no CHMR finding recorded against these forces (case work covers only cases opened here)"],
    }

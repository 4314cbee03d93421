"""Importing a list of persons (detained, prisoners of war, the dead, the found, registered
elsewhere): one transaction per file, every row accounted for (accepted + rejected = read), the
list's provenance and date kept; then every open case is searched in it and officers told."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from civwatch.domain import missing as dom
from civwatch.domain import missing_names as names
from civwatch.services import missing as cases
from civwatch.services import missing_notify
from civwatch.services.auth import Principal
from civwatch.services.missing_crypto import cipher
from civwatch.sources import missing_lists as source
from civwatch.sources.base import open_table
from civwatch.store import audit
from civwatch.store import missing as store

BATCH = 5000
MAX_LIST_BYTES = 64 * 1024 * 1024  # an upload over the page or the API; larger lists: the CLI
UPLOAD_FIELDS = ("kind", "title", "provenance", "list_date")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def import_list(engine: Engine, path: Path, kind: str, title: str, provenance: str, list_date: date | str,
                principal: Principal, now: datetime | None = None, search: bool = True) -> dict[str, Any]:
    cases._require(principal, dom.OFFICER_ROLES, "importing a list")
    try:
        kind = dom.ListKind(kind).value
    except ValueError:
        raise dom.MissingRuleError(f"kind: one of {', '.join(k.value for k in dom.ListKind)}") from None
    if isinstance(list_date, str):
        try:
            list_date = date.fromisoformat(list_date)
        except ValueError:
            raise dom.MissingRuleError(f"list_date: give YYYY-MM-DD, not {list_date!r}") from None
    if not title.strip() or not provenance.strip():
        raise dom.MissingRuleError("a list needs a title and its provenance (who published it, where from)")
    now = now or datetime.now(UTC)
    if list_date > now.date():
        raise dom.MissingRuleError("list_date: is in the future")
    path = Path(path)
    table = open_table(path)
    c = cipher()
    read = accepted = rejected = 0
    with engine.begin() as conn:
        list_id = store.insert_list(conn, {"kind": kind, "title": title.strip(), "provenance": provenance.strip(),
                                           "list_date": list_date, "file_name": path.name, "sha256": _sha256(path),
                                           "rows_read": 0, "rows_accepted": 0, "rows_rejected": 0,
                                           "imported_by": principal.username, "imported_at": now})
        next_id = store.next_entry_id(conn)
        entries: list[dict] = []
        keys: list[dict] = []
        bad: list[dict] = []
        for item in source.read(table, list_date):
            read += 1
            if isinstance(item, source.ListRejection):
                rejected += 1
                bad.append({"list_id": list_id, "line": item.line, "reason": item.reason,
                            "row_enc": c.seal(item.cells, f"rejection:{list_id}:{item.line}") or ""})
            else:
                accepted += 1
                person = {"names": item.names, "date_of_birth": item.date_of_birth, "age": item.age,
                          "age_on": list_date.isoformat(), "place": item.place, "reference": item.reference}
                entries.append({"id": next_id, "list_id": list_id, "line": item.line, "sex": item.sex,
                                "person_enc": c.seal(person, f"entry:{list_id}:{item.line}")})
                keys.extend({"entry_id": next_id, "key": c.index_key(k)} for k in names.block_keys(item.names))
                next_id += 1
            if len(entries) >= BATCH or len(bad) >= BATCH:
                store.insert_entries(conn, entries, keys)
                store.insert_rejections(conn, bad)
                entries, keys, bad = [], [], []
        store.insert_entries(conn, entries, keys)
        store.insert_rejections(conn, bad)
        store.finish_list(conn, list_id, read, accepted, rejected)
        audit.append(conn, dom.MissingListImported(actor=principal.username, entity_id=str(list_id), at=now, after={
            "kind": kind, "title": title, "file": path.name, "read": read, "accepted": accepted, "rejected": rejected}))
    found = cases.search_open_cases(engine, list_id, principal.username, now) if search else {}
    with engine.connect() as conn:
        for case_id, new in found.items():
            missing_notify.tell_officer(engine, store.get_case(conn, case_id), new, f"the list '{title}'", now)
    return {"id": list_id, "kind": kind, "read": read, "accepted": accepted, "rejected": rejected,
            "cases_with_new_candidates": len(found), "new_candidates": sum(found.values())}


def check_importer(principal: Principal | None) -> Principal:
    """Refuses (before an upload is read) whoever may not import a list."""
    return cases._require(principal, dom.OFFICER_ROLES, "importing a list")


def import_upload(engine: Engine, path: Path, fields: dict[str, str], principal: Principal,
                  now: datetime | None = None) -> dict[str, Any]:
    """A list uploaded over the page or the API: the same import as the CLI's, its form fields
    (kind, title, provenance, list_date) checked by import_list; the file is the caller's to remove."""
    unknown = sorted(set(fields) - set(UPLOAD_FIELDS) - {"csrf"})
    if unknown:
        raise dom.MissingRuleError(f"unknown field(s): {', '.join(unknown)}; give {', '.join(UPLOAD_FIELDS)}")
    if not fields.get("list_date"):
        raise dom.MissingRuleError("list_date: give the list's date, YYYY-MM-DD")
    return import_list(engine, path, fields.get("kind", ""), fields.get("title", ""), fields.get("provenance", ""),
                       fields["list_date"], principal, now)


def lists(engine: Engine, principal: Principal | None) -> list[dict]:
    cases._require(principal, dom.OFFICER_ROLES, "reading the lists")
    with engine.connect() as conn:
        return store.lists(conn)


def rejections(engine: Engine, list_id: int, principal: Principal | None) -> list[dict]:
    """A list's rejected rows with their reasons; the cells only for the personal-data roles."""
    cases._require(principal, dom.OFFICER_ROLES, "reading a list's rejected rows")
    allowed = cases.can_see_personal(principal)
    with engine.connect() as conn:
        if store.get_list(conn, list_id) is None:
            raise cases.MissingNotFound(f"no list {list_id}")
        rows = store.rejections(conn, list_id)
    c = cipher()
    return [{"line": r["line"], "reason": r["reason"],
             "row": c.open(r["row_enc"], f"rejection:{list_id}:{r['line']}") if allowed else cases.WITHHELD} for r in rows]

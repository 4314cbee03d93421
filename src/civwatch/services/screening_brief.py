"""The screening section of a country brief (services/briefs.py): the recipient-side summary.

Arms transfers the country received (SIPRI: deals ordered in the five years to the brief's
date, TIV delivered, supplier concentration as the Herfindahl-Hirschman index in points 0-10,000,
the largest suppliers) and the screening decisions on record for it by that date. Cells are
language-free (numbers and message ids), rendered in English or French by the briefs' renderer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import Engine

from civwatch.services import messages
from civwatch.store import screening as store

YEARS = 5
TOP = 3
DECISIONS = ("approve", "approve_with_conditions", "deny", "refer", "open")


def _n(v: int | float | None) -> dict:
    return {"t": "n", "v": v}


def _msg(msgid: str) -> dict:
    return {"t": "msg", "v": msgid}


def brief_section(engine: Engine, iso3: str, as_of: date, lang: str | None = None) -> dict | None:
    """{"head", "rows", "footnote"} for the brief, or None when neither SIPRI nor any assessment
    of the country is loaded (the brief then says "not loaded"). `lang`, when given, is checked;
    the cells do not depend on it."""
    if lang is not None and lang not in messages.LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(messages.LANGUAGES)}, got {lang!r}")
    at = datetime.combine(as_of, time.max, tzinfo=UTC)
    with engine.connect() as conn:
        sipri = store.sipri_loaded(conn)
        deals = store.received_in(store.transfers_of(conn, iso3, as_of.year - YEARS + 1), as_of.year - YEARS + 1,
                                  as_of.year) if sipri else []
        decisions = store.decisions_of(conn, iso3, at)
    if sipri is None and not decisions:
        return None
    rows: list[list[dict]] = []
    if sipri is not None:
        by_supplier = store.tiv_by_supplier(deals)
        total = sum(by_supplier.values())
        hhi = round(10_000 * sum((v / total) ** 2 for v in by_supplier.values())) if total else None
        rows += [[_msg("screening.brief.deals"), _n(len(deals))],
                 [_msg("screening.brief.tiv"), _n(round(total, 1))],
                 [_msg("screening.brief.suppliers"), _n(len(by_supplier))],
                 [_msg("screening.brief.hhi"), _n(hhi)]]
        for name, v in sorted(by_supplier.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]:
            rows.append([{"t": "text", "v": name}, _n(round(v, 1))])
    else:
        rows.append([_msg("screening.brief.no_sipri"), {"t": "text", "v": "–"}])
    for d in DECISIONS:
        rows.append([_msg(f"screening.brief.decision.{d}"), _n(decisions.get(d, 0))])
    return {"head": ["col.measure", "col.value"], "rows": rows,
            "footnote": {"key": "screening", "definition": "screening.brief.definition", "source": "screening.brief.source"}}

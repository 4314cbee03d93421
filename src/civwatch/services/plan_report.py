"""The plan's progress report as a brief-shaped document, so it is printed by the briefs' one
renderer (services/briefs_render: the same template, the same catalogue, HTML and PDF, A4 or
Letter, English or French).

    data = plan.report(engine, start, end)          # the JSON report (numbers, plan text)
    doc = plan_report.document(engine, data)        # typed cells and message ids, no language
    pdf = briefs_render.pdf(doc, lang="fr")

Every number in `doc` is a value of `data`; only labels and templated sentences come from the
catalogue. The plan's own text (titles, narratives) is printed as the plan states it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Engine

from civwatch import __version__
from civwatch.domain import briefs as bdom
from civwatch.domain import plan as pdom
from civwatch.services.briefs import day, msg, n, section, store_state, txt

KIND = "plan_report"
SECTIONS = ("plan_progress", "plan_commitments", "plan_departments", "plan_narratives", "plan_approval")
PROGRESS_STATES = ("on_track", "ahead", "behind", "met", "unknown")
ANNEX = ("annex.plan_path", "annex.plan_as_of", "annex.plan_unknown", "annex.fingerprint")


def value_cell(value: float | int | None, unit: str, base: int | None = None) -> dict:
    """An indicator value typed by its unit: a share as a percentage (with its base when known),
    a count of states with the members it is out of, anything else as a number."""
    if value is None:
        return msg("value.unknown")
    if unit == "share":
        return {"t": "pct", "v": value, "base": base}
    if unit == "states" and base:
        return {"t": "of", "v": value, "base": base}
    return n(value)


def query_name(ref: str) -> str:
    return pdom.query(ref).name


def document(engine: Engine, data: dict[str, Any]) -> dict[str, Any]:
    """The report `data` (services.plan.report) as a document for briefs_render."""
    OK = bdom.SectionStatus.OK
    rows = data["rows"]
    progress_rows, commitments, notes = [], {}, {}
    for r in rows:
        unit = r["unit"]
        name = query_name(r["query"])
        key = f"plan_query.{name}"
        notes.setdefault(key, {"key": key, "definition": f"def.plan_query.{name}", "sources": [], "source": None,
                               "methodology": r["query"]})
        progress_rows.append([
            txt(r["commitment"]), txt(r["lead"]), txt(r["indicator_title"]),
            value_cell(r["baseline_value"], unit), value_cell(r["target_value"], unit),
            value_cell(r["value_start"], unit, r["base_start"]), value_cell(r["value_end"], unit, r["base_end"]),
            value_cell(r["expected_end"], unit), msg(f"progress.{r['progress']}"),
        ])
        commitments.setdefault(r["commitment"], [txt(r["commitment"]), txt(r["commitment_title"]), txt(r["lead"]),
                                                 msg(f"plan_status.{r['status']}"), day(_as_date(r["due"]))])
    end = _as_date(data["period"]["end"])
    counts = Counter(r["progress"] for r in rows)
    by_dept = []
    for code in data["departments"]:
        mine = [r for r in rows if r["lead"] == code]
        led = {r["commitment"] for r in mine}
        overdue = {r["commitment"] for r in mine if r["status"] not in ("done", "dropped") and _as_date(r["due"]) < end}
        by_dept.append([txt(code), n(len(led)), n(len(mine)), n(sum(r["progress"] == "behind" for r in mine)), n(len(overdue))])
    narratives = [[txt(code), txt(data["narratives"][code]) if data["narratives"].get(code) else msg("plan.no_narrative")]
                  for code in data["departments"]]
    approvals = [[txt(a["approved_by"]), txt(a["role"]), day(_as_date(a["approved_at"])), n(a["plan_version"])]
                 for a in data["approvals"]]
    sections = [
        section("plan_progress", OK, ["col.commitment", "col.lead", "col.indicator", "col.baseline", "col.target", "col.value_start",
                                      "col.value_end", "col.path_end", "col.progress"], progress_rows, list(notes)),
        section("plan_commitments", OK, ["col.commitment", "col.title", "col.lead", "col.status", "col.due"], list(commitments.values())),
        section("plan_departments", OK, ["col.department", "col.commitments_led", "col.indicators", "col.behind", "col.overdue"], by_dept),
        section("plan_narratives", OK, ["col.department", "col.narrative"], narratives),
        section("plan_approval", OK, ["col.approved_by", "col.role", "col.approved_on", "col.plan_version"], approvals,
                note=None if approvals else "plan.not_approved"),
    ]
    points = []
    if rows:
        points.append({"msgid": "tp.plan_progress", "values": {"count": len(rows), **{s: counts.get(s, 0) for s in PROGRESS_STATES}}})
    parameters = {"kind": KIND, "plan": data["plan"], "plan_version": data["version"], "from": data["period"]["start"],
                  "to": data["period"]["end"]}
    state = store_state(engine)
    return {
        "kind": KIND,
        "subject": {"id": data["plan"], "name": data["title"], "version": data["version"],
                    "period": [_as_date(data["period"]["start"]), end]},
        "as_of": end,
        "version": __version__,
        "parameters": parameters,
        "inputs": state,
        "fingerprint": bdom.fingerprint(state, __version__, parameters),
        "notice": "plan.illustrative" if data["illustrative"] else None,
        "talking_points": points,
        "sections": sections,
        "footnotes": list(notes.values()),
        "annex": list(ANNEX),
    }


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    return date.fromisoformat(str(value)[:10])


def render(engine: Engine, data: dict[str, Any], fmt: str, lang: str = "en", paper: str = "a4") -> tuple[bytes, str, str]:
    """(body, media type, file name) of the report as pdf or html, through the briefs' renderer."""
    from civwatch.services import briefs_render

    body, media = briefs_render.render(document(engine, data), fmt, lang, paper)
    stem = f"civwatch-plan-{data['plan']}-v{data['version']}-{data['period']['start']}_{data['period']['end']}-{lang}"
    if data["illustrative"]:
        stem += "-ILLUSTRATIVE"
    return body, media, f"{stem}.{fmt}"

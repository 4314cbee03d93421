"""`civwatch plan import|export|show|report|indicators`: the national action plan on POC.

The plan is YAML a person edits and diffs; import checks it whole (every problem with its line)
and keeps each version; show and report compute every indicator as of the date asked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine, err_console, fail

app = typer.Typer(help="National action plan on POC: commitments by department bound to live indicators, progress reports.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PlanOption = Annotated[str | None, typer.Option("--plan", help="Plan identifier (default: the only / first plan).")]
VersionOption = Annotated[int | None, typer.Option("--version", min=1, max=1_000_000, help="A plan version (default: the latest).")]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="CIVWATCH_TOKEN", help="API token of the user acting (see `civwatch users token`).", show_default=False),
]


def _date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{what} must be a date like 2024-12-31, got {text!r}", code=2) from None


def _dump(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str, indent=1))


def _v(x: object) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.4g}"
    return f"{x:,}" if isinstance(x, int) else str(x)


@contextmanager
def _clear() -> Iterator[None]:
    from civwatch.services import plan as svc

    try:
        yield
    except svc.PlanRefused as exc:
        err_console.print("[bold red]error:[/] plan refused, nothing imported:", highlight=False)
        for p in exc.problems:
            err_console.print(f"  {p}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except svc.PlanNotFound as exc:
        raise fail(str(exc).strip("'\""), code=2) from None


def _principal(eng, token: str | None):
    from civwatch.services import auth

    if not token:
        raise auth.AuthError("this command changes the store: give --token (or set CIVWATCH_TOKEN)")
    return auth.principal_for_token(eng, token)


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A plan in YAML (see docs/plan.md; sample: civwatch plan export after civwatch demo).")],
    note: Annotated[str | None, typer.Option("--note", help="Why this version (kept with it and in the audit trail).")] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Check a YAML plan whole and store it as the plan's next version (refused with lines, nothing half-imported)."""
    from civwatch.services import plan as svc

    eng = engine(db)
    who = _principal(eng, token)
    with _clear():
        out = svc.import_yaml(eng, path.read_bytes(), who, note=note)
    if as_json:
        _dump(out)
    elif out["unchanged"]:
        console.print(f"plan {out['plan_id']}: same text as version {out['version']}, nothing changed", highlight=False)
    else:
        console.print(f"plan {out['plan_id']} version {out['version']}: {out['commitments']} commitments imported", highlight=False)


@app.command("export")
def export(
    plan: PlanOption = None, version: VersionOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of printing.")] = None,
    db: DbOption = None,
) -> None:
    """The plan's YAML as imported (any earlier version with --version)."""
    from civwatch.services import plan as svc

    with _clear():
        text = svc.export_yaml(engine(db), plan, version)
    if out:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}", highlight=False)
    else:
        print(text, end="")


@app.command("show")
def show(
    plan: PlanOption = None, version: VersionOption = None,
    on: Annotated[str | None, typer.Option("--on", help="Compute the indicators as of this date (default today).")] = None,
    department: Annotated[str | None, typer.Option("--department", help="Only what this department leads, overdue and at risk.")] = None,
    as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """The plan tree with every indicator's value and its progress on the straight path."""
    from civwatch.services import plan as svc

    eng = engine(db)
    with _clear():
        if department:
            data = svc.departments_view(eng, plan, _date(on, "--on"), version)
            data["departments"] = [d for d in data["departments"] if d["code"] == department]
            if not data["departments"]:
                raise fail(f"no department {department!r}", code=2)
        else:
            data = svc.show(eng, plan, version, _date(on, "--on"))
    if as_json:
        _dump(data)
        return
    if data.get("illustrative"):
        console.print(f"[bold]{data['illustrative_note']}[/]", highlight=False)
    if department:
        d = data["departments"][0]
        console.print(f"{d['code']} ({d['name']}) leads {len(d['leads'])}; overdue: {', '.join(d['overdue']) or 'none'}; "
                      f"at risk: {', '.join(d['at_risk']) or 'none'}; partner in: {', '.join(d['partner_in']) or 'none'}", highlight=False)
        return
    t = Table("commitment", "lead", "status", "due", "indicator", "value", "path", "progress",
              title=f"{data['title']} v{data['version']} on {data['on']}")
    for o in data["objectives"]:
        for c in o["commitments"]:
            for i in c["indicators"]:
                cur = i["current"]
                t.add_row(c["id"], c["lead"], c["status"] + (" (overdue)" if c["overdue"] else ""), str(c["due"]), i["id"],
                          _v(cur["value"]) if cur["available"] else cur["reason"], _v(i["progress"]["expected"]), i["progress"]["state"])
    console.print(t)


@app.command("report")
def report(
    start: Annotated[str, typer.Option("--from", help="First day of the period.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period.")],
    plan: PlanOption = None, version: VersionOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv, xlsx, pdf or html.")] = "table",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write csv/xlsx/json/pdf/html to this file.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of a pdf / html report: en or fr.")] = "en",
    paper: Annotated[str, typer.Option("--paper", help="PDF page size: a4 or letter.")] = "a4",
    approve: Annotated[bool, typer.Option("--approve", help="Approve the report for the period (role approver; needs --token).")] = False,
    narrative: Annotated[list[str] | None, typer.Option("--narrative", help="DEPT=text, once per department (with --approve).")] = None,
    token: TokenOption = None,
    db: DbOption = None,
) -> None:
    """Progress report for a period: each indicator at the start and end, progress vs the straight path."""
    from civwatch.services import plan as svc

    eng = engine(db)
    s, e = _date(start, "--from"), _date(end, "--to")
    with _clear():
        if approve:
            texts = {}
            for item in narrative or []:
                code, sep, text = item.partition("=")
                if not sep:
                    raise fail(f"--narrative must be DEPT=text, got {item!r}", code=2)
                texts[code.strip()] = text
            done = svc.approve(eng, _principal(eng, token), s, e, texts, plan)
            console.print(f"report for {s}..{e} approved by {done['approved_by']} ({done['role']}), plan version {done['version']}", highlight=False)
            return
        data = svc.report(eng, s, e, plan, version)
    if fmt in ("pdf", "html") and lang not in ("en", "fr"):
        raise fail(f"--lang must be en or fr, got {lang!r}", code=2)
    if fmt in ("pdf", "html") and paper not in ("a4", "letter"):
        raise fail(f"--paper must be a4 or letter, got {paper!r}", code=2)
    if fmt in ("json", "csv", "xlsx", "pdf", "html"):
        if fmt in ("pdf", "html"):
            from civwatch.services import plan_report

            body, _, name = plan_report.render(eng, data, fmt, lang, paper)
        else:
            body, _, name = svc.report_export(data, fmt)
        if out:
            out.write_bytes(body)
            console.print(f"wrote {out} ({name})", highlight=False)
        elif fmt in ("xlsx", "pdf"):
            raise fail(f"{fmt} needs --out FILE", code=2)
        else:
            print(body.decode("utf-8"), end="")
        return
    if fmt != "table":
        raise fail(f"--format must be table, json, csv, xlsx, pdf or html, got {fmt!r}", code=2)
    if data["illustrative"]:
        console.print(f"[bold]{data['illustrative_note']}[/]", highlight=False)
    t = Table("commitment", "lead", "indicator", "start", "end", "path at end", "progress",
              title=f"{data['title']} v{data['version']}: {s} to {e}" + (" (approved)" if data["approved"] else " (not approved)"))
    for r in data["rows"]:
        t.add_row(r["commitment"], r["lead"], r["indicator"], _v(r["value_start"]) if r["value_start"] is not None else (r["note_start"] or "–"),
                  _v(r["value_end"]) if r["value_end"] is not None else (r["note_end"] or "–"), _v(r["expected_end"]), r["progress"])
    console.print(t)


@app.command("indicators")
def indicators(as_json: JsonOption = False) -> None:
    """The named, versioned queries an indicator may be bound to."""
    from civwatch.services import plan as svc

    data = svc.catalogue()
    if as_json:
        _dump(data)
        return
    t = Table("query", "unit", "parameters", "available", "definition", title="Plan indicator queries")
    for q in data:
        t.add_row(q["query"], q["unit"], ", ".join(q["params"]) or "–", "yes" if q["available"] else "not loaded", q["definition"])
    console.print(t)

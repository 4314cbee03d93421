"""`civwatch treaties ...`: who is party to what since when, forum gaps, likely joiners (docs/treaties.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine
from civwatch.services import treaties as svc

app = typer.Typer(help="Treaty universalization: import, status, gaps, profile, targets, backtest.", no_args_is_help=True)
FORMATS = ("table", "json", "csv", "xlsx")


def _date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what} must be a date like 2015-12-31, got {text!r}") from None


def _fmt(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    if fmt not in allowed:
        raise ValueError(f"--format must be one of {', '.join(allowed)}")
    return fmt


def _json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str, indent=1))


def _write(kind: str, data: dict, fmt: str, output: Path | None) -> bool:
    """CSV/XLSX to a file (or CSV to stdout); True when done."""
    if fmt not in ("csv", "xlsx"):
        return False
    content, _, ext = svc.export(kind, data, fmt)
    if output is None:
        if fmt == "xlsx":
            raise ValueError("--format xlsx needs -o FILE")
        print(content.decode("utf-8"), end="")
    else:
        output.write_bytes(content)
        console.print(f"wrote {output} ({len(content):,} bytes)")
    return True


AsOf = Annotated[str | None, typer.Option("--as-of", help="Date the status is asked for (default today).")]
Fmt = Annotated[str, typer.Option("--format", help="table, json, csv or xlsx.")]
Out = Annotated[Path | None, typer.Option("-o", "--output", help="File for csv/xlsx.")]


@app.command("import")
def import_(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files; default: the UNTC and membership files of CIVWATCH_SHARED_DATA plus the maintained forum changes.")] = None,
    snapshot: Annotated[str | None, typer.Option("--snapshot", help="Date the file describes, when its name or access log does not say.")] = None,
    db: DbOption = None,
) -> None:
    """Import UNTC tables (2015 and 2026 layouts), treaty-action CSVs, forum memberships and changes."""
    eng = engine(db)
    snap = _date(snapshot, "--snapshot")
    results = [svc.import_file(eng, p, snapshot=snap).as_dict() for p in paths] if paths else svc.import_all(eng)
    t = Table("file", "format", "batch", "read", "accepted", "rejected", "new", "unchanged", "repeated")
    t.columns[0].overflow = "fold"
    for r in results:
        t.add_row(r["file"], r.get("format", ""), str(r["batch_id"]), *(str(r.get(k, "")) for k in ("read", "accepted", "rejected", "new", "unchanged", "repeated")))
    console.print(t)
    if any(r.get("rejected") for r in results):
        console.print("rejected rows with their reasons: `civwatch rejects BATCH`")


@app.command("status")
def status(
    instrument: Annotated[str, typer.Argument(help="Instrument id (XXVI-5) or key (ottawa).")],
    country: Annotated[str | None, typer.Option("--country", help="One state (ISO alpha-3); default every state.")] = None,
    as_of: AsOf = None,
    fmt: Fmt = "table",
    output: Out = None,
    db: DbOption = None,
) -> None:
    """Status of every state (or one) for an instrument on a date."""
    _fmt(fmt)
    eng = engine(db)
    day = _date(as_of, "--as-of")
    if country:
        data = svc.status(eng, country, instrument, day)
        if fmt == "json":
            return _json(data)
        console.print(f"{data['name']} ({data['country']}) — {data['instrument']} on {data['as_of']}: [bold]{data['status']}[/]"
                      + (f" since {data['party_since']}" if data["party_since"] else "") + (f"; signed {data['signed']}" if data["signed"] else "")
                      + (f"; left {data['left']}" if data["left"] else "") + f" (known until {data['known_until'] or 'no source'})", highlight=False)
        return None
    data = svc.instrument_view(eng, instrument, day)
    if fmt == "json":
        return _json(data)
    if _write("instrument", data, fmt, output):
        return None
    c = data["counts"]
    console.print(f"{data['instrument']['name']} on {data['as_of']}: {c['party']} of {data['states']} states party, {c['signatory']} signatories, "
                  f"{c['withdrawn']} withdrawn, {c['none']} no action (known until {data['known_until'] or 'no source'})", highlight=False)
    t = Table("country", "name", "status", "party since", "signed", "left")
    for r in data["rows"]:
        t.add_row(r["country"], r["name"], r["status"], str(r["party_since"] or ""), str(r["signed"] or ""), str(r["left"] or ""))
    console.print(t)
    return None


@app.command("gaps")
def gaps(
    forum: Annotated[str, typer.Argument(help="Forum id: G7, G20, NATO, EU, OSCE, AU, ASEAN, OAS, COMMONWEALTH, OIF, UN.")],
    instrument: Annotated[str, typer.Argument(help="Instrument id or key.")],
    as_of: AsOf = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Members of a forum not party: signed-not-ratified, withdrawn, never acted."""
    _fmt(fmt, ("table", "json"))
    data = svc.gaps(engine(db), forum, instrument, _date(as_of, "--as-of"))
    if fmt == "json":
        return _json(data)
    console.print(f"{data['party']} of {data['members']} {data['forum']} members are party to {data['instrument_name']} on {data['as_of']}", highlight=False)
    for key, title in (("signed_not_ratified", "signed, not ratified"), ("withdrawn", "withdrawn"), ("never_acted", "never acted")):
        names = ", ".join(f"{r['name']} ({r['country']})" for r in data[key]) or "—"
        console.print(f"[bold]{title}[/] ({len(data[key])}): {names}", highlight=False)
    return None


@app.command("profile")
def profile(
    country: Annotated[str, typer.Argument(help="ISO alpha-3 code.")],
    as_of: AsOf = None,
    fmt: Fmt = "table",
    output: Out = None,
    db: DbOption = None,
) -> None:
    """A state's status across every instrument of the register."""
    _fmt(fmt)
    data = svc.profile(engine(db), country, _date(as_of, "--as-of"))
    if fmt == "json":
        return _json(data)
    if _write("profile", data, fmt, output):
        return None
    console.print(f"{data['name']} ({data['country']}) on {data['as_of']}: party to {data['party_to']} of {data['instruments_known']} instruments with data; forums: {', '.join(data['forums']) or '—'}", highlight=False)
    t = Table("instrument", "name", "status", "party since", "signed", "left")
    for r in data["rows"]:
        t.add_row(r["instrument"], r["name"], r["status"] or "no data imported", str(r.get("party_since") or ""), str(r.get("signed") or ""), str(r.get("left") or ""))
    console.print(t)
    return None


@app.command("targets")
def targets(
    forum: Annotated[str, typer.Argument(help="Forum id.")],
    instrument: Annotated[str, typer.Argument(help="Instrument id or key.")],
    as_of: AsOf = None,
    horizon_years: Annotated[int, typer.Option("--horizon-years", min=1, max=20, help="Years ahead the probability is for.")] = 5,
    fmt: Fmt = "table",
    output: Out = None,
    db: DbOption = None,
) -> None:
    """Coalition targets: non-party members ranked by the likelihood of joining, with reasons."""
    _fmt(fmt)
    data = svc.targets(engine(db), forum, instrument, _date(as_of, "--as-of"), horizon_years)
    if fmt == "json":
        return _json(data)
    if _write("targets", data, fmt, output):
        return None
    m = data["momentum"]
    console.print(f"{data['peer_figure']} ({data['instrument_name']}, {data['as_of']}); momentum: {m['joins_last_5_years']} joined since {m['since']}", highlight=False)
    t = Table("country", "name", "status", f"p(join ≤ {horizon_years} y)", "why")
    for r in data["targets"]:
        why = "; ".join(f"{x['label']} {x['effect']:+.2f}" for x in r["reasons"])
        t.add_row(r["country"], r["name"], r["status"], f"{r['p']:.2f}", why)
    console.print(t)
    return None


@app.command("backtest")
def backtest(
    as_of: Annotated[str, typer.Option("--as-of", help="Fit on what was known on this date.")] = "2015-12-31",
    until: Annotated[str, typer.Option("--until", help="Score joins up to this date (the latest snapshot).")] = "2026-02-03",
    instrument: Annotated[str | None, typer.Option("--instrument", help="One instrument; default all.")] = None,
    horizon_years: Annotated[int, typer.Option("--horizon-years", min=1, max=30)] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    full: Annotated[bool, typer.Option("--full", help="With --format json: the whole result (training rows, weights) around the list.")] = False,
    db: DbOption = None,
) -> None:
    """Backtest of the likely-joiners model against baselines, per instrument.

    `--format json` prints one object per instrument: instrument, joins, auc, precision_at_20,
    brier, calibration and the same under baselines (signed_first, regional_peers, random)."""
    _fmt(fmt, ("table", "json"))
    data = svc.backtest(engine(db), _date(as_of, "--as-of"), _date(until, "--until"), horizon_years, instrument)
    if fmt == "json":
        return _json(data if full else data["instruments"])
    t = Table("instrument", "candidates", "joins", "AUC", "P@20", "Brier", "AUC signed", "AUC peers", "AUC random", "Brier base rate")
    for r in data["instruments"]:
        if not r["evaluated"]:
            continue
        b = r["baselines"]
        t.add_row(f"{r['instrument']} {r['key']}", str(r["candidates"]), str(r["joins"]), *(str(x) for x in (
            r["auc"], r["precision_at_20"], r["brier"], b["signed_first"]["auc"], b["regional_peers"]["auc"], b["random"]["auc"], b["random"]["brier"])))
    console.print(t)
    skipped = [f"{r['instrument']} ({r['why']})" for r in data["instruments"] if not r["evaluated"]]
    if skipped:
        console.print("not evaluated: " + ", ".join(skipped), highlight=False)
    return None

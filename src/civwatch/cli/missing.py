"""`civwatch missing ...`: missing persons from the command line.

Writes act as the user of an API token (`--token` or CIVWATCH_TOKEN). Personal fields are shown
only to the roles granted them; nothing is ever confirmed without `confirm`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from fastapi.encoders import jsonable_encoder
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine, fail
from civwatch.services import auth
from civwatch.services import missing as svc
from civwatch.services import missing_lists as lists_svc

app = typer.Typer(help="Missing persons: report, register, search the lists, confirm or reject candidates.", no_args_is_help=True)
lists_app = typer.Typer(help="Lists of detained persons, prisoners of war, the dead and the found.", no_args_is_help=True)
app.add_typer(lists_app, name="lists")

TokenOption = Annotated[str | None, typer.Option("--token", envvar="CIVWATCH_TOKEN", show_default=False,
                                                 help="API token of the user acting (see `civwatch users token`).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@contextmanager
def _clear() -> Iterator[None]:
    try:
        yield
    except (svc.MissingNotFound, svc.MissingConflict, svc.RateLimited) as exc:
        raise fail(str(exc).strip("'\""), code=4 if isinstance(exc, svc.MissingConflict) else 2) from None


def _who(eng, token: str | None) -> auth.Principal:
    if not token:
        raise auth.AuthError("this command needs --token (or CIVWATCH_TOKEN) of a user with a case-work role")
    return auth.principal_for_token(eng, token)


def _print(data: Any) -> None:
    console.print_json(json.dumps(jsonable_encoder(data), ensure_ascii=False))


@app.command()
def report(
    name: Annotated[str, typer.Option(help="The missing person's name, any script.")],
    other_name: Annotated[list[str] | None, typer.Option(help="Another, former or transliterated name (repeat).")] = None,
    sex: Annotated[str, typer.Option(help="f, m or empty")] = "",
    date_of_birth: Annotated[str | None, typer.Option(help="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    age: Annotated[float | None, typer.Option(help="age in years, when the date of birth is not known")] = None,
    circumstance: Annotated[str, typer.Option(help="abducted, detained, disappeared_in_attack, separated_child, deported, missing_in_action, unknown")] = "unknown",
    place: Annotated[str | None, typer.Option(help="place last seen")] = None,
    last_seen: Annotated[str | None, typer.Option(help="date last seen, YYYY-MM-DD")] = None,
    country: Annotated[str | None, typer.Option(help="ISO alpha-3 of the place")] = None,
    incident: Annotated[int | None, typer.Option(help="incident of the register where it happened")] = None,
    reporter: Annotated[str | None, typer.Option(help="who reports (name)")] = None,
    relation: Annotated[str | None, typer.Option(help="the reporter's relation to the person")] = None,
    consent: Annotated[bool, typer.Option(help="the reporter consents to sharing with tracing bodies")] = False,
    token: TokenOption = None, db: DbOption = None,
) -> None:
    """Open a case (an officer's report); prints the case code and the family's secret once."""
    eng = engine(db)
    facts = {"name": name, "other_names": other_name or [], "sex": sex, "date_of_birth": date_of_birth, "age": age,
             "circumstance": circumstance, "place_last_seen": place, "last_seen_date": last_seen, "country_iso3": country,
             "incident_id": incident, "reporter_name": reporter, "reporter_relation": relation, "consent_share": consent}
    with _clear():
        out = svc.report_officer(eng, facts, _who(eng, token))
    console.print(f"case {out['id']} opened: code {out['code']}, secret {out['secret']} (give both to the family; the secret is not shown again)")


@app.command()
def register(case_id: int, reason: Annotated[str, typer.Option()] = "registered", token: TokenOption = None, db: DbOption = None) -> None:
    """Register a reported case (the same-day deadline) and search every list held."""
    eng = engine(db)
    with _clear():
        out = svc.register(eng, case_id, _who(eng, token), reason)
    console.print(f"case {case_id}: {out['state']} ({out['new_candidates']} candidate(s) found)")


@app.command()
def move(case_id: int, to: Annotated[str, typer.Option(help="registered, searching, closed")],
         reason: Annotated[str, typer.Option()], close_reason: Annotated[str | None, typer.Option(help="reunited, remains_returned, other")] = None,
         token: TokenOption = None, db: DbOption = None) -> None:
    """Move a case: close it with its reason, reopen it (closed -> searching)."""
    eng = engine(db)
    with _clear():
        out = svc.move(eng, case_id, to, _who(eng, token), reason, close_reason)
    console.print(f"case {case_id}: {out['state']} (version {out['version']})")


@app.command()
def queue(as_json: JsonOption = False, token: TokenOption = None, db: DbOption = None) -> None:
    """Open cases: overdue first, children first."""
    eng = engine(db)
    items = svc.queue(eng, _who(eng, token))
    if as_json:
        return _print(items)
    t = Table("id", "code", "state", "circumstance", "child", "overdue", "age (h)", "candidates")
    for i in items:
        t.add_row(str(i["id"]), i["code"], i["state"], i["circumstance"], "yes" if i["child"] else "", "OVERDUE" if i["overdue"] else "",
                  f"{i['age_hours']:.0f}", str(i["candidates_offered"]))
    console.print(t)


@app.command()
def candidates(case_id: int, as_json: JsonOption = False, token: TokenOption = None, db: DbOption = None) -> None:
    """A case's candidates, best first, with the reason for each score."""
    eng = engine(db)
    with _clear():
        case = svc.get_case(eng, case_id, _who(eng, token))
    if as_json:
        return _print(case["candidates"])
    t = Table("id", "score", "status", "list", "names", "why")
    for c in case["candidates"]:
        names = c["entry"]["names"]
        t.add_row(str(c["id"]), f"{c['score']:.3f}", c["status"], f"{c['list']['title']} ({c['list']['kind']})",
                  " / ".join(names) if isinstance(names, list) else str(names), "; ".join(r["why"] for r in c["reasons"]))
    console.print(t)


def _decide(case_id: int, candidate: int, confirm: bool, reason: str, token: str | None, db: str | None) -> None:
    eng = engine(db)
    with _clear():
        out = svc.decide(eng, case_id, candidate, _who(eng, token), confirm, reason)
    console.print(f"case {case_id}: candidate {candidate} {out['status']}; the case is {out['state']}")


@app.command()
def confirm(case_id: int, candidate: Annotated[int, typer.Option()], reason: Annotated[str, typer.Option()],
            token: TokenOption = None, db: DbOption = None) -> None:
    """Confirm a candidate (investigator, approver, admin): the case becomes confirmed alive or dead."""
    _decide(case_id, candidate, True, reason, token, db)


@app.command()
def reject(case_id: int, candidate: Annotated[int, typer.Option()], reason: Annotated[str, typer.Option()],
           token: TokenOption = None, db: DbOption = None) -> None:
    """Reject a candidate: it is never offered to this case again."""
    _decide(case_id, candidate, False, reason, token, db)


@app.command()
def measures(db: DbOption = None) -> None:
    """Report to registration, open cases by age and circumstance, share matched, time to confirmation."""
    _print(svc.measures(engine(db)))


@lists_app.command("import")
def import_(path: Path, kind: Annotated[str, typer.Option(help="detained, prisoners_of_war, dead, found, registered_elsewhere")],
            title: Annotated[str, typer.Option()], provenance: Annotated[str, typer.Option(help="publisher and where the file came from")],
            date: Annotated[str, typer.Option("--date", help="the list's date, YYYY-MM-DD")],
            token: TokenOption = None, db: DbOption = None) -> None:
    """Import a list (CSV, XLSX, HXL): every row accepted or rejected with its reason; open cases searched."""
    eng = engine(db)
    with _clear():
        out = lists_svc.import_list(eng, path, kind, title, provenance, date, _who(eng, token))
    console.print(f"list {out['id']}: {out['read']} rows read, {out['accepted']} accepted, {out['rejected']} rejected; "
                  f"{out['new_candidates']} new candidate(s) for {out['cases_with_new_candidates']} open case(s)")


@lists_app.command("show")
def lists_show(token: TokenOption = None, db: DbOption = None) -> None:
    eng = engine(db)
    _print(lists_svc.lists(eng, _who(eng, token)))

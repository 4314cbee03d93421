"""`civwatch demo`: load the bundled real UCDP sample into the store and say what was loaded."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from civwatch.cli.common import DbOption, console, engine
from civwatch.services import demo as demo_service


def demo(
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the dashboard after loading.")] = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the load summary as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Load the bundled UCDP sample (GED events and the UCDP/PRIO ACD; real data, CC BY 4.0) and serve it."""
    summary = demo_service.load_sample(engine(db))
    treaties = demo_service.load_treaties(engine(db))
    # the real UN peacekeeping files from the shared data, when present (not bundled)
    peacekeeping = demo_service.load_peacekeeping(engine(db))
    demo_service.load_screening(engine(db))  # the SIPRI register from the shared data, when present
    summary["forecasts"] = demo_service.fit_forecasts(engine(db))
    summary["plan"] = demo_service.load_plan(engine(db))  # the ILLUSTRATIVE sample action plan
    summary["missing"] = demo_service.load_missing(engine(db))  # the real Airwars list; MADE-UP family reports
    if as_json:
        print(json.dumps({**summary, "treaties": treaties, "peacekeeping": peacekeeping}, ensure_ascii=False, default=str))
    else:
        for f in summary["files"]:
            if f.get("skipped"):
                console.print(f"{f['file']}: already loaded (batch {f['batch_id']})", highlight=False)
                continue
            console.print(
                f"{f['file']}: {f['read']} rows, {f['new']} new, {f['updated']} updated, {f['unchanged']} unchanged, {f['rejected']} rejected (batch {f['batch_id']})",
                highlight=False,
            )
        console.print(f"loaded the UCDP sample: {summary['accepted']} rows accepted (GED events and ACD conflict-years), {summary['rejected']} rejected", highlight=False)
    if not as_json and treaties.get("skipped"):
        console.print(f"treaties not loaded: {treaties['skipped']}", highlight=False)
    elif not as_json:
        console.print(f"loaded the treaty tables and forum memberships: {len(treaties['files'])} files (`civwatch treaties import` for details)", highlight=False)
    if not as_json:
        for f in summary["forecasts"]:
            what = "already fitted on these data" if f.get("skipped") else f"fitted, {f['with_number']} of {f['forecasts']} forecasts with a number"
            console.print(f"early warning ({f['level']}): model {f['model_id']} {what}", highlight=False)
    if not as_json:
        for f in peacekeeping:
            note = "already loaded" if f.get("skipped") else f"{f['read']} rows, {f['accepted']} accepted, {f['rejected']} rejected"
            console.print(f"{f['file']}: {note} (batch {f['batch_id']})", highlight=False)
    if not as_json:
        p = summary["plan"]
        console.print(f"sample action plan (ILLUSTRATIVE) {p['plan_id']} version {p['version']}: "
                      f"{'already loaded' if p['unchanged'] else 'loaded'} (civwatch plan show; its progress report in French: "
                      f"civwatch plan report --from 2012-01-01 --to 2016-12-31 --format pdf --lang fr -o report.pdf)", highlight=False)
    if not as_json:
        m = summary["missing"]
        if m["list"]:
            console.print(f"missing persons: the Airwars victim list imported ({m['list']['accepted']} persons, "
                          f"{m['list']['rejected']} rows rejected with their reasons)", highlight=False)
        console.print(f"missing persons: {len(m['cases'])} MADE-UP family reports opened and searched (/missing)", highlight=False)
    if serve:
        from civwatch.cli import stats

        console.print(f"civwatch dashboard: http://{host}:{port}/  (Ctrl-C to stop)", highlight=False)
        stats.serve(host=host, port=port, workers=1, db=db)


def register(cli: typer.Typer) -> None:
    cli.command("demo")(demo)

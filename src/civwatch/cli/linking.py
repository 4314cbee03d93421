"""`civwatch link`: group reports into incidents (incremental; analysts' decisions hold)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from civwatch.cli.common import DbOption, console, engine

ActorOption = Annotated[str | None, typer.Option("--actor", help="Who does this, for the audit trail (default: cli:<login>).")]


def actor_name(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


def link(
    full: Annotated[bool, typer.Option("--full", help="Re-link every report, not only new and changed ones.")] = False,
    threshold: Annotated[float | None, typer.Option("--threshold", help="Match probability to link at (default from config).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="JSON file of linkage settings (docs/linkage.md).")] = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Link reports of the same incident, across sources, into one incident counted once."""
    from civwatch.services import linking

    cfg = linking.load_config(config, match_threshold=threshold)
    s = linking.link(engine(db), actor=actor_name(actor), full=full, config=cfg)
    console.print(
        f"{'full' if s.full else 'incremental'} link: {s.reports} reports ({s.new_reports} new or changed), "
        f"{s.candidate_pairs} candidate pairs, {s.linked_pairs} links; incidents {s.incidents_before} -> "
        f"{s.incidents_after} ({s.incidents_changed} changed) in {s.seconds:.1f}s",
        highlight=False,
    )

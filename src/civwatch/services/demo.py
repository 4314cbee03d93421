"""The demo: load the bundled real UCDP sample (GED events, UCDP/PRIO ACD conflict-years) into a store."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from civwatch import settings
from civwatch.services import indicators
from civwatch.services.importing import already_imported, file_sha256, import_file


def sample_files() -> list[Path]:
    """The GED event files, then the conflict-year table (kept apart in samples/acd/)."""
    folder = resources.files("civwatch").joinpath("data", "samples")
    events = sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".csv"))
    conflicts = sorted(Path(str(p)) for p in folder.joinpath("acd").iterdir() if p.name.endswith(".csv"))
    return events + conflicts


def load_sample(engine: Engine, actor: str = "demo") -> dict:
    """Import every bundled sample file not loaded before (so loading twice changes nothing:
    the two files share 13 events in different releases, which would otherwise alternate)."""
    results = []
    indicators.ensure_fresh(engine)  # the cube current first: each import then keeps it so (docs/methodology.md)
    for path in sample_files():
        done = already_imported(engine, file_sha256(path))
        if done is not None:
            results.append({"file": path.name, "batch_id": done, "read": 0, "accepted": 0, "rejected": 0, "new": 0, "updated": 0, "unchanged": 0, "skipped": True})
            continue
        summary = import_file(engine, path, actor=actor)
        if summary.accepted:  # harm by sex and age read from the headlines (GED codes none), as `civwatch import` does
            from civwatch.services.textcounts import extract_harm

            extract_harm(engine, batch_id=summary.batch_id)
        results.append(summary.as_dict())
    return {
        "files": results,
        "read": sum(r["read"] for r in results),
        "accepted": sum(r["accepted"] for r in results),
        "rejected": sum(r["rejected"] for r in results),
        "new": sum(r["new"] for r in results),
        "indicator_cube": indicators.freshness(engine),
    }


def load_treaties(engine: Engine, actor: str = "demo") -> dict:
    """The UNTC treaty tables and forum memberships of the shared data folder (CIVWATCH_SHARED_DATA)
    and the maintained forum changes, each file once; nothing when the folder is not there."""
    from civwatch.services import treaties

    try:
        files = treaties.shared_files()
    except FileNotFoundError as exc:
        return {"files": [], "skipped": str(exc)}
    return {"files": treaties.import_all(engine, files, actor=actor, skip_imported=True)}


def fit_forecasts(engine: Engine, actor: str = "demo") -> list[dict]:
    """Fit the early-warning model on the loaded sample, per country and per admin1 unit, unless
    a model was already fitted on exactly these data."""
    from civwatch.services import forecasts

    out = []
    for level in ("country", "admin1"):
        panel = forecasts.build_panel(engine, level)
        latest = forecasts.latest(engine, level)
        if latest and latest["data_fingerprint"] == panel.fingerprint():
            out.append({"level": level, "model_id": latest["id"], "skipped": True})
            continue
        out.append(forecasts.fit(engine, actor, level))
    return out


def peacekeeping_folder() -> Path | None:
    """The shared data's peacekeeping folder (CIVWATCH_SHARED_DATA, default ../shared/data), if present."""
    folder = settings.shared_data_folder() / "peacekeeping"
    return folder if folder.is_dir() else None


def load_peacekeeping(engine: Engine, actor: str = "demo", folder: Path | None = None) -> list[dict]:
    """Import the real peacekeeping files (UN mission list, crosswalk, Geo-PKO, HKS) once;
    nothing when the folder is absent (they are not bundled)."""
    from civwatch.services import missions_import

    folder = folder or peacekeeping_folder()
    if folder is None:
        return []
    out = []
    for path in missions_import.ordered_files(folder):
        done = already_imported(engine, file_sha256(path))
        if done is not None:
            out.append({"file": path.name, "batch_id": done, "read": 0, "accepted": 0, "rejected": 0, "skipped": True})
            continue
        out.append(missions_import.import_file(engine, path, actor=actor).as_dict())
    return out


def load_screening(engine: Engine, actor: str = "demo") -> dict | None:
    """Import the real SIPRI trade register of the shared data once, for screening's transfer
    evidence, and the UK official footnotes as the embargo table's shipped start; None when the
    files are absent (they are not bundled)."""
    from civwatch.services import screening, screening_tables

    folder = peacekeeping_folder()
    path = folder.parent / "arms_transfers" / "sipri_trade_register_all_1950-2024_generated_2025-03-13.csv" if folder else None
    if path is None or not path.is_file():
        return None
    footnotes = screening_tables.shipped_start(folder.parent)
    if footnotes.is_file() and already_imported(engine, file_sha256(footnotes)) is None:
        screening_tables.import_table(engine, footnotes, actor=actor)
    done = already_imported(engine, file_sha256(path))
    if done is not None:
        return {"file": path.name, "batch_id": done, "skipped": True}
    return screening.import_sipri(engine, path, actor=actor)


def load_plan(engine: Engine, actor: str = "demo") -> dict:
    """The bundled sample national action plan (ILLUSTRATIVE: made up to show the mechanism), once."""
    from civwatch.services import plan

    return plan.load_sample(engine, actor=actor)


def load_missing(engine: Engine, actor: str = "demo") -> dict:
    """The real Airwars victim list (shared data) and three MADE-UP family reports, searched."""
    from civwatch.services import missing

    folder = peacekeeping_folder()
    path = folder.parent / "other_monitors" / "airwars_gaza_2023_victims_by_incident.csv" if folder else None
    return missing.load_demo(engine, path if path and path.is_file() else None, actor=actor)

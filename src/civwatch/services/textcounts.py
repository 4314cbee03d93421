"""Casualty figures read from text, for files, the store and the recording form.

The rules are in domain/textcounts.py. Here: reading a CSV's text column (every input row gives
one output row, an unreadable text gives its reason), learning ACLED's coding conventions for
vague words from the user's own files (kept in the user data directory, never shipped), and
listing reports whose coded count disagrees with their own text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from civwatch.domain import textcounts as tc
from civwatch.domain.textcounts_conventions import learn_conventions
from civwatch.services.exports import neutralise

# columns that carry a report's text and its coded count, by layout (first found wins)
TEXT_COLUMNS = ("notes", "source_headline", "headline", "where_description", "text")
COUNT_COLUMNS = {"notes": "fatalities", "source_headline": "best", "headline": "best", "where_description": "best"}
ID_COLUMNS = ("event_id_cnty", "id", "data_id", "event_id", "relid")
OUT_COLUMNS = [
    "id", "language", "error",
    *[f"{o}{suffix}" for o in tc.OUTCOMES for suffix in ("", "_low", "_high", "_basis")],
    "civilians_killed", "women_killed", "men_killed", "children_killed", "girls_killed", "boys_killed",
    "spans",
]


class ColumnError(ValueError):
    """A CSV without a column it was asked for; the message names the columns it has."""


def default_conventions_path() -> Path:
    return Path(platformdirs.user_data_dir("civwatch", appauthor=False)) / "textcounts_conventions.json"


def load_conventions(path: Path | None = None) -> dict[str, int | str]:
    """The learnt conventions, or {} when none were learnt (vague words then stay ranges)."""
    path = path or default_conventions_path()
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {c["basis"]: c["value"] for c in data.get("conventions", [])}


def _open_text(path: Path) -> io.StringIO:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return io.StringIO(raw.decode(enc), newline="")
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path.name}: neither UTF-8 nor Windows-1252 text")


def read_rows(path: Path, columns: Iterable[str]) -> tuple[list[str], Iterator[dict[str, str]]]:
    """Header (as written) and rows keyed by lower-cased column name; ColumnError if one is missing."""
    fh = _open_text(Path(path))
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise ColumnError(f"{Path(path).name}: empty file, no header") from None
    keys = [h.strip().lower() for h in header]
    for col in columns:
        if col.lower() not in keys:
            have = ", ".join(h for h in header if h.strip()) or "(none)"
            raise ColumnError(f"{Path(path).name} has no column '{col}'; its columns are: {have}")

    def rows() -> Iterator[dict[str, str]]:
        for row in reader:
            yield {k: (row[i] if i < len(row) else "") for i, k in enumerate(keys) if k}

    return header, rows()


def _spans(ex: tc.Extraction) -> str:
    return " | ".join(f"{f.outcome} {f.basis}{' part' if f.subset else ''} [{f.start}:{f.end}] {f.text}" for f in ex.figures)


def count_row(text: str, conventions: Mapping[str, int | str] | None = None, language: str | None = None) -> dict[str, object]:
    """One output row (without id) for one text: totals by outcome, who was killed, the spans."""
    out: dict[str, object] = {c: "" for c in OUT_COLUMNS if c != "id"}
    try:
        ex = tc.extract(text or "", language)
    except tc.TextError as exc:
        out["error"] = str(exc)
        return out
    out["language"] = ex.language
    for outcome in tc.OUTCOMES:
        tot = ex.total(outcome, conventions)
        if tot is None:
            continue
        out[outcome] = "" if tot.coded is None else tot.coded
        out[f"{outcome}_low"] = "" if tot.low is None else tot.low
        out[f"{outcome}_high"] = "" if tot.high is None else tot.high
        out[f"{outcome}_basis"] = tot.basis
    killed = [f for f in ex.figures if f.outcome == "killed"]
    for col, test in (
        ("civilians_killed", lambda f: f.civilian is True),
        ("women_killed", lambda f: f.sex == "female" and f.age_group != "child"),
        ("men_killed", lambda f: f.sex == "male" and f.age_group != "child"),
        ("children_killed", lambda f: f.age_group == "child"),
        ("girls_killed", lambda f: f.sex == "female" and f.age_group == "child"),
        ("boys_killed", lambda f: f.sex == "male" and f.age_group == "child"),
    ):
        vals = [f.coded(conventions) for f in killed if test(f)]
        if vals and all(v is not None for v in vals):
            out[col] = sum(vals)  # type: ignore[arg-type]
    out["spans"] = _spans(ex)
    return out


@dataclass(frozen=True, slots=True)
class CountSummary:
    rows: int
    with_killed: int
    unreadable: int
    output: str


def count_file(path: Path, text_column: str, id_column: str | None, output: Path,
               conventions: Mapping[str, int | str] | None = None, language: str | None = None) -> CountSummary:
    """One output row per input row (errors in the `error` column), cells guarded against formulas."""
    cols = [text_column] + ([id_column] if id_column else [])
    _, rows = read_rows(path, cols)
    n = with_killed = unreadable = 0
    tmp = Path(str(output) + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, OUT_COLUMNS)
        w.writeheader()
        for n, row in enumerate(rows, start=1):
            out = count_row(row[text_column.lower()], conventions, language)
            out["id"] = row[id_column.lower()] if id_column else n
            with_killed += out["killed_basis"] != ""
            unreadable += out["error"] != ""
            w.writerow({k: neutralise(v) for k, v in out.items()})
    tmp.replace(output)
    return CountSummary(n, with_killed, unreadable, str(output))


# --- conventions ---------------------------------------------------------------------------------


def coded_pairs(paths: Iterable[Path], text_column: str | None = None, count_column: str | None = None) -> list[tuple[str, int]]:
    """(text, coded count) from coded files: ACLED notes/fatalities or GED source_headline/best."""
    pairs = []
    for path in paths:
        header, _ = read_rows(path, [])
        keys = [h.strip().lower() for h in header]
        tcol = (text_column or next((c for c in TEXT_COLUMNS if c in keys), "")).lower()
        ccol = (count_column or COUNT_COLUMNS.get(tcol, "")).lower()
        _, rows = read_rows(path, [c for c in (tcol or "notes", ccol or "fatalities")])
        for row in rows:
            text, count = row[tcol], row[ccol].strip()
            if not count:
                continue
            try:
                pairs.append((text, int(float(count))))
            except ValueError:
                continue
    return pairs


def learn(paths: list[Path], output: Path | None = None, min_support: int = 5) -> dict[str, object]:
    """Learn the coding conventions from the user's own coded files; write them as JSON."""
    if not paths:
        raise ValueError("name at least one coded file (e.g. an ACLED export with notes and fatalities)")
    pairs = coded_pairs(paths)
    learnt = learn_conventions(pairs, min_support)
    doc = {
        "method": tc.METHOD_VERSION,
        "learnt_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [{"name": Path(p).name, "sha256": hashlib.sha256(Path(p).read_bytes()).hexdigest()} for p in paths],
        "notes_read": len(pairs),
        "min_support": min_support,
        "conventions": [asdict(c) for c in learnt],
    }
    output = output or default_conventions_path()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    doc["output"] = str(output)
    return doc


# --- quality control ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Disagreement:
    id: str
    coded: int
    read: int | None
    low: int | None
    high: int | None
    basis: str
    spans: str

    @property
    def outside(self) -> bool:
        """The coded count lies outside what the text allows (low..high)."""
        return (self.low is not None and self.coded < self.low) or (self.high is not None and self.coded > self.high)


def disagreements(items: Iterable[tuple[str, str, int]], conventions: Mapping[str, int | str] | None = None) -> Iterator[Disagreement]:
    """(id, text, coded killed) -> those whose text reads a different killed count."""
    for ident, text, coded in items:
        try:
            ex = tc.extract(text)
        except tc.TextError:
            continue
        tot = ex.total("killed", conventions)
        if tot is None:
            continue
        read = tot.coded
        if read is not None and read == coded:
            continue
        if read is None and (tot.low or 0) <= coded and (tot.high is None or coded <= tot.high):
            continue  # a vague text that allows the coded count
        yield Disagreement(ident, coded, read, tot.low, tot.high, tot.basis, _spans(ex))


def check_file(path: Path, text_column: str | None = None, count_column: str | None = None, id_column: str | None = None,
               conventions: Mapping[str, int | str] | None = None) -> Iterator[Disagreement]:
    header, _ = read_rows(path, [])
    keys = [h.strip().lower() for h in header]
    tcol = (text_column or next((c for c in TEXT_COLUMNS if c in keys), None) or "notes").lower()
    ccol = (count_column or COUNT_COLUMNS.get(tcol) or "fatalities").lower()
    icol = (id_column or next((c for c in ID_COLUMNS if c in keys), None) or "").lower()
    _, rows = read_rows(path, [tcol, ccol] + ([icol] if icol else []))

    def items() -> Iterator[tuple[str, str, int]]:
        for n, row in enumerate(rows, start=2):
            try:
                coded = int(float(row[ccol]))
            except ValueError:
                continue
            yield (row[icol] if icol else f"line {n}"), row[tcol], coded

    return disagreements(items(), conventions)


def check_store(engine, source: str | None = None, conventions: Mapping[str, int | str] | None = None) -> Iterator[Disagreement]:
    """Reports in the store whose total deaths disagree with their notes (or headline)."""
    from sqlalchemy import select

    from civwatch.store.schema import reports

    q = select(reports.c.source, reports.c.source_id, reports.c.notes, reports.c.headline, reports.c.total_deaths_best).where(
        reports.c.total_deaths_best.is_not(None)
    )
    if source:
        q = q.where(reports.c.source == source)
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(reports.c.id)).all()
    return disagreements(((f"{r.source}:{r.source_id}", r.notes or r.headline or "", r.total_deaths_best) for r in rows
                          if (r.notes or r.headline)), conventions)


def extract_for_form(text: str, language: str | None = None, conventions: Mapping[str, int | str] | None = None) -> dict[str, object]:
    """What the recording form offers from a pasted text: each figure with its span, and totals."""
    ex = tc.extract(text, language)
    totals = {}
    for outcome in tc.OUTCOMES:
        tot = ex.total(outcome, conventions)
        if tot is not None:
            totals[outcome] = {"low": tot.low, "best": tot.best, "high": tot.high, "coded": tot.coded, "basis": tot.basis}
    # what the form's "civilians harmed" fields can take: figures the text does not call combatants
    form: dict[str, object] = {}
    for outcome, prefix in (("killed", "civilian_deaths"), ("injured", "civilian_injuries")):
        civ = tc.Extraction(ex.language, [f for f in ex.figures if f.civilian is not False])
        tot = civ.total(outcome, conventions)
        if tot is not None:
            form[f"{prefix}_best"] = tot.coded if tot.best is None else tot.best
            form[f"{prefix}_low"] = tot.low
            form[f"{prefix}_high"] = tot.high
        for f in ex.breakdown(outcome):
            if f.civilian is not False and f.sex != "unknown" and f.age_group in ("adult", "child"):
                key = f"harm_{outcome}_{f.sex}_{f.age_group}"
                form[key] = int(form.get(key) or 0) + (f.coded(conventions) or 0)  # type: ignore[call-overload]
    return {
        "method": tc.METHOD_VERSION,
        "language": ex.language,
        "totals": totals,
        "form": {k: v for k, v in form.items() if v is not None},
        "figures": [
            {"outcome": f.outcome, "low": f.low, "best": f.best, "high": f.high, "basis": f.basis, "start": f.start, "end": f.end,
             "text": f.text, "sex": f.sex, "age_group": f.age_group, "civilian": f.civilian, "part_of_another": f.subset}
            for f in ex.figures
        ],
    }


# --- harm by sex and age from a report's own text -------------------------------------------


@dataclass(frozen=True, slots=True)
class HarmSummary:
    reports_read: int
    reports_with_rows: int
    rows: int
    method: str


def extract_harm(engine, batch_id: int | None = None, source: str | None = None) -> HarmSummary:
    """Harm rows by sex and age read from the text of reports whose source gives none.

    Written to `harm_extracted` with the method's version, never to the coded `harm` table, so a
    measure shows coded figures unless it asks for these too. Re-running replaces the rows of the
    reports it reads; one transaction.
    """
    from sqlalchemy import delete, exists, insert, or_, select

    from civwatch.store.schema import harm, harm_extracted, reports

    coded = exists().where(harm.c.report_id == reports.c.id, or_(harm.c.sex != "unknown", harm.c.age_group != "unknown"))
    q = select(reports.c.id, reports.c.notes, reports.c.headline).where(~coded)
    if batch_id is not None:
        q = q.where(reports.c.batch_id == batch_id)
    if source:
        q = q.where(reports.c.source == source)
    now = datetime.now(UTC)
    read = with_rows = written = 0
    with engine.begin() as conn:
        rows = conn.execute(q.order_by(reports.c.id)).all()
        ids = [r.id for r in rows]
        for chunk in range(0, len(ids), 500):
            conn.execute(delete(harm_extracted).where(harm_extracted.c.report_id.in_(ids[chunk:chunk + 500])))
        batch: list[dict] = []
        for r in rows:
            text = r.notes or r.headline or ""
            read += 1
            if not tc.may_state_sex_or_age(text):
                continue  # no word for a sex or an age: the rules would find no row (most notes)
            try:
                ex = tc.extract(text)
            except tc.TextError:
                continue
            found = [f for o in tc.OUTCOMES for f in ex.breakdown(o)]
            with_rows += bool(found)
            batch += [{"report_id": r.id, "outcome": f.outcome, "sex": f.sex, "age_group": f.age_group, "civilian": f.civilian,
                       "low": f.low, "best": f.best, "high": f.high, "method": tc.METHOD_VERSION, "span_start": f.start,
                       "span_end": f.end, "created_at": now} for f in found]
            if len(batch) >= 1000:
                conn.execute(insert(harm_extracted), batch)
                written += len(batch)
                batch = []
        if batch:
            conn.execute(insert(harm_extracted), batch)
            written += len(batch)
    return HarmSummary(read, with_rows, written, tc.METHOD_VERSION)


def extracted_harm(engine, report_id: int) -> list[dict]:
    """The extracted rows of one report, each with the words it was read from."""
    from sqlalchemy import select

    from civwatch.store.schema import harm_extracted, reports

    with engine.connect() as conn:
        rep = conn.execute(select(reports.c.notes, reports.c.headline).where(reports.c.id == report_id)).first()
        rows = conn.execute(select(harm_extracted).where(harm_extracted.c.report_id == report_id).order_by(harm_extracted.c.id)).mappings().all()
    text = (rep.notes or rep.headline or "") if rep else ""
    return [{**{k: v for k, v in r.items() if k not in ("id", "created_at")}, "text": text[r["span_start"]:r["span_end"]]} for r in rows]

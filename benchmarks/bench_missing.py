"""Missing-person matching: quality on a set built from the Airwars Gaza victim list, beside an
exact-normalised-name baseline in the same run, and the speed of one case's candidate search
against a large list.

    python benchmarks/bench_missing.py [--reports 600] [--persons 1000000] [--seed 18]

Quality. The list is the real Airwars file with its Arabic names only (no English), ages and
sex. Each family report is written from a victim's *English* name with realistic variation
(common spelling variants, "Al-"/"El-", a dropped middle name, family name put first), the age
off by a year sometimes or unknown, the sex sometimes unknown. 30 % of reports are of persons
taken out of the list while their family (same incident and family name) stays in it: every
candidate offered for them is a false match. Entries naming a relation rather than a person
("Wife of Iyad", "Unnamed daughter of ...") are left in the list but never reported.
recall@5 = share of matching reports whose person is among the first five candidates offered;
precision@1 = share of reports with any candidate offered whose first candidate is the person.
Baseline: candidates whose ICU-normalised name equals the report's exactly.

Speed. `--persons` entries (names drawn from the Airwars tokens, recombined; ages and sex from
its distribution) are imported through services.missing_lists; then services.missing.rank for
one report, median of 5; the baseline is a scan scoring every entry of a 20,000-entry sample,
scaled to the list.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("CIVWATCH_MISSING_KEY", "YmVuY2gta2V5LWZvci1taXNzaW5nLXBlcnNvbnMtMzI=")

from civwatch.domain import missing as dom  # noqa: E402
from civwatch.domain import missing_names as names  # noqa: E402
from civwatch.services import (
    auth,  # noqa: E402
    missing_lists,  # noqa: E402
)
from civwatch.services import missing as svc  # noqa: E402
from civwatch.services.missing_crypto import cipher  # noqa: E402
from civwatch.store import migrate  # noqa: E402
from civwatch.store.db import make_engine  # noqa: E402

SHARED = Path(os.environ.get("CIVWATCH_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
AIRWARS = SHARED / "other_monitors" / "airwars_gaza_2023_victims_by_incident.csv"
SPELLINGS = [("Muhammad", "Mohammed"), ("Mohammed", "Mohamed"), ("Mohammad", "Muhammad"), ("Ahmed", "Ahmad"),
             ("Mahmoud", "Mahmud"), ("Abdel ", "Abdul "), ("Abdul ", "Abd al-"), ("Al-", "Al "), ("Al ", "El-"),
             ("al-", "Al "), ("Youssef", "Yusuf"), ("Yousef", "Youssef"), ("Hussein", "Hussain"), ("Khaled", "Khalid"),
             ("Omar", "Umar"), ("ou", "u"), ("ee", "i"), ("Abu ", "Abou "), ("Hassan", "Hasan"), ("Ibrahim", "Ebrahim"),
             ("Mustafa", "Mostafa"), ("ah ", "a "), ("Fatima", "Fatma"), ("ss", "s"), ("mm", "m"), ("dd", "d")]
COMPOUND = re.compile(r"\b(?:abd|abdel|abdul|abdal|abu|abou|abo|al|el)\s+(?:(?:al|el)[- ])?\S+", re.I)
RELATION = re.compile(r"\b(of|unnamed|member|wife|son|daughter|mother|father|sister|brother|husband|child|family|baby|infant)\b|['’]s\b", re.I)


def read_airwars() -> list[dict]:
    with open(AIRWARS, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [dict(r, key=f"{r['incident_id']}#{r['victim_id']}") for r in rows if r["name_en"].strip() and r["name_ar"].strip()]


def vary(name: str, rng: random.Random) -> str:
    n = name
    for a, b in rng.sample(SPELLINGS, len(SPELLINGS)):
        if a in n and rng.random() < 0.6:
            n = n.replace(a, b, 1)
    # a compound ("Abdel Karim", "Abu al-Naja", "Al Najjar") is one word of the name: kept whole
    n = COMPOUND.sub(lambda m: m.group(0).replace(" ", "\x01"), n)
    toks = n.split()
    if len(toks) >= 4 and rng.random() < 0.3:
        del toks[rng.randrange(1, len(toks) - 1)]
    if len(toks) >= 3 and rng.random() < 0.15:
        toks = toks[-1:] + toks[:-1]
    return " ".join(toks).replace("\x01", " ")


def build_set(rows: list[dict], n: int, rng: random.Random, nonmatch: float = 0.3):
    picks = [r for r in rows if len(r["name_en"].split()) >= 2 and not RELATION.search(r["name_en"])]
    rng.shuffle(picks)
    removed: set[str] = set()
    reports = []
    for r in picks[:n]:
        out = rng.random() < nonmatch
        if out:
            removed.add(r["key"])
        try:
            age: float | None = float(r["age_years"])
        except ValueError:
            age = None
        if age is not None and rng.random() < 0.4:
            age = max(0.0, age + rng.choice([-1, 1]))
        if rng.random() < 0.2:
            age = None
        reports.append({"truth": None if out else r["key"], "name": vary(r["name_en"], rng), "age": age,
                        "sex": r["gender"] if rng.random() < 0.9 else ""})
    return reports, [r for r in rows if r["key"] not in removed]


def write_list(path: Path, rows: list[dict]) -> dict[int, str]:
    """The list file (Arabic names only); returns line -> the victim's key."""
    lines = {}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name_ar", "age_years", "gender"])
        for i, r in enumerate(rows, start=2):
            w.writerow([r["name_ar"], r["age_years"], r["gender"]])
            lines[i] = r["key"]
    return lines


def store(folder: Path):
    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite'}")
    migrate.upgrade(engine)
    auth.add_user(engine, "bench", "a long bench password", "admin")
    return engine, auth.principal_for_token(engine, auth.issue_token(engine, "bench"))


def person(rep: dict) -> dom.Person:
    from datetime import date

    return dom.Person([rep["name"]], dom.parse_birth(None, rep["age"], date(2024, 9, 25)), rep["sex"])


def quality(rows: list[dict], n: int, seed: int, folder: Path) -> None:
    reports, kept = build_set(rows, n, random.Random(seed))
    path = folder / "airwars_arabic.csv"
    lines = write_list(path, kept)
    engine, who = store(folder)
    missing_lists.import_list(engine, path, "dead", "Airwars (Arabic names)", "Airwars", "2024-09-25", who, search=False)
    by_name = defaultdict(list)
    for r in kept:
        by_name[names.exact_normalised(r["name_ar"])].append(r["key"])
    c = cipher()
    hit5 = matching = offered = correct = b_hit = b_offered = b_correct = 0
    t0 = time.perf_counter()
    with engine.connect() as conn:
        for rep in reports:
            ranked = svc.rank(conn, c, person(rep))
            keys = [lines[e["line"]] for _, e in ranked]
            b = by_name.get(names.exact_normalised(rep["name"]), [])
            if rep["truth"]:
                matching += 1
                hit5 += rep["truth"] in keys[:5]
                b_hit += rep["truth"] in b[:5]
            if keys:
                offered += 1
                correct += keys[0] == rep["truth"]
            if b:
                b_offered += 1
                b_correct += b[0] == rep["truth"]
    took = time.perf_counter() - t0
    print(f"quality: {len(reports)} reports ({matching} of persons in the list), list of {len(kept)} Arabic names")
    print(f"  civwatch  recall@5 {hit5 / matching:.3f} ({hit5}/{matching})  precision@1 {correct / max(offered, 1):.3f} "
          f"({correct}/{offered})  {1000 * took / len(reports):.1f} ms per report")
    print(f"  baseline  recall@5 {b_hit / matching:.3f} ({b_hit}/{matching})  precision@1 "
          f"{(b_correct / b_offered) if b_offered else float('nan'):.3f} ({b_correct}/{b_offered})  (exact normalised name)")
    engine.dispose()


def synthetic(rows: list[dict], n: int, rng: random.Random, path: Path) -> None:
    words = [r["name_ar"].split() for r in rows if len(r["name_ar"].split()) >= 2]
    givens = [w[0] for w in words]
    rest = [t for w in words for t in w[1:]]
    families = [w[-1] for w in words]
    ages = [r["age_years"] for r in rows]
    sexes = [r["gender"] for r in rows]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name_ar", "age_years", "gender"])
        for _ in range(n):
            middle = " ".join(rng.choice(rest) for _ in range(rng.choice([0, 1, 1, 2])))
            w.writerow([f"{rng.choice(givens)} {middle} {rng.choice(families)}".replace("  ", " "), rng.choice(ages), rng.choice(sexes)])


def speed(rows: list[dict], n: int, seed: int, folder: Path) -> None:
    rng = random.Random(seed)
    path = folder / "synthetic.csv"
    synthetic(rows, n, rng, path)
    (folder / "speed").mkdir()
    engine, who = store(folder / "speed")
    t0 = time.perf_counter()
    missing_lists.import_list(engine, path, "detained", "synthetic", "bench", "2024-09-25", who, search=False)
    load = time.perf_counter() - t0
    reports, _ = build_set(rows, 20, random.Random(seed + 1), nonmatch=0)
    c = cipher()
    times = []
    with engine.connect() as conn:
        for rep in reports[:5]:
            t = time.perf_counter()
            svc.rank(conn, c, person(rep))
            times.append(time.perf_counter() - t)
        from sqlalchemy import select

        from civwatch.store.schema import missing_list_entries
        sample = [dict(r) for r in conn.execute(select(missing_list_entries).limit(20_000)).mappings()]
    p = person(reports[0])
    t = time.perf_counter()
    for e in sample:
        dom.score(p, svc.entry_person(c, e)[0])
    scan = (time.perf_counter() - t) * n / len(sample)
    med = statistics.median(times)
    print(f"speed: {n:,} persons imported in {load:.0f} s; one case's search {1000 * med:.0f} ms (median of 5); "
          f"full scan (scaled from 20,000) {scan:.1f} s; ratio {scan / med:.0f}x")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=600)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args()
    rows = read_airwars()
    with tempfile.TemporaryDirectory() as tmp:
        quality(rows, args.reports, args.seed, Path(tmp))
        if args.persons:
            speed(rows, args.persons, args.seed, Path(tmp))


if __name__ == "__main__":
    main()

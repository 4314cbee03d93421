"""Sex and age read from text against labels made by hand (tests/fixtures/textcounts/LABELLING.md).

The 303 notes are UCDP GED `source_headline`s (CC BY 4.0), read from shared data by id; the
labels were written from the text alone, before this evaluation was first run. The rules were
then improved by looking at its errors, so these figures are on a development set, not held out.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from civwatch.domain.textcounts import TextError, extract

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "textcounts" / "ged_headline_sex_age_labels.csv"


def predicted(text: str) -> Counter:
    """(outcome, sex, age) -> count, the largest statement of each (headlines repeat one event)."""
    try:
        ex = extract(text)
    except TextError:
        return Counter()
    by_sentence: dict[tuple, Counter] = {}
    for f in ex.figures:
        if f.outcome in ("killed", "injured") and (f.sex != "unknown" or f.age_group != "unknown") and f.best is not None:
            by_sentence.setdefault((f.outcome, f.sex, f.age_group), Counter())[f.sentence] += f.best
    return Counter({k: max(v.values()) for k, v in by_sentence.items()})


def labelled(cell: str) -> Counter:
    out: Counter = Counter()
    for item in filter(None, cell.split("|")):
        outcome, sex, age, n = item.split(":")
        out[(outcome, sex, age)] = int(n)
    return out


def test_sex_and_age_precision_and_recall(shared_data: Path) -> None:
    texts = {}
    for name in ("ged_v23_1_global_random_sample_991.csv", "ged_ukraine_statebased_2014_2022.csv", "ged_v19_1_bangladesh_1989_2018.csv"):
        with (shared_data / "ucdp_ged" / name).open(encoding="utf-8", newline="") as fh:
            texts.update({(name, r["id"]): r["source_headline"] for r in csv.DictReader(fh)})
    with LABELS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 300
    tp = fp = fn = 0
    for row in rows:
        gold, got = labelled(row["labels"]), predicted(texts[(row["file"], row["id"])])
        for key in gold.keys() | got.keys():
            if gold.get(key) == got.get(key):
                tp += 1
            else:
                fp += key in got
                fn += key in gold
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"sex/age on {len(rows)} labelled notes: precision {precision:.3f}, recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    # issue 22 asks 0.90 / 0.80; measured 0.971 / 0.859 (textcounts-2 and textcounts-3, docs/textcounts.md)
    assert precision >= 0.90 and recall >= 0.80

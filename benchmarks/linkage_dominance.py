"""How many held-out Ukraine copies (case b2 of linkage_eval.py) land at least as close to another
event as to their own, in every field a linker sees at once.

For each true pair (GED record g, its perturbed copy c) among the candidate pairs, it looks at
the competing candidates of c (other GED records) and of g (other copies) and counts the pairs
that have (1) an exact twin of g competing (a record equal in every visible field), or else
(2) a competitor at least as close on every raw field at once: days apart, km apart, deaths
apart, text cosine, place and admin1 name similarity, same perpetrator category. No monotone
scoring of these fields can prefer the true pair over such a competitor on its own merits.
Evaluation only: it reads the truth.

    .venv/bin/python benchmarks/linkage_dominance.py
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from linkage_eval import TEST, VISIBLE, perturbed_case, shuffled

from civwatch.linkage import compare
from civwatch.linkage.blocking import candidate_pairs
from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.evaluation.layouts import columns
from civwatch.linkage.records import Records


def main() -> None:
    config = LinkageConfig.load()
    reports, truth_list = shuffled(*perturbed_case(TEST, seed=2))
    truth = np.asarray(truth_list)
    r = Records.from_columns(columns(reports), config)
    batches = list(candidate_pairs(r, config))
    i = np.concatenate([b[0] for b in batches])
    j = np.concatenate([b[1] for b in batches])
    ged = list(r.sources).index("ucdp-ged")
    swap = r.source[i] != ged  # orient every pair as (GED record, copy)
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    gap = np.maximum(np.maximum(r.start[i], r.start[j]) - np.minimum(r.end[i], r.end[j]), 0)
    # "badness" per field, smaller is closer; missing values count as equal for everyone
    fields = np.stack([
        gap,
        np.nan_to_num(compare.distance_km(r, i, j), nan=0.0),
        np.nan_to_num(np.abs(r.deaths[i] - r.deaths[j]), nan=0.0),
        -np.nan_to_num(r.text_cosine(i, j), nan=0.0),
        -compare._name_similarity(r.place, r.place.codes[i], r.place.codes[j]),
        -compare._name_similarity(r.admin1, r.admin1.codes[i], r.admin1.codes[j]),
        -(r.party[i] == r.party[j]).astype(float),
    ], axis=1)
    visible = [tuple(str(x.get(k)) for k in VISIBLE) for x in reports]
    by_copy, by_ged = defaultdict(list), defaultdict(list)
    for k in range(len(i)):
        by_copy[j[k]].append(k)
        by_ged[i[k]].append(k)
    true_pairs = np.flatnonzero(truth[i] == truth[j])
    twin = weak = strict = 0
    for k in true_pairs:
        others = [q for q in by_copy[j[k]] if q != k]
        if any(visible[i[q]] == visible[i[k]] for q in others):
            twin += 1
            continue
        closer = [q for q in others + [q for q in by_ged[i[k]] if q != k] if np.all(fields[q] <= fields[k])]
        if closer:
            weak += 1
            strict += any(np.any(fields[q] < fields[k]) for q in closer)
    n = len(true_pairs)
    print(f"b2: {n} true pairs among the candidates; {twin} ({twin / n:.1%}) have an exact twin competing; "
          f"another {weak} ({weak / n:.1%}) a competitor at least as close in every field ({strict} strictly closer in one)")


if __name__ == "__main__":
    main()

"""Candidate pairs: same country, dates within a window that respects each report's precision.

Each report covers the days [start, end] (one day when the date is exact, a week or a month
when it is not). Two reports are candidates when those spans, widened by `window_days`, meet.
DuckDB does the join on (country, day): one side is unrolled over its widened span, the other
over its own span, and a pair is kept only on the first day the two meet, so it comes out
once without a DISTINCT. Reports spanning more than `max_span_days` are left out (a year-
precise report would be a candidate for everything that year). The SQL is plain and runs
unchanged on Spark SQL (docs/linkage.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import numpy as np
import pyarrow as pa

from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.records import Records

PAIRS_SQL = """
WITH spans AS (
    SELECT idx, country, src, s, e, is_new FROM recs WHERE e - s <= $max_span
),
wide AS (
    SELECT idx, country, s, is_new, unnest(range(s - $k, e + $k + 1)) AS d FROM spans WHERE src = $a
),
own AS (
    SELECT idx, country, s, is_new, unnest(range(s, e + 1)) AS d FROM spans WHERE src = $b
)
SELECT wide.idx AS i, own.idx AS j
FROM wide JOIN own ON wide.country = own.country AND wide.d = own.d
WHERE wide.d = greatest(wide.s - $k, own.s)
  AND (wide.is_new OR own.is_new)
  AND ($a <> $b OR wide.idx < own.idx)
"""


def source_pairs(sources: np.ndarray, names: np.ndarray, config: LinkageConfig) -> list[tuple[int, int]]:
    """(wide, own) source codes to join: every pair of sources once, the smaller one unrolled;
    a source with itself where the configuration looks for duplicates inside it."""
    n_sources = len(names)
    sizes = np.bincount(sources, minlength=n_sources)
    out = [(a, a) for a in range(n_sources) if config.within(str(names[a]))]
    for a in range(n_sources):
        for b in range(a + 1, n_sources):
            out.append((a, b) if sizes[a] <= sizes[b] else (b, a))
    return [(a, b) for a, b in out if sizes[a] and sizes[b]]


def candidate_pairs(
    records: Records,
    config: LinkageConfig,
    new: np.ndarray | None = None,
    batch_rows: int = 1_000_000,
    threads: int | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (i, j) index arrays in batches, each unordered pair once. With `new`, only pairs
    touching a new row. Sources are joined pairwise, so pairs within one source are never
    formed (and discarded) unless the configuration looks inside that source."""
    is_new = np.ones(len(records), dtype=bool) if new is None else np.asarray(new, dtype=bool)
    table = pa.table({
        "idx": pa.array(np.arange(len(records), dtype=np.int32)),
        "country": pa.array(records.country),
        "src": pa.array(records.source),
        "s": pa.array(records.start),
        "e": pa.array(records.end),
        "is_new": pa.array(is_new),
    })
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.register("recs", table)
        for a, b in source_pairs(records.source, records.sources, config):
            params = {"k": config.window_days, "max_span": config.max_span_days, "a": a, "b": b}
            reader = con.execute(PAIRS_SQL, params).to_arrow_reader(batch_rows)
            for batch in reader:
                if batch.num_rows:
                    yield (
                        batch.column(0).to_numpy(zero_copy_only=False).astype(np.int64),
                        batch.column(1).to_numpy(zero_copy_only=False).astype(np.int64),
                    )
    finally:
        con.close()

"""Blocking returns exactly the pairs the window rule defines (checked by brute force)."""

from __future__ import annotations

import random

import numpy as np

from civwatch.linkage.blocking import candidate_pairs
from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.records import Records


def _records(n: int, seed: int) -> Records:
    rng = random.Random(seed)
    starts = [rng.randint(0, 60) for _ in range(n)]
    spans = [rng.choice([0, 0, 0, 0, 6, 30, 364]) for _ in range(n)]
    return Records.from_columns({
        "key": list(range(n)), "source": [rng.choice(["ged", "acled", "acled", "hrmmu"]) for _ in range(n)],
        "country_iso3": [rng.choice(["UKR", "SYR"]) for _ in range(n)],
        "date_start": np.array(starts, dtype=np.int32), "date_end": np.array([s + d for s, d in zip(starts, spans, strict=True)], dtype=np.int32),
    })


def _brute(r: Records, cfg: LinkageConfig, new: np.ndarray) -> set[tuple[int, int]]:
    out = set()
    for i in range(len(r)):
        for j in range(i + 1, len(r)):
            if r.country[i] != r.country[j] or not (new[i] or new[j]):
                continue
            if r.end[i] - r.start[i] > cfg.max_span_days or r.end[j] - r.start[j] > cfg.max_span_days:
                continue
            if r.source[i] == r.source[j] and not cfg.within(str(r.sources[r.source[i]])):
                continue
            gap = max(r.start[i], r.start[j]) - min(r.end[i], r.end[j])
            if gap <= cfg.window_days:
                out.add((i, j))
    return out


def test_pairs_equal_the_window_rule() -> None:
    for within in (False, True, ("acled",)):
        cfg = LinkageConfig(window_days=3, within_source=within)
        r = _records(300, seed=1)
        new = np.ones(len(r), dtype=bool)
        got = [(min(int(a), int(b)), max(int(a), int(b))) for i, j in candidate_pairs(r, cfg, batch_rows=97) for a, b in zip(i, j, strict=True)]
        assert len(got) == len(set(got))  # each pair once
        assert set(got) == _brute(r, cfg, new)


def test_incremental_pairs_touch_a_new_report() -> None:
    cfg = LinkageConfig(window_days=2)
    r = _records(200, seed=2)
    new = np.zeros(len(r), dtype=bool)
    new[::7] = True
    got = {(min(int(a), int(b)), max(int(a), int(b))) for i, j in candidate_pairs(r, cfg, new=new) for a, b in zip(i, j, strict=True)}
    assert got == _brute(r, cfg, new) and got


def test_a_single_day_with_a_coarse_precision_covers_its_week_or_month() -> None:
    from civwatch.linkage.records import widen

    day = np.array([19_000, 19_000, 19_000, 19_000], dtype=np.int32)  # 2022-01-08
    start, end = widen(day, day.copy(), ["day", "week", "month", "year"])
    assert (start - day).tolist() == [0, -3, -7, -7]
    assert (end - day).tolist() == [0, 3, 23, 357]
    span_start, span_end = widen(np.array([5], np.int32), np.array([9], np.int32), ["month"])
    assert (span_start[0], span_end[0]) == (5, 9)  # a span the source gave is kept

"""Comparisons: the rarity-weighted text cosine and the geo levels, against values worked out
independently here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from civwatch.linkage import compare
from civwatch.linkage.names import text_key
from civwatch.linkage.records import Records

TEXTS = [
    "Nine more Ukrainian servicemen killed near Debaltseve",  # 0: an event
    "Nine more servicemen died near Debaltseve town",  # 1: another source's words for event 0
    "Shelling near Debaltseve town, one killed",  # 2: another event in the same town
    "Shelling near Debaltseve town",  # 3
    "",  # 4: no text
]


def _records(texts: list[str], lat: list[float] | None = None, geo: list[str] | None = None) -> Records:
    n = len(texts)
    return Records.from_columns({
        "key": list(range(n)), "source": ["a", "b"] * (n // 2) + ["a"] * (n % 2), "country_iso3": ["UKR"] * n,
        "date_start": [0] * n, "date_end": [0] * n, "notes": texts,
        "latitude": lat or [None] * n, "longitude": [30.0] * n if lat else [None] * n, "geo_precision": geo or [None] * n,
    })


def _cosine_by_hand(texts: list[str], a: int, b: int) -> float:
    words = [set(text_key(t).split()) for t in texts]
    n = len(texts)
    df = {w: sum(w in ws for ws in words) for w in set().union(*words)}
    idf = {w: math.log((n + 1) / (df[w] + 1)) + 1 for w in df}
    dot = sum(idf[w] ** 2 for w in words[a] & words[b])
    return dot / math.sqrt(sum(idf[w] ** 2 for w in words[a]) * sum(idf[w] ** 2 for w in words[b]))


def test_text_cosine_matches_a_hand_computation() -> None:
    r = _records(TEXTS)
    i, j = np.array([0, 0, 2, 1]), np.array([1, 2, 3, 3])
    got = r.text_cosine(i, j)
    want = [_cosine_by_hand(TEXTS, a, b) for a, b in zip(i, j, strict=True)]
    assert got == pytest.approx(want)


def test_rare_shared_words_outweigh_common_ones() -> None:
    # 0 and 1 share the rare words of what happened; 0 and 2 only the town and "near"
    r = _records(TEXTS)
    cos = r.text_cosine(np.array([0, 0]), np.array([1, 2]))
    assert cos[0] > 0.5 > cos[1]
    levels = compare.text_levels(r, np.array([0, 0]), np.array([1, 2]))
    assert levels[0] < levels[1]


def test_missing_text_gives_no_information() -> None:
    r = _records(TEXTS)
    assert np.isnan(r.text_cosine(np.array([4]), np.array([0]))[0])
    assert compare.text_levels(r, np.array([4]), np.array([0]))[0] == -1


def test_geo_level_within_the_larger_tolerance() -> None:
    # "near" (25 km) and "exact" (2 km): 10 km is within the larger tolerance, 26 km only within the sum
    km = 1 / 111.195  # degrees of latitude per km
    r = _records(["x"] * 4, lat=[50.0, 50.0 + 10 * km, 50.0, 50.0 + 26 * km], geo=["near", "exact", "near", "exact"])
    assert compare.geo_levels(r, np.array([0, 2]), np.array([1, 3])).tolist() == [1, 2]

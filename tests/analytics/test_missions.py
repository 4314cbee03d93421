"""The k-d tree near/far on columns agrees with a haversine written here and the domain rule."""

from __future__ import annotations

import math
import random

import numpy as np

from civwatch.analytics import missions as geo
from civwatch.domain.missions import EARTH_RADIUS_KM, classify


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def test_near_far_matches_a_plain_haversine() -> None:
    rnd = random.Random(7)
    pts = np.array([[rnd.uniform(10, 20), rnd.uniform(-5, 5)] for _ in range(12)])
    rows = []
    for _ in range(3000):
        prec = rnd.choice(["exact", "exact", "near", "admin1", "unknown"])
        lat, lon = (rnd.uniform(9, 21), rnd.uniform(-6, 6)) if rnd.random() > 0.02 else (None, None)
        rows.append((2016 if rnd.random() > 0.1 else 2015, rnd.choice(["MLI", "MLI", "NER"]), lat, lon, prec, rnd.choice([None, 0, 3])))
    events = geo.Events.from_rows(rows)
    res = geo.near_far({("M", 2016): pts}, {("M", 2016): {"MLI"}}, events, 25)[("M", 2016)]
    expected = {}
    for i, (year, country, lat, lon, prec, _) in enumerate(rows):
        if year != 2016 or country != "MLI":
            continue
        d = None if lat is None else min(haversine(lat, lon, p[0], p[1]) for p in pts)
        expected[i] = classify(d, prec, 25).value
    got = {int(i): geo.CODES[int(c)].value for i, c in zip(res.index, res.code, strict=True)}
    assert got == expected
    assert len(set(got.values())) == 3

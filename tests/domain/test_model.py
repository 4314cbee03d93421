from __future__ import annotations

from datetime import date

import pytest

from civwatch.domain.model import Figure, Place, When
from civwatch.domain.taxonomy import TAXONOMIES, Weapon


def test_figures_refuse_impossible_values() -> None:
    assert Figure(best=3, low=2, high=5).best == 3
    with pytest.raises(ValueError, match="negative"):
        Figure(best=-1)
    with pytest.raises(ValueError, match="above best"):
        Figure(best=1, low=2)
    with pytest.raises(ValueError, match="below best"):
        Figure(best=3, high=2)


def test_places_and_dates_are_checked() -> None:
    with pytest.raises(ValueError, match="alpha-3"):
        Place(country_iso3="UA")
    with pytest.raises(ValueError, match="latitude"):
        Place(country_iso3="UKR", latitude=91.0)
    with pytest.raises(ValueError, match="before start"):
        When(start=date(2020, 1, 2), end=date(2020, 1, 1))


def test_explosive_weapons_for_ewipa() -> None:
    explosive = {w for w in Weapon if w.is_explosive}
    assert Weapon.EXPLOSIVE_CLUSTER_MUNITION in explosive and Weapon.DRONE in explosive
    assert Weapon.SMALL_ARMS not in explosive and Weapon.CYBER not in explosive


def test_taxonomy_codes_are_unique_lower_case() -> None:
    for enum in TAXONOMIES.values():
        codes = [m.value for m in enum]
        assert len(codes) == len(set(codes))
        assert all(c == c.lower() and " " not in c for c in codes)

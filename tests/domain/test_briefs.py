"""Talking points only where the numbers support them; fingerprints over what was read."""

from __future__ import annotations

from datetime import date

from civwatch.domain import briefs as dom


def test_gap_points_follow_the_numbers() -> None:
    assert dom.forum_gap_points(0, "i", 0, 0, 0) == []
    assert [p.msgid for p in dom.forum_gap_points(7, "i", 0, 0, 0)] == ["tp.forum_all_party"]
    pts = dom.forum_gap_points(32, "i", 9, 2, 1)
    assert [p.msgid for p in pts] == ["tp.forum_gap", "tp.forum_signed_not_ratified", "tp.forum_withdrawn"]
    assert pts[0].values == {"not_party": 9, "members": 32, "instrument": "i"}
    assert [p.msgid for p in dom.forum_gap_points(32, "i", 9, 0, 0)] == ["tp.forum_gap"]


def test_country_point_needs_both_years() -> None:
    assert dom.country_harm_point(None, 5, 3) == []
    assert dom.country_harm_point(2023, None, 3) == []
    assert dom.country_harm_point(2023, 10, None)[0].msgid == "tp.country_deaths"
    p = dom.country_harm_point(2023, 15, 10)[0]
    assert p.msgid == "tp.country_deaths_change" and p.values["change"] == 0.5 and p.values["previous_year"] == "2022"


def test_party_point_says_unknown_share_only_as_a_count() -> None:
    assert dom.party_share_point(0, None, 0) == []
    assert dom.party_share_point(4, None, 0)[0].msgid == "tp.party_incidents"
    assert dom.party_share_point(4, 0.25, 4)[0].values == {"incidents": 4, "share": 0.25, "base": 4}


def test_fingerprint_changes_with_each_input_and_not_with_order() -> None:
    base = dom.fingerprint({"a": [1, 2], "b": 3}, "0.1.0", {"country": "UKR", "as_of": date(2020, 1, 1)})
    assert base == dom.fingerprint({"b": 3, "a": [1, 2]}, "0.1.0", {"as_of": date(2020, 1, 1), "country": "UKR"})
    assert base != dom.fingerprint({"a": [1, 3], "b": 3}, "0.1.0", {"country": "UKR", "as_of": date(2020, 1, 1)})
    assert base != dom.fingerprint({"a": [1, 2], "b": 3}, "0.1.1", {"country": "UKR", "as_of": date(2020, 1, 1)})
    assert base != dom.fingerprint({"a": [1, 2], "b": 3}, "0.1.0", {"country": "UKR", "as_of": date(2020, 1, 2)})

"""Releases: formatting is not content, and the source's own signal orders releases."""

from __future__ import annotations

import json

from civwatch.domain.releases import canonical_value, is_older, only_formatting, release_signal


def test_formatting_differences_are_one_value() -> None:
    assert canonical_value("True") == canonical_value("true") == "true"
    assert canonical_value("2014-01-22T00:00:00") == canonical_value("2014-01-22") == "2014-01-22"
    assert canonical_value("48.0") == canonical_value("48") == "48"
    assert canonical_value("9.59640") == canonical_value("9.5964")
    assert canonical_value(" Kiev ") == "Kiev"
    assert canonical_value("2014-01-22T10:30:00") != canonical_value("2014-01-22")
    assert canonical_value("48.1") != canonical_value("48")
    assert canonical_value("Yes") == "Yes"


def test_only_formatting_compares_every_named_field() -> None:
    a = json.dumps({"id": "1", "active_year": "True", "date_start": "2014-01-22", "": ""})
    b = json.dumps({"ID": "1", "active_year": "true", "date_start": "2014-01-22T00:00:00"})
    assert only_formatting(a, b)
    c = json.dumps({"id": "1", "active_year": "true", "date_start": "2014-01-23T00:00:00"})
    assert not only_formatting(a, c)


def test_release_signals_order_only_within_one_kind() -> None:
    old, new = release_signal({"timestamp": "1576000000"}), release_signal({"timestamp": "1579553213"})
    assert is_older(old, new) and not is_older(new, old) and not is_older(new, new)
    assert is_older(release_signal({"id": "1"}, "22.1"), release_signal({"id": "1"}, "23.1"))
    assert is_older(release_signal({"id": "1"}, "9.1"), release_signal({"id": "1"}, "10.1"))  # numbers, not text
    assert is_older(release_signal({}, "2023-02-03"), release_signal({}, "2023-06-23"))
    assert release_signal({"id": "1"}) is None
    assert not is_older(None, new) and not is_older(old, None)
    # a row's own timestamp is not comparable with a label given to a file
    assert not is_older(release_signal({}, "1.0"), new)
    assert not is_older(release_signal({}, "beta"), release_signal({}, "2.0"))

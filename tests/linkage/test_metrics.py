"""Evaluation metrics on tiny examples worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.evaluation.metrics import decidable, evaluate, naive_labels, nearest_labels
from civwatch.linkage.records import Records


def test_pairwise_and_bcubed_by_hand() -> None:
    # truth {0,1} {2,3} {4}; predicted {0,1,2} {3} {4}
    s = evaluate(np.array([1, 1, 1, 2, 3]), np.array(["a", "a", "b", "b", "c"]))
    # true pairs (0,1),(2,3); predicted (0,1),(0,2),(1,2); correct (0,1)
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (2, 3, 1)
    assert s.precision == pytest.approx(1 / 3) and s.recall == pytest.approx(1 / 2)
    assert s.f1 == pytest.approx(0.4)
    # B-cubed precision per element: 2/3, 2/3, 1/3, 1, 1 -> 11/15; recall: 1, 1, 1/2, 1/2, 1 -> 4/5
    assert s.bcubed_precision == pytest.approx(11 / 15)
    assert s.bcubed_recall == pytest.approx(4 / 5)
    assert s.bcubed_f1 == pytest.approx(2 * (11 / 15) * (4 / 5) / (11 / 15 + 4 / 5))


def test_perfect_and_all_singletons() -> None:
    truth = np.array([0, 0, 1, 2, 2, 2])
    perfect = evaluate(np.array([5, 5, 6, 7, 7, 7]), truth)
    assert perfect.f1 == 1.0 and perfect.bcubed_f1 == 1.0
    alone = evaluate(np.arange(6), truth)
    assert alone.precision == 1.0 and alone.recall == 0.0 and alone.f1 == 0.0
    assert alone.bcubed_precision == 1.0 and alone.bcubed_recall == pytest.approx((1 / 2 + 1 / 2 + 1 + 1 / 3 * 3) / 6)


def test_naive_baseline_joins_same_country_date_deaths_across_sources_only() -> None:
    country = np.array([0, 0, 0, 0, 1])
    start = np.array([10, 10, 10, 11, 10])
    deaths = np.array([3.0, 3.0, 3.0, 3.0, 3.0])
    source = np.array([0, 0, 1, 1, 1])
    labels = naive_labels(country, start, deaths, source)
    assert labels[0] == labels[1] == labels[2]
    assert len({labels[3], labels[4], labels[0]}) == 3
    only_one_source = naive_labels(country[:2], start[:2], deaths[:2], source[:2])
    assert only_one_source[0] != only_one_source[1]


def test_twins_take_the_label_the_prediction_gave_them() -> None:
    from civwatch.linkage.evaluation.metrics import resolve_twins

    # records 0 and 1 are identical twins in source A (truth 10, 11); their copies 2 (truth 10) and 3 (truth 11)
    truth = np.array([10, 11, 10, 11, 12])
    predicted = np.array([1, 2, 2, 1, 3])  # the linker paired 0 with 3 and 1 with 2: swapped twins
    visible = [("A", "same"), ("A", "same"), ("B", "x"), ("B", "y"), ("B", "z")]
    assert evaluate(predicted, truth).f1 == 0.0
    resolved = resolve_twins(predicted, truth, visible)
    assert resolved.tolist() == [11, 10, 10, 11, 12]
    assert evaluate(predicted, resolved).f1 == 1.0
    # a record that is no twin keeps its label whatever the prediction
    assert resolve_twins(predicted, truth, [("A", k) for k in range(5)]).tolist() == truth.tolist()


def test_twins_on_both_sides_resolve_once() -> None:
    from civwatch.linkage.evaluation.metrics import resolve_twins

    # one export holds twins 0 and 1 (truth 10, 11), the other export the same twins 2 and 3:
    # pairing 0 with 3 and 1 with 2 is as right as the reverse; resolving the second group
    # against the first group's original labels would undo the first resolution
    truth = np.array([10, 11, 10, 11])
    predicted = np.array([1, 2, 2, 1])
    visible = [("A", "same"), ("A", "same"), ("B", "same"), ("B", "same")]
    resolved = resolve_twins(predicted, truth, visible)
    assert evaluate(predicted, resolved).f1 == 1.0
    assert sorted(resolved[:2].tolist()) == [10, 11] and sorted(resolved[2:].tolist()) == [10, 11]


def test_twin_blind_bound() -> None:
    from civwatch.linkage.evaluation.metrics import twin_blind_bound

    truth = np.array([10, 11, 10, 11, 12, 12])
    # no twins: a perfect linker is perfect
    assert twin_blind_bound(truth, [("A", k) for k in range(6)]) == 1.0
    # 0 and 1 are twins: each draw pairs them with their copies right (F1 1) or swapped (F1 1/3:
    # the pair 4-5 only), so the bound is the mean of the two over the draws
    visible = [("A", "t"), ("A", "t"), ("B", 2), ("B", 3), ("A", 4), ("B", 5)]
    bound = twin_blind_bound(truth, visible, draws=200)
    assert 1 / 3 < bound < 1.0
    assert bound == pytest.approx((1 + 1 / 3) / 2, abs=0.08)


def test_decidable_leaves_out_incidents_holding_a_twin() -> None:
    # records 0 and 1 are twins of source A (equal in every visible field); 2 and 3 are their copies
    visible = [("A", "x"), ("A", "x"), ("B", "x1"), ("B", "x2"), ("A", "y"), ("B", "y")]
    truth = np.array([0, 1, 0, 1, 2, 2])
    assert decidable(truth, visible).tolist() == [False, False, False, False, True, True]


def test_greedy_nearest_event_takes_the_closest_once() -> None:
    cols = {
        "key": [1, 2, 3, 4], "source": ["a", "a", "b", "b"], "country_iso3": ["UKR"] * 4,
        "date_start": ["2020-01-01", "2020-01-03", "2020-01-02", "2020-01-03"],
        "date_end": ["2020-01-01", "2020-01-03", "2020-01-02", "2020-01-03"],
        "latitude": [48.0, 48.0, 48.0, 48.5], "longitude": [37.0, 37.0, 37.0, 37.5], "geo_precision": ["exact"] * 4,
    }
    labels = nearest_labels(Records.from_columns(cols), LinkageConfig())
    # same day first: 1 (a, 3rd) with 3 (b, 3rd); then 0 (a, 1st) with 2 (b, 2nd), one day apart
    assert labels[1] == labels[3] and labels[0] == labels[2] and labels[0] != labels[1]

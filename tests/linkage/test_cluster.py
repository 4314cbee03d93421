from __future__ import annotations

import numpy as np

from civwatch.linkage.cluster import cluster


def test_strongest_link_wins_and_one_report_per_source() -> None:
    sources = np.array([0, 1, 1])  # report 0 from source A, reports 1 and 2 from source B
    i, j, w = np.array([0, 0]), np.array([1, 2]), np.array([5.0, 9.0])
    labels = cluster(sources, i, j, w, cross_floor=0.0, within_floor=20.0)
    assert labels[0] == labels[2] != labels[1]


def test_cannot_link_blocks_chains_and_must_link_holds() -> None:
    sources = np.array([0, 1, 2])
    i, j, w = np.array([0, 1]), np.array([1, 2]), np.array([9.0, 8.0])
    labels = cluster(sources, i, j, w, 0.0, 20.0, cannot=[(0, 2)])
    assert labels[0] == labels[1] != labels[2]
    labels = cluster(sources, np.zeros(0, int), np.zeros(0, int), np.zeros(0), 0.0, 20.0, must=[(0, 2)])
    assert labels[0] == labels[2] != labels[1]


def test_within_source_duplicates_need_the_stricter_floor() -> None:
    sources = np.array([0, 0])
    i, j = np.array([0]), np.array([1])
    assert len(set(cluster(sources, i, j, np.array([10.0]), 0.0, 12.0))) == 2
    assert len(set(cluster(sources, i, j, np.array([13.0]), 0.0, 12.0))) == 1


def test_within_source_links_pair_but_never_chain() -> None:
    sources = np.array([0, 0, 0])
    i, j, w = np.array([0, 1]), np.array([1, 2]), np.array([30.0, 29.0])
    labels = cluster(sources, i, j, w, 0.0, 12.0)
    assert labels[0] == labels[1] != labels[2]


def test_assignment_avoids_the_greedy_swap() -> None:
    # a1 and a2 from source A, b1 and b2 from B: a1's strongest link is to b2, which leaves
    # a2 only its weak link to b1 under strongest-first; together a1-b1 and a2-b2 are best
    sources = np.array([0, 0, 1, 1])  # a1, a2, b1, b2
    i, j = np.array([0, 0, 1, 1]), np.array([2, 3, 3, 2])
    w = np.array([10.0, 11.0, 10.0, 1.0])
    labels = cluster(sources, i, j, w, cross_floor=0.0, within_floor=20.0)
    assert labels[0] == labels[2] != labels[1] == labels[3]


def test_assignment_respects_cannot_link() -> None:
    # the matching would pair a1-b1 and a2-b2, but an analyst split a1 from b1: a1 keeps b2
    sources = np.array([0, 0, 1, 1])
    i, j = np.array([0, 0, 1]), np.array([2, 3, 3])
    w = np.array([10.0, 11.0, 10.5])
    labels = cluster(sources, i, j, w, 0.0, 20.0, cannot=[(0, 2)])
    assert labels[0] == labels[3] and len(set(labels.tolist())) == 3


def test_assignment_respects_start_groups() -> None:
    # a1 is already in an incident with b1: its link to b2 must not take b2 from a2
    sources = np.array([0, 0, 1, 1])
    i, j = np.array([0, 1]), np.array([3, 3])
    w = np.array([11.0, 10.0])
    labels = cluster(sources, i, j, w, 0.0, 20.0, start_groups=[[0, 2]])
    assert labels[0] == labels[2] != labels[1] == labels[3]

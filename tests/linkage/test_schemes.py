"""Id schemes: the shape of an id decides which reports of one source linkage compares."""

from __future__ import annotations

import numpy as np

from civwatch.linkage.schemes import id_shape, lineage, lineages, other_scheme


def test_id_shapes_tell_acled_schemes_apart() -> None:
    assert id_shape("ETH3675") == id_shape("UKR36958") == "A9"
    assert id_shape("1753RTA") == "9A"
    assert id_shape("data_id:6411292") == "A_A:9"
    assert id_shape(" 344046 ") == "9"


def test_only_configured_sources_are_split_by_scheme() -> None:
    assert lineage("acled", "ETH3675", ("acled",)) == "acled#A9"
    assert lineage("ucdp-ged", "344046", ("acled",)) == "ucdp-ged"
    assert lineages(["acled", "acled"], ["ETH1", "1RTA"], ()) == ["acled", "acled"]


def test_other_scheme_pairs_are_one_source_two_schemes() -> None:
    names = ["acled#A9", "acled#9A", "ucdp-ged"]
    codes = np.array([0, 1, 2, 0])
    i = np.array([0, 0, 1, 0])
    j = np.array([1, 2, 2, 3])
    assert other_scheme(codes, names, i, j).tolist() == [True, False, False, False]

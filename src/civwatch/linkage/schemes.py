"""Id schemes: the same source exported twice under different ids is two lineages to link.

ACLED changed its event ids between layouts: the 2016 Africa workbook numbers events per
file (`1753RTA`), later exports per country (`ETH3675`), and a row without either is keyed by
`data_id`. Ids that carry over (GED's `id`, ACLED's `event_id_cnty` within one scheme) make
one report already (the importer updates it); ids that do not need linkage inside the source.
A report's scheme is the shape of its id (letters -> A, digits -> 9: `ETH3675` -> `A9`,
`1753RTA` -> `9A`), and for the sources configured (`LinkageConfig.id_scheme_sources`) each
scheme is linked as if it were a source of its own: reports of two schemes are compared like
reports of two sources (one per scheme per incident), reports of one scheme never are (an
export does not repeat its own events). The incident still counts one source: grading and
the headline read the report's `source`, never the scheme.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

SEPARATOR = "#"
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"\d+")


def id_shape(source_id: str) -> str:
    """The shape of an id: runs of letters -> A, runs of digits -> 9, other characters kept."""
    return _LETTERS.sub("A", _DIGITS.sub("9", source_id.strip()))


def lineage(source: str, source_id: str, scheme_sources: Sequence[str]) -> str:
    """The name linkage uses as a report's source: `source#shape` for sources whose exports
    changed id schemes, else the source itself."""
    if source in scheme_sources:
        return f"{source}{SEPARATOR}{id_shape(source_id)}"
    return source


def base_sources(names: Sequence[str]) -> np.ndarray:
    """The source of each lineage name (`acled#A9` -> `acled`)."""
    return np.array([str(n).split(SEPARATOR, 1)[0] for n in names], dtype=object)


def other_scheme(source_codes: np.ndarray, names: Sequence[str], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Which pairs join two id schemes of one source (neither the same lineage nor two sources)."""
    base = base_sources(names)
    codes = np.unique(base, return_inverse=True)[1] if len(base) else np.zeros(0, np.int64)
    si, sj = source_codes[i], source_codes[j]
    return (si != sj) & (codes[si] == codes[sj])


def lineages(sources: Sequence[str], source_ids: Sequence[str], scheme_sources: Sequence[str]) -> list[str]:
    schemes = tuple(scheme_sources)
    if not schemes:
        return list(sources)
    return [lineage(s, i, schemes) for s, i in zip(sources, source_ids, strict=True)]

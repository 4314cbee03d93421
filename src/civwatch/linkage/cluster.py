"""From scored pairs to incidents: one-to-one assignment, then strongest link first, under constraints.

- Between every two sources, the links kept first are a maximum-weight one-to-one matching
  (`matched`): where two sources each hold many similar reports (daily shelling of one town),
  taking the strongest link first makes cascading swaps (a takes b's partner, b takes c's,
  ...), while the matching chooses the pairs that are best together. The other links follow,
  so a link the matching left out still joins where the constraints allow it.

- Analysts' merges (must-link) are joined first and never undone.
- Analysts' splits (cannot-link) are never joined, directly or through a third report.
- Existing incidents may be given as starting groups (incremental linking).
- One report per source per incident: a link that would put two reports of one source in an
  incident is refused, unless it is itself a within-source link (a duplicate the source
  published twice), which has its own, stricter threshold and may pair two reports of a
  source, never grow a chain of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


class Groups:
    """Union-find over row indices that tracks each group's sources and forbidden rows."""

    def __init__(self, sources: np.ndarray) -> None:
        self.parent = np.arange(len(sources), dtype=np.int64)
        self.sources: dict[int, Counter] = {}
        self.members: dict[int, set[int]] = {}
        self.forbid: dict[int, set[int]] = {}
        self._src = sources

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = int(self.parent[root])
        while self.parent[x] != root:
            self.parent[x], x = root, int(self.parent[x])
        return root

    def _sources(self, root: int) -> Counter:
        return self.sources.get(root) or Counter({int(self._src[root]): 1})

    def _members(self, root: int) -> set[int]:
        return self.members.get(root) or {root}

    def allowed(self, a: int, b: int, same_source_link: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.forbid.get(ra, set()) & self._members(rb) or self.forbid.get(rb, set()) & self._members(ra):
            return False
        sa, sb = self._sources(ra), self._sources(rb)
        shared = set(sa) & set(sb)
        if same_source_link:
            src = int(self._src[a])
            return shared == {src} and sa[src] == 1 and sb[src] == 1
        return not shared

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self._members(ra)) < len(self._members(rb)):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] = self._members(ra) | self._members(rb)
        self.sources[ra] = self._sources(ra) + self._sources(rb)
        self.members.pop(rb, None)
        self.sources.pop(rb, None)
        forbid = self.forbid.get(ra, set()) | self.forbid.pop(rb, set())
        if forbid:
            self.forbid[ra] = forbid
        return ra

    def add_cannot(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.forbid.setdefault(ra, set()).add(b)
        self.forbid.setdefault(rb, set()).add(a)

    def labels(self) -> np.ndarray:
        return np.array([self.find(x) for x in range(len(self.parent))], dtype=np.int64)


GAIN_MARGIN = 1e-3  # bits: a link exactly at the threshold still gains more than no link


def matched(sources: np.ndarray, i: np.ndarray, j: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Which links (i, j) form, for every two sources, a one-to-one matching of maximum total
    gain (gain > 0; links inside one source are never in it).

    A link whose two reports have no other link is in it trivially; the rest go to scipy's
    sparse assignment solver (LAPJVsp), each report of one side given a private dummy partner
    of near-zero gain, so a full matching always exists and leaving a report unmatched is
    allowed.
    """
    keep = np.zeros(len(i), dtype=bool)
    si, sj = sources[i], sources[j]
    cross = si != sj
    a = np.where(si < sj, i, j)  # the side from the lower source code
    b = np.where(si < sj, j, i)
    deg = np.bincount(np.concatenate([a[cross], b[cross]]), minlength=len(sources))
    alone = cross & (deg[a] == 1) & (deg[b] == 1)
    keep[alone] = True
    rest = np.flatnonzero(cross & ~alone)
    if not len(rest):
        return keep
    pair_code = np.minimum(si, sj)[rest].astype(np.int64) * (int(sources.max()) + 1) + np.maximum(si, sj)[rest]
    for code in np.unique(pair_code):
        links = rest[pair_code == code]
        rows, row_of = np.unique(a[links], return_inverse=True)
        cols, col_of = np.unique(b[links], return_inverse=True)
        n_rows, n_cols = len(rows), len(cols)
        # row r's dummy is column n_cols + r; its gain is below any link's
        data = np.concatenate([gain[links], np.full(n_rows, 1e-9)])
        r_idx = np.concatenate([row_of, np.arange(n_rows)])
        c_idx = np.concatenate([col_of, n_cols + np.arange(n_rows)])
        graph = csr_matrix((data, (r_idx, c_idx)), shape=(n_rows, n_cols + n_rows))
        _, col_for_row = min_weight_full_bipartite_matching(graph, maximize=True)
        keep[links] = col_for_row[row_of] == col_of
    return keep


def cluster(
    sources: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    weight: np.ndarray,
    cross_floor: float,
    within_floor: float,
    start_groups: Iterable[Iterable[int]] = (),
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
) -> np.ndarray:
    """A group label per row (the label is a member row's index)."""
    groups = Groups(np.asarray(sources))
    for a, b in must:
        groups.union(a, b)
    for members in start_groups:
        members = list(members)
        for m in members[1:]:
            groups.union(members[0], m)
    for a, b in cannot:
        groups.add_cannot(a, b)
    same = sources[i] == sources[j]
    floor = np.where(same, within_floor, cross_floor)
    ok = np.flatnonzero(weight >= floor)
    if len(groups.members) or len(groups.forbid):
        # links the constraints already refuse take no part in the matching (they would
        # hold a partner that another link could have)
        ok = ok[[groups.allowed(a, b, s) for a, b, s in zip(i[ok].tolist(), j[ok].tolist(), same[ok].tolist(), strict=True)]]
    first = matched(sources, i[ok], j[ok], weight[ok] - floor[ok] + GAIN_MARGIN) | same[ok]
    # matched (and within-source) links first, each part strongest first; then the others
    ok = ok[np.lexsort((-weight[ok], ~first))]
    for a, b, s in zip(i[ok].tolist(), j[ok].tolist(), same[ok].tolist(), strict=True):
        if groups.allowed(a, b, same_source_link=s):
            groups.union(a, b)
    return groups.labels()

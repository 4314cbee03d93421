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
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching


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

    Solved per connected component of the links between two sources, which are small (a town's
    reports over a few days): a component where one side has a single report keeps its best
    link (vectorised, most of them); the others go to scipy's assignment solver, dense.
    """
    keep = np.zeros(len(i), dtype=bool)
    si, sj = sources[i], sources[j]
    cross = np.flatnonzero(si != sj)
    if not len(cross):
        return keep
    # one node per (report, source pair): a report linked to two other sources is in two
    # independent matchings
    n_src = int(sources.max()) + 1
    pair = np.minimum(si, sj)[cross].astype(np.int64) * n_src + np.maximum(si, sj)[cross]
    a = np.where(si < sj, i, j)[cross]
    b = np.where(si < sj, j, i)[cross]
    nodes, inverse = np.unique(np.concatenate([a * n_src * n_src + pair, b * n_src * n_src + pair]), return_inverse=True)
    na, nb = inverse[: len(cross)], inverse[len(cross):]
    graph = csr_matrix((np.ones(len(cross)), (na, nb)), shape=(len(nodes), len(nodes)))
    _, comp = connected_components(graph, directed=False)
    link_comp = comp[na]
    rows_in = np.bincount(comp[np.unique(na)], minlength=comp.max() + 1)
    cols_in = np.bincount(comp[np.unique(nb)], minlength=comp.max() + 1)
    star = (rows_in[link_comp] == 1) | (cols_in[link_comp] == 1)
    # a star: the best link of the component (first after sorting by component, then gain)
    s_idx = np.flatnonzero(star)
    order = s_idx[np.lexsort((-gain[cross][s_idx], link_comp[s_idx]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = link_comp[order][1:] != link_comp[order][:-1]
    keep[cross[order[first]]] = True
    # the rest: one assignment per component, on the component's own row and column numbers
    g_idx = np.flatnonzero(~star)
    if not len(g_idx):
        return keep
    g_idx = g_idx[np.argsort(link_comp[g_idx], kind="stable")]
    c_of_link = link_comp[g_idx]
    local_r, n_r = _local(na[g_idx], comp)
    local_c, n_c = _local(nb[g_idx], comp)
    g = gain[cross][g_idx]
    starts = np.flatnonzero(np.r_[True, c_of_link[1:] != c_of_link[:-1]])
    ends = np.r_[starts[1:], len(g_idx)]
    chosen = np.zeros(len(g_idx), dtype=bool)
    for lo, hi, c in zip(starts.tolist(), ends.tolist(), c_of_link[starts].tolist(), strict=True):
        chosen[lo:hi] = _assign(local_r[lo:hi], local_c[lo:hi], g[lo:hi], int(n_r[c]), int(n_c[c]))
    keep[cross[g_idx]] = chosen
    return keep


def _local(nodes: np.ndarray, comp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each node's number within its component (0..k-1), and k per component."""
    uniq, inverse = np.unique(nodes, return_inverse=True)
    order = np.lexsort((uniq, comp[uniq]))
    sorted_comp = comp[uniq][order]
    first = np.searchsorted(sorted_comp, sorted_comp, side="left")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq)) - first
    return rank[inverse], np.bincount(comp[uniq], minlength=int(comp.max()) + 1)


DENSE_CELLS = 250_000  # a component with more (rows x columns) is solved sparse


def _assign(r_of: np.ndarray, c_of: np.ndarray, gain: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    """Which links (row r_of, column c_of) are in a maximum-gain one-to-one matching."""
    if n_rows * n_cols <= DENSE_CELLS:
        matrix = np.zeros((n_rows, n_cols))
        matrix[r_of, c_of] = gain
        r_best, c_best = linear_sum_assignment(matrix, maximize=True)
        col_for_row = np.full(n_rows, -1)
        col_for_row[r_best] = c_best
        return col_for_row[r_of] == c_of
    # sparse (LAPJVsp): each row gets a private dummy column of near-zero gain, so a full
    # matching exists and a row may stay unmatched
    data = np.concatenate([gain, np.full(n_rows, 1e-9)])
    r_idx = np.concatenate([r_of, np.arange(n_rows)])
    c_idx = np.concatenate([c_of, n_cols + np.arange(n_rows)])
    graph = csr_matrix((data, (r_idx, c_idx)), shape=(n_rows, n_cols + n_rows))
    _, col_for_row = min_weight_full_bipartite_matching(graph, maximize=True)
    return col_for_row[r_of] == c_of


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
    # one order of the links whatever order they came in (blocking runs on several threads),
    # so that ties are broken the same way on every run
    canonical = np.lexsort((j, i))
    i, j, weight = i[canonical], j[canonical], weight[canonical]
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

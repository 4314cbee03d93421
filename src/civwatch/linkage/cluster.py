"""From scored pairs to incidents: greedy, strongest link first, under constraints.

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
    ok = weight >= floor
    order = np.argsort(-weight[ok], kind="stable")
    for a, b, s in zip(i[ok][order].tolist(), j[ok][order].tolist(), same[ok][order].tolist(), strict=True):
        if groups.allowed(a, b, same_source_link=s):
            groups.union(a, b)
    return groups.labels()

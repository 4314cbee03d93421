"""ACLED's coding conventions learnt from coded files, and the plain regex baseline."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from civwatch.domain.textcounts import RULES, TextError, extract
from civwatch.domain.textcounts_coding import SHARES, share

# --- a plain regular expression, the baseline the benchmark reports beside the rules ---------

_BASELINE = re.compile(
    r"(?:kill(?:ed|ing|s)?|left)\s+(\d+)|(\d+)\s+(?:\w+\s+){0,2}?(?:were\s+|was\s+)?(?:killed|dead|died|deaths|fatalities)",
    re.IGNORECASE,
)


def baseline_killed(text: str) -> int:
    """First digits next to 'killed' / 'dead' / 'killing', else 0."""
    m = _BASELINE.search(text or "")
    return int(m.group(1) or m.group(2)) if m else 0


# --- conventions learnt from coded data ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Learnt:
    basis: str
    value: int | str  # the count for a vague word, or a rule (said, said+1, low, high) for a bound
    support: int  # notes whose only non-stated figure had this basis
    agreement: float  # share of them the value reproduces


def learn_conventions(pairs: list[tuple[str, int]], min_support: int = 5) -> list[Learnt]:
    """What coders record for vague words and bounds, from (text, coded killed count) pairs.

    A note teaches a convention only when it has exactly one killed figure without a stated
    number: the coded count minus the stated figures is what the coder gave that one figure.
    The most frequent answer wins; it is kept only with `min_support` notes behind it.
    """
    tally: dict[str, Counter] = defaultdict(Counter)
    for text, coded in pairs:
        try:
            ex = extract(text)
        except TextError:
            continue
        c = ex.coding
        if c is not None:
            # a toll shared by N events teaches the coder's rounding, nothing about words
            if c.kind != "this-event" and c.parts:
                whole = c.count if c.count is not None else getattr(ex._total("killed"), "best", None)
                key = "days" if c.kind == "days" else "split"
                if whole is not None and (whole > 0 or key == "split"):
                    for rule in SHARES:
                        part = share(whole, c.parts, rule)
                        tally[key][rule] += (max(part, min(whole, 1)) if key == "days" else part) == coded
                    tally[key]["whole"] += whole == coded  # a toll over days may be coded whole
                    tally[key]["_n"] += 1
            if c.kind != "days" or c.parts is None:
                continue
        figs = [f for f in ex.figures if f.outcome == "killed" and not f.subset]
        open_ = [f for f in figs if f.best is None]
        if len(open_) != 1:
            continue
        rest = coded - sum(f.best for f in figs if f.best is not None)  # type: ignore[misc]
        f = open_[0]
        if f.basis.startswith("vague:") or f.basis == "plural":
            if rest >= 0:
                tally[f.basis][rest] += 1
        else:
            for rule in RULES:
                if replace(f, best=None).coded({f.basis: rule}) == rest:
                    tally[f.basis][rule] += 1
            tally[f.basis]["_n"] += 1
    out = []
    for basis, counts in sorted(tally.items()):
        n = counts.pop("_n", None) or sum(counts.values())
        if not counts or n < min_support:
            continue
        value, hits = counts.most_common(1)[0]
        out.append(Learnt(basis, value, n, round(hits / n, 3)))
    return out

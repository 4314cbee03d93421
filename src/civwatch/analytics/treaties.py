"""Treaty measures over the stored actions and memberships: status tables, universalization
curves, forum gaps, the likely-joiners features, the fitted model and its scores.

`World` holds the indexes read from the store and answers everything "as of a date" through
the domain rules (status_on, member_on). The model is a logistic regression (scikit-learn)
over domain.treaties.FEATURES, fitted on earlier windows whose outcome is fully known by the
as-of date, so a backtest never sees the future.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from civwatch.domain import forums as fdom
from civwatch.domain import treaties as tdom
from civwatch.domain.treaties import FEATURE_NAMES, Instrument, ScoringRule, StateStatus, Status

NON_MEMBER_STATES = frozenset({"VAT", "PSE", "COK", "NIU"})  # UNTC participants outside UN membership
HISTORICAL = frozenset({"CSK", "DDR"})


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def years_after(d: date, years: int) -> date:
    return years_before(d, -years)


@dataclass
class World:
    actions: dict  # instrument -> iso3 -> [(Action, date)]
    forums: dict  # forum -> iso3 -> [(ForumEvent, date)]
    regions: dict[str, tuple[str, str]]  # iso3 -> (region, subregion)
    snapshots: dict[str, date] = field(default_factory=dict)  # instrument -> latest snapshot
    conflicts: set[tuple[str, int]] | None = None  # (iso3, year) with an active conflict; None: not imported
    listings: dict = field(default_factory=dict)  # instrument -> snapshot -> states listed
    _status: dict = field(default_factory=dict, repr=False)
    _members: dict = field(default_factory=dict, repr=False)
    _parties: dict = field(default_factory=dict, repr=False)
    _states: dict = field(default_factory=dict, repr=False)

    # ---- the basics --------------------------------------------------------------------------

    def status(self, inst: str, iso3: str, on: date) -> StateStatus:
        return self.statuses(inst, on).get(iso3) or tdom.status_on(self.actions.get(inst, {}).get(iso3, []), on)

    def statuses(self, inst: str, on: date) -> dict[str, StateStatus]:
        key = (inst, on)
        if key not in self._status:
            self._status[key] = {iso: tdom.status_on(acts, on) for iso, acts in self.actions.get(inst, {}).items()}
        return self._status[key]

    def parties(self, inst: str, on: date) -> set[str]:
        key = (inst, on)
        if key not in self._parties:
            self._parties[key] = frozenset(iso for iso, s in self.statuses(inst, on).items() if s.is_party and iso not in HISTORICAL)
        return self._parties[key]

    def members(self, forum: str, on: date) -> set[str]:
        key = (forum, on)
        if key not in self._members:
            self._members[key] = {iso for iso, ev in self.forums.get(forum, {}).items() if fdom.member_on(ev, on).member}
        return self._members[key]

    def membership(self, forum: str, iso3: str, on: date) -> fdom.Membership:
        return fdom.member_on(self.forums.get(forum, {}).get(iso3, []), on)

    def states(self, on: date) -> set[str]:
        """The states that could be party on `on`: UN members then, and the non-member states
        UNTC lists as participants; without imported UN membership, every participant."""
        if on not in self._states:
            un = self.members("UN", on)
            seen = {iso for per in self.actions.values() for iso in per} - HISTORICAL
            self._states[on] = frozenset(seen if not un else un | (seen & NON_MEMBER_STATES))
        return self._states[on]

    def forums_of(self, iso3: str, on: date) -> list[str]:
        return [f.id for f in fdom.FORUMS if f.id != "UN" and iso3 in self.members(f.id, on)]

    def covered_until(self, inst: str) -> date | None:
        return self.snapshots.get(inst)

    def unlisted_later(self, inst: str, on: date) -> dict[str, date]:
        """States party on `on` by the records that a later UNTC snapshot (on or before `on`) no
        longer lists: most likely withdrawn, on a date the source does not give. iso3 -> that snapshot."""
        out: dict[str, date] = {}
        snaps = sorted(d for d in self.listings.get(inst, {}) if d <= on)
        if len(snaps) < 2:
            return out
        last = snaps[-1]
        listed = self.listings[inst][last]
        for iso in self.parties(inst, on):
            if iso not in listed and any(iso in self.listings[inst][d] for d in snaps[:-1]):
                out[iso] = last
        return out

    # ---- curves and gaps ---------------------------------------------------------------------

    def curve(self, inst: Instrument, until: date, group: set[str] | None = None) -> list[dict]:
        """Parties at the end of each year from the year the instrument opened (or the day `until`)."""
        out = []
        for year in range(inst.opened, until.year + 1):
            day = min(date(year, 12, 31), until)
            parties = self.parties(inst.id, day)
            if group is not None:
                parties &= group
            out.append({"year": year, "as_of": day, "parties": len(parties)})
        return out

    def by_region(self, inst: str, on: date) -> list[dict]:
        states = self.states(on)
        parties = self.parties(inst, on)
        groups: dict[str, list[str]] = {}
        for iso in states:
            groups.setdefault(self.regions.get(iso, ("unknown", "unknown"))[0], []).append(iso)
        return [{"region": r, "parties": len(set(m) & parties), "states": len(m)} for r, m in sorted(groups.items())]

    def gap(self, forum: str, inst: str, on: date) -> dict:
        members = sorted(self.members(forum, on))
        split: dict[str, list[dict]] = {"party": [], "signatory": [], "withdrawn": [], "none": []}
        for iso in members:
            s = self.status(inst, iso, on)
            split[s.status.value].append({"country": iso, "signed": s.signed, "left": s.left, "party_since": s.party_since})
        return {"members": len(members), **split}

    # ---- features ----------------------------------------------------------------------------

    def features(self, inst: Instrument, iso3: str, on: date) -> dict[str, float]:
        """The likely-joiners features of one state for one instrument on `on` (domain.FEATURES)."""
        s = self.status(inst.id, iso3, on)
        parties = self.parties(inst.id, on)
        region, sub = self.regions.get(iso3, ("unknown", "unknown"))
        subpeers = self._group(on, 1, sub) - {iso3}
        regpeers = self._group(on, 0, region) - {iso3}
        earlier = years_before(on, 5)
        before = self.parties(inst.id, earlier)
        forum_share = 0.0
        for f in self.forums_of(iso3, on):
            peers = self.members(f, on) - {iso3}
            if peers:
                forum_share = max(forum_share, len(peers & parties) / len(peers))
        others = [i for i in tdom.INSTRUMENTS if i.id != inst.id and i.opened <= on.year and i.id in self.actions]
        family = [i for i in others if i.family == inst.family]
        party_to = {i.id for i in others if iso3 in self.parties(i.id, on)}
        recent_joins = sum(1 for i in others if i.id in party_to and iso3 not in self.parties(i.id, earlier))
        conflict = 0.0
        if self.conflicts is not None:
            conflict = float(any((iso3, y) in self.conflicts for y in range(on.year - 4, on.year + 1)))
        return {
            "signed": float(s.status is Status.SIGNATORY),
            "withdrawn": float(s.status is Status.WITHDRAWN),
            "subregion_share": _share(subpeers & parties, subpeers),
            "region_share": _share(regpeers & parties, regpeers),
            "forum_share": forum_share,
            "peer_momentum": _share(subpeers & (parties - before), subpeers),
            "years_open": math.log1p(max(0, on.year - inst.opened)),
            "family_share": _share({i.id for i in family} & party_to, family),
            "all_share": _share(party_to, others),
            "recent_joiner": float(recent_joins > 0),
            "activity": _share(range(recent_joins), others),
            "signed_years": math.log1p((on - s.signed).days / 365.25) if s.status is Status.SIGNATORY and s.signed else 0.0,
            "conflict": conflict,
        }

    def _group(self, on: date, level: int, name: str) -> frozenset[str]:
        """The states of one M49 region (level 0) or sub-region (level 1) on `on`."""
        key = ("group", on, level, name)
        if key not in self._states:
            self._states[key] = frozenset(i for i in self.states(on) if self.regions.get(i, ("", ""))[level] == name)
        return self._states[key]

    def candidates(self, inst: Instrument, on: date) -> list[str]:
        """States not party on `on` to an instrument open by then."""
        if inst.opened > on.year or inst.id not in self.actions:
            return []
        parties = self.parties(inst.id, on)
        return sorted(self.states(on) - parties)

    def joined(self, inst: str, iso3: str, start: date, end: date) -> bool:
        return tdom.joined_between(self.actions.get(inst, {}).get(iso3, []), start, end)


def _share(part: Iterable, whole: Iterable) -> float:
    whole = list(whole)
    return len(list(part)) / len(whole) if whole else 0.0


# ---- fitting and scoring -----------------------------------------------------------------------


@dataclass
class Rows:
    X: list[list[float]] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)  # (instrument, iso3)
    feats: list[dict[str, float]] = field(default_factory=list)


def windows(world: World, origin: date, horizon_years: int, instruments: Iterable[Instrument], label_end: date | None = None) -> Rows:
    """Every candidate (instrument, state) on `origin` with its features and whether it joined
    in (origin, min(origin + horizon, label_end)]; instruments whose data do not reach that end
    are left out."""
    end = years_after(origin, horizon_years)
    if label_end is not None:
        end = min(end, label_end)
    rows = Rows()
    start = date.fromordinal(origin.toordinal() + 1)
    for inst in instruments:
        cover = world.covered_until(inst.id)
        if cover is None or cover < end:
            continue
        for iso in world.candidates(inst, origin):
            f = world.features(inst, iso, origin)
            rows.X.append([f[n] for n in FEATURE_NAMES])
            rows.y.append(int(world.joined(inst.id, iso, start, end)))
            rows.keys.append((inst.id, iso))
            rows.feats.append(f)
    return rows


def training_rows(world: World, as_of: date, horizon_years: int, instruments: Iterable[Instrument], origins: int = 3, step: int = 2) -> Rows:
    """Windows that end on or before `as_of` (their outcome is known then)."""
    out = Rows()
    insts = list(instruments)
    for k in range(origins):
        origin = years_before(as_of, horizon_years + k * step)
        r = windows(world, origin, horizon_years, insts, label_end=as_of)
        out.X += r.X
        out.y += r.y
        out.keys += r.keys
        out.feats += r.feats
    return out


def fit(rows: Rows, features: tuple[str, ...] = FEATURE_NAMES) -> ScoringRule:
    """Logistic regression on standardised features; the rule keeps means and scales so the
    domain can score and explain a state without scikit-learn."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    if not rows.y or len(set(rows.y)) < 2:
        raise ValueError("not enough history to fit: the training windows hold no joins, or only joins")
    idx = [FEATURE_NAMES.index(f) for f in features]
    X = np.asarray(rows.X, dtype=float)[:, idx]
    means = X.mean(axis=0)
    scales = X.std(axis=0)
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((X - means) / scales, np.asarray(rows.y))
    return ScoringRule(tuple(features), tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]),
                       tuple(float(m) for m in means), tuple(float(s) for s in scales))


# ---- evaluation ------------------------------------------------------------------------------


def auc(y: list[int], p: list[float]) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if len(set(y)) == 2 else None


def precision_at(y: list[int], p: list[float], k: int = 20, seed: int = 0) -> float | None:
    if not y:
        return None
    rng = random.Random(seed)
    order = sorted(range(len(y)), key=lambda i: (-p[i], rng.random()))  # ties broken at random, seeded
    top = order[: min(k, len(y))]
    return sum(y[i] for i in top) / len(top)


def brier(y: list[int], p: list[float]) -> float | None:
    return sum((pi - yi) ** 2 for yi, pi in zip(y, p, strict=True)) / len(y) if y else None


def calibration(y: list[int], p: list[float], bins: int = 5) -> list[dict]:
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [i for i, pi in enumerate(p) if lo <= pi < hi or (b == bins - 1 and pi == 1.0)]
        if sel:
            out.append({"from": lo, "to": hi, "n": len(sel), "mean_predicted": round(sum(p[i] for i in sel) / len(sel), 4),
                        "observed": round(sum(y[i] for i in sel) / len(sel), 4)})
    return out


def scores(y: list[int], p: list[float]) -> dict:
    def r(v):
        return None if v is None else round(v, 4)

    return {"auc": r(auc(y, p)), "precision_at_20": r(precision_at(y, p)), "brier": r(brier(y, p)), "calibration": calibration(y, p)}

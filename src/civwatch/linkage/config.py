"""Linkage configuration: every threshold here is a setting, with defaults chosen by measurement.

The defaults were chosen with `benchmarks/linkage_eval.py` (see docs/linkage.md for the sweep).
A JSON file with any subset of the fields overrides them (`civwatch link --config FILE`), and
CIVWATCH_LINK_THRESHOLD overrides the match threshold.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

# How far a coordinate may be from the event, by the source's geo precision (km).
DEFAULT_GEO_TOLERANCE_KM = {"exact": 2.0, "near": 25.0, "admin2": 50.0, "admin1": 150.0}


@dataclass(frozen=True)
class LinkageConfig:
    window_days: int = 3  # reports up to this many days apart (beyond their own spans) are compared
    max_span_days: int = 31  # reports spanning more days than this (year-precise) are not auto-linked
    match_threshold: float = 0.2  # match probability at or above which two reports are linked
    # Look for duplicates inside one source too: True for every source, or the sources named.
    # Off for published datasets by default: in GED Ukraine, 342 of 3,077 distinct events
    # would merge at 0.99 (GED splits one report into events identical in every field a
    # linker sees); on for records typed in by hand ("manual"), which do repeat.
    within_source: bool | tuple[str, ...] = ("manual",)
    # Sources whose exports changed id schemes (ACLED: `1753RTA` in the 2016 workbook, `ETH3675`
    # later): each id shape is linked like a source of its own (linkage/schemes.py).
    id_scheme_sources: tuple[str, ...] = ("acled",)
    # A source carries an event's description over to its next export: two of its reports under
    # different id schemes link only if their texts are at least this alike (rarity-weighted
    # cosine), whatever else agrees (benchmarks/bench_same_source.py).
    id_scheme_min_text: float = 0.6
    within_source_threshold: float = 0.9996  # an exact duplicate merges where the prior is >= 1.5 % (docs)
    geo_tolerance_km: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_GEO_TOLERANCE_KM))
    estimate_prior: bool = True  # re-estimate P(match) from the pairs at hand (EM), see model.estimate_prior
    prior_sample: int = 200_000  # candidate pairs the estimate uses
    prior_min_share: float = 0.5  # the estimate assumes at least this share of the smaller side has a counterpart
    batch_pairs: int = 2_000_000  # candidate pairs scored per batch (bounds memory)

    def __post_init__(self) -> None:
        if not 0.0 < self.match_threshold < 1.0:
            raise ValueError(f"match_threshold must be in (0, 1), got {self.match_threshold}")
        if not 0.0 < self.within_source_threshold < 1.0:
            raise ValueError(f"within_source_threshold must be in (0, 1), got {self.within_source_threshold}")
        if self.window_days < 0 or self.window_days > 31:
            raise ValueError(f"window_days must be within 0..31, got {self.window_days}")
        if self.max_span_days < 0:
            raise ValueError("max_span_days cannot be negative")

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: object) -> LinkageConfig:
        """Defaults, then a JSON file, then CIVWATCH_LINK_THRESHOLD, then explicit overrides."""
        values: dict[str, object] = {}
        if path is not None:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            known = {f.name for f in fields(cls)}
            unknown = set(data) - known
            if unknown:
                raise ValueError(f"unknown linkage settings {sorted(unknown)}; known: {sorted(known)}")
            values.update(data)
        env = os.environ.get("CIVWATCH_LINK_THRESHOLD")
        if env:
            try:
                values["match_threshold"] = float(env)
            except ValueError:
                raise ValueError(f"CIVWATCH_LINK_THRESHOLD must be a number, got {env!r}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("within_source"), list):
            values["within_source"] = tuple(values["within_source"])
        if isinstance(values.get("id_scheme_sources"), list):
            values["id_scheme_sources"] = tuple(values["id_scheme_sources"])
        return replace(cls(), **values)

    def within(self, source: str) -> bool:
        """Whether duplicates are looked for inside this source."""
        return self.within_source is True or (not isinstance(self.within_source, bool) and source in self.within_source)

    def to_dict(self) -> dict:
        return asdict(self)

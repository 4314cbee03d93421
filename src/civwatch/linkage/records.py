"""The columns linkage compares, as arrays: one row per report, strings coded once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import csr_matrix

from civwatch.domain.taxonomy import PartyCategory, Weapon
from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.names import normalise, skeleton, text_key

_EPOCH = date(1970, 1, 1)
_PARTY_CODES = {c.value: i for i, c in enumerate(PartyCategory) if c is not PartyCategory.UNKNOWN}
_WEAPON_CODES = {w.value: i for i, w in enumerate(Weapon) if w not in (Weapon.UNKNOWN, Weapon.OTHER)}
_EXPLOSIVE = np.array([w.is_explosive for w in Weapon], dtype=bool)


def day_number(value: object) -> int:
    """Days since 1970-01-01 for a date, datetime, ISO string or day number."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return (value - _EPOCH).days
    if isinstance(value, str):
        return (date.fromisoformat(value[:10]) - _EPOCH).days
    if isinstance(value, (int, np.integer)):
        return int(value)
    raise ValueError(f"not a date: {value!r}")


def _days(values: Sequence | np.ndarray) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int32)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]").astype(np.int64).astype(np.int32)
    return np.fromiter((day_number(v) for v in arr), dtype=np.int32, count=len(arr))


def widen(start: np.ndarray, end: np.ndarray, precision: Sequence | np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The days a report may cover. A source that gives one day with a coarser precision
    (ACLED's time_precision 2 and 3) may mean any day of that week or month: a "week" date
    covers three days either side, a "month" date its calendar month, a "year" date its year.
    Spans a source gives itself (GED date_start..date_end) are kept."""
    if precision is None:
        return start, end
    prec = np.asarray(precision, dtype=object)
    single = start == end
    start, end = start.copy(), end.copy()
    week = single & (prec == "week")
    start[week] -= 3
    end[week] += 3
    for unit, mask in (("M", single & (prec == "month")), ("Y", single & (prec == "year"))):
        if mask.any():
            days = start[mask].astype("datetime64[D]")
            first = days.astype(f"datetime64[{unit}]")
            start[mask] = first.astype("datetime64[D]").astype(np.int64)
            end[mask] = (first + 1).astype("datetime64[D]").astype(np.int64) - 1
    return start, end


def _factorize(values: Sequence | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) with missing/empty values coded -1."""
    arr = np.asarray(values, dtype=object)
    filled = np.array(["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in arr], dtype=object)
    uniques, codes = np.unique(filled, return_inverse=True)
    codes = codes.astype(np.int32)
    if len(uniques) and uniques[0] == "":
        codes -= 1
        uniques = uniques[1:]
    return codes, uniques


def _floats(values: Sequence | np.ndarray) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64) if not isinstance(
        values, np.ndarray
    ) else values.astype(np.float64)


@dataclass
class Names:
    """A coded name column: per-record codes into normalised names and their sound keys."""

    codes: np.ndarray  # int32, -1 = missing
    normal: np.ndarray  # object array of normalised names
    skeletons: np.ndarray  # object array of sound keys

    @classmethod
    def build(cls, values: Sequence | np.ndarray) -> Names:
        raw_codes, uniques = _factorize(values)
        normal_of_raw = np.array([normalise(u) for u in uniques], dtype=object)
        norm_codes, normal = _factorize(normal_of_raw) if len(uniques) else (np.zeros(0, np.int32), np.zeros(0, object))
        codes = np.where(raw_codes >= 0, norm_codes[np.maximum(raw_codes, 0)] if len(norm_codes) else -1, -1)
        return cls(codes.astype(np.int32), normal, np.array([skeleton(n) for n in normal], dtype=object))


@dataclass
class Records:
    """Reports as parallel arrays. `key` is the caller's id for each row (e.g. reports.id)."""

    key: np.ndarray
    source: np.ndarray  # int32 code into `sources`
    sources: np.ndarray
    country: np.ndarray  # int32 code
    countries: np.ndarray
    start: np.ndarray  # int32 day number
    end: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    coslat: np.ndarray  # cos(latitude), for distances
    geo_tol: np.ndarray  # km; nan = too coarse to compare
    geo_coarse: np.ndarray  # bool: an admin-level coordinate
    geo_exact: np.ndarray  # bool
    admin1: Names
    place: Names  # location, else admin2
    party: np.ndarray  # int8 code, -1 unknown
    weapon: np.ndarray  # int8 code, -1 unknown
    explosive: np.ndarray  # bool
    deaths: np.ndarray  # float, nan unknown
    raw_text: np.ndarray  # object: headline + notes, normalised lazily
    _text: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    _words: TextVectors | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.key)

    @classmethod
    def from_columns(cls, cols: Mapping[str, Sequence | np.ndarray], config: LinkageConfig | None = None) -> Records:
        """Build from report-shaped columns (names as in the `reports` table).

        Needed: key, source, country_iso3, date_start, date_end. Optional: date_precision,
        latitude, longitude, geo_precision, admin1, admin2, location, perpetrator_category,
        weapon, total_deaths_best, civilian_deaths_best, headline, notes.
        """
        config = config or LinkageConfig()
        n = len(cols["key"])

        def col(name: str) -> Sequence | np.ndarray:
            return cols.get(name) if cols.get(name) is not None else [None] * n

        source, sources = _factorize(cols["source"])
        country, countries = _factorize(cols["country_iso3"])
        start, end = _days(cols["date_start"]), _days(cols["date_end"])
        if np.any(end < start):
            raise ValueError("a report ends before it starts")
        start, end = widen(start, end, cols.get("date_precision"))
        geo = np.asarray(col("geo_precision"), dtype=object)
        tol_map = config.geo_tolerance_km
        geo_tol = np.array([tol_map.get(g, np.nan) if g is not None else np.nan for g in geo], dtype=np.float64)
        lat, lon = _floats(col("latitude")), _floats(col("longitude"))
        geo_tol[np.isnan(lat) | np.isnan(lon)] = np.nan
        location = np.asarray(col("location"), dtype=object)
        admin2 = np.asarray(col("admin2"), dtype=object)
        place = np.where(np.array([bool(v) for v in location]), location, admin2)
        party = np.array([_PARTY_CODES.get(v, -1) if v else -1 for v in col("perpetrator_category")], dtype=np.int8)
        weapon = np.array([_WEAPON_CODES.get(v, -1) if v else -1 for v in col("weapon")], dtype=np.int8)
        explosive = np.where(weapon >= 0, _EXPLOSIVE[np.maximum(weapon, 0)], False)
        total, civ = _floats(col("total_deaths_best")), _floats(col("civilian_deaths_best"))
        deaths = np.where(np.isnan(total), civ, total)
        headline, notes = col("headline"), col("notes")
        raw_text = np.array([" ".join(t for t in (h, m) if t) for h, m in zip(headline, notes, strict=True)], dtype=object)
        return cls(
            key=np.asarray(cols["key"]), source=source, sources=sources, country=country, countries=countries,
            start=start, end=end, lat=lat.astype(np.float32), lon=lon.astype(np.float32),
            coslat=np.cos(np.radians(lat)).astype(np.float32), geo_tol=geo_tol.astype(np.float32),
            geo_coarse=geo_tol > 25.0,
            geo_exact=np.array([g == "exact" for g in geo], dtype=bool),
            admin1=Names.build(col("admin1")), place=Names.build(place),
            party=party, weapon=weapon, explosive=explosive, deaths=deaths.astype(np.float32), raw_text=raw_text,
        )

    def text(self, idx: np.ndarray) -> np.ndarray:
        """Normalised text of the given rows, computed once per row on first use."""
        if self._text is None:
            self._text = np.full(len(self), None, dtype=object)
        need = idx[np.equal(self._text[idx], None)]
        for i in np.unique(need):
            self._text[i] = text_key(self.raw_text[i])
        return self._text[idx]

    def text_cosine(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Cosine of the pairs' texts as sets of words weighted by rarity (idf): the words two
        reports of one event share are mostly the rare ones (names, numbers, what happened),
        while reports of different events in one town share only the common ones. NaN when
        either text is empty."""
        if self._words is None:
            self._words = TextVectors(self)
        return self._words.cosine(i, j)


class TextVectors:
    """Rarity-weighted word sets of records' texts, built on first use.

    Document frequencies come from up to `sample` records drawn at random (a word never seen
    there counts as seen once), so the cost does not grow with millions of records. Each
    record's words are coded once, when a pair first needs them, into one flat array of word
    codes (sorted and distinct per record) that pairs read without a Python loop.
    """

    def __init__(self, records: Records, sample: int = 50_000, seed: int = 0) -> None:
        self.records = records
        n = len(records)
        pick = np.random.default_rng(seed).permutation(n)[:sample] if n > sample else np.arange(n)
        self.vocab: dict[str, int] = {}
        self.n_docs = max(len(pick), 1)
        rows, codes = self._words(pick)
        self.df = np.bincount(codes, minlength=len(self.vocab)).astype(np.float64)
        self.idf = np.zeros(0)
        self.flat = np.zeros(1 << 16, dtype=np.int64)
        self.used = 0
        self.start = np.zeros(n, dtype=np.int64)
        self.length = np.zeros(n, dtype=np.int64)
        self.done = np.zeros(n, dtype=bool)

    def _words(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in rows, word code) of each distinct word of each row, sorted."""
        # split and code in Arrow (one pass in C++); only each batch's distinct words go
        # through the Python vocabulary
        words = pc.split_pattern(pa.array(self.records.text(rows).tolist(), type=pa.string()), " ")
        counts = pc.list_value_length(words).to_numpy(zero_copy_only=False).astype(np.int64)
        encoded = pc.list_flatten(words).dictionary_encode()
        vocab = self.vocab
        distinct = encoded.dictionary.to_pylist()
        to_code = np.fromiter((vocab.setdefault(w, len(vocab)) if w else -1 for w in distinct), dtype=np.int64, count=len(distinct))
        codes = to_code[encoded.indices.to_numpy(zero_copy_only=False)] if len(distinct) else np.zeros(0, np.int64)
        pos = np.repeat(np.arange(len(rows)), counts)
        pos, codes = pos[codes >= 0], codes[codes >= 0]  # an empty text splits into one empty word
        order = np.lexsort((codes, pos))
        pos, codes = pos[order], codes[order]
        first = np.ones(len(codes), dtype=bool)
        first[1:] = (pos[1:] != pos[:-1]) | (codes[1:] != codes[:-1])
        return pos[first], codes[first]

    def _code(self, rows: np.ndarray) -> None:
        need = rows[~self.done[rows]]
        if len(need):
            pos, codes = self._words(need)
            if self.used + len(codes) > len(self.flat):
                grown = np.zeros(max(2 * len(self.flat), self.used + len(codes)), dtype=np.int64)
                grown[: self.used] = self.flat[: self.used]
                self.flat = grown
            self.flat[self.used: self.used + len(codes)] = codes
            counts = np.bincount(pos, minlength=len(need))
            self.start[need] = self.used + np.cumsum(counts) - counts
            self.length[need] = counts
            self.used += len(codes)
            self.done[need] = True
        if len(self.idf) < len(self.vocab):  # words first seen outside the sample count as seen once
            df = np.concatenate([self.df, np.zeros(len(self.vocab) - len(self.df))])
            self.idf = np.log((self.n_docs + 1) / (df + 1)) + 1.0

    def cosine(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if not len(i):
            return np.zeros(0)
        rows, inverse = np.unique(np.concatenate([i, j]), return_inverse=True)
        self._code(rows)
        lengths = self.length[rows]
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        gather = np.repeat(self.start[rows] - indptr[:-1], lengths) + np.arange(indptr[-1])
        indices = self.flat[gather]
        data = self.idf[indices]
        norm = np.sqrt(np.bincount(np.repeat(np.arange(len(rows)), lengths), weights=data * data, minlength=len(rows)))
        norm[lengths == 0] = 1.0
        data /= np.repeat(norm, lengths)
        matrix = csr_matrix((data, indices, indptr), shape=(len(rows), max(len(self.idf), 1)))
        ri, rj = inverse[: len(i)], inverse[len(i):]
        cos = np.asarray(matrix[ri].multiply(matrix[rj]).sum(axis=1)).ravel()
        cos[(lengths[ri] == 0) | (lengths[rj] == 0)] = np.nan
        return cos

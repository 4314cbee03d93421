"""Releases of a source's record: which of two is newer, and whether they differ at all.

A record imported again under the same (source, source_id) is a new release only if its
content differs beyond formatting: `True`/`true`, `2014-01-22` vs `2014-01-22T00:00:00`, `48`
vs `48.0`, spaces around a value, the case of a column name. And which of two releases is
current is decided by the source's own signal, not by the order of imports:

- ACLED: the row's `timestamp` (when ACLED last changed the event, seconds since 1970);
- GED: the row's `version` where the layout has one;
- otherwise the release the importer was told (`civwatch import FILE --release 23.1`, or the
  date the file was published, `2023-06-23`), which labels every row of the file.

Two signals are compared only if they are of one kind; where either release has none, the
later import is current (as before).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00:00(?:\.0+)?(?:Z|[+-]00:?00)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_LABEL_PARTS = re.compile(r"\d+")
_LABEL = re.compile(r"^\s*v?\d+(?:[.\-/]\d+)*\s*$", re.IGNORECASE)


def canonical_value(value: object) -> str:
    """One spelling for values that only differ in formatting."""
    text = "" if value is None else str(value).strip()
    low = text.lower()
    if low in ("true", "false"):
        return low
    m = _MIDNIGHT.match(text)
    if m:
        return m.group(1)
    if _NUMBER.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f")
    return text


def canonical(raw: str | dict) -> dict[str, str]:
    """A raw row (JSON text or dict) with names lower-cased and values in one spelling; unnamed
    columns are left out."""
    row = json.loads(raw) if isinstance(raw, str) else raw
    return {str(k).strip().lower(): canonical_value(v) for k, v in row.items() if str(k).strip()}


def only_formatting(raw_a: str | dict, raw_b: str | dict) -> bool:
    """Whether two releases of a record differ in formatting only."""
    return canonical(raw_a) == canonical(raw_b)


Signal = tuple[str, tuple]


def _label_key(label: str) -> tuple:
    if _LABEL.match(label):
        return ("n", *(int(p) for p in _LABEL_PARTS.findall(label)))
    return ("s", label.strip())


def release_signal(raw: str | dict, batch_release: str | None = None) -> Signal | None:
    """The source's own signal of a record's release, or None when it gives none."""
    row = canonical(raw)
    ts = row.get("timestamp", "")
    if ts.isdigit():
        return ("timestamp", (int(ts),))
    version = row.get("version", "")
    if version and _LABEL.match(version):
        return ("version", _label_key(version))
    if batch_release and batch_release.strip():
        return ("release", _label_key(batch_release))
    return None


def is_older(incoming: Signal | None, stored: Signal | None) -> bool:
    """True when both releases carry a signal of one kind and the incoming one is older."""
    if incoming is None or stored is None or incoming[0] != stored[0]:
        return False
    a, b = incoming[1], stored[1]
    if a[:1] != b[:1] and incoming[0] == "release":  # a number label and a text label: no order
        return False
    return a < b

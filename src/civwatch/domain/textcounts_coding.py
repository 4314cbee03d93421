"""What a note says about its own coding: "3 fatalities coded to this event", "coded as 10",
"fatalities split across 3 events".

ACLED's coders write these into the notes when the count of one event is not the count the
report gives (a toll spread over several days or places, a vague word turned into a number).
Read with regular expressions over the raw text (they are rare, so a cheap pre-check guards
them); the rules for the figures themselves are in domain/textcounts.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

_NUM = r"(\d{1,3}(?:,\d{3})+|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|no|a)"
_GUARD = re.compile(r"\b(?:coded|recorded|split|spread|divided|distributed)\b", re.IGNORECASE)
# "Total 8 fatalities coded to this event", "1 split fatality coded to this event", "No fatality coded to this event"
_THIS_EVENT = re.compile(
    rf"\b{_NUM}\s+(?:\w+\s+){{0,2}}?fata\w*\s+(?:\([^()]{{0,80}}\)\s+)?(?:were\s+|was\s+|have\s+been\s+|has\s+been\s+)?"
    r"(?:coded|recorded)\s+(?:to|for|in|at)\s+(?:this|each)\s+(?:event|day)\b",
    re.IGNORECASE,
)
# "(coded as 10)", "Unknown fatalities coded as 10", "fatalities are coded as 10"
_CODED_AS = re.compile(rf"(?:\bfata\w*\b[^.;()]{{0,25}}?|\([^.;()]{{0,30}}?)coded\s+as\s+{_NUM}\b(?!\s*[-/]?\s*(?:day|week|event))",
                       re.IGNORECASE)
# "Fatalities split across 3 events", "23 fatalities spread over 8 events", "spread evenly across three days"
_SPLIT = re.compile(
    r"\b(?:split|spread|divided|distributed)\s+(?:evenly\s+|equally\s+)?(?:across|over|between|among|amongst|into)\s+(?:the\s+)?"
    rf"{_NUM}\s+(?:known\s+|separate\s+|different\s+)?(?:events?|days?|locations?|places?|areas?|dates?|incidents?)\b",
    re.IGNORECASE,
)


# "split between Al Hawari and Mreisa", "divided between events in Rafah and Sheikh Zuweyid": two parts
_SPLIT_TWO = re.compile(r"\b(?:split|spread|divided|distributed)\s+(?:evenly\s+|equally\s+)?between\s+(?!\d)[^.;()]{1,60}?\sand\s", re.IGNORECASE)
_WORDS = r"(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty)"
# a toll over several days: "over two days", "in 6 days of fighting", "a three-day clash"
_DAYS = re.compile(rf"\b(?:(?:over|in|during|for|across|within)\s+(?:the\s+)?(?:past\s+|last\s+|following\s+)?{_WORDS}\s+days?"
                   rf"|{_WORDS}[-\s]day\s+(?!ago|later|after|before))\b", re.IGNORECASE)
_GUARD_DAYS = re.compile(r"\bdays?\b", re.IGNORECASE)


def days(text: str) -> tuple[int, int, int] | None:
    """(days, start, end) where a text says its toll spans several days."""
    if _GUARD_DAYS.search(text) is None:
        return None
    m = _DAYS.search(text)
    if m is None:
        return None
    n = _value(m.group(1) or m.group(2))
    return (n, m.start(), m.end()) if 2 <= n <= 60 else None


@dataclass(frozen=True, slots=True)
class CodingNote:
    """A note's own word on its coded count: `count` for this event, or a total shared by `parts`."""

    kind: str  # "this-event" (the count coded to this event) | "coded-as" (the count the coder gave) | "split" | "days" | "per-date"
    count: int | None
    parts: int | None  # the total is shared among this many events (None: not shared)
    start: int
    end: int
    text: str


def _value(word: str) -> int:
    w = word.lower().replace(",", "")
    if w == "no":
        return 0
    if w == "a":
        return 1
    return int(w) if w.isdigit() else int(text2num(w, "en"))


def read(text: str) -> CodingNote | None:
    """The coding note in `text`, if it has one (else the days its toll spans, if several)."""
    if _GUARD.search(text) is None:
        d = days(text)
        return CodingNote("days", None, d[0], d[1], d[2], text[d[1]:d[2]]) if d else None
    m = _THIS_EVENT.search(text)
    if m:
        return CodingNote("this-event", _value(m.group(1)), None, m.start(), m.end(), m.group(0))
    per = _per_date(text)
    if per is not None:
        return per
    count = None
    start = end = -1
    m = _CODED_AS.search(text)
    if m and m.group(1).lower() not in ("a",):
        count, start, end = _value(m.group(1)), m.start(), m.end()
    s = _SPLIT.search(text)
    parts = _value(s.group(1)) if s and s.group(1).lower() not in ("no", "a") else None
    if parts is None:
        s = _SPLIT_TWO.search(text)  # "fatalities split between Al Hawari and Mreisa"
        parts = 2 if s else None
    if parts is not None and parts < 2:
        parts = None
    if count is None and parts is None:
        d = days(text)
        return CodingNote("days", None, d[0], d[1], d[2], text[d[1]:d[2]]) if d else None
    if s and parts is not None:
        start = s.start() if start < 0 else min(start, s.start())
        end = max(end, s.end())
    return CodingNote("coded-as" if count is not None else "split", count, parts, start, end, text[start:end])


_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_DATE_OR_PLACE = rf"(?:\d{{1,2}}\s*{_MONTH}|{_MONTH}[a-z]*\.?\s*\d{{1,2}}|[A-Z]\w+)"
# one share of a list: "2 fatalities coded for Jan 8", "2 coded for Jan 9", "1 fatality recorded on 10 March", "5 on Jan 1"
_PER_DATE = re.compile(rf"\b{_NUM}\s+(?:(?:\w+\s+)?fatalit(?:y|ies)\s+)?(?:(?:were|was)\s+)?(?:coded|recorded)?\s*(?:for|on|in|at)\s+(?:the\s+)?{_DATE_OR_PLACE}")
_PER_DATE_GUARD = re.compile(r"\b(?:coded|recorded)\s+(?:for|on|in|at)\b", re.IGNORECASE)


def _per_date(text: str) -> CodingNote | None:
    """A toll the note lists by date or place ("2 fatalities coded for Jan 8, 2 coded for Jan 9, and 1 coded
    for Jan 10", "3 fatalities recorded in Rafah and 4 in Sheikh Zuweyid"): the note does not say which share is
    this event's, so the most frequent share is the count, and between shares as frequent the first listed (on
    the development files an event's note most often names its own share first)."""
    if _PER_DATE_GUARD.search(text) is None:
        return None
    found = [m for m in _PER_DATE.finditer(text) if m.group(1).lower() not in ("a", "no")]
    if len(found) < 2:
        return None
    values = [_value(m.group(1)) for m in found]
    count = max(values, key=lambda v: (values.count(v), -values.index(v)))
    a, b = found[0].start(), found[-1].end()
    return CodingNote("per-date", count, None, a, b, text[a:b])


SHARES = ("floor", "round", "ceil")


def share(total: int, parts: int, rule: str) -> int:
    """One event's part of a total shared by `parts` events, by a coder's rounding `rule`."""
    if rule == "floor":
        return total // parts
    if rule == "ceil":
        return -(-total // parts)
    return int(total / parts + 0.5)

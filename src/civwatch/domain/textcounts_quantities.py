"""Quantities in casualty text: numbers, number words, bounds ("at least 5"), ranges ("four or five"),
vague words ("dozens") and one person said by grammar ("a man", "his driver", "killing himself").
Used by the rules in domain/textcounts.py."""

from __future__ import annotations

from dataclasses import dataclass

from text_to_num import text2num

from civwatch.domain import textcounts_words as W
from civwatch.domain.textcounts_grammar import _NOT_ONE, _TRIED, _attempt
from civwatch.domain.textcounts_text import _AGE_WORD, _MONTHS, _Tok

# --- quantities --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Qty:
    i: int  # first token of the quantity
    j: int  # token after it
    low: int | None
    best: int | None
    high: int | None
    said: int | None
    basis: str
    q0: int = -1  # first token of a qualifier before it ("at least"), else i


class _Phrases:
    """Phrases indexed by their first and last word, for matching at or before a token."""

    def __init__(self, phrases: object) -> None:
        self.first: dict[str, list[tuple[str, ...]]] = {}
        self.last: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:  # type: ignore[attr-defined]
            parts = tuple(p.split())
            self.first.setdefault(parts[0], []).append(parts)
            self.last.setdefault(parts[-1], []).append(parts)

    def at(self, toks: list[_Tok], i: int) -> int:
        """Length in tokens of the longest phrase starting at token i (0 if none)."""
        best = 0
        for parts in self.first.get(toks[i].low, ()):
            n = len(parts)
            if n > best and i + n <= len(toks) and all(toks[i + k].low == parts[k] for k in range(1, n)):
                best = n
        return best

    def before(self, toks: list[_Tok], i: int) -> int:
        """Length in tokens of the longest phrase ending just before token i (0 if none)."""
        if i == 0:
            return 0
        best = 0
        for parts in self.last.get(toks[i - 1].low, ()):
            n = len(parts)
            if n > best and i - n >= 0 and all(toks[i - n + k].low == parts[k] for k in range(n - 1)):
                best = n
        return best


_VAGUE = _Phrases(W.VAGUE)
_APPROX = _Phrases(W.APPROX_WORDS)
_QUALIFIERS = [(basis, _Phrases(ps)) for basis, ps in (("at-least", W.AT_LEAST), ("more-than", W.MORE_THAN), ("up-to", W.UP_TO), ("approximate", W.ABOUT))]
_SUBSET = _Phrases(W.SUBSET_BEFORE)


def _number_words(toks: list[_Tok], i: int, lang: str) -> tuple[int, int] | None:
    words, joiners = W.NUMBER_WORDS[lang], W.NUMBER_JOINERS[lang]
    j = i
    while j < len(toks) and toks[j].kind == "word" and (
        all(p in words for p in toks[j].low.split("-")) or (toks[j].low in joiners and j > i and j + 1 < len(toks) and toks[j + 1].low in words)
    ):
        j += 1
    while j > i and toks[j - 1].low in joiners:
        j -= 1
    while j > i:
        try:
            return int(text2num(" ".join(t.low for t in toks[i:j]), lang)), j
        except ValueError:
            j -= 1
    return None


def _person_ahead(toks: list[_Tok], j: int, limit: int = 3) -> bool:
    for k in range(j, min(j + limit + 1, len(toks))):
        t = toks[k]
        if t.kind != "word" or t.low in W.STOP:
            return False
        if t.low in W.PERSONS or _AGE_WORD.match(t.low):
            return True
    return False


def _model(toks: list[_Tok], i: int) -> bool:
    """A number joined to a name by a hyphen ("AK-47", "MiG-29", "BM-21") is a model, not a count."""
    return i >= 2 and toks[i - 1].low == "-" and toks[i - 1].start == toks[i - 2].end and toks[i].start == toks[i - 1].end


def _is_date(toks: list[_Tok], i: int, j: int) -> bool:
    before = toks[i - 1].low if i else ""
    after = toks[j].low if j < len(toks) else ""
    value = toks[i].low
    if before in _MONTHS or after in _MONTHS or after in {"th", "st", "nd", "rd", "h", "hours", "am", "pm", "km", "%"}:
        return True
    if value.isdigit() and len(value) == 4 and 1900 <= int(value) <= 2100:
        return True
    # "10:30", "12/05": joined to the number; "2019: 3 people were killed" is a heading, then a count
    joined_after = j < len(toks) and toks[j].start == toks[j - 1].end
    joined_before = i > 0 and toks[i - 1].end == toks[i].start
    return (after in {"/", ":"} and joined_after) or (before in {"/", ":"} and joined_before) or "." in value


def _quantities(toks: list[_Tok], lang: str, text: str) -> list[_Qty]:
    out: list[_Qty] = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        q: _Qty | None = None
        if t.kind == "num" and not _is_date(toks, i, i + 1) and not _model(toks, i):
            v = int(t.low.replace(",", ""))
            q = _Qty(i, i + 1, v, v, v, v, "stated")
            # 20-30, 20 to 30
            if i + 2 < n and (toks[i + 1].low in {"-", "to", "–", "à"} or (toks[i + 1].low in {"and", "et"} and i and toks[i - 1].low in {"between", "entre"})) and toks[i + 2].kind == "num":
                w = int(toks[i + 2].low.replace(",", ""))
                if w > v:
                    q = _Qty(i, i + 3, v, None, w, v, "range")
        elif t.kind == "word" and t.low in ("one", "un", "une") and i and toks[i - 1].low in ("no", "aucun", "aucune"):
            q = None  # "No one was killed": none, read by the none phrases
        elif t.kind == "word":
            k = _VAGUE.at(toks, i)
            a = _APPROX.at(toks, i)
            if a >= k and a:
                v = W.APPROX_WORDS[" ".join(x.low for x in toks[i:i + a])]
                q = _Qty(i, i + a, v, v, v, v, "approximate")
            elif k:
                word = " ".join(x.low for x in toks[i:i + k])
                lo, hi = W.VAGUE[word]
                key = W.VAGUE_KEYS.get(word, word)
                if word == "some" and not _person_ahead(toks, i + k, 2) and not (i + k < n and toks[i + k].low in W.AUX):
                    q = None
                else:
                    q = _Qty(i, i + k, lo, None, hi, None, f"vague:{key}")
            elif (t.low in W.PERSONS and t.low not in W.PLURAL_PERSONS and i and toks[i - 1].low in W.OUTCOME_BEFORE
                  and toks[i - 1].low not in _ACTIVE_ONLY):
                q = _Qty(i, i, 1, 1, 1, 1, "stated")  # headline grammar: "kill father, son"
            elif (_AGE_WORD.match(t.low) and i + 1 < n and toks[i + 1].low in W.PERSONS and toks[i + 1].low not in W.PLURAL_PERSONS
                  and _headline_start(toks, i, text)):
                q = _Qty(i, i, 1, 1, 1, 1, "stated")  # "Baby, 7-year-old girl among six killed"
            elif t.low in W.PERSONS and t.low not in W.PLURAL_PERSONS and _headline_start(toks, i, text):
                # headline grammar: "Woman killed in shelling", "Child, man killed", "Elderly woman wounded"
                start = i - 1 if i and (toks[i - 1].low in _HEAD_ADJ or (toks[i - 1].kind == "word" and toks[i - 1].low not in _NOT_ADJ
                                                                         and text[toks[i - 1].start].isupper())) else i
                q = _Qty(start, i, 1, 1, 1, 1, "stated")
            elif _AGE_WORD.match(t.low) and i and toks[i - 1].low in W.OUTCOME_BEFORE:
                q = _Qty(i, i, 1, 1, 1, 1, "stated")  # "kills 8-year-old"
            elif t.low == "both" and i + 1 < n and toks[i + 1].low == "of" and _person_ahead(toks, i + 2):
                q = _Qty(i, i + 1, 2, 2, 2, 2, "stated")  # "Both of these men were executed"
            elif t.low in ("himself", "herself") and _verb_before_self(toks, i):
                a = i - 1 if toks[i - 1].low == "only" else i
                q = _Qty(a, i + 1, 1, 1, 1, 1, "stated")  # "a bomber ..., killing himself and 4 others"
            elif t.low == "themselves" and _verb_before_self(toks, i) and out and out[-1].best is not None and out[-1].i < i and (
                    not any(x.kind == "punct" and x.low in ".;" for x in toks[out[-1].i:i])):
                v = out[-1].best  # "Two suicide bombers detonated near a school, killing only themselves": the two
                a = i - 1 if toks[i - 1].low == "only" else i
                q = _Qty(a, i + 1, v, v, v, v, "stated")
            elif (t.low in ("his", "her", "their") and i + 1 < n and i >= 2 and toks[i - 1].low in ("and", ",") and toks[i + 1].low in W.PERSONS
                  and toks[i + 1].low not in W.PLURAL_PERSONS and toks[i + 1].low not in _SAME_PERSON and (
                      i + 2 >= n or toks[i + 2].low not in W.PERSONS or toks[i + 2].low not in W.PLURAL_PERSONS)):
                q = _Qty(i, i + 1, 1, 1, 1, 1, "stated")  # "killed a UP chairman and his driver", "a nurse and her infant son": one more
            elif t.low in ("a", "an", "another") and not (i + 1 < n and toks[i + 1].low in _NOT_ONE) and (
                    _person_ahead(toks, i + 1) or (i and toks[i - 1].low in W.OUTCOME_BEFORE)):
                q = _Qty(i, i + 1, 1, 1, 1, 1, "stated")
            elif t.low in W.NUMBER_WORDS[lang] or "-" in t.low:
                found = _number_words(toks, i, lang)
                if found and not (lang == "fr" and t.low in ("un", "une") and not _person_ahead(toks, found[1])):
                    v, j = found
                    q = _Qty(i, j, v, v, v, v, "stated")
        if q is None:
            i += 1
            continue
        # "12-year-old", "12 years old": an age, not a count
        if t.kind == "num" and q.j < n and (_AGE_WORD.match(toks[q.j].low) or toks[q.j].low in {"years", "year", "ans", "an"}):
            i = q.j
            continue
        q.q0 = q.i
        _qualify(toks, q)
        prev = out[-1] if out else None
        if (prev is not None and prev.basis == "stated" and q.basis == "stated" and prev.j + 1 == q.i and prev.j > prev.i
                and (toks[prev.j].low in _OR or (toks[prev.j].low in ("and", "et") and prev.i and toks[prev.i - 1].low in ("between", "entre")))
                and (q.low or 0) > (prev.low or 0)):
            # "four or five are killed", "2 to 3 people", "between five and seven": one range, not two figures
            out[-1] = _Qty(prev.i, q.j, prev.low, None, q.low, prev.said, "range", prev.q0)
        else:
            out.append(q)
        i = max(q.j, i + 1)
    return out


_FORCE = frozenset({"military", "army", "police", "security", "militia", "party", "armed", "navy", "border", "rebel"})
_DEAD_ADJ = frozenset({"dead", "slain", "murdered", "executed", "killed"})
_ACTIVE_ONLY = frozenset({"claimed", "claiming", "wounds", "arrests", "kills", "injures"})  # also nouns / other senses
_ALONG = frozenset({("along", "with"), ("together", "with"), ("as", "well"), ("in", "addition"), ("ainsi", "que")})
_NOT_A_DEATH = frozenset({"penalty", "sentence", "sentences", "threat", "threats", "squad", "squads", "row", "toll"})  # "death penalty"
_SAME_PERSON = frozenset({"body", "corpse", "remains"})  # "..., her body was found": the same person
_OR = frozenset({"or", "to", "-", "–", "ou", "à"})
# "a large number of goats", "a series of attacks": the article is not one person
_HEAD_ADJ = frozenset({"elderly", "young", "pregnant", "old", "local"})
_NOT_ADJ = W.STOP | W.NUMBER_WORDS["en"] | W.NUMBER_WORDS["fr"] | frozenset(W.VAGUE) | {"another", "every", "each", "no"}


def _verb_before_self(toks: list[_Tok], i: int) -> bool:
    """ "killing himself", "killing only themselves": the killers are the dead."""
    v = i - 2 if i >= 2 and toks[i - 1].low == "only" else i - 1
    return v >= 0 and toks[v].low in W.OUTCOME_BEFORE and not _attempt(toks, v) and not any(
        x.low in _TRIED for x in toks[max(0, v - 8):v])  # "tried to set a truck ablaze and kill themselves"


def _headline_start(toks: list[_Tok], i: int, text: str) -> bool:
    """A bare noun opening a headline or a list item, maybe after an adjective ("Japanese man shot dead")."""
    k = i
    if i and (toks[i - 1].low in _HEAD_ADJ or (toks[i - 1].kind == "word" and text[toks[i - 1].start].isupper()
                                                and toks[i - 1].low not in W.PERSONS and toks[i - 1].low not in _NOT_ADJ
                                                and not text[toks[i].start].isupper())):
        k = i - 1
    if i and k == i and toks[i - 1].low in W.PERSONS:
        return False  # "Civilian man": the noun phrase began before
    if k >= 3 and toks[k - 1].low == "of" and toks[k - 2].low in {"body", "corpse", "bodies"} and toks[k - 3].kind == "word":
        return True  # "find body of young man"
    if k >= 1 and toks[k - 1].low in {"say", "says", "said", "claim", "claims", "report", "reports"}:
        return True  # "militants say teenager killed by blast"
    if k >= 2 and toks[k - 1].low in {",", "and"} and (toks[k - 2].low in W.PERSONS and toks[k - 2].low not in W.PLURAL_PERSONS):
        # "Husband, wife and baby killed", "kill father, son": each one a person
        return _headline_start(toks, k - 2, text) or (k >= 3 and toks[k - 3].low in W.OUTCOME_BEFORE)
    return k == 0 or (toks[k - 1].kind == "punct" and toks[k - 1].low in {";", ",", ".", ":", "|"})


def _qualify(toks: list[_Tok], q: _Qty) -> None:
    if q.basis != "stated":
        return
    for basis, phrases in _QUALIFIERS:
        k = phrases.before(toks, q.i)
        if k:
            q.q0 = q.i - k
            v = q.said
            if basis == "at-least":
                q.low, q.best, q.high = v, None, None
            elif basis == "more-than":
                q.low, q.best, q.high = (v or 0) + 1, None, None
            elif basis == "up-to":
                q.low, q.best, q.high = None, None, v
            q.basis = basis
            return

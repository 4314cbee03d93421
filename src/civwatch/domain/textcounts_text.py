"""Types and tokens for reading casualty figures from text (the rules: domain/textcounts.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from civwatch.domain import textcounts_words as W
from civwatch.domain.textcounts_coding import SHARES, CodingNote, share

METHOD_VERSION = "textcounts-3"
OUTCOMES = ("killed", "injured", "missing", "abducted", "detained")
LANGUAGES = ("en", "fr")
# conventions that need no data: ACLED's codebook records the lowest figure a source gives
DEFAULT_CONVENTIONS: dict[str, int | str] = {"at-least": "said", "more-than": "said", "up-to": "said", "range": "low"}
RULES = ("said", "said+1", "low", "high")
STRATEGY = "max-plus-other"


class TextError(ValueError):
    """A text that cannot be read: empty, or in a language the rules do not cover."""


@dataclass(frozen=True, slots=True)
class Figure:
    outcome: str
    low: int | None
    best: int | None
    high: int | None
    basis: str  # stated | approximate | at-least | more-than | up-to | range | vague:<word> | plural | none
    start: int
    end: int
    text: str
    said: int | None = None  # the number as written before a qualifier ("more than 20" -> 20)
    sex: str = "unknown"
    age_group: str = "unknown"
    civilian: bool | None = None  # None: the text does not say
    subset: bool = False  # part of a figure already counted ("..., including two women")
    sentence: int = 0  # which sentence of the text it is in
    total: bool = False  # the text calls it a total ("Total 4 fatalities", "a total of 12"): the others are its parts

    def coded(self, conventions: Mapping[str, int | str] | None = None) -> int | None:
        """The count a coder following `conventions` would record; None when no convention applies."""
        if self.best is not None:
            return self.best
        conv = {**DEFAULT_CONVENTIONS, **(conventions or {})}
        rule = conv.get(self.basis)
        if isinstance(rule, int):
            return rule
        if rule == "said":
            return self.said
        if rule == "said+1" and self.said is not None:
            return self.said + 1
        if rule == "low":
            return self.low
        if rule == "high":
            return self.high
        return None


@dataclass(frozen=True, slots=True)
class Total:
    outcome: str
    low: int | None
    best: int | None
    high: int | None
    coded: int | None
    basis: str
    figures: tuple[Figure, ...]


@dataclass(slots=True)
class Extraction:
    language: str
    figures: list[Figure] = field(default_factory=list)
    coding: CodingNote | None = None  # the note's own word on its coded fatalities (domain/textcounts_coding.py)

    def total(self, outcome: str, conventions: Mapping[str, int | str] | None = None) -> Total | None:
        """Sum of the figures for one outcome that are not parts of another; None if the text gives none.

        For `killed`, a note's own coding statement wins in `coded` ("3 fatalities coded to this
        event", "coded as 10"), and a toll the note says is split across N events is shared by the
        learnt rounding rule (convention `split`); low / best / high keep what the text says.
        """
        tot = self._total(outcome, conventions)
        c = self.coding
        if outcome != "killed" or c is None:
            return tot
        coded = c.count if c.count is not None else (tot.coded if tot else None)
        basis = tot.basis if tot else ""
        conv = {**DEFAULT_CONVENTIONS, **(conventions or {})}
        rule = conv.get("split")
        if c.kind in ("coded-as", "split") and c.parts and coded is not None and rule in SHARES:
            coded = share(coded, c.parts, str(rule))
            basis += f"{'+' if basis else ''}split/{c.parts}"
        if c.kind == "days" and c.parts and coded is not None and conv.get("days") in SHARES:
            coded = max(share(coded, c.parts, str(conv["days"])), min(coded, 1))  # a death is never shared away
            basis += f"{'+' if basis else ''}days/{c.parts}"
        if c.count is not None:
            basis += f"{'+' if basis else ''}note:{c.kind}"
        if tot is None:
            return Total(outcome, None, None, None, coded, basis, ())
        return Total(outcome, tot.low, tot.best, tot.high, coded, basis, tot.figures)

    def _total(self, outcome: str, conventions: Mapping[str, int | str] | None = None) -> Total | None:
        figs = tuple(f for f in self.figures if f.outcome == outcome and not f.subset)
        if not figs:
            parts = [f for f in self.figures if f.outcome == outcome]
            if not parts:
                return None
            figs = (max(parts, key=lambda f: f.low or 0),)  # only parts named ("two of them died"): the largest
        totals = [f for f in figs if f.total and f.best is not None]
        if totals and len(figs) > 1:
            figs = (max(totals, key=lambda f: f.best or 0),)  # "2 were killed. 2 others died. Total 4 fatalities."
        if len({f.sentence for f in figs}) > 1:
            figs = _across_sentences(figs)
        figs = _parts_summed(figs)
        coded = [f.coded(conventions) for f in figs]
        bases = sorted({f.basis for f in figs})
        return Total(
            outcome,
            low=sum(f.low if f.low is not None else 0 for f in figs),
            best=sum(f.best for f in figs) if all(f.best is not None for f in figs) else None,  # type: ignore[misc]
            high=sum(f.high for f in figs) if all(f.high is not None for f in figs) else None,  # type: ignore[misc]
            coded=sum(coded) if all(c is not None for c in coded) else None,  # type: ignore[arg-type]
            basis="+".join(bases),
            figures=figs,
        )

    def breakdown(self, outcome: str) -> list[Figure]:
        """Figures with a sex or an age group for one outcome (parts included), for harm rows."""
        return [f for f in self.figures if f.outcome == outcome and (f.sex != "unknown" or f.age_group != "unknown")]


_ALSO = re.compile(r"\b(?:also|another|other|additional|further|more|as well|too|aussi|également|autres)\b", re.IGNORECASE)


def _across_sentences(figs: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """Figures of several sentences: notes restate one event, so the largest sentence is kept,
    plus the figures of other sentences that say they are more ("two attackers were also killed")."""
    groups: dict[int, list[Figure]] = {}
    for f in figs:
        groups.setdefault(f.sentence, []).append(f)
    top = max(groups, key=lambda k: sum(f.low or 0 for f in groups[k]))
    kept = list(groups[top])
    if STRATEGY == "sentence-max":
        return tuple(kept)
    total = sum(f.low or 0 for f in kept)
    said = {f.low for f in kept}
    heads = set().union(*(_heads(f) for f in kept))
    for k, g in sorted(groups.items()):
        if k == top:
            continue
        for f in g:
            if f.basis == "singular":
                continue
            other = STRATEGY == "max-plus-other" and f.best is not None and f.low not in said and (f.low or 0) < total and (
                _heads(f) and not _heads(f) & heads and f.civilian is not None and all(x.civilian is not None for x in kept))
            if _ALSO.search(f.text) or other:
                kept.append(f)  # "...; two soldiers were also killed": people not counted above
                said.add(f.low)
    return tuple(kept)


def _parts_summed(figs: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """A figure that is the sum of the others in its sentence is their whole, told twice
    ("46 persons were killed - 31 died on the day while 15 succumbed later")."""
    if len(figs) < 3 or any(f.best is None for f in figs):
        return figs
    f = min(figs, key=lambda g: g.start)
    rest = [g for g in figs if g is not f and g.sentence == f.sentence]
    if len(rest) == len(figs) - 1 and sum(g.best for g in rest) == f.best and all(_own_verb(g) for g in rest):  # type: ignore[misc]
        return (f,)  # each part with its own verb, after the whole: not "killing two men, a woman and a girl"
    return figs


def _own_verb(f: Figure) -> bool:
    return any(w in W.OUTCOME_AFTER for w in _WORD.findall(f.text.lower()))


def _heads(f: Figure) -> set[str]:
    return {w for w in _WORD.findall(f.text.lower()) if w in W.PERSONS}


# --- tokenizer -------------------------------------------------------------------------------

_TOKEN = re.compile(r"(?P<age>\d+[-\s]years?[-\s]olds?\b)|(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)|([^\W\d_]+(?:['’\-][^\W\d_]+)*)|(\S)")
_MONTHS = frozenset(
    "january february march april may june july august september october november december jan feb mar apr jun jul "
    "aug sep sept oct nov dec janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u0dff\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_AGE_WORD = re.compile(r"^(.*?)-?(year|years|yr)-?olds?$")


@dataclass(slots=True)
class _Tok:
    kind: str  # num | word | punct
    low: str
    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None, out: list[_Tok] | None = None) -> list[_Tok]:
    """Tokens of text[start:end] (offsets into the whole text), appended to `out`."""
    out = [] if out is None else out
    caps = text.isupper()
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        age, num, word, _ = m.groups()
        raw = m.group(0)
        if age:
            out.append(_Tok("word", _SPACE.sub("-", raw.lower()), m.start(), m.end()))
        elif num:
            out.append(_Tok("num", raw, m.start(), m.end()))
        elif word:
            # an acronym ("IS", "AU") is a name, not the word it spells
            low = raw if len(raw) > 1 and not caps and raw.isupper() else raw.lower()
            out.append(_Tok("word", low.replace("’", "'") if "’" in low else low, m.start(), m.end()))
        elif raw not in _QUOTES:  # 'killed "several" fighters': quotes are not words
            out.append(_Tok("punct", raw, m.start(), m.end()))
    return out


_SPACE = re.compile(r"\s")
_QUOTES = frozenset('"“”«»')
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_PIECE = re.compile(r"[^.;!?]*(?:[.;!?]+|$)")
_TRIGGER = re.compile(
    r"\b(?:" + "|".join(sorted({re.escape(w) for w in (*W.OUTCOME_AFTER, *W.OUTCOME_BEFORE, *W.OUTCOME_OF, *W.CASUALTY_WORDS,
                                                         "toll", "bilan", "lives", "life", "péri", "including", "among")}, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


def _triggered_tokens(text: str) -> list[_Tok]:
    """Tokens of the sentences that hold an outcome word: the rest of a text cannot give a figure."""
    toks: list[_Tok] = []
    for m in _PIECE.finditer(text):
        a, b = m.span()
        if a < b and _TRIGGER.search(text, a, b) is not None:
            tokenize(text, a, b, toks)
    return toks


def detect_language(text: str, toks: list[_Tok] | None = None) -> str:
    """'en' or 'fr'; raises TextError naming the language when the text is in neither."""
    if not text or not text.strip():
        raise TextError("empty text: there is nothing to read")
    if not text.isascii() and len(_NON_LATIN.findall(text)) > sum(ch.isalpha() for ch in text) / 3:
        raise TextError("unsupported language (not in Latin script); supported: en, fr")
    words = _WORD.findall(text[:400].lower()) if toks is None else [t.low for t in toks if t.kind == "word"]
    score = {lang: sum(map(cues.__contains__, words)) for lang, cues in W.CUES.items()}
    if score["en"] >= 3 and score["fr"] == 0:
        return "en"
    other = {lang: sum(map(cues.__contains__, words)) for lang, cues in W.OTHER_CUES.items()}
    best = max(score, key=lambda k: score[k])
    rival = max(other, key=lambda k: other[k])
    if other[rival] > max(score.values()) and other[rival] >= 2:
        raise TextError(f"unsupported language (looks like '{rival}'); supported: en, fr")
    if score[best] == 0 and len(words) >= 6 and not any(w in W.OUTCOME_AFTER or w in W.PERSONS for w in words):
        raise TextError("unsupported language (no English or French words found); supported: en, fr")
    return "fr" if score["fr"] > score["en"] else "en"


def _clause_start(toks: list[_Tok], start: int, end: int) -> int:
    """First token of the clause that says "coded separately" ("killed 1 militant, after ... (coded separately)")."""
    at = next(x for x in range(start, end) if toks[x].low in ("coded", "recorded", "separate"))
    depth = 0
    for x in range(at - 1, start - 1, -1):
        w = toks[x].low
        if w == ")":
            depth += 1
        elif w == "(":
            if depth == 0:
                continue  # the parenthesis that holds the phrase itself
            depth -= 1
        elif w == "," and depth == 0:
            return x + 1
    return start


def _separate_sentences(toks: list[_Tok]) -> set[int]:
    """Tokens of sentences that say their figures are coded as another event."""
    out: set[int] = set()
    start = 0
    for k in range(len(toks) + 1):
        if k == len(toks) or (toks[k].kind == "punct" and toks[k].low in ".;"):
            words = " ".join(t.low for t in toks[start:k])
            if any(p in words for p in W.SEPARATE):
                out.update(range(_clause_start(toks, start, k), k))
            start = k + 1
    return out


_HEAVY = frozenset({"heavy", "huge", "massive", "serious", "significant", "considerable", "many", "numerous", "some", "lourdes"})
_SUFFERED = _HEAVY | {"suffered", "caused", "causing", "inflicted", "sustained", "unspecified", "undisclosed", "unknown"}


# a side that suffered casualties, or casualties left or caused: some were, how many unknown
_SUFFERED_CAS = frozenset({"suffered", "suffering", "sustained", "inflicted", "inflicting", "caused", "causing", "left", "leaving",
                           "undisclosed", "unspecified"})


def _casualties(toks: list[_Tok], text: str, covered: set[int], figures: list[Figure]) -> list[Figure]:
    """'casualties' with no number: killed or injured, how many unknown (low 0)."""
    if any(f.outcome == "killed" for f in figures):
        return []
    for k, t in enumerate(toks):
        if t.low in {"fatalities", "deaths"} and k not in covered and k and toks[k - 1].low in _SUFFERED:
            # "both sides suffered fatalities", "some deaths": an unknown number
            a = k - 1
            return [Figure("killed", 1, None, None, "vague:heavy casualties", toks[a].start, t.end, text[toks[a].start:t.end])]
        if t.low in W.CASUALTY_WORDS and k not in covered and not (k and toks[k - 1].low in {"no", "without", "aucune", "sans"}):
            if k >= 2 and toks[k - 2].low in {"no", "without"}:
                continue
            a = k - 1 if k and toks[k - 1].low in _HEAVY else k
            if a == k and k + 3 < len(toks) and [x.low for x in toks[k + 1:k + 4]] == ["on", "both", "sides"]:
                a = k  # "casualties on both sides": an unknown number, not none
                return [Figure("killed", 1, None, None, "vague:heavy casualties", t.start, toks[k + 3].end, text[t.start:toks[k + 3].end])]
            if a == k and any(x.low in _SUFFERED_CAS for x in toks[max(0, k - 3):k]) and not any(
                    x.low in {"material", "if", "whether", "property"} for x in toks[max(0, k - 5):k]):
                a = max(x for x in range(max(0, k - 3), k) if toks[x].low in _SUFFERED_CAS)  # "both sides suffered casualties"
            if a < k:  # "heavy casualties", "heavy losses": many, how many unknown
                return [Figure("killed", 1, None, None, "vague:heavy casualties", toks[a].start, t.end, text[toks[a].start:t.end])]
            return [Figure("killed", 0, None, None, "vague:casualties", t.start, t.end, text[t.start:t.end])]
    return []


def _nones(text: str, figures: list[Figure]) -> list[Figure]:
    low = text.lower()
    out = []
    for outcome, phrases in W.NONE_PHRASES.items():
        if any(f.outcome == outcome for f in figures):
            continue
        for p in phrases:
            at = low.find(p)
            if at >= 0:
                out.append(Figure(outcome, 0, 0, 0, "none", at, at + len(p), text[at:at + len(p)], 0))
                break
    return out

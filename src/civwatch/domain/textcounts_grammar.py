"""Grammar the casualty rules share: one person said by grammar alone ("killed him", "a man ...
was killed"), plurals without a number, background and things that are not people, attempts,
and the cheap word test that tells whether a text can state a sex or an age. Used by
domain/textcounts.py (the rules) and the import (services/textcounts.py)."""

from __future__ import annotations

import re

from civwatch.domain import textcounts_words as W
from civwatch.domain.textcounts_text import Figure, _Tok

_VIOLENT = frozenset("shot stabbed beaten hacked gunned burnt burned hanged clubbed stoned abattus abattues".split())


_TRIED = frozenset({"tried", "attempted", "trying", "attempting", "threatened", "threatening", "plotted", "planned", "sought",
                    "want", "wants", "wanted", "wanting", "intended", "intending", "vowed", "vowing", "plotting", "planning"})


def _attempt(toks: list[_Tok], v: int) -> bool:
    """A verb after "tried to" / "attempted to" / "nearly": no one was killed by it."""
    return (v >= 2 and toks[v - 1].low == "to" and toks[v - 2].low in _TRIED) or (v >= 1 and toks[v - 1].low in _NEARLY)


_NEARLY = frozenset({"nearly", "almost"})


def _chained(toks: list[_Tok], k: int) -> bool:
    """A participle before the outcome: "assaulted and killed", "tortured, then killed", "charred to death"."""
    t = toks[k].low
    if not t.endswith("ed") or t in W.OUTCOME_AFTER or k + 2 >= len(toks):
        return False
    nxt = toks[k + 1].low
    return nxt in ("and", ",") or (nxt == "to" and toks[k + 2].low == "death")


_UNHARMED = frozenset({"displaced", "evacuated", "rescued", "fled", "released", "freed", "escaped", "homeless", "déplacés"})


def _things(toks: list[_Tok], j: int, k: int) -> bool:
    """The noun phrase after a count names things ("30 houses"), unless people come after ("3 cattle thieves")."""
    for x in range(j, k):
        if toks[x].low in W.NOT_PEOPLE:
            return not any(t.low in W.PERSONS for t in toks[x + 1:k])
    return False


# verbs that tell of this event's own harm between a background word and a figure
# ("clashes after the killing of four officials left at least 40 killed")
_THIS_HARM = frozenset({"resulted", "resulting", "left", "leaving", "causing", "caused"})


def _background(toks: list[_Tok], q0: int) -> bool:
    """True when the words just before a figure tell of an earlier harm ("protest against the killing of 3")."""
    lo = max(0, q0 - 20)  # within the clause: "demanding justice for the deceased ... death of a man"
    for x in range(q0 - 1, lo - 1, -1):
        if toks[x].kind == "punct" and toks[x].low in ".;," or toks[x].low in _THIS_HARM:
            break
        if toks[x].low in W.BACKGROUND or (x + 1 < len(toks) and (toks[x].low, toks[x + 1].low) in W.BACKGROUND_PAIRS):
            return True
    s0 = q0
    while s0 > 0 and not (toks[s0 - 1].kind == "punct" and toks[s0 - 1].low in ".;!?"):
        s0 -= 1
    opening = tuple(t.low for t in toks[s0:s0 + 3])
    return any(opening[:len(p)] == p for p in _PAST_OPENINGS)  # "The day before, a man was killed"


# a sentence that opens on an earlier time tells of an earlier event
_PAST_OPENINGS = (("the", "day", "before"), ("the", "previous", "day"), ("earlier",), ("previously",), ("last", "week"),
                  ("the", "previous", "week"), ("days", "earlier"), ("a", "day", "earlier"), ("the", "night", "before"))


# verbs with another sense than a death unless a person is their object ("claimed the responsibility")
_OTHER_SENSE = frozenset({"claimed", "claiming", "executed", "executing", "execute", "executes"})
_NOT_ONE = frozenset({"large", "huge", "great", "small", "lot", "total", "series", "number", "couple", "handful", "further"})
_SINGULAR_DET = frozenset({"the", "his", "her", "him", "its", "a", "an", "another", "le", "la", "l'", "son", "sa"})
_SINGULAR_AUX = frozenset({"was", "is", "has", "had", "been", "being", "a", "est", "été", "fut"})


_HEADLINE_DEATH = frozenset({"killed", "died", "slain", "murdered", "beheaded", "lynched", "assassinated"})
_AFTER_HEADLINE = frozenset({"in", "near", "at", "on", "outside", "inside", "during", "while", "after", "by", "when", "following"})


def _headline_death(toks: list[_Tok], text: str, k: int) -> bool:
    """A singular subject and a death with no auxiliary and no object: headline grammar ("Police
    officer killed in Abu Zur camp", "President of the council, Phocas Bakaza, shot dead outside his home")."""
    t = toks[k].low
    s = k - 1
    if t == "dead" and s >= 0 and toks[s].low in _VIOLENT | {"found"}:
        s -= 1
    elif t not in _HEADLINE_DEATH:
        return False
    elif s >= 0 and toks[s].low in _VIOLENT:
        s -= 1  # "stabbed, killed"
    while s >= 0 and toks[s].low in _LATER:
        s -= 1  # "The student later died."
    if s < 0 or (k + 1 < len(toks) and not (toks[k + 1].kind == "punct" or toks[k + 1].low in _AFTER_HEADLINE)):
        return False
    w = toks[s]
    if any(x.low in ("if", "whether", "not") for x in toks[max(0, s - 3):s]) or any(
            toks[x].low == "of" and toks[x + 1].low in ("a", "an") for x in range(max(0, s - 3), s)):
        return False  # "not known if the child died"; "the daughter of a MP killed in India": someone else's death
    if w.kind != "word" or w.low in W.STOP or w.low in W.AUX or w.low in W.OUTCOME_BEFORE or w.low in W.NOT_PEOPLE:
        return False
    if w.low in W.PERSONS:
        return w.low not in W.PLURAL_PERSONS
    return text[w.start].isupper() and not w.low.endswith("s") and s > 0  # a name, not a sentence's first word


_WOUNDS = frozenset({"injuries", "injury", "wounds", "wound", "gunshot", "burns", "bullet"})
_TITLES = frozenset("sergeant sgt colonel col lieutenant lt lieutenant-colonel general gen brigadier brig captain capt major "
                     "commander corporal private dr doctor sheikh imam pastor father chief mayor governor judge senator mp "
                     "professor prof".split())
_CAUSING = frozenset({"causing", "caused", "cause", "to", "in"})  # "causing his death", "leading to his death", "resulting in her death"
_LATER = frozenset({"later", "then", "subsequently", "eventually", "reportedly", "also", "soon", "afterwards"})


def _bare_singular(toks: list[_Tok], m: int) -> int:
    """End of a singular object with no article: a title ("Sergeant Aschalew Dese") or up to two words and a
    singular person ("former local official", "retired army colonel"); 0 if there is none."""
    for x in range(m, min(m + 3, len(toks))):
        w = toks[x]
        if w.kind != "word" or w.low in W.STOP or w.low in W.AUX or w.low in W.NOT_PEOPLE or w.low in W.PLURAL_PERSONS:
            return 0
        if w.low in _TITLES or (w.low in W.PERSONS and w.low not in _NOT_BARE):
            return x + 1
        if w.low.endswith("s") or w.low in W.NUMBER_WORDS["en"] or w.low in W.VAGUE:
            return 0
    return 0


_NOT_BARE = frozenset({"others", "other", "remains", "body", "corpse", "people", "person"})


def _no_one(toks: list[_Tok], k: int) -> bool:
    """The subject before token k is nobody: "No one was killed", "nobody was hurt", "none were injured"."""
    return k >= 1 and (toks[k - 1].low in ("nobody", "none", "no-one") or (k >= 2 and toks[k - 1].low == "one" and toks[k - 2].low == "no"))


def _relative_background(toks: list[_Tok], k: int) -> bool:
    """ "... demanding justice over the murder of a student, who was killed in ...": the person the relative
    clause tells of is named in background words."""
    if k < 2 or toks[k - 1].low not in ("who", "whom"):
        return False
    j = k - 2
    if toks[j].low == ",":
        j -= 1
    return j > 0 and _background(toks, j)


def _singulars(toks: list[_Tok], text: str, covered: set[int], separate: set[int], figures: list[Figure],
               sent: list[int]) -> list[Figure]:
    """One person, said by grammar alone: "killed the commander", "killed him", "a man ... was killed"."""
    taken = {(f.outcome, f.sentence) for f in figures}
    out = []
    n = len(toks)
    for k, t in enumerate(toks):
        if k in covered or k in separate:
            continue
        outcome = None
        a = b = k
        if t.low in W.OUTCOME_BEFORE and k + 1 < n and toks[k + 1].low in _SINGULAR_DET and k + 1 not in covered and not _attempt(toks, k):
            # the object is one person unless a plural or a thing follows
            m = k + 2
            while m < n and m - k <= 5 and toks[m].kind == "word" and toks[m].low not in W.STOP:
                m += 1
            obj = [x.low for x in toks[k + 2:m]]
            if toks[k + 1].low == "him" or toks[k + 1].low == "her" and not obj:
                obj = ["him"]
            if obj and obj[0] in _NOT_ONE:
                obj = []  # "killed a total of 32", "killing a large number of goats": not one person
            if t.low in _OTHER_SENSE and not any(w in W.PERSONS or w in ("him", "her") for w in obj):
                obj = []  # "claimed the responsibility", "executed this operation": not a death
            if obj and not any(w in W.PLURAL_PERSONS or w in W.NOT_PEOPLE or w.endswith("s") for w in obj) and not _background(toks, k):
                outcome, a, b = W.OUTCOME_BEFORE[t.low], k, max(m, k + 2)
        elif t.low in _SINGULAR_AUX and not _background(toks, k) and not _relative_background(toks, k) and not _no_one(toks, k):
            m = k + 1
            while m < n and m - k <= 4 and (toks[m].low in W.AUX or toks[m].low in _VIOLENT or toks[m].low in {"found", "to", "and"}
                                             or _chained(toks, m)):
                m += 1
            if t.low == "a" and (k == 0 or toks[k - 1].kind == "punct"):
                continue  # English "A" opening a sentence, not French "a" (has)
            if m < n and toks[m].low == "dead" and m + 1 < n and toks[m + 1].low in {"city", "cities"}:
                continue  # a "dead city" strike
            if m < n and m > k + 0 and toks[m].low in W.OUTCOME_AFTER and toks[m].low not in W.CASUALTY_WORDS and (
                m == k + 1 or toks[m - 1].low != "to" or toks[m].low == "death"
            ):
                if toks[m].low in _OTHER_SENSE and m + 1 < n and toks[m + 1].low in {"this", "that", "the", "a", "an", "its", "their", "his", "her"}:
                    pass  # "they had executed this operation": an act, not a death
                elif not (m + 1 < n and (toks[m + 1].kind == "num" or toks[m + 1].low in _SINGULAR_DET)):
                    outcome, a, b = W.OUTCOME_AFTER[toks[m].low], k, m + 1
        elif t.low in ("he", "she", "who") and not _background(toks, k) and not _relative_background(toks, k + 1):
            m = k + 1
            while m < n and m - k <= 3 and toks[m].low in _LATER:
                m += 1
            tail = [x.low for x in toks[m + 1:m + 5]]
            if m < n and toks[m].low in ("died", "succumbed") and (tail[:1] == ["in"] and "hospital" in tail[:3] or (
                    tail[:1] in (["of"], ["from"], ["to"]) and any(w in _WOUNDS for w in tail[1:4]))):
                outcome, a, b = "killed", k, m + 1  # "He later died of his wounds", "a thief who died in hospital"
        elif (t.low in W.OUTCOME_BEFORE and t.low not in _OTHER_SENSE and k + 1 < n and not _attempt(toks, k)
              and _bare_singular(toks, k + 1) and not _background(toks, k)):
            outcome, a, b = W.OUTCOME_BEFORE[t.low], k, _bare_singular(toks, k + 1)  # "shot and killed Sergeant X", "killed former local official"
        elif (t.low == "death" and k >= 2 and toks[k - 1].low in ("his", "her") and toks[k - 2].low in _CAUSING
              and not _background(toks, k - 2)):
            outcome, a, b = "killed", k - 2, k + 1  # "beat a student, causing his death"
        elif _headline_death(toks, text, k) and not _background(toks, k):
            outcome, a, b = "killed", k, k + 1  # "Bar owner shot dead near ...", "Police officer killed in ..."
        if outcome is None or (outcome, sent[k]) in taken:
            continue
        taken.add((outcome, sent[k]))
        start, end = toks[a].start, toks[b - 1].end
        out.append(Figure(outcome, 1, 1, 1, "singular", start, end, text[start:end], 1, sentence=sent[k]))
    return out


def _plurals(toks: list[_Tok], text: str, covered: set[int], separate: set[int], sent: list[int]) -> list[Figure]:
    """A plural with no number after a verb ("killing civilians", "soldiers kill protesting students")."""
    out = []
    for k, t in enumerate(toks):
        if k in covered or k in separate or t.low not in W.PLURAL_PERSONS or t.low in {"others", "other", "people's"}:
            continue
        for back in (1, 2, 3):
            v = k - back
            if v < 0:
                break
            if toks[v].low in W.OUTCOME_BEFORE and not _background(toks, v) and all(toks[x].kind == "word" and toks[x].low not in W.STOP for x in range(v + 1, k)):
                outcome = W.OUTCOME_BEFORE[toks[v].low]
                sex, age, civ = W.PERSONS[t.low]
                if v + 1 < k and toks[v + 1].low in W.PERSONS:
                    s2, a2, c2 = W.PERSONS[toks[v + 1].low]
                    civ = c2 if c2 is not None else civ
                start, end = toks[v].start, t.end
                out.append(Figure(outcome, 2, None, None, "plural", start, end, text[start:end], None, sex, age, civ, sentence=sent[k]))
                break
    return out


_SEX_AGE_WORDS = frozenset({w for w, (sex, age, _) in W.PERSONS.items() if sex != "unknown" or age != "unknown"} | {"elderly"})
_LETTERS = re.compile(r"[^\W\d_]+")
_AGE_CUE = re.compile(r"\d\s?-?\s?(?:years?|yrs?)[-\s]?old|\d\s?y\.\s?o\.|aged\s+\d")


def may_state_sex_or_age(text: str) -> bool:
    """False when `text` holds no word for a sex or an age group and no age, so `extract()` can
    give no figure by sex or age: a cheap test that spares the rules most notes (~70k notes/s)."""
    low = text.lower()
    if not _SEX_AGE_WORDS.isdisjoint(_LETTERS.findall(low)):
        return True
    return ("old" in low or "aged" in low or "y.o" in low) and _AGE_CUE.search(low) is not None

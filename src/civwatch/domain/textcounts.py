"""Casualty figures read from the words of a report: rules over a tokenizer (English, French).

`extract(text)` finds every count of people killed, injured, missing, abducted or detained,
with the span of text it came from, whether the text calls them civilians (or combatants), and
their sex and age group where the words say so ("two women and a child", "a 12-year-old boy").

A figure keeps what the text says: a number ("five"), a bound ("at least 5": low 5, no high;
"more than 20": low 21), a range ("20-30") or a vague word ("dozens": low 24). `best` is set only
for a stated number. What a coder would record for a bound or a vague word is a *convention*
(ACLED codes the lower figure of a range; its word conventions are learnt from the user's own
ACLED files by `civwatch text learn`, see docs/textcounts.md) and is applied by `coded()`,
never written into `best`. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from civwatch.domain import textcounts_coding
from civwatch.domain import textcounts_words as W
from civwatch.domain.textcounts_grammar import (  # noqa: F401  (may_state_sex_or_age is public here)
    _UNHARMED,
    _VIOLENT,
    _attempt,
    _background,
    _chained,
    _plurals,
    _singulars,
    _things,
    may_state_sex_or_age,
)
from civwatch.domain.textcounts_quantities import (
    _ALONG,
    _DEAD_ADJ,
    _FORCE,
    _NOT_A_DEATH,
    _SUBSET,
    _Qty,
    _quantities,
)
from civwatch.domain.textcounts_text import (  # noqa: F401  (the public names are read from here)
    _AGE_WORD,
    _MONTHS,
    DEFAULT_CONVENTIONS,
    LANGUAGES,
    METHOD_VERSION,
    OUTCOMES,
    RULES,
    STRATEGY,
    Extraction,
    Figure,
    TextError,
    Total,
    _casualties,
    _nones,
    _separate_sentences,
    _Tok,
    _triggered_tokens,
    detect_language,
    tokenize,
)

# --- rules -----------------------------------------------------------------------------------


def _noun_phrase(toks: list[_Tok], j: int, vague: bool = False) -> int:
    """Token after the noun phrase that follows a quantity ("five Oromo students" -> after 'students')."""
    k = j
    if vague and k < len(toks) and toks[k].low in {"of", "de", "d'"}:  # "dozens of people", "des dizaines de personnes"
        k += 1
        j = k
        if k < len(toks) and toks[k].low in {"the", "les"}:
            k += 1
    while k < len(toks) and k - j < 5:
        t = toks[k]
        if t.low == "(" and k > j:
            close = next((m for m in range(k + 1, min(k + 8, len(toks))) if toks[m].low in "()"), -1)
            if close > 0 and toks[close].low == ")" and not any(x.kind == "num" or x.low in _CODING_WORDS for x in toks[k + 1:close]):
                j += close + 1 - k  # a name spelt out ("SNA (Somali National Army) soldiers"): the head noun follows
                k = close + 1
                continue
        if t.kind == "punct" and t.low != "-":
            break
        if t.low == "body" and k + 1 < len(toks) and toks[k + 1].low in ("guard", "guards"):
            k += 1  # "two body guards killed": people, not bodies
            continue
        if (t.low in W.STOP and not (t.low in W.PERSONS and (k == j or toks[k - 1].low in W.PERSONS))) or t.low in W.AUX or t.low in W.OUTCOME_AFTER or t.low in W.OUTCOME_BEFORE:
            break  # ("son" is also French "his")
        k += 1
        if t.low in W.PERSONS and not (k < len(toks) and (toks[k].low in W.PERSONS or (
            toks[k].kind == "word" and toks[k].low.endswith("s") and toks[k].low not in W.STOP and toks[k].low not in W.AUX
            and toks[k].low not in W.OUTCOME_AFTER and toks[k].low not in W.OUTCOME_BEFORE and toks[k].low not in W.NOT_PEOPLE
            and k + 1 < len(toks) and (toks[k + 1].low in W.AUX or toks[k + 1].low in W.OUTCOME_AFTER or toks[k + 1].kind == "punct")))):
            break  # "two police conscripts": the head noun may follow
    return k




_BE = frozenset({"were", "was", "are", "is", "been", "being", "be", "remain", "remained", "found", "left", "été", "sont", "est", "furent"})
_CODING_WORDS = frozenset({"coded", "recorded", "including", "among", "of"})
# "a civic body", "rights bodies": an organisation, not the dead
_BODY_OF = frozenset("rights civic lawyers lawyers' student students students' trade governing professional umbrella advisory "
                     "representative religious political regulatory business labor labour teachers traders coordinating apex "
                     "platform legislative elected government national international local workers workers'".split())


def _forward(toks: list[_Tok], k: int, qstarts: dict[int, int]) -> tuple[str, int] | None:
    """Outcome read after the noun phrase ending at k, and the token after it."""
    aux = 0
    passive = False  # an auxiliary seen ("were"): the verb is not the subject's act
    n = len(toks)
    participle = k + 1 < n and toks[k].kind == "word" and toks[k].low.endswith("ed") and toks[k + 1].low in ("with", "to", "by") and (
        toks[k].low not in W.OUTCOME_AFTER and toks[k].low not in W.AUX and toks[k].low not in W.OUTCOME_BEFORE and toks[k].low not in _VIOLENT)
    if k < n and (toks[k].low in {"of", "from", "in", "at", "on", "with"} or participle):
        # "a member of ASL was killed", "militants affiliated with Ajnad Misr were killed"
        m = k + 1
        while m < n and m - k <= (9 if participle else 7) and (toks[m].kind == "word" and (
                toks[m].low not in W.AUX and toks[m].low not in W.OUTCOME_AFTER or (
                toks[m].low == "body" and m + 1 < n and toks[m + 1].low in ("guard", "guards"))) or toks[m].low == "("):
            if toks[m].low == "(":  # "two members of the group Ajnad Misr (Soldiers of Egypt) were killed"
                close = next((x for x in range(m + 1, min(m + 8, n)) if toks[x].low in "()"), -1)
                if close < 0 or toks[close].low != ")":
                    break
                m = close
            m += 1
        if m < n and (toks[m].low in _BE if participle else (toks[m].low in W.AUX or toks[m].low in W.OUTCOME_AFTER)):
            k = m
    while k < n and aux < 5:
        t = toks[k]
        for phrase, outcome in W.OUTCOME_PHRASES.items():
            if tuple(x.low for x in toks[k:k + len(phrase)]) == phrase:
                return outcome, k + len(phrase)
        if t.low in ("body", "bodies") and k and toks[k - 1].low in _BODY_OF:
            return None
        if t.low in W.OUTCOME_AFTER and not (t.low == "dead" and k + 1 < n and toks[k + 1].low in {"city", "cities", "end"}) and not (
                t.low == "death" and k + 1 < n and toks[k + 1].low in _NOT_A_DEATH):
            active = not passive and t.low in W.OUTCOME_BEFORE and k + 1 < n and (
                k + 1 in qstarts or toks[k + 1].low in {"the", "a", "an", "his", "her", "their", "at", "over", "more", "several", "dozens"}
            )
            if active:
                return None  # "two soldiers shot and killed a civilian": the soldiers are the killers
            if k + 2 < n and toks[k + 1].low == "and" and W.OUTCOME_AFTER.get(toks[k + 2].low) == "killed" and W.OUTCOME_AFTER[t.low] != "killed":
                return "killed", k + 3  # "were abducted and killed": the death is what the count is of
            return W.OUTCOME_AFTER[t.low], k + 1
        if t.low in W.AUX or t.low in _VIOLENT or t.low in {"down", "to"} or (t.low in ("and", ",") and k and (toks[k - 1].low in _VIOLENT or _chained(toks, k - 1))) or (
                aux and _chained(toks, k)):
            passive = passive or t.low in _BE
            aux += 1
            k += 1
            continue
        return None
    return None


def _backward(toks: list[_Tok], q0: int) -> tuple[str, int] | None:
    """Outcome read before a quantity ("killing five", "the deaths of five", "death toll rose to five")."""
    if q0 == 0:
        return None
    prev = toks[q0 - 1].low
    if prev in W.OUTCOME_BEFORE and _attempt(toks, q0 - 1):
        return None
    if prev in W.OUTCOME_BEFORE:
        return W.OUTCOME_BEFORE[prev], q0 - 1
    # "shot dead two men", "beat to death three", "gunned down five"
    if q0 >= 2 and ((prev == "dead" and toks[q0 - 2].low in _VIOLENT) or (prev == "down" and toks[q0 - 2].low == "gunned")):
        return "killed", q0 - 2
    if q0 >= 3 and prev == "death" and toks[q0 - 2].low == "to" and toks[q0 - 3].low in _VIOLENT | {"beat", "stab", "hack", "burn"}:
        return "killed", q0 - 3
    if prev in {"the", "those", "these"} and q0 >= 3 and toks[q0 - 2].low == "of" and toks[q0 - 3].low in W.OUTCOME_OF:
        return W.OUTCOME_OF[toks[q0 - 3].low], q0 - 3  # "the bodies of the six men"
    if prev == "of" and q0 >= 3 and toks[q0 - 2].low == "total" and toks[q0 - 3].low in ("a", "the"):
        return _backward(toks, q0 - 3)  # "killed a total of 32 militants"
    if prev in {"of", "de", "des"} and q0 >= 2:
        p2 = toks[q0 - 2].low
        if p2 in W.OUTCOME_OF:
            return W.OUTCOME_OF[p2], q0 - 2
        if p2 == "lives" and q0 >= 3 and toks[q0 - 3].low in {"the", "claimed", "claiming"}:
            return "killed", q0 - 3
    for back in range(1, 5):
        if q0 - back < 0 or toks[q0 - back].kind == "punct":
            break
        if toks[q0 - back].low in {"toll", "bilan"}:
            return "killed", q0 - back
    return None


def _who(toks: list[_Tok], i: int, k: int) -> tuple[str, str, bool | None]:
    sex, age, civ = "unknown", "unknown", None
    for x in range(i, k):
        t = toks[x]
        info = W.PERSONS.get(t.low)
        if info and t.low in ("man", "men") and x and (toks[x - 1].low in _FORCE or toks[x - 1].low.isupper()):
            info = ("unknown", "unknown", False)  # "BSF men", "military man": a force, not a sex
        if info:
            sex = info[0] if info[0] != "unknown" else sex
            age = info[1] if info[1] != "unknown" else age
            civ = info[2] if info[2] is not None else civ
    if any(t.low == "elderly" for t in toks[i:k]):
        age = "elderly"
    # ages written out: "a 12-year-old boy", "aged 70"
    for x in range(max(0, i - 1), min(k + 1, len(toks))):
        t = toks[x]
        years = None
        m = _AGE_WORD.match(t.low)
        if m and m.group(1).isdigit():
            years = int(m.group(1))
        elif m and x > 0 and toks[x - 1].kind == "num":
            years = int(toks[x - 1].low)
        if years is not None:
            age = "child" if years < 18 else "elderly" if years >= 60 else "adult"
    return sex, age, civ


def extract(text: str, language: str | None = None) -> Extraction:
    """Every casualty figure in `text`; raises TextError for empty text or an unsupported language."""
    lang = language or detect_language(text)
    if lang not in LANGUAGES:
        raise TextError(f"unsupported language '{lang}'; supported: en, fr")
    if not text.strip():
        raise TextError("empty text: there is nothing to read")
    toks = _triggered_tokens(text)
    qtys = _quantities(toks, lang, text)
    qstarts = {q.q0: idx for idx, q in enumerate(qtys)} | {q.i: idx for idx, q in enumerate(qtys)}
    found: list[tuple[_Qty, str, int, int, int, bool]] = []  # qty, outcome, span start tok, span end tok, np end, subset
    results: dict[int, tuple[str, int, int] | None] = {}

    among: set[int] = set()

    def forward_of(idx: int, depth: int = 0) -> tuple[str, int] | None:
        q = qtys[idx]
        k = _noun_phrase(toks, q.j, q.basis != "stated")
        # "Young girl among six killed": the girl is one of the six
        if k + 1 < len(toks) and toks[k].low in {"among", "parmi"} and k + 1 in qstarts and depth < 6:
            among.add(idx)
            return forward_of(qstarts[k + 1], depth + 1)
        # "10 women and children were killed", "two soldiers and a civilian were killed"
        while k < len(toks) and toks[k].low in {"and", ",", "et", "or"} and depth < 6:
            nxt = k + 1
            if nxt in qstarts:
                res = forward_of(qstarts[nxt], depth + 1)
                if qstarts[nxt] in among:
                    among.add(idx)  # "Baby, 7-year-old girl among six killed": both among the six
                return res
            if nxt < len(toks) and toks[nxt].low in W.PERSONS:
                k = _noun_phrase(toks, nxt)
                continue
            break
        # "eight people of the Zande group, including three children, were shot dead": past the "of" phrase
        if k + 1 < len(toks) and toks[k].low in ("of", "from"):
            m = k + 1
            while m < len(toks) and m - k <= 6 and toks[m].kind == "word" and toks[m].low not in W.AUX and toks[m].low not in W.OUTCOME_AFTER:
                m += 1
            if m + 1 < len(toks) and toks[m].low == "," and toks[m + 1].low == "including":
                k = m
        # "sixteen fighters including their commander were killed", "At least six - including one soldier - were killed"
        if k + 1 < len(toks) and (toks[k].low == "including" or (toks[k].low in {",", "-", "(", "–"} and toks[k + 1].low == "including")):
            for m in range(k + 2, min(k + 25, len(toks))):
                t = toks[m]
                if t.kind == "punct" and t.low in ".;":
                    break
                if (t.low in W.AUX and t.low != "a" or t.low in W.OUTCOME_AFTER and toks[m - 1].kind == "punct") and m > k + 2 and (
                    toks[m - 1].low not in {"who", "which", "that"}
                ):
                    return _forward(toks, m, qstarts)
        # "five people, two of them children, were killed" is not read; "5 of them" handled as subset
        return _forward(toks, k, qstarts)

    separate = _separate_sentences(toks)
    sent, n_s = [], 0
    for t in toks:
        sent.append(n_s)
        if t.kind == "punct" and t.low in ".;!?":
            n_s += 1
    def sent_of(q: _Qty) -> int:
        return sent[q.i]

    for idx, q in enumerate(qtys):
        np_end = _noun_phrase(toks, q.j, q.basis != "stated")
        if _things(toks, q.j, np_end) or _background(toks, q.q0) or (q.q0 < q.i and _background(toks, q.i)) or q.i in separate:
            results[idx] = None
            continue
        subset = bool(_SUBSET.before(toks, q.q0)) or (q.j + 1 < len(toks) and (toks[q.j].low, toks[q.j + 1].low) in W.SUBSET_AFTER)
        back = _backward(toks, q.q0)
        if back and back[1] == q.q0 - 1 and np_end < len(toks) and toks[np_end].low in _BE and forward_of(idx):
            back = None  # "A member was killed 15 people were injured": the passive after the count is its own
        outcome = None
        s0, s1 = q.q0, np_end
        if back:
            outcome, s0 = back[0], back[1]
        else:
            fwd = forward_of(idx)
            if fwd:
                outcome, s1 = fwd[0], max(fwd[1], np_end)
                subset = subset or idx in among
        if outcome is None and found and sent_of(found[-1][0]) == sent_of(q) and q.j + 1 < len(toks) and (
            toks[q.j].low in {"were", "was"} and toks[q.j + 1].low in W.PERSONS
        ):
            outcome, subset, np_end = found[-1][1], True, q.j + 2  # "left five dead, two were women"
        if outcome is None and q.j == q.i + 1 and toks[q.i].low in _DEAD_ADJ and toks[q.j].low in W.PERSONS and (
            q.i == 0 or toks[q.i - 1].kind == "punct"
        ):
            outcome = "killed"  # "Dead man found hanging"
        if outcome is None and q.basis.startswith("vague:") and any(t.low == "losses" for t in toks[q.j:np_end + 1]):
            outcome = "killed"  # "an unknown number of losses" (of casualties: killed or injured, so not)
        if outcome is None and subset and found and sent_of(found[-1][0]) == sent_of(q):
            outcome = found[-1][1]  # "killed 12 people, including two women"
        if outcome is None and found and sent_of(found[-1][0]) == sent_of(q) and q.q0 >= 2 and (
            (toks[q.q0 - 2].low, toks[q.q0 - 1].low) in _ALONG
        ):
            outcome = found[-1][1]  # "5 civilians were killed in the battle, along with 3 soldiers"
        if outcome is None and idx and results.get(idx - 1):
            # "killing two women and a child": the child inherits the verb of the women
            prev_outcome, _, prev_end = results[idx - 1]  # type: ignore[misc]
            gap = [t.low for t in toks[prev_end:q.q0]]
            if gap[-1:] == ["the"] and len(gap) >= 2:
                gap = gap[:-1]  # "killing himself and the three vigilantes"
            if gap and gap[-1] in {"and", ",", "et", "as well as"} and len(gap) <= 2 and not any(
                t.low in _UNHARMED for t in toks[q.j:np_end + 1]
            ):
                outcome = prev_outcome
                subset = subset or found[-1][5]
        if outcome is None:
            results[idx] = None
            continue
        results[idx] = (outcome, s0, np_end)
        found.append((q, outcome, s0, s1, np_end, subset))

    figures: list[Figure] = []
    covered = set()
    for q, outcome, s0, s1, np_end, subset in found:
        # "an executed man", "both of these men were executed": the person is named outside the noun phrase
        who_end = np_end if any(t.low in W.PERSONS for t in toks[q.i:np_end]) or any(
            x in qstarts or toks[x].low == "including" for x in range(q.j, s1)) else max(np_end, s1)
        sex, age, civ = _who(toks, q.i, who_end)
        covered.update(range(q.i, np_end))
        start, end = toks[s0].start, toks[max(s1, q.j) - 1].end
        total = any(t.low == "total" for t in toks[max(0, q.q0 - 3):q.q0]) or (
            q.j + 1 < len(toks) and toks[q.j].low == "in" and toks[q.j + 1].low == "total")
        figures.append(Figure(outcome, q.low, q.best, q.high, q.basis, start, end, text[start:end], q.said, sex, age, civ, subset, sent[s0],
                              total))
    figures += _plurals(toks, text, covered, separate, sent)
    figures += _singulars(toks, text, covered, separate, figures, sent)
    starts = {t.start: x for x, t in enumerate(toks)}
    figures += [f for f in _casualties(toks, text, covered, figures) if not _background(toks, starts.get(f.start, 0))]
    figures += _nones(text, figures)
    figures.sort(key=lambda f: f.start)
    return Extraction(lang, figures, textcounts_coding.read(text))


def with_conventions(fig: Figure, conventions: Mapping[str, int | str]) -> Figure:
    """The figure with `coded` made explicit as its best (for a reader who accepts the convention)."""
    return replace(fig, best=fig.coded(conventions))

"""Names across scripts and spellings, for matching a missing person against lists.

Every name is brought to Latin by ICU transforms (PyICU): Ukrainian and Russian Cyrillic by
their BGN/PCGN systems (which also give the Ukrainian national spellings such as
"Oleksandr Shevchenko"), Arabic by ICU's Arabic-Latin, anything else by Any-Latin; then
Latin-ASCII. Each token is then reduced to a consonant *skeleton* (vowels and the semi-vowels
w/y dropped, doubled letters collapsed, a few consonants that scripts render differently made
one): Arabic script writes no short vowels, so "Mohamed", "Muhammad" and محمد all become "mgmd".
Particles and titles (al-, el-, bin, Mrs., Hajj, ...) are dropped; "Abd"/"Abu" join the word
after them, as the two spellings "Abdel Rahman" / "Abdelrahman" do. Similarity is rapidfuzz.

No names are ever logged from here; the functions are pure.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import combinations

import icu
from rapidfuzz import fuzz

_UK_LETTERS = set("іїєґІЇЄҐ")
_TRANSFORMS = {
    "uk": "uk-uk_Latn/BGN; Latin-ASCII; Lower",
    "ru": "ru-ru_Latn/BGN; Latin-ASCII; Lower",
    "ar": "Latin-ASCII; Lower",  # after Arabic-Latin and _arabic_digraphs
    "any": "Any-Latin; Latin-ASCII; Lower",
    "ar_raw": "Arabic-Latin",
}
_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "hajj", "haj", "hajja", "hajjah", "sheikh", "shaikh", "sheikha",
    "الحاج", "الحج", "الحاجة", "السيد", "السيدة", "الشيخ", "الدكتور", "د",
    # what a victim list writes before a name: the mother, the journalist, the doctor, the martyr, his wife
    "الام", "الصحفي", "الصحفية", "صحفي", "صحفية", "الطبيب", "الطبيبة", "الشهيد", "الشهيدة", "زوجته",
}
_PARTICLES = {"al", "el", "ul", "ud", "ed", "ad", "ar", "as", "ash", "at", "az", "bin", "ben", "ibn", "bint", "bn",
              "بن", "بنت", "ابن"}
_JOINERS = {"abd", "abdel", "abdul", "abdal", "abdil", "abu", "abou", "abo", "umm", "um", "om", "عبد", "عبدال", "ابو", "أبو",
            "ام", "أم"}
_ABD = {"abd", "abdel", "abdul", "abdal", "abdil", "عبد", "عبدال"}
# Second halves that join the word before them: Nour al-Din / Nouruddin, Saq Allah / Saqallah.
_TRAILERS = {"din", "deen", "dine", "allah", "ullah", "دين", "الدين", "الله", "لله"}
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_BRACKETED = re.compile(r"[`(\[\"“”«»][^`)\]\"“”«»]*[`)\]\"“”«»]?")
_SPLIT = re.compile(r"[\s\-‐–—_.,;:/'`ʼ’‘]+")
# dh is ذ or ظ (Mundhir منذر, Hudhayfa حذيفة), which the Arabic side writes z (see _arabic_token)
_DIGRAPHS = (("kh", "k"), ("sh", "s"), ("ch", "c"), ("th", "t"), ("dh", "z"), ("gh", "g"), ("ph", "f"),
             ("zh", "z"))
_LETTERS = str.maketrans({"q": "k", "c": "k", "j": "g", "h": "g", "x": "k", "v": "f", "p": "b"})
_DROP = re.compile(r"[aeiouy]|w(?!.$)")
_REPEATS = re.compile(r"(.)\1+")
# a long u before the last consonant (Mahmoud, Mahmud): Arabic writes it و, Latin ou/oo/u; where Latin
# writes ou/oo (Jouda, Toutah, Daoud) the word may end in a vowel after that consonant
_LONG_U = re.compile(r"(?<=[^aeiouwy])(?:ou|oo|u|w)([^aeiouwyW])$"
                     r"|(?:(?<=[^aeiouwy])(?:ou|oo)|aw(?:ou|oo|u)|a(?:ou|oo))([^aeiouwyW])\2?(?=(?:a|ah|e|eh|i|ie|y|iy|ee)?$)")
_ABD_ARTICLE = re.compile(r"^abd(?:ul|el|al|il|ol|u|e|a|i)?(?=[a-z]{3})")
_NOT_LETTER = re.compile(r"[^a-z]")
_GLUED_AL = re.compile(r"(?:al|el)[bcdfghjkmnpqrstvz][a-z]{2,}$")
_SOFT_C = re.compile(r"c(?=[eiy])")


def script_of(text: str) -> str:
    if _ARABIC.search(text):
        return "ar"
    if _CYRILLIC.search(text):
        return "uk" if _UK_LETTERS & set(text) else "ru"
    return "any"


@lru_cache(maxsize=8)
def _transform(system: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(_TRANSFORMS[system])


_ICU_DIGRAPH = "h\u0331"  # ICU writes ش خ ث ذ غ as sẖ kẖ tẖ dẖ gẖ
_H_AFTER = re.compile(r"([sktdgzcp][\u0300-\u036f]*)h")


def _arabic_digraphs(latin: str) -> str:
    """ICU's Latin of Arabic made safe for the skeleton's digraphs: ش خ ث غ as one letter each,
    and a ه or ح after s k t d g (سهير Suheir, كحيل Kahil, طهراوي Tahrawi) kept apart from it by a
    vowel, as Latin spellings keep them."""
    s = unicodedata.normalize("NFD", latin).replace(_ICU_DIGRAPH, "")
    return unicodedata.normalize("NFC", _H_AFTER.sub(r"\1ah", s))


@lru_cache(maxsize=500_000)
def to_latin(text: str) -> str:
    """The name in lower-case ASCII Latin by the transform its script calls for."""
    text = unicodedata.normalize("NFC", text)
    system = script_of(text)
    if system == "ar":
        text = _arabic_digraphs(_transform("ar_raw").transliterate(text))
    return _transform(system).transliterate(text)


def _arabic_token(tok: str, first: bool = False) -> str:
    # ذ is written "z" in most English renderings of Levantine and Gulf names (Moaz, Nafez)
    tok = tok.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "", "ـ": "", "ذ": "ز"}))
    tok = re.sub(r"[\u064b-\u0652]", "", tok)  # harakat, where a list writes them
    if tok.startswith("عبدال") and len(tok) > 5:
        return "عبد" + tok[5:]
    if tok.startswith("ال") and len(tok) > 3 and tok not in ("الله", "الدين") and not first:  # Alina is not al-ina
        return tok[2:]
    return tok


def _latin_token(tok: str) -> str:
    for prefix in ("al", "el"):
        if tok.startswith(prefix) and len(tok) > len(prefix) + 2 and tok[len(prefix)] == "-":
            return tok[len(prefix) + 1:]
    return tok


def split_name(name: str) -> tuple[str, list[str]]:
    """(the name without nicknames in brackets or backticks, the nicknames)."""
    nicks = [m.strip("`()[]\"“”«» ") for m in _BRACKETED.findall(name)]
    return _BRACKETED.sub(" ", name), [n for n in nicks if n]


def tokens(name: str) -> list[str]:
    """The name's words in Latin, titles and particles dropped, Abd/Abu joined to the next."""
    return [t for t, _, _, _ in _latin_words(name)]


@lru_cache(maxsize=200_000)
def _latin_words(name: str) -> tuple[tuple[str, str, bool, bool], ...]:
    """(the word in ASCII letters, its Latin with the signs ʿ ʾ an Arabic transform writes, whether
    it was written in Arabic script, whether it joins two words)."""
    main, _ = split_name(name)
    raw = [t for t in re.split(r"[\s\-‐–—_.,;:/]+", main.lower()) if t]
    words: list[str] = []
    for n, w in enumerate(raw):
        if _ARABIC.search(w):
            w = _arabic_token(w, first=n == 0)
        elif n > 0 and _GLUED_AL.match(w):
            w = w[2:]  # "Alshaer", "Elbaba": the article written onto a family name
        if w in _TITLES or w in _PARTICLES:
            continue
        words.append(w)
    out: list[tuple[str, bool]] = []  # (word, joined from two)
    i = 0
    while i < len(words):
        w = words[i]
        if w in _TRAILERS and out:
            out[-1] = (out[-1][0] + w.removeprefix("ال"), True)
            i += 1
            continue
        if w in _JOINERS and i + 1 < len(words):
            nxt = words[i + 1]
            if not _ARABIC.search(nxt):
                nxt = _latin_token(nxt)
            out.append((("abd" if w in _ABD and not _ARABIC.search(w) else "عبد" if w in _ABD else w) + nxt, True))
            i += 2
            continue
        out.append((w, False))
        i += 1
    latin = []
    for w, joined in out:
        # عبد joined to the next name: its Latin apart, so that the d makes no digraph with an h after it
        raw = "abd" + to_latin(w[3:]) if w.startswith("عبد") and len(w) > 3 else to_latin(w)
        t = _NOT_LETTER.sub("", raw)
        if t:
            # a first word kept with its article (الحسن, البراء: see _arabic_token) has no shape to compare
            latin.append((t, "" if w.startswith("ال") else raw, bool(_ARABIC.search(w)), joined))
    return tuple(latin)


_VOWELS = re.compile(r"[aeiouwy]")
Shape = tuple[bool, int, str] | None


_LAST_ARABIC = re.compile(r"([aeiouwy]*)[^aeiouwy]$")
_LAST_LATIN = re.compile(r"([aeiou]*)[^aeiou]$")


def _long_u(s: str, arabic: bool) -> str:
    """Whether the last syllable has a long u: "long" (Mahmoud محمود, Jouda جودة), "short"
    (Muhammad محمد, Yousef), or "" where a spelling cannot tell (Saud, Mahmod; يوسف, whose و may
    be the u a Latin Yusuf writes last)."""
    if arabic:
        m = _LAST_ARABIC.search(s.rstrip("ayw"))  # a final ي ى ا و stands after the syllable (عمرو, موسى)
        if not m:
            return ""
        # a و elsewhere in the word (يوسف Yusuf, يونس Yunus): a Latin u may be that one
        return "long" if "w" in m.group(1) else "" if "w" in s[1:m.start(1)] else "short"
    m = _LAST_LATIN.search(re.sub(r"(?:[aeiouy]+|[aeiy]h)$", "", s))  # Jouda, Toutah: the ending after it
    if not m or not m.group(1):
        return ""
    v = m.group(1)
    if v.endswith(("ou", "oo")) or (v == "u" and m.end() == len(s)):  # Mahmoud, Mahmud, Jouda
        return "long"
    return "" if v.endswith(("u", "o")) else "short"


@lru_cache(maxsize=500_000)
def shape(raw: str, arabic: bool = False, joined: bool = False) -> tuple[bool, int, str] | None:
    """What a consonant skeleton drops but Arabic script still writes: whether the word begins
    with a vowel (Arabic writes an initial vowel with alif or ʿayn: Amjad أمجد is not Majid ماجد),
    how many consonants it has when vowels stand between equal ones (Janan جنان has three,
    Jana جنى two), and whether its last syllable has a long u (Mahmoud محمود is not Muhammad
    محمد; see _long_u). w and y count as vowels on both sides (ICU writes و ي as w y)."""
    if not raw:
        return None
    initial = raw[:1] in ("a", "e", "i", "o", "u", "ʿ", "ʾ", "'")
    s = _NOT_LETTER.sub("", raw.lower())
    s = _REPEATS.sub(r"\1", s)  # Hassan / حسن: a doubled letter is one
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    long_u = "" if joined else _long_u(s, arabic)  # Abu Alaa: the syllable is the second name's
    s = _VOWELS.sub("", s)
    if len(s) > 1 and s.endswith("h"):
        s = s[:-1]
    if s.startswith("bdl") and len(s) > 3:
        s = "bd" + s[3:]
    return initial, len(s), long_u


@lru_cache(maxsize=500_000)
def skeleton(token: str) -> str:
    """A token's consonant skeleton ("mohammed" -> "mgmd"); never empty for a non-empty token."""
    s = _NOT_LETTER.sub("", token.lower())
    if not s:
        return ""
    first = s[0]
    if _ABD_ARTICLE.match(s) and s[3:] not in ("allah", "ullah", "ellah", "illah", "alla", "ulla", "lah", "llah"):
        # Abd joined to the next name (Abdulhadi, عبدالهادي): its d is no digraph with the next h
        rest = _ABD_ARTICLE.sub("", s)
        return "bd" + skeleton(rest)
    s = _SOFT_C.sub("s", s)  # Celine, Cinderella: a c before e/i is an s
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    # a long u in the last syllable is written و in Arabic and ou/oo/u in Latin: kept (as W while
    # the vowels are dropped), so that Mahmoud (محمود) and Muhammad (محمد) do not share a skeleton
    s = _LONG_U.sub(lambda m: "W" + (m.group(1) or m.group(2)), s)
    s = _REPEATS.sub(r"\1", _DROP.sub("", s)).lower()
    if len(s) > 1 and s.endswith("h"):
        s = s[:-1]
    s = _REPEATS.sub(r"\1", s.translate(_LETTERS))
    if s.startswith("bdl") and len(s) > 3:
        s = "bd" + s[3:]
    return s or first


def skeletons(name: str) -> list[str]:
    return [skeleton(t) for t in tokens(name)]


def shaped(name: str) -> list[tuple[str, Shape]]:
    """Every word as (skeleton, shape)."""
    return [(skeleton(t), shape(raw, arabic, joined)) for t, raw, arabic, joined in _latin_words(name)]


def forms(names: list[str], nicknames: bool = True) -> list[list[str]]:
    """Every name of a person (main, alternatives, and nicknames unless told not) as token skeletons."""
    out: list[list[str]] = []
    for name in names:
        if not name or not name.strip():
            continue
        main, nicks = split_name(name)
        for text in (main, *(nicks if nicknames else ())):
            sk = skeletons(text)
            if sk and sk not in out:
                out.append(sk)
    return out


def shaped_forms(names: list[str]) -> list[tuple[list[str], list[Shape]]]:
    """forms() with each word's shape beside its skeleton."""
    out: list[tuple[list[str], list[Shape]]] = []
    for name in names:
        if not name or not name.strip():
            continue
        main, nicks = split_name(name)
        for text in (main, *nicks):
            got = shaped(text)
            sk = [k for k, _ in got]
            if sk and sk not in [f for f, _ in out]:
                out.append((sk, [h for _, h in got]))
    return out


def nickname_forms(names: list[str]) -> list[list[str]]:
    main = forms(names, nicknames=False)
    return [f for f in forms(names) if f not in main]


# Letters Latin spellings of Arabic names exchange: ق as g (Agel عقل), ذ as th, d or z (Thiab ذياب)
_COARSE = str.maketrans({"k": "g", "z": "d", "t": "d"})


@lru_cache(maxsize=500_000)
def coarse(skel: str) -> str:
    """A skeleton coarser still: no w (Yusuf/Yousef), k with g, d with t and z."""
    return _REPEATS.sub(r"\1", skel.replace("w", "").translate(_COARSE)) or skel


def block_keys(names: list[str]) -> set[str]:
    """Blocking keys: every unordered pair of a name's token skeletons (order-insensitive, and a
    dropped or misspelt word still leaves a pair), or the one skeleton of a one-word name; each
    both without its w (as the first index had it) and coarse (see coarse())."""
    keys: set[str] = set()
    for sk in forms(names):
        for uniq in (sorted({w.replace("w", "") or w for w in sk}), sorted({coarse(w) for w in sk})):
            if len(uniq) == 1:
                keys.add(uniq[0])
            keys.update(f"{a}|{b}" for a, b in combinations(uniq, 2))
    return keys


def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if a + "t" == b or b + "t" == a:  # ة at the end, written -a in one spelling and -at in another
        return 0.9
    sim = fuzz.ratio(a, b) / 100.0
    if sim < COARSE_AGREES and coarse(a) == coarse(b):
        return COARSE_AGREES  # Agel / عقل, Thiab / ذياب: letters the spellings exchange
    return sim


MATCHED = 0.8  # a word agrees when its skeletons are this alike
COARSE_AGREES = 0.8  # words alike only by the coarse skeleton just agree
EXTRA_WORD = 0.04  # each word of the longer name the shorter lacks
FEW_AGREE = 0.06
JOINED = 0.93
NICKNAME = 0.7  # a nickname or kunya alone ("Abu Anas"): many people are called so
ORDER_PENALTY = 0.15  # words that agree but stand in another order (given name vs father's name)


GIVEN_PENALTY = 0.6  # the given names disagree: a sibling or a cousin, not the person
SHAPE_PENALTY = 0.75  # the given names' skeletons agree but not their written vowels (Amjad / Majid)
OTHER_SHAPE_PENALTY = 0.85  # the same for each other word that agrees
ROTATED = 0.93
FAMILY_PENALTY = 1.0  # the last words (family names) do not agree: no penalty (lists leave family names out)
Shapes = list["Shape"]


def _differs(x: Shape, y: Shape) -> bool:
    """Two words' written vowels disagree: the initial vowel, the consonant count, or a long u
    against a short one (a Latin spelling that cannot tell disagrees with neither)."""
    if x is None or y is None:
        return False
    return x[:2] != y[:2] or {x[2], y[2]} == {"long", "short"}


def in_order(aligned: list[tuple[int, int]]) -> bool:
    """Whether the agreeing words keep their order ("Hamdan Mohamed Al-Najjar" does not)."""
    seq = [j for _, j in sorted(aligned)]
    return all(x < y for x, y in zip(seq, seq[1:], strict=False))


def _compare(a: list[str], b: list[str], rotated: bool = False, sa: Shapes | None = None,
             sb: Shapes | None = None) -> tuple[float, int, int, int, tuple[str, ...]]:
    swap = len(a) > len(b)
    notes: list[str] = []  # what lowered the score, said in the reason
    short, long_ = (b, a) if swap else (a, b)
    pairs = sorted((-_token_similarity(s, t), abs(i - j), i, j) for i, s in enumerate(short) for j, t in enumerate(long_))
    used_s: set[int] = set()
    used_l: set[int] = set()
    total = 0.0
    agreeing = 0
    aligned: list[tuple[int, int]] = []  # (index in a, index in b)
    for neg, _, i, j in pairs:
        sim = -neg
        if i in used_s or j in used_l:
            continue
        used_s.add(i)
        used_l.add(j)
        if sim >= MATCHED:
            agreeing += 1
            total += sim
            aligned.append((j, i) if swap else (i, j))
        else:
            total += max(0.0, sim - 0.5)  # a near miss counts for a little, a different word for nothing
    if rotated and (len(a) - 1, len(b) - 1) not in aligned:
        return 0.0, 0, len(short), len(long_), ()  # the word moved to the end is not the other's family name
    score = total / len(short)
    extra = len(long_) - len(short)
    score -= EXTRA_WORD * extra
    if agreeing <= 2 and len(long_) >= 3:
        score -= FEW_AGREE * (len(long_) - 2)  # two words agreeing out of three or more is weak evidence
    if not in_order(aligned):
        score -= ORDER_PENALTY
        notes.append("the words stand in another order")
    if (0, 0) not in aligned:
        score *= GIVEN_PENALTY
        notes.append("the given names differ")
    elif sa and sb and _differs(sa[0], sb[0]):
        score *= SHAPE_PENALTY
        notes.append("the given names' written vowels differ")
    if sa and sb:  # the other agreeing words, by their written vowels too (Wael وائل is not Ali علي)
        n = sum(_differs(sa[i], sb[j]) for i, j in aligned if (i, j) != (0, 0))
        score *= OTHER_SHAPE_PENALTY ** n
        if n:
            notes.append(f"the written vowels of {n} other word(s) differ")
    if len(short) >= 2 and (len(a) - 1, len(b) - 1) not in aligned:
        score *= FAMILY_PENALTY
    if rotated:
        score *= ROTATED  # the family name put first is rarer than a mere likeness of words
        notes.append("the family name put first")
    if len(short) == 1:
        score *= 0.75  # one word ("Muhammad") is weak evidence on its own
        notes.append("one word only")
    joined = fuzz.ratio("".join(a), "".join(b)) / 100.0  # the same letters split otherwise (احمدفؤاد)
    if sa and sb and _differs(sa[0], sb[0]):
        joined *= SHAPE_PENALTY  # the same consonants, other written vowels (Asmaa / Samia)
    if not rotated and joined >= JOINED and joined > score and len(long_) > 1:
        score, agreeing = joined, len(short)
        notes = ["the same letters, split into words otherwise"]
    return max(0.0, min(1.0, score)), agreeing, len(short), len(long_), tuple(notes)


def compare_forms(a: list[str], b: list[str], sa: Shapes | None = None,
                  sb: Shapes | None = None) -> tuple[float, int, int, int, tuple[str, ...]]:
    """(score, words agreeing, words of the shorter name, words of the longer name, what lowered it).

    Every word of the shorter name must find its own word in the longer one; the score is the
    share that do (partly for near misses), so a sibling who shares the father's and the family
    name but not the given name scores low. The given names (first words) must agree and the
    words keep their order, except that either name may put the family name first (tried both
    ways; the word moved must then agree with the other's family name). Extra words of the
    longer name (a grandfather one list leaves out) cost a little each."""
    tries = [_compare(a, b, sa=sa, sb=sb)]
    if len(a) >= 2:
        tries.append(_compare(a[1:] + a[:1], b, True, sa and sa[1:] + sa[:1], sb))
    if len(b) >= 2:
        tries.append(_compare(a, b[1:] + b[:1], True, sa, sb and sb[1:] + sb[:1]))
    return max(tries, key=lambda t: t[0])


def compare_names(a: list[str], b: list[str]) -> tuple[float, str]:
    """The best agreement of any name of one person with any name of the other, and why."""
    best: tuple[float, int, int, int, tuple[str, ...]] = (0.0, 0, 0, 0, ())
    nick = nickname_forms(a) + nickname_forms(b)
    for fa, sa in shaped_forms(a):
        for fb, sb in shaped_forms(b):
            got = compare_forms(fa, fb, sa, sb)
            if fa in nick or fb in nick:  # "Umm Iyad", "Abu Zaki": many people are called so
                got = (got[0] * NICKNAME, *got[1:4], (*got[4], "a nickname or kunya"))
            if got[0] > best[0]:
                best = got
    score, agreeing, short, long_, notes = best
    if short == 0:
        return 0.0, "no name to compare"
    extra = f"; {long_ - short} more in the longer name" if long_ > short else ""
    lowered = f"; lower: {', '.join(notes)}" if notes else ""
    return score, f"{agreeing} of {short} words agree across scripts and spellings, in any order{extra}{lowered}"


def exact_normalised(name: str) -> str:
    """The baseline: the name lower-cased in ASCII by ICU, punctuation removed, nothing else."""
    return " ".join(_NOT_LETTER.sub("", w) for w in to_latin(name).split() if _NOT_LETTER.sub("", w))

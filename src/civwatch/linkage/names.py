"""Name and text normalisation that tolerates transliteration (Kyiv/Kiev, Donets'k/Донецьк)."""

from __future__ import annotations

import re
from functools import lru_cache

from unidecode import unidecode

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Words that name the kind of unit, not the unit: "Donetsk Oblast" == "Donetsk".
_UNIT_WORDS = {
    "oblast", "oblast'", "province", "region", "division", "governorate", "state", "district",
    "raion", "rayon", "county", "municipality", "city", "of", "the", "special", "republican",
    "autonomous", "republic", "muhafazah", "wilayah", "prefecture", "department", "zone",
}
_SKELETON_MAP = str.maketrans({"g": "h", "w": "v", "j": "i", "y": "i", "q": "k", "c": "k", "x": "k"})
_VOWELS = re.compile(r"[aeiou]")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def normalise(text: str | None) -> str:
    """ASCII, lower case, punctuation to spaces, unit words dropped."""
    if not text:
        return ""
    ascii_text = unidecode(text).lower().replace("'", "")
    words = [w for w in _NON_ALNUM.sub(" ", ascii_text).split() if w not in _UNIT_WORDS]
    return " ".join(words)


@lru_cache(maxsize=200_000)
def skeleton(text: str | None) -> str:
    """A coarse sound key per word: consonant classes, repeats collapsed, inner vowels dropped.

    Kyiv/Kiev -> "kv", Kharkiv/Kharkov -> "khrkv", Luhansk/Lugansk -> "lhnsk".
    """
    words = []
    for word in normalise(text).split():
        w = word.replace("kh", "h").replace("zh", "z").replace("ts", "c").replace("ch", "c").replace("sh", "s")
        w = w.translate(_SKELETON_MAP)
        w = _REPEATS.sub(r"\1", w)
        w = w[:1] + _VOWELS.sub("", w[1:])
        if w:
            words.append(w)
    return " ".join(words)


@lru_cache(maxsize=400_000)
def text_key(text: str | None) -> str:
    """Free text (notes, headlines) for token-based similarity: ASCII words, lower case."""
    if not text:
        return ""
    return " ".join(_NON_ALNUM.sub(" ", unidecode(text).lower().replace("'", "")).split())

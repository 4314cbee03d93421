from __future__ import annotations

from rapidfuzz import fuzz

from civwatch.linkage.names import normalise, skeleton, text_key


def test_transliterations_share_a_sound_key() -> None:
    for a, b in [("Kyiv", "Kiev"), ("Kharkiv", "Kharkov"), ("Luhansk", "Lugansk"), ("Donets'k", "Донецьк"),
                 ("Odesa", "Odessa"), ("Mariupol'", "Маріуполь")]:
        assert skeleton(a) == skeleton(b), (a, b)


def test_unit_words_and_punctuation_do_not_count() -> None:
    assert normalise("Donetsk Oblast") == normalise("donetsk") == "donetsk"
    assert normalise("Barisāl Division") == "barisal"
    assert normalise(None) == "" and skeleton("") == ""
    assert fuzz.token_set_ratio(text_key("Shelling of Avdiivka, two killed"), text_key("two killed in shelling of Avdiïvka")) == 100

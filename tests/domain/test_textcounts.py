"""Figures read from text, each expected value written by hand from the sentence."""

from __future__ import annotations

import pytest

from civwatch.domain.textcounts import TextError, extract
from civwatch.domain.textcounts_conventions import baseline_killed, learn_conventions


def figs(text: str, outcome: str | None = None) -> list[tuple]:
    return [(f.outcome, f.low, f.best, f.high, f.basis, f.text) for f in extract(text).figures if outcome in (None, f.outcome)]


def test_two_women_and_a_child() -> None:
    text = "Militants attacked a village, killing two women and a child."
    ex = extract(text)
    women, child = ex.figures
    assert (women.outcome, women.best, women.sex, women.age_group, women.text) == ("killed", 2, "female", "adult", "killing two women")
    assert (child.outcome, child.best, child.sex, child.age_group, child.text) == ("killed", 1, "unknown", "child", "a child")
    assert text[women.start:women.end] == "killing two women"
    assert ex.total("killed").best == 3


def test_a_twelve_year_old_boy() -> None:
    (f,) = extract("A 12-year-old boy was shot dead by police.").figures
    assert (f.outcome, f.best, f.sex, f.age_group) == ("killed", 1, "male", "child")
    (g,) = extract("Security forces shot and killed a 70 year old in Mendi town.").figures
    assert (g.best, g.age_group) == (1, "elderly")


def test_killed_and_wounded_with_civilians() -> None:
    text = "Liyu Police attacked Oromo civilians, killing two civilians and wounding three others."
    killed, injured = extract(text).figures
    assert (killed.outcome, killed.best, killed.civilian) == ("killed", 2, True)
    assert (injured.outcome, injured.best, injured.civilian) == ("injured", 3, None)
    assert figs("Four soldiers were killed and six others wounded in the attack.") == [
        ("killed", 4, 4, 4, "stated", "Four soldiers were killed"),
        ("injured", 6, 6, 6, "stated", "six others wounded"),
    ]
    assert extract("Four soldiers were killed.").figures[0].civilian is False


def test_bounds_and_ranges_are_never_points() -> None:
    assert figs("At least 12 people were killed.") == [("killed", 12, None, None, "at-least", "At least 12 people were killed")]
    assert figs("Gunmen killed more than 20 villagers.") == [("killed", 21, None, None, "more-than", "killed more than 20 villagers")]
    assert figs("200-300 soldiers dead.") == [("killed", 200, None, 300, "range", "200-300 soldiers dead")]
    assert figs("Dozens of people were killed.") == [("killed", 24, None, None, "vague:dozens", "Dozens of people were killed")]
    assert figs("Several civilians were wounded.") == [("injured", 2, None, None, "vague:several", "Several civilians were wounded")]
    f = extract("At least 12 people were killed.").figures[0]
    assert f.coded() == 12  # ACLED's codebook: the lower figure
    d = extract("Dozens of people were killed.").figures[0]
    assert d.coded() is None and d.coded({"vague:dozens": 12}) == 12


def test_number_words_and_digits() -> None:
    assert extract("Twenty-one soldiers were killed.").total("killed").best == 21
    assert extract("The attack killed one hundred and five people.").total("killed").best == 105
    assert extract("Police killed 1,200 protesters.").total("killed").best == 1200


def test_french() -> None:
    text = "Des hommes armés ont attaqué le village, tuant deux femmes et un enfant. Trois personnes ont été blessées."
    ex = extract(text)
    assert ex.language == "fr"
    assert [(f.outcome, f.best, f.sex, f.age_group) for f in ex.figures] == [
        ("killed", 2, "female", "adult"), ("killed", 1, "unknown", "child"), ("injured", 3, "unknown", "unknown"),
    ]
    assert figs("Au moins vingt et un civils ont été tués.") == [("killed", 21, None, None, "at-least", "Au moins vingt et un civils ont été tués")]


def test_parts_are_not_added() -> None:
    ex = extract("Gunmen killed 12 people, including two women.")
    assert ex.total("killed").best == 12
    assert [(f.best, f.sex, f.subset) for f in ex.breakdown("killed")] == [(2, "female", True)]


def test_dates_ages_and_things_are_not_people() -> None:
    assert extract("On 18 August 2019, soldiers burned 30 houses.").figures == []
    assert extract("The gunmen killed several goats.").figures == []
    assert figs("A 32-year-old man was arrested.") == [("detained", 1, 1, 1, "stated", "A 32-year-old man was arrested")]


def test_a_figure_of_an_earlier_event_is_background() -> None:
    assert extract("Students protested against the killing of three protesters on 13 March.").figures == []
    assert figs("Two IS fighters were killed. The attack was coded separately.") == [
        ("killed", 2, 2, 2, "stated", "Two IS fighters were killed")
    ]


def test_stated_zero_differs_from_not_stated() -> None:
    assert extract("No fatalities occurred.").total("killed").best == 0
    assert extract("People protested in the town.").total("killed") is None


def test_bad_input_says_why() -> None:
    with pytest.raises(TextError, match="empty"):
        extract("   ")
    with pytest.raises(TextError, match="unsupported language .*'es'"):
        extract("Los soldados mataron a cinco personas en el pueblo y los heridos fueron llevados al hospital.")
    with pytest.raises(TextError, match="unsupported language"):
        extract("Военные убили пять человек в деревне.")


def test_baseline_reads_only_digits() -> None:
    assert baseline_killed("Soldiers killed 5 people.") == 5
    assert baseline_killed("Soldiers killed five people.") == 0


def test_conventions_are_learnt_from_pairs() -> None:
    pairs = [("Several people were killed.", 10)] * 6 + [("At least 4 people were killed.", 4)] * 5 + [("Dozens killed.", 12)] * 2
    learnt = {c.basis: (c.value, c.support, c.agreement) for c in learn_conventions(pairs)}
    assert learnt == {"vague:several": (10, 6, 1.0), "at-least": ("said", 5, 1.0)}  # dozens: 2 notes < min support


def test_a_notes_own_word_on_its_coding() -> None:
    """ACLED notes that say what was coded: the statement wins in `coded`, the text's figure stays."""
    ex = extract("Police fired on protesters; 5 people were killed. Total 2 fatalities (1 confirmed fatality "
                 "and 1 split fatality) coded to this event.")
    assert ex.total("killed").coded == 2 and ex.coding.kind == "this-event"
    ex = extract('Gunmen attacked the village, killing "many" (coded as 10) residents.')
    assert (ex.coding.kind, ex.coding.count) == ("coded-as", 10) and ex.total("killed").coded == 10
    shared = extract("23 people were killed in clashes. Fatalities spread across 8 events.")
    assert shared.coding.parts == 8
    assert shared.total("killed").coded == 23  # no rounding rule learnt: the whole
    assert shared.total("killed", {"split": "round"}).coded == 3 and shared.total("killed", {"split": "floor"}).coded == 2
    days = extract("Soldiers killed 15 villagers over two days.")
    assert days.total("killed", {"days": "floor"}).coded == 7 and days.total("killed", {"days": "floor"}).best == 15
    one = extract("One person died over two days of rioting.")
    assert one.total("killed", {"days": "floor"}).coded == 1  # a death is never shared away
    # a clause coded separately is left out, the rest of the sentence is read
    ex = extract("Locals attacked and killed 1 militant, after militants attacked a leader at a camp (coded separately).")
    assert ex.total("killed").coded == 1


def test_sentences_that_say_they_are_more_and_the_other_side() -> None:
    assert extract("Militants killed 5 villagers. Two attackers were also killed.").total("killed").best == 7
    assert extract("Five people were killed in the attack. The five victims were buried.").total("killed").best == 5
    assert extract("Military forces kill 37 militants. Two soldiers reported dead.").total("killed").best == 39
    assert extract("An unknown man armed with an AK-47 rifle shot and killed a civilian.").total("killed").best == 1
    assert extract("Protesters said they tried to kill himself.").total("killed") is None


def test_lists_of_people_in_headlines() -> None:
    ex = extract("Bui Division: Husband, wife and baby killed by government forces")
    assert [(f.sex, f.age_group, f.best) for f in ex.figures] == [("male", "adult", 1), ("female", "adult", 1), ("unknown", "child", 1)]
    ex = extract("Baby, 7-year-old girl among six killed in south Mexico")
    assert ex.total("killed").best == 6 and {(f.sex, f.age_group) for f in ex.figures if f.subset} == {("unknown", "child"), ("female", "child")}
    (f,) = extract("Violent Saturday at the border left five dead, two were women").breakdown("killed")
    assert (f.sex, f.best, f.subset) == ("female", 2, True)
    (f,) = extract("Two BSF men among eight killed in Kashmir").breakdown("killed") or (None,)
    assert f is None  # "BSF men" names a force, not a sex

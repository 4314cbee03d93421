"""Rule classes added in textcounts-3, each on sentences written for the test (no ACLED row):
the expected figures are read by hand from the sentence, and every span is checked against the text."""

from __future__ import annotations

from civwatch.domain.textcounts import extract


def killed(text: str) -> list[tuple]:
    ex = extract(text)
    for f in ex.figures:
        assert text[f.start:f.end] == f.text  # the span is where the words are
    return [(f.low, f.best, f.high, f.basis, f.text) for f in ex.figures if f.outcome == "killed"]


def coded(text: str, conventions: dict | None = None) -> int | None:
    tot = extract(text).total("killed", conventions)
    return None if tot is None else tot.coded


# --- zero-fatality notes: no death read where none is told ---------------------------------


def test_no_one_is_none() -> None:
    assert killed("Gunmen fired at a bus near the market. No one was killed in the attack.") == [
        (0, 0, 0, "none", "No one was killed")]
    assert killed("Nobody was killed when the bridge was shelled.") == [(0, 0, 0, "none", "Nobody was killed")]


def test_organisations_and_other_senses_are_not_the_dead() -> None:
    assert killed("Members of a civic body staged a protest in front of the press club.") == []
    assert killed("Members of several labour rights bodies marched to the ministry.") == []
    assert killed("The armed group claimed the responsibility for the attack on the base.") == []
    assert killed("Rebels claimed the ownership of the land and fired into the air.") == []
    assert killed('Opposition parties called a "dead city" strike in the capital.') == []
    assert killed("Soldiers shelled the hills, killing a large number of goats.") == []
    # still a death when a person is the object
    assert killed("Militants executed the commander of the unit.") == [(1, 1, 1, "singular", "executed the commander")]


def test_attempts_are_no_deaths() -> None:
    assert killed("A mob attacked and nearly lynched a man accused of theft.") == []
    assert killed("Protesters accused the police of wanting to kill the party leader.") == []


def test_background_over_the_whole_clause() -> None:
    # the harm told of happened before this event: the protest is the event
    assert killed("Relatives of two brothers killed in a family feud blocked the highway.") == []
    assert killed("Students formed a human chain demanding the trial of those responsible for the death of a classmate.") == []
    assert killed("Workers set fire to a bus after news spread that a worker died in a road accident.") == []
    assert killed("Residents demanded justice over the murder of a student, who was killed abroad by robbers.") == []
    assert killed("Locals protested against the fire causing several casualties in the market.") == []
    assert killed("Locals blocked a road at the market (Phulbari, Dinajpur) over two people being killed in a crash.") == []
    # a harm of this event after the background words is still read
    assert killed("Clashes after the killing of four officials left at least 40 killed.") == [
        (40, None, None, "at-least", "at least 40 killed")]


def test_body_guards_are_people() -> None:
    assert killed("Gunmen ambushed a minister's convoy; two body guards killed.") == [(2, 2, 2, "stated", "two body guards killed")]
    assert killed("One of the body guards of the governor was injured in the exchange.") == []


# --- the dead of this event, read where the grammar hides them ------------------------------


def test_ranges_written_in_words() -> None:
    assert killed("Four or five people were killed by gunmen overnight.") == [(4, None, 5, "range", "Four or five people were killed")]
    assert killed("Between five and seven policemen were killed in the attack.") == [
        (5, None, 7, "range", "five and seven policemen were killed")]
    assert coded("Between five and seven policemen were killed in the attack.") == 5  # the codebook's lower figure


def test_participle_chains_and_active_killers() -> None:
    assert killed("A man was assaulted and killed with sticks by his rivals.") == [(1, 1, 1, "stated", "A man was assaulted and killed")]
    assert killed("Three people were charred to death when the house was set ablaze.") == [
        (3, 3, 3, "stated", "Three people were charred to death")]
    # "abducted and killed": the count is of the dead
    assert coded("Two villagers were abducted and killed by gunmen.") == 2
    # an active verb after the count names the killers: the dead are its object
    assert coded("Two soldiers shot and killed a civilian at a checkpoint.") == 1
    assert coded("At least 50 rivals assaulted and killed a farmer over a land dispute.") == 1


def test_named_parenthesis_inside_a_noun_phrase() -> None:
    assert coded("Two SNA (Somali National Army) soldiers were killed in a market blast.") == 2


def test_his_driver_is_one_more() -> None:
    assert coded("A mob killed a local councillor and his driver near the market.") == 2
    assert coded("Gunmen killed a farmer; his body was found in a ditch.") == 1  # the same person


def test_headline_deaths_of_one() -> None:
    assert killed("Ruling party official Pascal Kazungu shot dead.") == [(1, 1, 1, "singular", "dead")]
    assert killed("Police officer killed in an ambush near the camp.") == [(1, 1, 1, "singular", "killed")]
    assert killed("It is not known if the child died.") == []
    assert killed("Thousands, led by the daughter of a Bangladeshi MP killed in India, formed a human chain.") == []


def test_totals_and_parts() -> None:
    # a stated total wins over its parts
    assert coded("2 persons were killed. 2 other persons succumbed to injuries the next day. Total 4 fatalities.") == 4
    assert coded("Police killed a total of 32 militants in the operation.") == 32
    # a whole followed by parts that each have their own verb is told twice, not summed
    assert coded("46 persons were killed in the clashes - 31 died on the day while 15 succumbed later.") == 46
    # a coordination is not a set of parts
    assert coded("Soldiers shot at the bus, killing two men, a 85 year old woman and a young girl.") == 4


def test_casualties_suffered_are_some_dead() -> None:
    f = extract("Both sides suffered casualties in the fighting, numbers not known.").figures
    assert [(x.outcome, x.low, x.basis, x.text) for x in f] == [("killed", 1, "vague:heavy casualties", "suffered casualties")]
    assert coded("Both sides suffered casualties in the fighting.", {"vague:heavy casualties": 10}) == 10
    assert coded("The rockets caused material losses to the base.", {"vague:heavy casualties": 10, "vague:casualties": 0}) == 0


def test_a_passive_after_the_count_is_its_own() -> None:
    assert coded("A member of the party was killed 15 people were injured in the clash.") == 1


def test_of_phrase_then_including() -> None:
    text = "At least eight people of the Zande group, including three children, were shot dead by soldiers."
    assert coded(text) == 8
    assert [(f.best, f.age_group, f.subset) for f in extract(text).figures if f.outcome == "killed"][1:] == [(3, "child", True)]


def test_coding_by_date_or_place() -> None:
    note = "5 killed over 3 days (2 fatalities coded for Jan 8, 2 coded for Jan 9, and 1 coded for Jan 10)."
    c = extract(note).coding
    assert (c.kind, c.count, note[c.start:c.end] == c.text) == ("per-date", 2, True)
    assert coded(note) == 2
    # shares as frequent: the first listed
    assert coded("The army killed 7 militants. 3 fatalities recorded in Rafah and 4 in Sheikh Zuweid.") == 3
    # "split between A and B": two events share the toll
    assert coded("18 were killed (fatalities split between Al Hawari and Mreisa).", {"split": "round"}) == 9


def test_earlier_events_and_other_senses_of_death() -> None:
    assert killed("Villagers blocked the road to protest insecurity. The day before, a militant was killed in an army raid.") == []
    assert killed("Police torched houses in retaliation for the death of a police officer.") == []
    assert killed("In response to the killing of two traders, youths marched to the market.") == []
    assert killed("About 200 demonstrators rallied in favour of the death penalty.") == []
    assert killed("The group said it had executed this operation against the camp.") == []
    # a death of this event after a comma is still read
    assert coded("Gunmen opened fire in the market, killing three traders.") == 3


def test_the_verb_past_a_participle_or_a_name() -> None:
    assert coded("Four alleged militants affiliated with the group were killed in a shootout with police.") == 4
    assert coded("Two members of the group Ajnad Misr (Soldiers of Egypt) were killed in a raid.") == 2
    assert coded("A nurse and her infant son were killed in the shelling of the town.") == 2
    assert coded("A night watchman is found decapitated outside a bank.") == 1
    assert coded("A shop owner was beaten in custody and was later pronounced dead at the station.") == 1


def test_he_later_died_of_his_wounds() -> None:
    assert coded("An angry mob attacked an armed robber in the town. He later died of his wounds.") == 1
    assert coded("Vigilantes beat a presumed thief who later died of his injuries.") == 1
    # a death of illness is not this event's
    assert coded("Supporters gathered for the funeral prayer of a party leader, who died during treatment.") is None


def test_a_heading_date_then_a_count_and_named_victims() -> None:
    assert coded("14 December 2019: 3 locals and 1 herder were killed during a shootout in the town.") == 4
    assert coded("Police said the raid began at 10:30 and lasted an hour.") is None  # a time, not a count
    assert coded("Soldiers shot and killed Sergeant Aschalew Dese, a leader of the youth group.") == 1
    assert coded("Unidentified men beat a student, causing his death a few hours later.") == 1
    assert coded("Campus guards beat a third year student. The student later died.") == 1


def test_killing_only_themselves() -> None:
    assert coded("Two suicide bombers detonated their vests near a school, killing only themselves.") == 2
    assert coded("A bomber detonated near the gate, killing only herself.") == 1
    assert coded("Three protesters tried to set a truck ablaze and kill themselves, then gave up.") is None


def test_a_bare_singular_object() -> None:
    assert coded("Unknown gunmen killed former local official in the market town.") == 1
    assert coded("Gunmen assassinated retired army colonel in a drive-by shooting.") == 1
    assert coded("Soldiers killed suspected militants in the forest.", {"plural": 0}) == 0  # a plural, no number: the learnt convention

"""The status and membership rules, on hand-made histories (expected values by definition)."""

from __future__ import annotations

from datetime import date

import pytest

from civwatch.domain import forums as fdom
from civwatch.domain import treaties as tdom
from civwatch.domain.forums import ForumEvent as E
from civwatch.domain.treaties import Action as A
from civwatch.domain.treaties import Status as S

D = date


def test_signature_alone_is_not_party_and_ratification_is() -> None:
    acts = [(A.SIGNATURE, D(2013, 6, 3)), (A.RATIFICATION, D(2014, 4, 2))]
    assert tdom.status_on(acts, D(2013, 6, 2)).status is S.NONE
    assert tdom.status_on(acts, D(2013, 6, 3)).status is S.SIGNATORY
    s = tdom.status_on(acts, D(2014, 4, 2))
    assert s.status is S.PARTY and s.party_since == D(2014, 4, 2) and s.signed == D(2013, 6, 3)


@pytest.mark.parametrize("action", sorted(tdom.PARTY_ACTIONS))
def test_every_party_action_makes_a_party(action: A) -> None:
    assert tdom.status_on([(action, D(2006, 10, 23))], D(2006, 10, 23)).is_party


def test_withdrawal_ends_party_on_its_date_and_rejoining_restores_it() -> None:
    acts = [(A.RATIFICATION, D(2004, 4, 21)), (A.WITHDRAWAL, D(2017, 10, 27)), (A.ACCESSION, D(2022, 1, 1))]
    assert tdom.status_on(acts, D(2017, 10, 26)).is_party
    s = tdom.status_on(acts, D(2017, 10, 27))
    assert s.status is S.WITHDRAWN and s.left == D(2017, 10, 27)
    again = tdom.status_on(acts, D(2023, 1, 1))
    assert again.is_party and again.party_since == D(2022, 1, 1)
    assert tdom.joined_between(acts, D(2018, 1, 1), D(2023, 1, 1))
    assert not tdom.joined_between(acts, D(2005, 1, 1), D(2016, 1, 1))  # party all along


def test_withdrawal_without_being_party_changes_nothing() -> None:
    assert tdom.status_on([(A.SIGNATURE, D(2000, 1, 1)), (A.WITHDRAWAL, D(2001, 1, 1))], D(2002, 1, 1)).status is S.SIGNATORY


def test_instrument_lookup_by_id_and_key_and_refusal() -> None:
    assert tdom.instrument("xxvi-5").key == "ottawa" and tdom.instrument("CCM").id == "XXVI-6"
    # ids with a lower-case letter in them are found as written and in any case
    for ref in ("IV-11-b", "iv-11-B", "IV-11-B"):
        assert tdom.instrument(ref).key == "crc_op_ac"
    with pytest.raises(ValueError, match="unknown instrument"):
        tdom.instrument("XXVI-7")


def test_register_identifiers_are_unique_and_thirty_untc_2026_instruments() -> None:
    ids = [i.id for i in tdom.INSTRUMENTS]
    keys = [i.key for i in tdom.INSTRUMENTS]
    assert len(ids) == len(set(ids)) and len(keys) == len(set(keys))
    assert sum(1 for i in tdom.INSTRUMENTS if i.id.startswith(("XXVI-", "IV-"))) == 30


def test_forum_membership_with_join_leave_and_observation() -> None:
    nato_fin = [(E.JOINED, D(2023, 4, 4))]
    assert not fdom.member_on(nato_fin, D(2023, 4, 3)).member
    m = fdom.member_on(nato_fin, D(2023, 4, 4))
    assert m.member and m.since == D(2023, 4, 4) and m.since_known
    uk_eu = [(E.OBSERVED, D(2020, 1, 30)), (E.JOINED, D(1973, 1, 1)), (E.LEFT, D(2020, 1, 31))]
    assert fdom.member_on(uk_eu, D(2020, 1, 30)).member
    assert not fdom.member_on(uk_eu, D(2020, 1, 31)).member
    only_observed = [(E.OBSERVED, D(2020, 1, 30))]
    early = fdom.member_on(only_observed, D(2010, 1, 1))
    assert early.member and not early.since_known  # presumed, start not in source
    later_join = [(E.OBSERVED, D(2020, 1, 30)), (E.JOINED, D(2017, 6, 5))]
    assert not fdom.member_on(later_join, D(2016, 1, 1)).member
    assert fdom.member_on([(E.OBSERVED, D(2020, 1, 30)), (E.SUSPENDED, D(2021, 1, 1))], D(2022, 1, 1)).member


def test_scoring_rule_explains_its_score() -> None:
    rule = tdom.ScoringRule(("signed", "subregion_share"), (2.0, 1.0), -1.0, (0.2, 0.5), (0.4, 0.25))
    x = {"signed": 1.0, "subregion_share": 0.5}
    assert rule.logit(x) == pytest.approx(-1.0 + 2.0 * (0.8 / 0.4))
    assert rule.probability(x) == pytest.approx(1 / (1 + 2.718281828459045 ** -3.0))
    reasons = rule.reasons(x)
    assert [r["feature"] for r in reasons] == ["signed"]  # the peer share sits at the mean: no push

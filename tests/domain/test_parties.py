"""The register's naming rules and refusals, pure (a dict stands in for the country converter's
answers only where the converter is not the thing under test; the real converter is used too)."""

from __future__ import annotations

import pytest

from civwatch.domain.parties import (
    NameStatus,
    PartyError,
    check_actor,
    check_merge,
    check_states,
    derive,
    normalise,
)
from civwatch.sources.countries import from_name


def test_ucdp_government_sides_are_state_forces_of_the_named_state() -> None:
    d = derive("ucdp-ged", "Government of Russia (Soviet Union)", "state_forces", from_name)
    assert (d.status, d.category, d.branch, d.state_iso3) == (NameStatus.MATCHED, "state_forces", "unspecified", "RUS")
    assert d.auto_key == "state_forces|unspecified|RUS"
    assert derive("ucdp-ged", "Government of DR Congo (Zaire)", "state_forces", from_name).state_iso3 == "COD"
    assert derive("ucdp-ged", "Government of United States of America", "state_forces", from_name).state_iso3 == "USA"


def test_acled_names_give_branch_period_and_unit() -> None:
    d = derive("acled", "Police Forces of Ethiopia (2018-) Liyu Police", "state_forces", from_name)
    assert (d.branch, d.state_iso3, d.period_from, d.period_to, d.unit) == ("police", "ETH", 2018, None, "Liyu Police")
    m = derive("acled", "Military Forces of Ethiopia (1995-2018)", "state_forces", from_name)
    assert (m.branch, m.period_from, m.period_to) == ("military", 1995, 2018)
    assert m.auto_key == derive("acled", "Military Forces of Ethiopia (2018-)", "state_forces", from_name).auto_key
    g = derive("acled", "Government of Bangladesh (2009-2024)", "state_forces", from_name)
    assert (g.branch, g.state_iso3) == ("government", "BGD")
    # ACLED's foreign forces come with inter 8 ("External/Other"); the name still says whose they are
    assert derive("acled", "Military Forces of Russia (2000-)", "unknown", from_name).state_iso3 == "RUS"


def test_state_names_that_cannot_be_told_are_unmatched_never_guessed() -> None:
    for name in ("Military Forces of Artsakh (2007-)", "Mutiny of Military Forces of Ethiopia (1995-2018)"):
        d = derive("acled", name, "state_forces", from_name)
        assert d.status == NameStatus.UNMATCHED and d.auto_key is None and d.state_iso3 is None, name
    # a name ACLED lists only beside state forces inherits their inter code: not its own category
    d = derive("acled", "Civilians (Bolivia)", "state_forces", from_name, associated_only=True)
    assert (d.status, d.category) == (NameStatus.AMBIGUOUS, "unknown")


def test_non_state_names_match_on_their_normalised_form() -> None:
    a = derive("acled", "Unidentified Armed Group (Ethiopia)", "non_state_armed_group", from_name)
    assert a.status == NameStatus.MATCHED and a.country_hint == "ETH" and a.state_iso3 is None
    assert normalise("OLF-SG: Oromo  Liberation Front (Shene Group) (1973-)") == "olf sg oromo liberation front shene group"
    assert a.auto_key != derive("acled", "Unidentified Armed Group (Ethiopia)", "unknown", from_name).auto_key


def test_rules_take_no_identity_only_the_form_of_the_name() -> None:
    """Two states' names give the same result but for the state: nothing depends on who."""
    ukr = derive("acled", "Military Forces of Ukraine (2019-)", "state_forces", from_name)
    rus = derive("acled", "Military Forces of Russia (2019-)", "state_forces", from_name)
    assert (ukr.status, ukr.branch, ukr.period_from, ukr.category) == (rus.status, rus.branch, rus.period_from, rus.category)
    assert (ukr.state_iso3, rus.state_iso3) == ("UKR", "RUS")


def test_refusals_say_why() -> None:
    with pytest.raises(PartyError, match="needs the state"):
        check_actor("state_forces", None, "military", "Some forces")
    with pytest.raises(PartyError, match="unknown state"):
        check_actor("state_forces", "XYZ", None, "Some forces", {"UKR"})
    with pytest.raises(PartyError, match="only state forces belong to a state"):
        check_actor("non_state_armed_group", "UKR", None, "A group")
    with pytest.raises(PartyError, match="unknown category"):
        check_actor("rebels", None, None, "A group")
    with pytest.raises(PartyError, match="different categories"):
        check_merge(["state_forces", "non_state_armed_group"], None)
    check_merge(["state_forces", "non_state_armed_group"], "the group was absorbed into the army in 2019")
    with pytest.raises(PartyError, match="different states"):
        check_states(["UKR", "RUS"], "")

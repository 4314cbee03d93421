from __future__ import annotations

import pytest

from civwatch.domain import privacy

PEOPLE = [{"name": "Layla Haddad", "identifier": "AB-123456", "contact": "+963-555-0101"}]


@pytest.mark.parametrize("text", [
    "called +963 555 0101 about the payment", "reached her on 9635550101", "tel. (963) 555-0101",
    "number 0963 5550101",
    "Layla  Haddad confirmed", "LAYLA HADDAD.", "Haddad, Layla said", "l-a-y-l-a haddad", "ＬＡＹＬＡ ＨＡＤＤＡＤ",
    "id ab 123456 checked",
])
def test_repeats_are_found_however_formatted(text: str) -> None:
    assert privacy.repeated_field(PEOPLE, [text]) is not None, text


@pytest.mark.parametrize("text", [
    "the claimant (party 1) confirmed by phone", "Laylat al-Qadr was that night", "555 people were displaced",
    "payment of 963 dollars",
])
def test_ordinary_text_passes(text: str) -> None:
    assert privacy.repeated_field(PEOPLE, [text]) is None, text


def test_short_values_do_not_match_everything() -> None:
    assert privacy.repeated_field([{"name": "Al", "contact": "12"}], ["all of the 12 families"]) is None


def test_every_bounded_field_names_itself_and_its_limit() -> None:
    for field, limit in privacy.TEXT_LIMITS.items():
        privacy.bound(**{field: "x" * limit})
        with pytest.raises(privacy.TextTooLong, match=f"{field}: at most {limit} characters"):
            privacy.bound(**{field: "x" * (limit + 1)})

"""Personal data kept out of free text, and a size bound on every free-text field.

A case's people (names, identifiers, contacts) live in the case's people only; reasons and
details that others read must not repeat them. Matching is on a normal form, so spacing,
punctuation, case, accents-as-compatibility forms and phone-number formatting do not hide a
repeat: "+963-555-0101" matches "+963 555 0101" and "9635550101"; "Layla  Haddad," matches
"layla haddad" and "Haddad, Layla".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

# The longest each free-text field may be (characters); the API models say the same.
TEXT_LIMITS: dict[str, int] = {
    "reason": 4000, "details": 20000, "summary": 5000, "location": 500, "name": 300, "identifier": 100,
    "contact": 300, "relationship": 200, "reporter_name": 300, "reporter_contact": 300,
}
MIN_NAME_CHARS = 4  # shorter normal forms ("al", "li") would match ordinary words
MIN_PHONE_DIGITS = 6


class TextTooLong(ValueError):
    pass


def bound(**fields: str | None) -> None:
    """Refuse a field longer than its TEXT_LIMITS entry, naming the field and the limit."""
    for name, value in fields.items():
        limit = TEXT_LIMITS[name]
        if value is not None and len(value) > limit:
            raise TextTooLong(f"{name}: at most {limit} characters (got {len(value)})")


def _letters(text: str) -> str:
    """Case-folded letters and digits only (NFKC first, so compatibility forms fold too)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def _forms(field: str, value: str) -> list[tuple[str, str]]:
    """The normal forms to look for, each with the kind of haystack it is matched in."""
    forms: list[tuple[str, str]] = []
    letters = _letters(value)
    if len(letters) >= MIN_NAME_CHARS:
        forms.append(("letters", letters))
        words = [_letters(w) for w in re.split(r"[\s,;]+", value) if _letters(w)]
        if len(words) > 1:
            forms.append(("letters", "".join(reversed(words))))  # "Haddad, Layla"
    digits = _digits(value)
    if field in ("contact", "identifier") and len(digits) >= MIN_PHONE_DIGITS and len(digits) >= len(letters) * 0.6:
        forms.append(("digits", digits))
        if len(digits) >= 10:
            forms.append(("digits", digits[-8:]))  # the number without its country or area code
    return forms


def repeated_field(people: Iterable[Mapping[str, str | None]], texts: Iterable[str],
                   fields: tuple[str, ...] = ("name", "identifier", "contact")) -> str | None:
    """The first personal field of `people` that `texts` repeat (after normalisation), or None."""
    joined = "\n".join(texts)
    hay = {"letters": _letters(joined), "digits": _digits(joined)}
    for person in people:
        for field in fields:
            value = (person.get(field) or "").strip()
            if value and any(form in hay[kind] for kind, form in _forms(field, value)):
                return field
    return None

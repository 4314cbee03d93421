"""The message catalogue (gettext .po files read with Babel at run time) and locale formatting.

`src/civwatch/locale/<lang>/LC_MESSAGES/civwatch.po` holds every label and templated sentence
of the briefs (and of the dashboard's language switch); message ids are stable keys such as
`section.harm_over_time`. Numbers and dates are formatted by Babel's CLDR data: `12 345` and
`1 déc. 2026` in French, `12,345` and `Dec 1, 2026` in English.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "civwatch"
LANGUAGES = ("en", "fr")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class MissingMessage(KeyError):
    pass


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> msgstr for `lang` (untranslated entries are left out, so they fail loudly)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in cat if m.id and m.string}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def number(value: Any, lang: str, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and digits == 0 and not value.is_integer():
        digits = 1
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=lang)


def percent(value: float | None, lang: str) -> str:
    if value is None:
        return text("value.unknown", lang)
    return format_percent(value, format="#,##0.0 %" if lang == "fr" else "#,##0.0%", locale=lang)


def day(value: date | None, lang: str) -> str:
    return "–" if value is None else format_date(value, format="medium", locale=lang)


def text(msgid: str, lang: str, **values: Any) -> str:
    """The message in `lang`, with {placeholders} filled by locale-formatted values."""
    try:
        template = catalogue(lang)[msgid]
    except KeyError:
        raise MissingMessage(f"message {msgid!r} is missing from the {lang} catalogue") from None
    filled = {k: fill(v, lang) for k, v in values.items()}
    return template.format(**filled)


def fill(value: Any, lang: str) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return number(value, lang)  # years travel as str, so they are never grouped
    if isinstance(value, float):
        return percent(value, lang)
    if isinstance(value, date):
        return day(value, lang)
    if isinstance(value, str) and value.startswith("msg:"):
        return text(value[4:], lang)
    return str(value)


def language_name(lang: str) -> str:
    return Locale.parse(lang).get_display_name(lang) or lang


def msg(msgid: str, **values: Any) -> dict[str, Any]:
    """A sentence a service writes for a page, as data: `{"id": msgid, "params": values}`, the JSON
    form of the briefs' (msgid, values) pairs. Pages fill it with `text` (the template's `t(id,
    **params)`) in their language, with the same rules for values (ints grouped, floats as shares,
    dates per locale, `msg:<id>` for a nested message); the English field beside it stays for
    the JSON API and the CLI."""
    return {"id": msgid, "params": values}

"""A screening assessment as a document (HTML, and PDF through WeasyPrint), in English or French.

The same machinery as the briefs (services/briefs_render.py): the brief stylesheet and paged
media, country names from CLDR, every label from the Babel message catalogue
(`screening.*` ids in locale/<lang>), every number formatted by Babel. The document is built
from the assessment as it was stored, so its numbers are those of the JSON export.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from civwatch.services import briefs_render, messages

FORMATS = ("pdf", "html", "json")
TEMPLATE = "screening.html"


@functools.cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(briefs_render.TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def _day(v: Any, lang: str) -> str:
    if not v:
        return messages.text("value.unknown", lang)
    return messages.day(v if isinstance(v, date) else date.fromisoformat(str(v)[:10]), lang)


def _fig(f: dict | None, lang: str) -> str:
    """best (low–high), or unknown: never 0 for a figure no source gave."""
    if not f:
        return messages.text("value.unknown", lang)
    text = messages.number(f["best"], lang)
    if (f["low"], f["high"]) != (f["best"], f["best"]):
        text += f" ({messages.number(f['low'], lang)}–{messages.number(f['high'], lang)})"
    return text


def _share(v: float | None, base: int | None, lang: str) -> str:
    if v is None:
        return messages.text("value.unknown", lang)
    return messages.text("value.share_of", lang, share=messages.percent(v, lang), base=messages.number(base, lang))


def missing(a: dict, lang: str) -> list[str]:
    """The missing evidence, sentence by sentence in `lang`, read from the stored figures."""
    t = functools.partial(messages.text, lang=lang)
    ev = a["evidence"]
    h = ev["harm"]
    out = []
    if not h["provenance"]["forces"]:
        out.append(t("screening.missing.no_forces"))
    lo, hi = h["provenance"].get("country_data_span") or [None, None]
    w0, w1 = ev["window"]
    if hi is None:
        out.append(t("screening.missing.harm_not_loaded"))
    else:
        if hi < w1:
            out.append(t("screening.missing.harm_after", date=_day(hi, lang)))
        if lo and lo > w0:
            out.append(t("screening.missing.harm_before", date=_day(lo, lang)))
    c = ev["conflict"]
    if not c["loaded"]:
        out.append(t("screening.missing.conflict_not_loaded"))
    elif c["missing"]:
        out.append(t("screening.missing.conflict_after", year=str(c["data_years"][1])))
    if not ev["transfers"]["loaded"]:
        out.append(t("screening.missing.transfers_not_loaded"))
    for key, o in ev["obligations"].items():
        if not o.get("known"):
            out.append(t("screening.missing.treaty", instrument=t(f"instrument.{key}")))
    e = ev.get("embargo") or {}
    if not e.get("loaded"):
        out.append(t("screening.missing.embargo_not_loaded"))
    elif not e.get("statements"):
        out.append(t("screening.missing.embargo_not_listed"))
    elif e.get("start_not_recorded"):
        out.append(t("screening.missing.embargo_undated", n=e["start_not_recorded"]))
    if not (ev.get("diversion") or {}).get("table_loaded"):
        out.append(t("screening.missing.diversion_not_loaded"))
    if not (ev.get("chmr") or {}).get("cases_with_findings"):
        out.append(t("screening.missing.chmr_none"))
    return out


def _trend(tr: dict, lang: str) -> str:
    if tr["slope_per_year"] is None:
        return messages.text("screening.trend.too_few", lang)
    return messages.text(f"screening.trend.{tr['reading']}", lang, slope=messages.number(tr["slope_per_year"], lang, 1))


def html(a: dict, lang: str = "en", paper: str = "a4") -> str:
    if lang not in messages.LANGUAGES:
        raise ValueError(f"--lang must be one of {', '.join(messages.LANGUAGES)}, got {lang!r}")
    if paper not in briefs_render.PAGE_SIZE:
        raise ValueError(f"paper must be a4 or letter, got {paper!r}")

    def t(msgid: str, **values: Any) -> str:
        return messages.text(msgid, lang, **values)

    def num(v: Any, digits: int = 0) -> str:
        return messages.text("value.unknown", lang) if v is None else messages.number(v, lang, digits)

    as_of = _day(a["as_of"], lang)
    context = {
        "a": a, "app": a["application"], "ev": a["evidence"], "lang": lang, "t": t, "num": num,
        "day": lambda v: _day(v, lang), "fig": lambda f: _fig(f, lang), "share": lambda v, b: _share(v, b, lang),
        "pct": lambda v: messages.percent(v, lang), "trend": lambda tr: _trend(tr, lang),
        "country": lambda iso3: briefs_render.country_label(iso3, lang), "missing": missing(a, lang),
        "title": t("screening.title", id=str(a["id"]), reference=a["reference"]), "as_of": as_of,
        "page_size": briefs_render.PAGE_SIZE[paper], "css": Markup(briefs_render.css_text()),
        "page_label": t("page.label"), "page_of": t("page.of"),
        "grades": ", ".join(t(f"grade.{g}") for g in a["config"]["harm_grades"]),
    }
    return _env().get_template(TEMPLATE).render(context)


def pdf(a: dict, lang: str = "en", paper: str = "a4") -> bytes:
    from weasyprint import HTML

    return HTML(string=html(a, lang, paper), base_url=str(briefs_render.TEMPLATES)).write_pdf()

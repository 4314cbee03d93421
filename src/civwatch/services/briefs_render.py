"""One renderer for a brief's web page and its PDF: the same Jinja template, the same catalogue.

`html(data, lang)` is the document; `pdf(data, lang, paper)` runs that very document through
WeasyPrint (paged media: A4 or Letter, page numbers, the as-of date on every page). The PDF gets
the stylesheet inline; the web page links it (`css_href`) so the dashboard's CSP holds.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from civwatch.domain import briefs as dom
from civwatch.services import briefs_map, briefs_svg, messages

TEMPLATES = Path(__file__).resolve().parent / "brief_templates"
MARKERS = "abcdefghijklmnopqrstuvwxyz"
PAGE_SIZE = {"a4": "A4", "letter": "letter"}
# the methods annex of a brief; another document (the plan report) names its own in data["annex"]
BRIEF_ANNEX = ("annex.counting", "annex.ranges", "annex.shares", "annex.actor_blind", "annex.as_of", "annex.talking_points",
               "annex.fingerprint")


@functools.cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def css_text() -> str:
    return (TEMPLATES / "brief.css").read_text(encoding="utf-8")


def country_label(iso3: str | None, lang: str) -> str:
    """A country's name in `lang` from CLDR (Babel); the code when CLDR has none."""
    if not iso3:
        return "–"
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return {"XKX": "Kosovo"}.get(iso3, iso3)
    return Locale.parse(lang).territories.get(c.alpha_2) or c.name


def cell(c: dict, lang: str) -> str:
    """A typed cell as text in `lang` (every number through Babel)."""
    kind, v = c["t"], c["v"]
    if kind == "n":
        return messages.number(v, lang) if v is not None else messages.text("value.unknown", lang)
    if kind == "fig":
        if v is None:
            return messages.text("value.unknown", lang)
        text = messages.number(v, lang)
        lo, hi = c.get("low"), c.get("high")
        if lo is not None and hi is not None and (lo, hi) != (v, v):
            text += f" ({messages.number(lo, lang)}–{messages.number(hi, lang)})"
        return text
    if kind == "share":
        if c.get("base") is None:
            return "–" if v is None else _signed(v, lang)
        return messages.text("value.share_of", lang, share=messages.percent(v, lang), base=messages.number(c["base"], lang))
    if kind == "pct":  # a share printed as a percentage, with its base where known
        if v is None:
            return messages.text("value.unknown", lang)
        if c.get("base") is None:
            return messages.percent(v, lang)
        return messages.text("value.share_of", lang, share=messages.percent(v, lang), base=messages.number(c["base"], lang))
    if kind == "of":  # a count out of a whole (e.g. 6 of 7 members)
        return messages.text("value.count_of", lang, count=messages.number(v, lang), base=messages.number(c["base"], lang))
    if kind == "msg":
        return messages.text(v, lang)
    if kind == "date":
        return messages.day(v, lang)
    if kind == "year":
        return "–" if v is None else str(v)
    return str(v)


def _signed(v: float, lang: str) -> str:
    text = messages.percent(v, lang)
    return text if v < 0 else "+" + text


def point_text(p: dict, lang: str) -> str:
    return messages.text(p["msgid"], lang, **p["values"])


def subject_name(data: dict, lang: str) -> str:
    s = data["subject"]
    if data["kind"] == dom.BriefKind.COUNTRY.value:
        return country_label(s["id"], lang)
    if data["kind"] == dom.BriefKind.FORUM.value:
        if s.get("states"):
            return messages.text("forum.custom", lang, states=", ".join(s["states"]))
        return messages.text(s["name"], lang)
    return s["name"]


def subtitle(data: dict, lang: str) -> str | None:
    """A line under the title: the plan report's period and plan version."""
    if data["kind"] == "plan_report":
        start, end = data["subject"]["period"]
        return messages.text("plan.period", lang, start=start, end=end, version=str(data["subject"]["version"]))
    return None


def html(data: dict, lang: str = "en", paper: str = "a4", css_href: str | None = None, links: dict | None = None) -> str:
    if lang not in messages.LANGUAGES:
        raise ValueError(f"--lang must be one of {', '.join(messages.LANGUAGES)}, got {lang!r}")
    if paper not in PAGE_SIZE:
        raise ValueError(f"paper must be a4 or letter, got {paper!r}")

    def t(msgid: str, **values: Any) -> str:
        return messages.text(msgid, lang, **values)

    markers = {f["key"]: MARKERS[i % len(MARKERS)] for i, f in enumerate(data["footnotes"])}

    def chart(sec: dict) -> Markup:
        return briefs_svg.bars(sec["chart"]["points"], t(f"section.{sec['id']}"), fmt=lambda v: messages.number(v, lang))

    def draw_map(sec: dict) -> Markup:
        m, label = sec["map"], t(f"section.{sec['id']}")
        if m["kind"] == "locator":
            return briefs_map.locator(m["country"], m["points"], label) or Markup("")
        return briefs_map.choropleth(m["values"], m["top"], label, t("map.legend_instruments"))

    as_of = messages.day(data["as_of"], lang)
    context = {
        "data": data, "lang": lang, "t": t, "cell": lambda c: cell(c, lang), "chart": chart, "draw_map": draw_map, "markers": markers,
        "point": lambda p: point_text(p, lang), "title": t(f"brief.title.{data['kind']}", subject=subject_name(data, lang)),
        "as_of": as_of, "page_size": PAGE_SIZE[paper], "css": None if css_href else Markup(css_text()),
        "css_href": css_href, "links": links or {}, "country": lambda iso3: country_label(iso3, lang),
        "page_label": t("page.label"), "page_of": t("page.of"), "subtitle": subtitle(data, lang),
        "kicker": t("brief.kicker.plan_report" if data["kind"] == "plan_report" else "brief.kicker"),
        "notice": t(data["notice"]) if data.get("notice") else None, "annex": data.get("annex") or BRIEF_ANNEX,
    }
    return _env().get_template("brief.html").render(context)


def pdf(data: dict, lang: str = "en", paper: str = "a4") -> bytes:
    from weasyprint import HTML

    document = html(data, lang, paper)
    return HTML(string=document, base_url=str(TEMPLATES)).write_pdf()


def render(data: dict, fmt: str, lang: str = "en", paper: str = "a4") -> tuple[bytes, str]:
    """(body, media type) for `fmt` html or pdf."""
    if fmt == "pdf":
        return pdf(data, lang, paper), "application/pdf"
    if fmt == "html":
        return html(data, lang, paper).encode("utf-8"), "text/html; charset=utf-8"
    raise ValueError(f"--format must be one of {', '.join(dom.FORMATS)}, got {fmt!r}")

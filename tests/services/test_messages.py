"""The message catalogue: every message the briefs use exists in English and French, with the same
placeholders; numbers and dates follow the locale."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from civwatch.domain import briefs as dom
from civwatch.domain import forums as fdom
from civwatch.domain import plan as pdom
from civwatch.domain import screening as sdom
from civwatch.domain import treaties as tdom
from civwatch.domain.cases import CaseState
from civwatch.domain.taxonomy import TAXONOMIES, Grade, PartyCategory, Weapon
from civwatch.services import messages, plan_report

SRC = Path(messages.__file__).resolve().parent.parent
PREFIXES = ("brief", "section", "col", "note", "measure", "coverage", "value", "footnote", "def", "source", "annex", "tp",
            "status", "status_short", "page", "points", "link", "party_category", "weapon", "grade", "case_state",
            "instrument", "short", "forum", "plan", "plan_status", "progress", "nav", "ui", "lang", "overview", "filters", "map")
LITERAL = re.compile(r"""["']((?:""" + "|".join(PREFIXES) + r""")\.[\w.-]+)["']""")
# every message a dashboard template asks for: t("id", ...), and the prefix of t("prefix." ~ value)
TEMPLATE_CALL = re.compile(r"""\bt\(\s*["']([^"']+)["']\s*[,)]""")
TEMPLATE_DYNAMIC = re.compile(r"""\bt\(\s*["']([^"']*)["']\s*~""")
# t_or("prefix." ~ value, text): the catalogue's name where it has one, else the data's own text
TEMPLATE_FALLBACK = re.compile(r"""\bt_or\(\s*["']([^"']*)["']\s*~""")
WEB_TEMPLATES = SRC / "web" / "templates"


def used_ids() -> set[str]:
    """Literal message ids in the brief code and template, and every id built from a taxonomy."""
    ids: set[str] = set()
    web = SRC / "web" / "templates"
    for path in [SRC / "services" / "briefs.py", SRC / "services" / "briefs_render.py", SRC / "domain" / "briefs.py",
                 SRC / "services" / "brief_templates" / "brief.html", SRC / "services" / "plan_report.py",
                 SRC / "services" / "briefs_map.py", SRC / "web" / "render.py",
                 *(web / name for name in ("base.html", "overview.html", "_filters.html", "plan_report.html"))]:
        ids |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    # the plan report: every progress state, commitment status, query definition and section
    ids |= {f"progress.{s}" for s in plan_report.PROGRESS_STATES} | {f"plan_status.{s.value}" for s in pdom.Status}
    ids |= {f"def.plan_query.{q.name}" for q in pdom.QUERIES.values()} | {f"section.{s}" for s in plan_report.SECTIONS}
    ids |= set(plan_report.ANNEX) | {f"brief.title.{plan_report.KIND}"}
    # the dashboard: the language switch and the overview's share bases
    ids |= {f"lang.{code}" for code in messages.LANGUAGES}
    ids |= {f"overview.{k}.{m}" for k in ("base", "base_none") for m in ("women-children-share", "ewipa-share")}
    ids |= {f"party_category.{c.value}" for c in PartyCategory} | {f"weapon.{w.value}" for w in Weapon}
    ids |= {f"grade.{g.value}" for g in Grade} | {f"case_state.{s.value}" for s in CaseState}
    ids |= {f"status.{s.value}" for s in tdom.Status} | {f"status_short.{s.value}" for s in tdom.Status}
    ids |= {f"{p}.{i.key}" for i in tdom.INSTRUMENTS if i.poc for p in ("instrument", "short")}
    ids |= {f"forum.{f}" for f in fdom.BY_ID} | {f"brief.title.{k.value}" for k in dom.BriefKind}
    ids |= {f"section.{s}" for secs in dom.SECTIONS.values() for s in secs}
    ids |= {"link.en", "link.fr", "link.back", "link.pdf", "link.pdf_letter"}
    return {i for i in ids if not i.endswith((".", ".css", ".html", ".json"))}


def dynamic_ids() -> dict[str, set[str]]:
    """The ids a template builds from a value (`t("treaty_status." ~ r.status)`), by prefix."""
    from civwatch.web.treaty_pages import STATUS_LABELS

    return {
        "treaty_status.": {f"treaty_status.{k or 'nodata'}" for k in STATUS_LABELS},
        "treaty_name.": {f"treaty_name.{i.id}" for i in tdom.INSTRUMENTS},
        "forum.": {f"forum.{f}" for f in fdom.BY_ID},
        "lang.": {f"lang.{code}" for code in messages.LANGUAGES},
        "incidents.caption_": {"incidents.caption_asc", "incidents.caption_desc"},
        "incidents.sort.": {"incidents.sort.date", "incidents.sort.civilian_deaths"},
        "forecast.level.": {"forecast.level.country", "forecast.level.admin1"},
        "record.harm.": {f"record.harm.{o}.{w}" for o in ("killed", "injured") for w in ("women", "girls", "men", "boys")},
        "screening.page.done.": {f"screening.page.done.{d.value}" for d in sdom.Decision},
        "progress.": {f"progress.{s}" for s in plan_report.PROGRESS_STATES},
        "plan_status.": {f"plan_status.{s.value}" for s in pdom.Status},
        "case_state.": {f"case_state.{s.value}" for s in CaseState},
        "incident.known_to.": {f"incident.known_to.{p.value}" for p in TAXONOMIES["date_precision"]},
        "overview.base.": {f"overview.base.{m}" for m in ("women-children-share", "ewipa-share")},
        "overview.base_none.": {f"overview.base_none.{m}" for m in ("women-children-share", "ewipa-share")},
    }


def template_ids() -> tuple[set[str], set[str]]:
    """Every literal id in every dashboard template, and the prefixes of the ids they build."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in sorted(WEB_TEMPLATES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        literal |= set(TEMPLATE_CALL.findall(text)) | set(LITERAL.findall(text))
        prefixes |= set(TEMPLATE_DYNAMIC.findall(text))
    return {i for i in literal if not i.endswith((".", ".css", ".html", ".json"))}, prefixes


def test_every_name_prefix_a_template_looks_up_exists() -> None:
    """t_or falls back to the data's own text, so a mistyped prefix would silently print English:
    each prefix must name messages the French catalogue has."""
    fr = messages.catalogue("fr")
    prefixes = {p for path in WEB_TEMPLATES.glob("*.html") for p in TEMPLATE_FALLBACK.findall(path.read_text(encoding="utf-8"))}
    assert prefixes and {p for p in prefixes if not any(k.startswith(p) for k in fr)} == set()


def test_every_id_a_template_builds_is_enumerated() -> None:
    """A template that builds an id from a value must say here which values it can take, so the
    check below covers them."""
    _, prefixes = template_ids()
    assert prefixes - set(dynamic_ids()) == set()


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_every_template_message_is_in_the_catalogue(lang: str) -> None:
    """Every label and sentence of every dashboard page, in both languages, with a translation
    (an entry with an empty msgstr does not count)."""
    literal, _ = template_ids()
    ids = literal | set().union(*dynamic_ids().values())
    ids |= {f"{name}.{v.value}" for name, values in TAXONOMIES.items() for v in values}  # the `label` filter's
    assert len(literal) > 800  # the scan sees the templates' calls
    missing = sorted(ids - set(messages.catalogue(lang)))
    assert missing == []


def test_the_template_scan_sees_a_missing_message(tmp_path: Path) -> None:
    text = """<h1>{{ t("countries.no_such_heading") }}</h1><p>{{ t('ui.show', n=1) }} {{ t("treaty_status." ~ s) }}</p>"""
    assert set(TEMPLATE_CALL.findall(text)) == {"countries.no_such_heading", "ui.show"}
    assert TEMPLATE_DYNAMIC.findall(text) == ["treaty_status."]
    assert "countries.no_such_heading" not in messages.catalogue("fr")


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_every_message_used_is_in_the_catalogue(lang: str) -> None:
    missing = sorted(used_ids() - set(messages.catalogue(lang)))
    assert missing == []


def test_both_languages_hold_the_same_messages_with_the_same_placeholders() -> None:
    en, fr = messages.catalogue("en"), messages.catalogue("fr")
    assert set(en) == set(fr)
    assert {k for k in en if messages.placeholders(en[k]) != messages.placeholders(fr[k])} == set()


def test_the_check_sees_a_missing_message() -> None:
    with pytest.raises(messages.MissingMessage, match="fr catalogue"):
        messages.text("section.no_such_section", "fr")
    assert "section.no_such_section" not in messages.catalogue("en")


def test_numbers_and_dates_per_locale() -> None:
    assert messages.number(12345, "fr") == "12\u202f345"
    assert messages.number(12345, "en") == "12,345"
    assert messages.day(date(2026, 12, 1), "fr") == "1 déc. 2026"
    assert messages.day(date(2026, 12, 1), "en") == "Dec 1, 2026"
    assert messages.percent(0.125, "fr").replace("\u202f", " ").replace("\xa0", " ") == "12,5 %"
    assert messages.percent(0.125, "en") == "12.5%"
    assert messages.percent(None, "fr") == "inconnu"


def test_a_talking_point_is_filled_per_locale() -> None:
    p = dom.forum_gap_points(32, "msg:instrument.ccm", 9, 2, 0)
    assert [messages.text(x.msgid, "en", **x.values) for x in p] == [
        "9 of 32 members are not party to the Convention on Cluster Munitions.", "2 signed and did not ratify."]
    fr = [messages.text(x.msgid, "fr", **x.values) for x in p]
    assert fr[0].startswith("9 des 32 membres") and "armes à sous-munitions" in fr[0]


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        messages.catalogue("de")


# --- what the dashboard's scripts draw (web/js_messages.py) -------------------------------------

STATIC_JS = SRC / "web" / "static" / "js"
SCRIPT_CALL = re.compile(r"""\bcw\.t\(\s*["']([^"']+)["']\s*[,)]""")
SCRIPT_DYNAMIC = re.compile(r"""\bcw\.(?:t\(\s*["']([^"']+)["']\s*\+|tValue\(\s*["']([^"']+)["']\s*,)""")
PAGE_SCRIPT = re.compile(r"""asset\('js/([\w-]+)\.js'\)""")
PAGE_MESSAGES = re.compile(r"""id="messages">\{\{ js_messages\(([^)]*)\)\|tojson \}\}</script>""")


def script_ids(text: str) -> tuple[set[str], set[str]]:
    return set(SCRIPT_CALL.findall(text)), {a or b for a, b in SCRIPT_DYNAMIC.findall(text)}


def test_every_message_a_script_draws_is_declared_for_it() -> None:
    """A script may ask only for what its page embeds: its own declared ids and common.js's; an id
    it builds from a value (`"js.treaty.status." + k`) needs declared ids under that prefix."""
    from civwatch.web.js_messages import SCRIPTS

    seen = 0
    for path in sorted(STATIC_JS.glob("*.js")):
        literal, prefixes = script_ids(path.read_text(encoding="utf-8"))
        allowed = set(SCRIPTS.get(path.stem, ())) | set(SCRIPTS["common"])
        assert literal - allowed == set(), path.name
        assert {p for p in prefixes if not any(i.startswith(p) for i in allowed)} == set(), path.name
        seen += len(literal)
    assert seen > 40  # the scan sees the scripts' calls


def test_every_script_with_messages_is_embedded_by_the_pages_that_load_it() -> None:
    from civwatch.web.js_messages import SCRIPTS

    pages = 0
    for path in sorted(WEB_TEMPLATES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        loaded = set(PAGE_SCRIPT.findall(text)) & set(SCRIPTS)
        if not loaded:
            continue
        pages += 1
        embedded = {a.strip().strip("\"'") for m in PAGE_MESSAGES.findall(text) for a in m.split(",")}
        assert loaded <= embedded, path.name
    assert pages >= 10


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_every_message_declared_for_scripts_is_in_the_catalogue(lang: str) -> None:
    from civwatch.web import js_messages

    cat = messages.catalogue(lang)
    assert sorted(js_messages.declared() - set(cat)) == []
    every = js_messages.for_scripts(lang, *js_messages.SCRIPTS)
    assert set(every) == js_messages.declared() and all(v.strip() for v in every.values())


def test_script_messages_keep_english_and_fill_french() -> None:
    from civwatch.web import js_messages

    en = js_messages.for_scripts("en", "common", "import_job")
    fr = js_messages.for_scripts("fr", "common", "import_job")
    assert en["js.import.done"] == "Done: {read} rows read, {accepted} accepted, {rejected} rejected."  # as tests/web/test_imports.py reads it
    assert fr["js.import.done"].startswith("Terminé")
    assert en["js.legend.none"] == "none" and fr["js.legend.none"] == "aucun"
    with pytest.raises(KeyError):
        js_messages.for_scripts("fr", "no_such_script")


def test_the_messages_block_cannot_close_its_script() -> None:
    """The block is JSON inside <script>: `tojson` escapes <, >, & and ' so a message can never
    end the element or open another."""
    from civwatch.web.render import templates

    out = templates.env.from_string('{{ m|tojson }}').render(m={"x": "</script><script>alert('1')</script>&"})
    assert "<" not in out and ">" not in out and "'" not in out and "&" not in out.replace("\\u0026", "")


# --- sentences services write for pages (services.messages.msg) ---------------------------------


def service_messages() -> dict[str, str]:
    """msgid -> the English text the service writes beside it (the JSON API's and CLI's)."""
    from civwatch.services import forecasts, treaties

    out = {treaties.FEATURE_MSG[name]: label for name, label in tdom.FEATURES}
    out |= {msgid: english for english, msgid in (treaties.FORUM_NOTE_MSG | treaties.EVAL_WHY_MSG | forecasts.REASON_MSG).items()}
    out[forecasts.NOTE_MSG] = forecasts.NOTE
    return out


def test_service_sentences_are_in_both_catalogues_and_english_is_unchanged() -> None:
    """English pages print the catalogue's text where they printed the service's: the two are equal;
    French has its own text for each, with the same placeholders (none here)."""
    en, fr = messages.catalogue("en"), messages.catalogue("fr")
    wanted = service_messages()
    assert {k: en.get(k) for k in wanted} == wanted
    assert sorted(k for k in wanted if not fr.get(k, "").strip() or fr[k] == en[k]) == []


def test_the_forecast_reasons_known_are_those_the_model_writes() -> None:
    """analytics.forecasts writes these reasons; a reason renamed there would print in English."""
    from civwatch.services import forecasts

    source = (SRC / "analytics" / "forecasts.py").read_text(encoding="utf-8")
    written = set(re.findall(r"""reason = "([^"]+)" if .* else "([^"]+)\"""", source)[0])
    assert written == set(forecasts.REASON_MSG)


def test_a_service_message_renders_in_the_page_language() -> None:
    from civwatch.web.render import templates

    m = messages.msg("tp.forum_gap", members=32, instrument="msg:instrument.ccm", not_party=9)
    tpl = templates.env.from_string("{{ t_msg(m, 'English') }}|{{ t_msg(none, 'English') }}")
    assert tpl.render(m=m, none=None, lang="en").startswith("9 of 32 members are not party to the Convention on Cluster Munitions")
    fr = tpl.render(m=m, none=None, lang="fr")
    assert fr.startswith("9 des 32 membres") and fr.endswith("|English")

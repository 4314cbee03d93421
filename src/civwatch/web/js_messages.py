"""The messages the dashboard's scripts draw (map legends and tooltips, chart labels, the import
progress line, the figure reader), declared per script and taken from the one catalogue.

A page that loads `js/<script>.js` embeds them as JSON,
`<script type="application/json" id="messages">{{ js_messages("common", "<script>")|tojson }}</script>`,
and the script reads them with `civwatch.t(id, values)` (common.js). `tests/services/test_messages.py`
checks that every id a script asks for is declared here, that each declared id is in both
catalogues, and that each page embeds the messages of the scripts it loads.
"""

from __future__ import annotations

from civwatch.services import messages

TEXTCOUNT_VALUES = ("killed", "injured", "stated", "approximate", "at-least", "more-than", "up-to", "range", "plural", "none",
                    "female", "male", "adult", "child", "elderly")
PARTY_SHORT = ("state_forces", "non_state_armed_group", "private_military_security", "peacekeepers", "civilians", "unknown")

SCRIPTS: dict[str, tuple[str, ...]] = {
    "common": ("js.chart.year", "js.map.tooltip", "js.map.no_data", "js.legend.none", "js.legend.over"),
    "compare": ("js.compare.series", "js.compare.x", *(f"js.compare.short.{c}" for c in PARTY_SHORT)),
    "country": ("js.chart.civilian_deaths",),
    "overview": ("js.chart.civilian_deaths",),
    "deployments_layer": ("js.deploy.troops", "js.deploy.troops_unknown", "js.deploy.summary"),
    "forecast": ("js.forecast.recorded", "js.forecast.median", "js.forecast.month"),
    "forecasts": ("js.forecasts.tooltip", "js.forecasts.none"),
    "import_job": ("js.import.done", "js.import.failed", "js.import.reading", "js.import.batch_link"),
    "map": ("js.map.popup_deaths",),
    "mission": ("js.mission.troops", "js.mission.none", "js.deploy.troops", "js.deploy.troops_unknown"),
    "plan": ("js.plan.value", "js.plan.path", "js.plan.date"),
    "treaty": ("js.treaty.parties", "js.treaty.not_in_register", "js.treaty.tooltip",
               *(f"js.treaty.status.{s}" for s in ("party", "signatory", "withdrawn", "none"))),
    "textcounts": ("js.tc.at_least", "js.tc.at_most", "js.tc.none_found", "js.tc.part_of_another", "js.tc.civilian",
                   "js.tc.combatant", "js.tc.use", "js.tc.copied", "js.tc.read_by", "js.tc.reading", "js.tc.refused",
                   "js.tc.unreachable", "record.submit", *(f"js.tc.value.{v}" for v in TEXTCOUNT_VALUES)),
}


def declared() -> set[str]:
    return {i for ids in SCRIPTS.values() for i in ids}


def for_scripts(lang: str, *scripts: str) -> dict[str, str]:
    """msgid -> the catalogue's text in `lang` (placeholders left for the script to fill) for the
    messages `scripts` declare; an undeclared script is an error, so a typo cannot embed nothing."""
    cat = messages.catalogue(lang)
    out: dict[str, str] = {}
    for name in scripts:
        for msgid in SCRIPTS[name]:
            if msgid not in cat:
                raise messages.MissingMessage(f"message {msgid!r} is missing from the {lang} catalogue")
            out[msgid] = cat[msgid]
    return out


def country_names(lang: str) -> dict[str, str]:
    """Names for the map shapes in `lang` (CLDR), keyed as the vendored Natural Earth file keys its
    shapes: zero-padded ISO numeric, or the shape's name for the three without one. English keeps
    Natural Earth's own names (an empty table)."""
    if lang == "en":
        return {}
    import pycountry
    from babel import Locale

    territories = Locale.parse(lang).territories
    names = {c.numeric: territories.get(c.alpha_2) or c.name for c in pycountry.countries}
    names |= {"Kosovo": territories.get("XK") or "Kosovo", "N. Cyprus": "N. Cyprus", "Somaliland": "Somaliland"}
    return names

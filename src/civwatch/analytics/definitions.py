"""Every indicator's definition, as published in docs/methodology.md (anchors in `section`)."""

from __future__ import annotations

from dataclasses import dataclass

METHODOLOGY = "docs/methodology.md"
METHODOLOGY_PAGE = "/methodology"  # the same document, served by the dashboard


@dataclass(frozen=True)
class Definition:
    name: str
    title: str
    unit: str  # "people", "incidents", "reports", "share", "conflicts"
    definition: str
    section: str  # anchor in docs/methodology.md
    has_range: bool = False  # carries low / high

    @property
    def methodology(self) -> str:
        return f"{METHODOLOGY}#{self.section}"

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "unit": self.unit,
            "definition": self.definition,
            "methodology": self.methodology,
            "methodology_url": f"{METHODOLOGY_PAGE}#{self.section}",
            "has_range": self.has_range,
        }


DEFINITIONS: dict[str, Definition] = {
    d.name: d
    for d in (
        Definition(
            "civilian-deaths",
            "Civilian deaths",
            "people",
            "Sum of civilian deaths (best estimate, with low and high) over incidents, each linked incident "
            "counted once; with a source, over that source's reports. UCDP GED: deaths_civilians; ACLED: "
            "fatalities of civilian-targeting events.",
            "civilian-deaths",
            True,
        ),
        Definition(
            "civilian-injuries",
            "Civilian injuries",
            "people",
            "Sum of civilians injured (best, low, high) over incidents or, with a source, its reports. Most "
            "public event datasets do not record injuries; coverage states how many records carry a figure.",
            "civilian-injuries",
            True,
        ),
        Definition(
            "incidents",
            "Incidents",
            "incidents",
            "Number of incidents (linked reports counted once); with a source, the number of its reports.",
            "incidents",
        ),
        Definition(
            "reports",
            "Reports",
            "reports",
            "Number of source reports behind the selected incidents (or of the source's reports).",
            "reports",
        ),
        Definition(
            "women-children-share",
            "Share of civilian casualties who are women or children",
            "share",
            "Civilian casualties (killed and injured, best) recorded as female or as children, divided by "
            "civilian casualties recorded with sex or age. Records without disaggregation are left out; "
            "coverage states how many casualties that is.",
            "women-children-share",
        ),
        Definition(
            "ewipa-share",
            "Share of civilian casualties from explosive weapons in populated areas",
            "share",
            "Civilian casualties (killed and injured, best) of incidents with an explosive weapon (air- or "
            "ground-launched, improvised, mines and remnants, cluster munitions, grenades, drones) in a "
            "populated area, divided by the civilian casualties whose weapon is known (unknown is not "
            "zero). Coverage states casualties whose weapon or place type is unknown.",
            "ewipa-share",
        ),
        Definition(
            "active-conflicts",
            "Active armed conflicts",
            "conflicts",
            "UCDP/PRIO Armed Conflict Dataset conflicts with at least 25 battle-related deaths in the year; "
            "by intensity (minor: 25-999, war: 1,000 or more) and type (extrasystemic, interstate, "
            "intrastate, internationalised intrastate).",
            "active-conflicts",
        ),
    )
}

CHANGE_SECTION = "year-on-year-change"
COMPARE_SECTION = "actor-blind-comparison"


def definition(name: str) -> Definition:
    try:
        return DEFINITIONS[name]
    except KeyError:
        raise ValueError(f"no indicator {name!r}; indicators are {', '.join(DEFINITIONS)}") from None

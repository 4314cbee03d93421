"""Forum memberships from the CIA World Factbook appendix B table in shared/data/countries.

`country_international_org_memberships_ciafactbook_2020.csv` (long form
`ISO_3166_2,ISO_3166_3,NAME.EN,source,org_name,org_id,org_member`, file dated 2020-01-30,
PROVENANCE.md): each `member` row of a tracked forum (domain.forums.FORUMS) is an
`observed` membership on the snapshot day; observers, candidates, partners are not members
and are read but not recorded. Rows of untracked organisations are read and skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from civwatch.domain import forums as fdom
from civwatch.domain.records import Rejection
from civwatch.sources.base import Table, check_width, raw_json
from civwatch.sources.untc import iso3_for

COLUMNS = ("ISO_3166_2", "ISO_3166_3", "NAME.EN", "source", "org_name", "org_id", "org_member")
KNOWN_SNAPSHOTS = {"country_international_org_memberships_ciafactbook_2020.csv": date(2020, 1, 30)}
SOURCE_URL = "https://www.cia.gov/the-world-factbook/references/international-organizations-and-groups/"


def is_factbook(header: list[str]) -> bool:
    return tuple(h.strip() for h in header[:7]) == COLUMNS


def snapshot(path: Path, given: date | None) -> date:
    if given:
        return given
    if path.name in KNOWN_SNAPSHOTS:
        return KNOWN_SNAPSHOTS[path.name]
    raise ValueError(f"{path.name}: give the date the memberships were observed (--snapshot)")


def records(table: Table, observed: date) -> Iterator[tuple | None | Rejection]:
    """(forum id, iso3, ForumEvent.OBSERVED, date, source, url, name) for a member row; None for
    a row read and not recorded (untracked organisation, or not a full member)."""
    width = len(table.header)
    for line, row in table.rows:
        raw = raw_json(dict(zip(table.header, row, strict=False)))
        why = check_width(row, width)
        if why:
            yield Rejection(line, why, raw)
            continue
        r = dict(zip(COLUMNS, (c.strip() for c in row), strict=False))
        forum = fdom.BY_ORG_ID.get(r["org_id"])
        if forum is None or r["org_member"].lower() != "member":
            yield None
            continue
        try:
            code = iso3_for(r["ISO_3166_3"] or r["NAME.EN"])
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)
            continue
        yield (forum.id, code, fdom.ForumEvent.OBSERVED, observed, f"CIA World Factbook via {r['source']}", SOURCE_URL, r["NAME.EN"])


def regions() -> dict[str, tuple[str, str, str]]:
    """iso3 -> (name, M49 region, sub-region) from data/treaties/m49_regions.csv (see its README)."""
    import csv
    from importlib import resources

    text = resources.files("civwatch").joinpath("data", "treaties", "m49_regions.csv").read_text(encoding="utf-8")
    return {r["iso3"]: (r["name"], r["region"], r["subregion"]) for r in csv.DictReader(text.splitlines())}


def maintained_changes() -> Path:
    """The maintained table of forum membership changes shipped with civwatch."""
    from importlib import resources

    return Path(str(resources.files("civwatch").joinpath("data", "treaties", "forum_changes.csv")))

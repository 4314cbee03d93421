"""Victim lists as casualty recorders keep them (e.g. Airwars): one row per named or counted
victim, aggregated here into one report per incident with sex x age harm rows.

PERSONAL DATA: names and identity numbers go only into each record's `victims` list (stored in
the protected victims table). The report's raw JSON, rejections and logs never hold them.
The whole list is grouped by incident in memory: victim lists are small (one row per person)
and an incident's rows need not be adjacent.
"""

from __future__ import annotations

from collections.abc import Iterator

from civwatch.domain.records import HarmRow, Rejection, ReportRecord
from civwatch.sources import countries
from civwatch.sources.base import (
    RawBuilder,
    SourceError,
    Table,
    check_width,
    parse_date,
    raw_json,
    sha,
)

SOURCE = "airwars"
PERSONAL = {"name_en", "name_ar", "name", "name_local", "full_name", "moh_id", "id_number", "national_id", "personal_id", "family_id"}
WITHHELD = "[personal data withheld]"
OUTCOME = {"k": "killed", "killed": "killed", "i": "injured", "injured": "injured", "": None}
SEX = {"m": "male", "male": "male", "f": "female", "female": "female", "": "unknown", "u": "unknown", "unknown": "unknown"}
AGE = {"adult": "adult", "child": "child", "children": "child", "elderly": "elderly", "older": "elderly", "": "unknown", "unknown": "unknown"}
# Airwars incident codes name the conflict: ispt = Israel and Gaza (Palestine)
ID_PREFIX_COUNTRY = {"ispt": "PSE"}


def _public(header: list[str], row: list[str]) -> dict[str, str]:
    """The row without its personal fields (for rejections)."""
    return {h: (WITHHELD if h.lower() in PERSONAL and v else v) for h, v in zip(header, row, strict=False)}


class VictimsAdapter:
    source = SOURCE
    format = "victims"

    def records(self, table: Table) -> Iterator[ReportRecord | Rejection]:
        header = table.header
        idx = {h.strip().lower(): i for i, h in enumerate(header)}
        for need in ("incident_id", "killed_or_injured"):
            if need not in idx:
                raise SourceError(f"not a victim list: missing column {need}")
        i_date = idx.get("incident_date", idx.get("date"))
        if i_date is None:
            raise SourceError("not a victim list: missing column incident_date")
        i_sex = idx.get("gender", idx.get("sex"))
        builder = RawBuilder(header)
        width = len(header)

        def get(row: list[str], name: str) -> str:
            i = idx.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        groups: dict[str, list[tuple[int, str, dict]]] = {}
        country_of: dict[str, tuple[str, str | None]] = {}
        for line, row in table.rows:
            bad = check_width(row, width)
            if bad:
                yield Rejection(line, bad, raw_json(_public(header, row)))
                continue
            try:
                incident = get(row, "incident_id")
                if not incident:
                    raise ValueError("missing incident_id")
                day = parse_date(row[i_date])
                outcome_text = get(row, "killed_or_injured").lower()
                if outcome_text not in OUTCOME:
                    raise ValueError(f"unknown killed_or_injured {outcome_text[:20]!r} (k, i or empty)")
                sex = SEX.get((row[i_sex].strip().lower() if i_sex is not None else ""), None)
                if sex is None:
                    raise ValueError(f"unknown gender {row[i_sex][:20]!r}")
                age_text = get(row, "age_years")
                age_years = None
                if age_text:
                    try:
                        age_years = int(float(age_text))
                    except (ValueError, OverflowError):
                        raise ValueError(f"non-numeric age_years {age_text[:20]!r}") from None
                    if not 0 <= age_years <= 130:
                        raise ValueError(f"age_years {age_years} out of range")
                age = AGE.get(get(row, "age_group").lower())
                if age is None:
                    raise ValueError(f"unknown age_group {get(row, 'age_group')[:20]!r}")
                if age == "unknown" and age_years is not None:
                    age = "child" if age_years < 18 else "adult"
                iso3 = self._country(get(row, "country_iso3") or get(row, "iso3"), get(row, "country"), incident)
            except ValueError as exc:
                yield Rejection(line, str(exc), raw_json(_public(header, row)))
                continue
            pregnant = get(row, "pregnant")
            victim = {
                "line": line,
                "victim_key": get(row, "victim_id") or None,
                "family_id": get(row, "family_id") or None,
                "name": get(row, "name_en") or get(row, "name") or None,
                "name_local": get(row, "name_ar") or get(row, "name_local") or None,
                "personal_id": get(row, "moh_id") or get(row, "personal_id") or None,
                "age_years": age_years,
                "age_group": age,
                "sex": sex,
                "pregnant": pregnant == "1" if pregnant in ("0", "1") else None,
                "outcome": OUTCOME[outcome_text] or "unknown",
                "raw": raw_json(builder.obj(row)),
            }
            groups.setdefault(incident, []).append((line, day, victim))
            country_of.setdefault(incident, (iso3, None))
        for incident, members in groups.items():
            yield self._incident(incident, members, country_of[incident][0])

    @staticmethod
    def _country(iso3_text: str, name: str, incident: str) -> str:
        if iso3_text.strip():
            found = countries.from_iso3(iso3_text)
            if not found:
                raise ValueError(f"unknown country code {iso3_text.strip()[:12]!r} for incident {incident[:40]!r}")
            if name.strip():
                countries.check_name(found, name)
            return found
        found = countries.from_name(name) or ID_PREFIX_COUNTRY.get(incident[:4].lower())
        if not found:
            raise ValueError(f"unknown country for incident {incident[:40]!r}")
        return found

    @staticmethod
    def _incident(incident: str, members: list[tuple[int, str, dict]], iso3: str) -> ReportRecord:
        days = sorted({m[1] for m in members})
        start, end = days[0], days[-1]
        cells: dict[tuple[str, str, str], int] = {}
        for _, _, v in members:
            if v["outcome"] in ("killed", "injured"):
                key = (v["outcome"], v["sex"], v["age_group"])
                cells[key] = cells.get(key, 0) + 1
        killed = sum(n for (o, _, _), n in cells.items() if o == "killed")
        injured = sum(n for (o, _, _), n in cells.items() if o == "injured")
        # the public raw: what the list says about the incident, never who the victims were
        summary = {
            "incident_id": incident,
            "incident_dates": days,
            "victim_rows": len(members),
            "lines": [m[0] for m in members],
            "counts": {f"{o}/{s}/{a}": n for (o, s, a), n in sorted(cells.items())},
            "outcome_not_stated": sum(1 for m in members if m[2]["outcome"] == "unknown"),
        }
        raw = raw_json(summary)
        # the content hash covers the victims' rows too, so a corrected list updates the incident
        digest = sha(raw + "".join(m[2]["raw"] for m in members))
        return ReportRecord(
            source=SOURCE,
            source_id=incident,
            content_sha=digest,
            date_start=start,
            date_end=end,
            date_precision="day" if start == end else "span",
            year=int(start[:4]),
            month=start[:7],
            country_iso3=iso3,
            raw=raw,
            line=members[0][0],
            rows_in=len(members),
            geo_precision="unknown",
            civilian_deaths_best=killed,
            civilian_injuries_best=injured,
            total_deaths_best=killed,
            event_type="victim list",
            headline=f"{incident}: {killed} killed, {injured} injured (victim list)",
            harm=[HarmRow(o, n, sex=s, age_group=a) for (o, s, a), n in sorted(cells.items())],
            victims=[m[2] for m in members],
        )

"""UN Treaty Collection status tables in the two layouts at hand (shared/data/treaties).

- 2015 per-treaty tables (zmjones/untreaties): `Participant,Signature[,Provisional ...],<action>`,
  dates like `10 Feb 2003 a` (a accession, d succession, A acceptance, AA approval, none
  ratification). The instrument comes from the file name (`untc_XXVI-5_..._2015.csv`).
  Provisional application (`n`) does not make a party and is not recorded as an action.
- 2026 chapter files (mgaldino/treaties-ideal-point): one row per participant x treaty,
  `action_type` Ratification / Accession / Succession or empty (signature only). For the CCW
  protocols XXVI-2-a/b/d UNTC shows only "consent to be bound", which the scrape put in
  `signature_date`: read as consent (PROVENANCE.md). No withdrawals are recorded.

Rows in, `ActionRecord`s (one per action) or `Rejection`s (one per row) out. A row's actions
are accepted together or the row is rejected with its reason. Actions dated after the file's
snapshot are refused. UNTC participant names become ISO 3166 alpha-3 codes by the table
below (tested for every name in the files) and pycountry's exact lookup, never a fuzzy guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pycountry

from civwatch.domain.records import Rejection
from civwatch.domain.treaties import BY_ID, BY_KEY, Action, ActionRecord
from civwatch.sources.base import SourceError, Table, check_width, raw_json

UNTC_NAMES = {
    "bahamas (the)": "BHS",
    "bolivia (plurinational state of)": "BOL",
    "iran (islamic republic of)": "IRN",
    "micronesia (federated states of)": "FSM",
    "netherlands (kingdom of the)": "NLD",
    "st. kitts and nevis": "KNA",
    "st. lucia": "LCA",
    "st. vincent and the grenadines": "VCT",
    "the former yugoslav republic of macedonia": "MKD",
    "venezuela (bolivarian republic of)": "VEN",
    "republic of korea": "KOR",
    "democratic people's republic of korea": "PRK",
    "czechoslovakia": "CSK",
    "german democratic republic": "DDR",
    "türkiye": "TUR",
    "turkey": "TUR",
    "state of palestine": "PSE",
    "holy see": "VAT",
    "cook islands": "COK",
    "niue": "NIU",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "congo": "COG",
    "democratic republic of the congo": "COD",
    "côte d'ivoire": "CIV",
    "cote d'ivoire": "CIV",
    "lao people's democratic republic": "LAO",
    "republic of moldova": "MDA",
    "united republic of tanzania": "TZA",
    "viet nam": "VNM",
    "syrian arab republic": "SYR",
    "russian federation": "RUS",
    "united kingdom of great britain and northern ireland": "GBR",
    "united states of america": "USA",
    "czech republic": "CZE",
    "czechia": "CZE",
    "cabo verde": "CPV",
    "timor-leste": "TLS",
    "brunei darussalam": "BRN",
    "kosovo": "XKX",
}
NOT_STATES = {"european union": "the European Union is a regional organisation, not a state"}
HISTORICAL = {"CSK", "DDR"}
_FOOTNOTE = re.compile(r"(?:\s*\d+)+$")


def iso3_for(name: str) -> str:
    """ISO alpha-3 for a participant name as UNTC writes it; ValueError with the reason."""
    clean = _FOOTNOTE.sub("", " ".join(name.strip().split()))
    key = clean.lower()
    if not key:
        raise ValueError("participant name is empty")
    if key in NOT_STATES:
        raise ValueError(NOT_STATES[key])
    if key in UNTC_NAMES:
        return UNTC_NAMES[key]
    if len(clean) == 3 and clean.isalpha() and clean.isupper():
        found = pycountry.countries.get(alpha_3=clean)
        if found:
            return found.alpha_3
    for attr in ("name", "official_name", "common_name"):
        for c in pycountry.countries:
            if getattr(c, attr, "").lower() == key:
                return c.alpha_3
    raise ValueError(f"unknown country name {clean!r}")


_SUFFIX = {"": Action.RATIFICATION, "a": Action.ACCESSION, "d": Action.SUCCESSION, "A": Action.ACCEPTANCE, "AA": Action.APPROVAL}
_DMY = re.compile(r"^(\d{1,2}) ([A-Za-z]{3}) (\d{4})(?: (a|d|A|AA|n))?$")
_MON = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def _dmy(text: str) -> tuple[date, str]:
    m = _DMY.match(" ".join(text.split()))
    if not m or m.group(2).lower() not in _MON:
        raise ValueError(f"unreadable date {text!r} (expected like '10 Feb 2003 a')")
    return date(int(m.group(3)), _MON[m.group(2).lower()], int(m.group(1))), m.group(4) or ""


def _iso(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"unreadable {what} {text!r} (expected YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Layout:
    name: str  # untc-2015 | untc-2026
    snapshot: date
    instrument: str | None = None  # 2015: the one instrument of the file


def detect(path: Path, header: list[str], snapshot: date | None = None) -> Layout | None:
    """The UNTC layout of a file, or None when it is not one; SourceError when half-recognised."""
    cols = [h.strip() for h in header]
    if cols[:1] == ["country_name"] and {"treaty_id", "action_type", "action_date", "signature_date", "mtdsg_no"} <= set(cols):
        return Layout("untc-2026", snapshot or _snapshot_2026(path))
    if len(cols) >= 3 and cols[0] == "Participant" and cols[1] == "Signature":
        m = re.search(r"untc_([A-Z]+-\d+(?:-[a-z])?)_", path.name)
        if not m or m.group(1) not in BY_ID:
            raise SourceError(f"{path.name}: a UNTC 2015 table, but its instrument is not in the file name (untc_<chapter>-<no>_...)")
        year = re.search(r"_(\d{4})\.csv$", path.name)
        snap = snapshot or (date(int(year.group(1)), 12, 31) if year else None)
        if snap is None:
            raise SourceError(f"{path.name}: give the snapshot date (--snapshot) of this UNTC table")
        return Layout("untc-2015", snap, m.group(1))
    return None


def _snapshot_2026(path: Path) -> date:
    """The access date from the scrape's access log beside the file, else the file name's date."""
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    stem = path.name.split("_ratifications")[0]
    for log in path.parent.glob(f"{stem}_access_log*.json"):
        try:
            return date.fromisoformat(json.loads(log.read_text(encoding="utf-8"))["access_date"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    if m:
        return date.fromisoformat(m.group(1))
    raise SourceError(f"{path.name}: no snapshot date (no access log beside it, none in the name); give --snapshot")


def records(table: Table, layout: Layout) -> Iterator[list[ActionRecord] | Rejection]:
    """Per row: its list of actions (possibly empty), or a Rejection."""
    width = len(table.header)
    for line, row in table.rows:
        raw = raw_json(dict(zip(table.header, row, strict=False)))
        why = check_width(row, width)
        if why:
            yield Rejection(line, why, raw)
            continue
        try:
            if layout.name == "untc-2015":
                acts = _row_2015(table.header, row, layout, line)
            else:
                acts = _row_2026(dict(zip(table.header, row, strict=False)), layout, line)
            for a in acts:
                if a.action_date > layout.snapshot:
                    raise ValueError(f"{a.action.value} dated {a.action_date} is after the file's snapshot {layout.snapshot}")
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)
            continue
        yield acts


def _row_2015(header: list[str], row: list[str], layout: Layout, line: int) -> list[ActionRecord]:
    name = row[0]
    iso3 = iso3_for(name)
    inst = layout.instrument or ""
    out: list[ActionRecord] = []
    url = BY_ID[inst].official_list
    if row[1].strip():
        d, suffix = _dmy(row[1])
        if suffix:
            raise ValueError(f"signature column holds an action mark {suffix!r}")
        out.append(ActionRecord(inst, iso3, Action.SIGNATURE, d, name, "untc-2015", url, line))
    for h, cell in zip(header[2:], row[2:], strict=False):
        if not cell.strip() or h.lower().startswith("provisional"):
            continue  # provisional application does not make a party
        d, suffix = _dmy(cell)
        if suffix == "n":
            raise ValueError(f"provisional-application mark in the consent column: {cell!r}")
        out.append(ActionRecord(inst, iso3, _SUFFIX[suffix], d, name, "untc-2015", url, line))
    return out


_TYPES = {"ratification": Action.RATIFICATION, "accession": Action.ACCESSION, "succession": Action.SUCCESSION,
          "acceptance": Action.ACCEPTANCE, "approval": Action.APPROVAL}
CONSENT_ONLY = {"XXVI-2-a", "XXVI-2-b", "XXVI-2-d"}


def _row_2026(r: dict[str, str], layout: Layout, line: int) -> list[ActionRecord]:
    key, number = r["treaty_id"].strip(), r["mtdsg_no"].strip()
    inst = BY_KEY.get(key)
    if inst is None:
        raise ValueError(f"unknown treaty_id {key!r}")
    if inst.id != number:
        raise ValueError(f"treaty_id {key!r} is {inst.id} in the register, the row says {number!r}")
    name = r["country_name"]
    iso3 = iso3_for(name)
    url = r.get("source_url") or inst.official_list
    kind, acted, signed = r["action_type"].strip(), r["action_date"].strip(), r["signature_date"].strip()
    out: list[ActionRecord] = []
    if inst.id in CONSENT_ONLY and not kind:
        if not signed:
            raise ValueError("no consent-to-be-bound date")
        return [ActionRecord(inst.id, iso3, Action.CONSENT, _iso(signed, "consent date"), name, layout.name, url, line)]
    if signed:
        out.append(ActionRecord(inst.id, iso3, Action.SIGNATURE, _iso(signed, "signature_date"), name, layout.name, url, line))
    if kind:
        action = _TYPES.get(kind.lower())
        if action is None:
            raise ValueError(f"unknown action_type {kind!r}")
        if not acted:
            raise ValueError(f"{kind} without action_date")
        out.append(ActionRecord(inst.id, iso3, action, _iso(acted, "action_date"), name, layout.name, url, line))
    elif acted:
        raise ValueError("action_date without action_type")
    if not out:
        raise ValueError("row records no action (no signature, no action_type)")
    return out

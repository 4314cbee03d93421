"""The incident register as use cases: browse, read one, record by hand, edit. Every write is
authorised, validated field by field, audited, and reflected in the indicators at once."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import Engine

from civwatch.domain.countries import check_optional
from civwatch.domain.events import IncidentCreated, IncidentEdited
from civwatch.domain.model import Figure
from civwatch.domain.query import Filters
from civwatch.domain.taxonomy import (
    AgeGroup,
    DatePrecision,
    GeoPrecision,
    HarmOutcome,
    PartyCategory,
    Role,
    Sex,
    ViolenceType,
    Weapon,
)
from civwatch.services import indicators
from civwatch.services.auth import AuthError, Principal
from civwatch.store import audit
from civwatch.store import incident_queries as q
from civwatch.store import linkage as linkage_store

RECORDING_ROLES = (Role.RECORDER, Role.ANALYST)


class NotFound(LookupError):
    """No such record."""


class FigureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    best: int = Field(ge=0, le=10_000_000)
    low: int | None = Field(default=None, ge=0, le=10_000_000)
    high: int | None = Field(default=None, ge=0, le=10_000_000)

    @model_validator(mode="after")
    def _ordered(self) -> FigureIn:
        Figure(best=self.best, low=self.low, high=self.high)  # raises ValueError naming the bound
        return self


class HarmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: HarmOutcome
    sex: Sex = Sex.UNKNOWN
    age_group: AgeGroup = AgeGroup.UNKNOWN
    civilian: bool = True
    best: int = Field(ge=0, le=10_000_000)
    low: int | None = Field(default=None, ge=0, le=10_000_000)
    high: int | None = Field(default=None, ge=0, le=10_000_000)

    @model_validator(mode="after")
    def _ordered(self) -> HarmIn:
        Figure(best=self.best, low=self.low, high=self.high)
        return self


Text = Field(default=None, max_length=2000)


class IncidentFields(BaseModel):
    """Fields a recorder may set; all optional here (PATCH), required ones enforced in IncidentIn."""

    model_config = ConfigDict(extra="forbid")
    date_start: date | None = None
    date_end: date | None = None
    date_precision: DatePrecision | None = None
    country_iso3: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    geo_precision: GeoPrecision | None = None
    admin1: str | None = Field(default=None, max_length=200)
    admin2: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    populated_area: bool | None = None
    weapon: Weapon | None = None
    perpetrator_category: PartyCategory | None = None
    perpetrator_name: str | None = Field(default=None, max_length=200)
    violence_type: ViolenceType | None = None
    civilian_deaths: FigureIn | None = None
    civilian_injuries: FigureIn | None = None
    harm: list[HarmIn] | None = Field(default=None, max_length=200)
    headline: str | None = Field(default=None, max_length=300)
    notes: str | None = Text
    source_url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")

    @field_validator("admin1", "admin2", "location", "perpetrator_name", "headline", "notes", "source_url")
    @classmethod
    def _no_control(cls, value: str | None) -> str | None:
        if value is not None and any(ord(ch) < 32 and ch not in "\n\r\t" or 127 <= ord(ch) < 160 for ch in value):
            raise ValueError("control characters are not allowed")
        return value

    @field_validator("country_iso3")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        return check_optional(value)

    @field_validator("date_start", "date_end")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        if value is not None and not date(1900, 1, 1) <= value <= date(2100, 12, 31):
            raise ValueError("date must be between 1900-01-01 and 2100-12-31")
        return value


class IncidentIn(IncidentFields):
    date_start: date
    country_iso3: str = Field(pattern=r"^[A-Z]{3}$")
    headline: str = Field(min_length=3, max_length=300)

    @model_validator(mode="after")
    def _dates(self) -> IncidentIn:
        if self.date_end is not None and self.date_end < self.date_start:
            raise ValueError("date_end is before date_start")
        return self


# Fields every incident has: a PATCH may change them, never empty them (a 422, like any bad body).
NOT_NULL = ("date_start", "date_end", "country_iso3", "date_precision", "geo_precision", "weapon", "perpetrator_category")


class IncidentPatch(IncidentFields):
    reason: str | None = Field(default=None, max_length=500, description="why the edit was made (kept in the audit trail)")

    @model_validator(mode="after")
    def _not_emptied(self) -> IncidentPatch:
        emptied = [k for k in NOT_NULL if k in self.model_fields_set and getattr(self, k) is None]
        if emptied:
            raise ValueError(f"{', '.join(emptied)}: cannot be null (every incident has one; send a value)")
        start, end = self.date_start, self.date_end
        if start is not None and end is not None and end < start:
            raise ValueError("date_end is before date_start")
        return self

    @field_validator("reason")
    @classmethod
    def _reason_no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


def _require_writer(principal: Principal | None) -> Principal:
    if principal is None:
        raise AuthError("authentication required: send an API token as 'Authorization: Bearer <token>'")
    if not principal.has(*RECORDING_ROLES):
        raise PermissionError(f"user {principal.username} lacks a recording role (recorder, analyst or admin)")
    return principal


def _columns(data: dict[str, Any]) -> dict[str, Any]:
    """Model fields -> store columns (figures split into low/best/high, derived year/month)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("harm", "reason", "perpetrator_name"):
            continue
        if key in ("civilian_deaths", "civilian_injuries"):
            fig = value or {}
            for part in ("low", "best", "high"):
                out[f"{key}_{part}"] = fig.get(part) if value is not None else None
            continue
        out[key] = value.value if hasattr(value, "value") else value
    if out.get("date_start") is not None:
        out["year"] = out["date_start"].year
        out["month"] = out["date_start"].strftime("%Y-%m")
    return out


def _party(name: str | None, category: str | None) -> dict | None:
    if not name and not category:
        return None
    return {"name": name or "unknown", "category": category or "unknown", "role": "perpetrator"}


def _jsonable(d: dict) -> dict:
    return json.loads(json.dumps(d, default=str))


def create(engine: Engine, principal: Principal | None, data: IncidentIn) -> dict:
    """Record an incident by hand; returns it as `get` does."""
    who = _require_writer(principal)
    payload = data.model_dump(mode="python", exclude_none=True)
    cols = _columns(payload)
    cols.setdefault("date_end", cols["date_start"])
    cols.setdefault("date_precision", "day")
    cols.setdefault("geo_precision", "unknown")
    harm_rows = [h.model_dump(mode="json") for h in (data.harm or [])]
    party = _party(data.perpetrator_name, cols.get("perpetrator_category"))
    with engine.begin() as conn:
        token = indicators.before_change(conn, [])
        inc_id, rep_id = q.create_manual(conn, cols, harm_rows, party, _jsonable(data.model_dump(mode="json", exclude_none=True)))
        audit.append(
            conn,
            IncidentCreated(actor=who.username, entity_id=str(inc_id), after=_jsonable(cols | {"harm": harm_rows, "report_id": rep_id})),
        )
        indicators.after_change(conn, token, [inc_id])
    return get(engine, inc_id)


def update(engine: Engine, principal: Principal | None, incident_id: int, patch: IncidentPatch) -> dict:
    """Edit an incident; the audit entry keeps each changed field before and after."""
    who = _require_writer(principal)
    payload = patch.model_dump(mode="python", exclude_unset=True)
    reason = payload.pop("reason", None)
    if not payload:
        raise ValueError("nothing to change: send at least one field")
    with engine.begin() as conn:
        current = q.get(conn, incident_id)
        if current is None:
            raise NotFound(f"no incident {incident_id}")
        harm_rows = None
        if "harm" in payload:
            if not current["manual"]:
                raise ValueError("harm: the harm rows of imported reports are kept as their source recorded them")
            harm_rows = [h.model_dump(mode="json") for h in (patch.harm or [])]
        cols = _columns(payload)
        start = cols.get("date_start", current["date_start"])
        end = cols.get("date_end", current["date_end"])
        if end < start:
            raise ValueError("date_end: is before date_start")
        for key in ("date_start", "country_iso3", "date_precision", "geo_precision", "weapon", "perpetrator_category"):
            if key in cols and cols[key] is None:
                raise ValueError(f"{key}: cannot be emptied")
        changed = {k: v for k, v in cols.items() if current.get(k) != v}
        before = {k: current.get(k) for k in changed}
        if harm_rows is not None:
            before["harm"] = q.harm_of_manual(conn, incident_id)
            changed["harm"] = harm_rows
        party = None
        if "perpetrator_name" in payload or "perpetrator_category" in payload:
            party = _party(payload.get("perpetrator_name"), cols.get("perpetrator_category", current["perpetrator_category"]))
            if "perpetrator_name" in payload:
                changed["perpetrator_name"] = payload["perpetrator_name"]
        if not changed:
            return get(engine, incident_id)
        token = indicators.before_change(conn, [incident_id])  # the cube lets go of its old part
        q.update(conn, incident_id, cols, harm_rows, party)
        after = dict(changed)
        if reason:
            after["reason"] = reason
        audit.append(conn, IncidentEdited(actor=who.username, entity_id=str(incident_id), before=_jsonable(before), after=_jsonable(after)))
        indicators.after_change(conn, token, [incident_id])
    return get(engine, incident_id)


def get(engine: Engine, incident_id: int) -> dict:
    """One incident: its reports side by side with harm rows, parties, sources, grade and why."""
    with engine.connect() as conn:
        inc = q.get(conn, incident_id)
        if inc is None:
            raise NotFound(f"no incident {incident_id}")
        groups = linkage_store.twins_of(conn, [r["id"] for r in inc["reports"]])
    out = present(inc)
    # probable duplicates: reports of one source identical in every field linkage compares
    out["twins"] = [
        {"source": g[0]["source"], "reports": [
            {"report_id": r["id"], "source_id": r["source_id"], "incident_id": r["incident_id"]} for r in g]}
        for g in groups
    ]
    return out


def present(inc: dict) -> dict:
    reasons = inc.get("grade_reasons")
    try:
        reasons = json.loads(reasons) if reasons else []
    except json.JSONDecodeError:
        reasons = [reasons]
    out = {
        "id": inc["id"],
        "date_start": inc["date_start"],
        "date_end": inc["date_end"],
        "date_precision": inc["date_precision"],
        "country_iso3": inc["country_iso3"],
        "admin1": inc["admin1"],
        "admin2": inc["admin2"],
        "location": inc["location"],
        "latitude": inc["latitude"],
        "longitude": inc["longitude"],
        "geo_precision": inc["geo_precision"],
        "populated_area": inc["populated_area"],
        "civilian_deaths": _fig(inc, "civilian_deaths"),
        "civilian_injuries": _fig(inc, "civilian_injuries"),
        "weapon": inc["weapon"],
        "perpetrator_category": inc["perpetrator_category"],
        "violence_type": inc["violence_type"],
        "grade": {
            "grade": inc["effective_grade"],
            "computed": inc["grade"],
            "override": inc["grade_override"],
            "override_reason": inc["grade_override_reason"],
            "why": reasons,
        },
        "headline": inc["headline"],
        "manual": inc["manual"],
        "n_reports": inc["n_reports"],
        "sources": [s for s in (inc["sources"] or "").split(",") if s],
        "created_at": inc["created_at"],
        "updated_at": inc["updated_at"],
        "reports": [_report(r) for r in inc["reports"]],
    }
    return out


def _fig(row: dict, prefix: str) -> dict | None:
    if row.get(f"{prefix}_best") is None:
        return None
    return {"best": row[f"{prefix}_best"], "low": row.get(f"{prefix}_low"), "high": row.get(f"{prefix}_high")}


def _report(r: dict) -> dict:
    try:
        raw = json.loads(r["raw"]) if r.get("raw") else {}
    except json.JSONDecodeError:
        raw = {}
    keep = (
        "id", "source", "source_id", "version", "batch_id", "date_start", "date_end", "date_precision",
        "country_iso3", "country_code_received", "admin1", "admin2", "admin3", "location", "latitude",
        "longitude", "geo_precision", "populated_area", "weapon", "violence_type", "event_type",
        "perpetrator_category", "perpetrator_name", "target_category", "target_name", "headline", "notes",
        "source_url", "harm", "parties", "damaged_objects",
    )
    out = {k: r.get(k) for k in keep}
    out["civilian_deaths"] = _fig(r, "civilian_deaths")
    out["civilian_injuries"] = _fig(r, "civilian_injuries")
    out["total_deaths"] = _fig(r, "total_deaths")
    out["raw"] = raw
    return out


def page(engine: Engine, filters: Filters, sort: str = "-date", cursor: str | None = None, limit: int = 50) -> dict:
    if not 1 <= limit <= 500:
        raise ValueError("limit must be between 1 and 500")
    with engine.connect() as conn:
        rows, nxt = q.page(conn, filters, sort, cursor, limit)
    return {"items": [list_item(r) for r in rows], "next_cursor": nxt, "limit": limit, "sort": sort, "filters": filters.as_dict()}


def list_item(r: dict) -> dict:
    item = {k: v for k, v in r.items() if not k.startswith(("civilian_deaths_", "civilian_injuries_"))}
    item["civilian_deaths"] = _fig(r, "civilian_deaths")
    item["civilian_injuries"] = _fig(r, "civilian_injuries")
    item["sources"] = [s for s in (r["sources"] or "").split(",") if s]
    return item


Format = Literal["csv", "geojson", "hxl", "xlsx", "parquet"]

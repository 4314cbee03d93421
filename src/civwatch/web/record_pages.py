"""Record an incident by hand: a form for logged-in recorders, validated field by field.

The form is turned into the same `IncidentIn` the API takes and handed to the same service, so
the rules (and their messages) are the API's; this module only maps them back onto form fields.
"""

from __future__ import annotations

from typing import Any

import pycountry
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from civwatch.domain.taxonomy import Role
from civwatch.services import incidents as incident_service
from civwatch.web.render import WebRoute, engine, page, require_user
from civwatch.web.session import check_csrf

router = APIRouter(route_class=WebRoute)

RECORD_ROLES = (Role.RECORDER, Role.ANALYST)
TEXT = ("date_start", "date_end", "location", "admin1", "perpetrator_name", "headline", "notes", "source_url")
CHOICES = ("date_precision", "geo_precision", "weapon", "perpetrator_category")
FIGURES = ("civilian_deaths", "civilian_injuries")
HARM = [
    (outcome, sex, age)
    for outcome in ("killed", "injured")
    for sex, age in (("female", "adult"), ("female", "child"), ("male", "adult"), ("male", "child"))
]
DEFAULTS = {"date_precision": "day", "geo_precision": "exact", "weapon": "unknown", "perpetrator_category": "unknown"}
# where a rule about a whole figure or the whole form is shown
FIELD_OF = {"country_iso3": "country", "civilian_deaths": "civilian_deaths_best", "civilian_injuries": "civilian_injuries_best"}


def _countries() -> list[tuple[str, str]]:
    items = [(c.alpha_3, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    items.append(("XKX", "Kosovo"))
    return sorted(items, key=lambda c: c[1])


def _whole(values: dict[str, str], name: str, errors: dict[str, str]) -> int | None:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        errors[name] = "must be a whole number"
        return None
    if number < 0:
        errors[name] = "cannot be negative"
    return number


def _decimal(values: dict[str, str], name: str, errors: dict[str, str]) -> float | None:
    raw = values.get(name, "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        errors[name] = "must be a decimal number such as 48.4647"
        return None


def payload_from_form(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The form as the API's JSON body, plus the errors found while reading it."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {}
    for name in TEXT:
        if values.get(name, "").strip():
            body[name] = values[name].strip()
    for name in CHOICES:
        if values.get(name):
            body[name] = values[name]
    if values.get("country"):
        body["country_iso3"] = values["country"]
    if values.get("populated_area") in ("true", "false"):
        body["populated_area"] = values["populated_area"] == "true"
    for name in ("latitude", "longitude"):
        number = _decimal(values, name, errors)
        if number is not None:
            body[name] = number
    for prefix in FIGURES:
        low, best, high = (_whole(values, f"{prefix}_{part}", errors) for part in ("low", "best", "high"))
        if best is None and (low is not None or high is not None):
            errors.setdefault(f"{prefix}_best", "give a best estimate when you give a low or high one")
        elif best is not None:
            body[prefix] = {"best": best, "low": low, "high": high}
    harm = []
    for outcome, sex, age in HARM:
        count = _whole(values, f"harm_{outcome}_{sex}_{age}", errors)
        if count:
            harm.append({"outcome": outcome, "sex": sex, "age_group": age, "best": count})
    if harm:
        body["harm"] = harm
    if "latitude" in body and "longitude" not in body:
        errors.setdefault("longitude", "give both coordinates, or neither")
    if "longitude" in body and "latitude" not in body:
        errors.setdefault("latitude", "give both coordinates, or neither")
    return body, errors


def _field_for(loc: tuple, message: str) -> str:
    if not loc:
        # a rule across fields: its message starts with the field it is about
        first = message.split(" ", 1)[0].rstrip(":")
        return FIELD_OF.get(first, first)
    head = str(loc[0])
    if head == "harm" and len(loc) >= 2 and isinstance(loc[1], int):
        return "harm_" + "_".join(HARM[0])  # harm rows come from the grid; show on its first cell
    if head in FIGURES and len(loc) >= 2:
        return f"{head}_{loc[1]}"
    return FIELD_OF.get(head, head)


def errors_from(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required"
        elif err["type"] == "string_pattern_mismatch" and err["loc"] and err["loc"][0] == "source_url":
            message = "must be a web address starting with http:// or https://"
        out.setdefault(_field_for(tuple(err["loc"]), message), message)
    return out


def _form(request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    return page(request, "record.html", {"fields": values, "errors": errors}, status=status, countries=_countries())


@router.get("/record", include_in_schema=False)
@router.get("/record.json", include_in_schema=False)
def record_form(request: Request) -> Response:
    require_user(request, *RECORD_ROLES)
    return _form(request, dict(DEFAULTS), {})


@router.post("/record", include_in_schema=False)
async def record(request: Request) -> Response:
    form = await request.form()
    check_csrf(request.state.session, str(form.get("csrf", "")))
    user = await run_in_threadpool(require_user, request, *RECORD_ROLES)
    values = {k: str(v) for k, v in form.items() if k != "csrf" and isinstance(v, str)}
    body, errors = payload_from_form(values)
    try:
        data = incident_service.IncidentIn.model_validate(body)
    except ValidationError as exc:
        errors = errors_from(exc) | errors
        return _form(request, values, errors, status=422)
    if errors:
        return _form(request, values, errors, status=422)
    try:
        created = await run_in_threadpool(incident_service.create, engine(request), user, data)
    except ValueError as exc:
        message = str(exc)
        return _form(request, values, {_field_for((), message): message}, status=422)
    return RedirectResponse(f"/incidents/{created['id']}", status_code=303)

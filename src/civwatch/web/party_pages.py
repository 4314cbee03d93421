"""Party register pages: the register and the names to resolve, one actor with its source names
(and, for analysts, a merge form), the named-party comparison and like incidents by other actors.
Each has a JSON twin; a merge posts to the same service as the API and the CLI (role + CSRF).
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from civwatch.domain.query import split_values
from civwatch.domain.taxonomy import PartyCategory, Role
from civwatch.services import parties as svc
from civwatch.web.render import WebRoute, current_user, engine, page, require_user
from civwatch.web.session import check_csrf

router = APIRouter(route_class=WebRoute)
CATEGORIES = [c.value for c in PartyCategory]


def _id(value: int) -> int:
    if not 1 <= value <= 2**31 - 1:
        raise HTTPException(404, f"no such id {value}")
    return value


def _int(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.strip().isdigit() or len(value) > 4:
        raise ValueError(f"{name} must be a year")
    return int(value)


@router.get("/parties", include_in_schema=False)
@router.get("/parties.json", include_in_schema=False)
def register(request: Request, category: str | None = None, state: str | None = None, q: str | None = None) -> Response:
    if category and category not in CATEGORIES:
        raise HTTPException(400, f"category must be one of {', '.join(CATEGORIES)}")
    eng = engine(request)
    data = {
        "filters": {"category": category, "state": state, "q": q},
        "actors": svc.list_actors(eng, category or None, state or None, q or None, limit=500),
        "unresolved": svc.unresolved(eng),
    }
    return page(request, "parties.html", data, categories=CATEGORIES)


@router.get("/parties/compare", include_in_schema=False)
@router.get("/parties/compare.json", include_in_schema=False)
def compare(request: Request, actors: str | None = None, states: str | None = None, category: str | None = None,
            operating_in: str | None = None, year_from: str | None = None, year_to: str | None = None) -> Response:
    chosen = bool(actors or states or category)
    ids = []
    for item in split_values(actors):
        if not item.isdigit() or len(item) > 10 or int(item) > 2**31 - 1:
            raise ValueError(f"actors: {item!r} is not an actor id")
        ids.append(int(item))
    data = {"chosen": chosen, "rows": [], "coverage": {}, "filters": {}}
    if chosen:
        data = svc.compare(engine(request), actor_ids=ids, states=split_values(states, upper=True),
                           category=category or None, operating_in=split_values(operating_in, upper=True),
                           year_from=_int(year_from, "year_from"), year_to=_int(year_to, "year_to")) | {"chosen": True}
    return page(request, "party_compare.html", data, categories=CATEGORIES)


@router.get("/parties/like/{incident_id}", include_in_schema=False)
@router.get("/parties/like/{incident_id}.json", include_in_schema=False)
def like(request: Request, incident_id: int) -> Response:
    try:
        data = svc.like_incidents(engine(request), _id(incident_id), 5)
    except svc.ActorNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return page(request, "party_like.html", data)


@router.get("/parties/{actor_id}", include_in_schema=False)
@router.get("/parties/{actor_id}.json", include_in_schema=False)
def actor(request: Request, actor_id: int) -> Response:
    try:
        data = svc.show(engine(request), _id(actor_id))
    except svc.ActorNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    user = current_user(request)
    if data["category"] == PartyCategory.STATE_FORCES and data["state_iso3"]:
        with engine(request).connect() as conn:
            data["forces_of_state"] = [asdict(f) | {"names": len(f.names)} for f in svc.forces_of_state(conn, data["state_iso3"])]
    return page(request, "party.html", data, can_decide=bool(user and user.has(Role.ANALYST)))


@router.post("/parties/{actor_id}/merge", include_in_schema=False)
async def merge(request: Request, actor_id: int) -> Response:
    user = require_user(request, Role.ANALYST)
    _id(actor_id)
    form = await request.form()
    check_csrf(request.state.session, str(form.get("csrf", "")))
    others = []
    for item in split_values(str(form.get("others", ""))):
        if not item.isdigit() or len(item) > 10 or int(item) > 2**31 - 1:
            raise ValueError(f"{item!r} is not an actor id")
        others.append(int(item))
    try:
        svc.merge(engine(request), actor_id, others, str(form.get("reason", "")) or None, by=user.username)
    except svc.ActorNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return RedirectResponse(f"/parties/{actor_id}", status_code=303)

"""The party register over HTTP: actors, names to resolve, forces of a state, the named-party
comparison, like incidents by other actors, and analysts' merges, splits, corrections.

Reads follow the API's read rule; writes need an analyst's token and are audited by the service.
A refused decision is 422 with the reason; an unknown actor, name or incident is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader, writer
from civwatch.api.errors import problem
from civwatch.domain.query import split_values
from civwatch.domain.taxonomy import Role
from civwatch.services import parties as svc
from civwatch.services.auth import Principal

router = APIRouter(tags=["parties"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Reason = Annotated[str, Field(min_length=1, max_length=2000, description="why: kept in the audit trail")]
T = TypeVar("T")


def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | JSONResponse:
    try:
        return fn(*args, **kwargs)
    except svc.ActorNotFound as exc:
        return problem(404, "Not found", str(exc))
    except svc.PartyError as exc:
        return problem(422, "Refused", str(exc))


def analyst(principal: Annotated[Principal, Depends(writer)]) -> Principal:
    if not principal.has(Role.ANALYST):
        raise PermissionError("register decisions need the analyst role")
    return principal


def _ids(text: str | None) -> list[int]:
    out = []
    for item in split_values(text):
        if not item.isdigit() or len(item) > 10 or int(item) > 2**31 - 1:
            raise ValueError(f"actors: {item!r} is not an actor id")
        out.append(int(item))
    return out


@router.get("/parties", summary="Actors of the party register")
def list_actors(
    engine: Annotated[Engine, Depends(get_engine)], _: Annotated[Principal | None, Depends(reader)],
    category: Annotated[str | None, Query(max_length=32)] = None,
    state: Annotated[str | None, Query(max_length=3, description="state forces of this state (ISO3)")] = None,
    country: Annotated[str | None, Query(max_length=3)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict:
    return {"rows": svc.list_actors(engine, category, state, q, country, limit=limit)}


@router.get("/parties/unresolved", summary="Source names for an analyst: unmatched and ambiguous")
def unresolved(engine: Annotated[Engine, Depends(get_engine)], _: Annotated[Principal | None, Depends(reader)]) -> dict:
    return {"rows": svc.unresolved(engine)}


@router.get("/parties/forces/{iso3}", summary="The forces of a state: its state forces actors and their source names")
def forces(iso3: Annotated[str, Path(min_length=3, max_length=3)], engine: Annotated[Engine, Depends(get_engine)],
           _: Annotated[Principal | None, Depends(reader)],
           as_of: Annotated[int | None, Query(ge=1900, le=2100, description="a year: names in use then")] = None) -> dict:
    with engine.connect() as conn:
        found = svc.forces_of_state(conn, iso3, as_of)
    return {"state": iso3.upper(), "as_of": as_of, "forces": [asdict(f) for f in found]}


@router.get("/parties/compare", summary="Actor-blind comparison by named party: the same measures per actor")
def compare(
    engine: Annotated[Engine, Depends(get_engine)], _: Annotated[Principal | None, Depends(reader)],
    actors: Annotated[str | None, Query(max_length=2000, description="actor ids, comma-separated")] = None,
    states: Annotated[str | None, Query(max_length=2000, description="the forces of these states (ISO3)")] = None,
    category: Annotated[str | None, Query(max_length=32)] = None,
    operating_in: Annotated[str | None, Query(max_length=2000)] = None,
    country: Annotated[str | None, Query(max_length=400)] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> Any:
    return _run(svc.compare, engine, actor_ids=_ids(actors), states=split_values(states, upper=True), category=category,
                operating_in=split_values(operating_in, upper=True), year_from=year_from, year_to=year_to,
                countries_=split_values(country, upper=True))


@router.get("/parties/like/{incident_id}", summary="Like incidents, different parties: how each was graded and responded to")
def like(incident_id: Id, engine: Annotated[Engine, Depends(get_engine)], _: Annotated[Principal | None, Depends(reader)],
         limit: Annotated[int, Query(ge=1, le=50)] = 5) -> Any:
    return _run(svc.like_incidents, engine, incident_id, limit)


@router.get("/parties/{actor_id}", summary="An actor with its source names, periods and source codes")
def show(actor_id: Id, engine: Annotated[Engine, Depends(get_engine)], _: Annotated[Principal | None, Depends(reader)]) -> Any:
    return _run(svc.show, engine, actor_id)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    others: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(min_length=1, max_length=500)]
    reason: str | None = Field(default=None, max_length=2000)


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(min_length=1, max_length=1000)]
    canonical_name: Annotated[str, Field(min_length=1, max_length=300)]
    category: Annotated[str, Field(max_length=32)]
    state_iso3: str | None = Field(default=None, max_length=3)
    branch: str | None = Field(default=None, max_length=16)
    reason: Reason


class CorrectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    canonical_name: str | None = Field(default=None, max_length=300)
    category: str | None = Field(default=None, max_length=32)
    branch: str | None = Field(default=None, max_length=16)
    state_iso3: str | None = Field(default=None, max_length=3)
    countries: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actor_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    reason: Reason


@router.post("/parties/{actor_id}/merge", summary="Merge other actors into this one (analyst; a reason across categories)")
def merge(actor_id: Id, body: MergeIn, engine: Annotated[Engine, Depends(get_engine)],
          principal: Annotated[Principal, Depends(analyst)]) -> Any:
    return _run(svc.merge, engine, actor_id, body.others, body.reason, by=principal.username)


@router.post("/parties/{actor_id}/split", summary="Move some source names to a new actor (analyst)")
def split(actor_id: Id, body: SplitIn, engine: Annotated[Engine, Depends(get_engine)],
          principal: Annotated[Principal, Depends(analyst)]) -> Any:
    return _run(svc.split, engine, actor_id, body.name_ids, body.canonical_name, body.category, body.reason,
                body.state_iso3, body.branch, by=principal.username)


@router.post("/parties/{actor_id}/correct", summary="Correct an actor's fields; later builds keep them (analyst)")
def correct(actor_id: Id, body: CorrectIn, engine: Annotated[Engine, Depends(get_engine)],
            principal: Annotated[Principal, Depends(analyst)]) -> Any:
    fields = body.model_dump(exclude={"reason"}, exclude_none=True)
    return _run(svc.correct, engine, actor_id, body.reason, by=principal.username, **fields)


@router.post("/parties/names/{name_id}/assign", summary="Say whose a source name is (analyst)")
def assign(name_id: Id, body: AssignIn, engine: Annotated[Engine, Depends(get_engine)],
           principal: Annotated[Principal, Depends(analyst)]) -> Any:
    return _run(svc.assign, engine, name_id, body.actor_id, body.reason, by=principal.username)

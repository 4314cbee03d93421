"""Early warning over HTTP: the latest forecasts, one place's fan chart, the backtest, and fitting.

Reads follow the server's read policy; fitting is a write for analysts (it stores a model).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from civwatch.api.deps import get_engine, reader, writer
from civwatch.api.errors import problem
from civwatch.domain.taxonomy import Role
from civwatch.services import forecasts as svc
from civwatch.services.auth import Principal

router = APIRouter(tags=["forecasts"])
LevelParam = Annotated[Literal["country", "admin1"], Query(description="country or admin1")]


@router.get("/forecasts", summary="The latest forecasts per unit, with how the model did there in the backtest", dependencies=[Depends(reader)])
def list_forecasts(
    engine: Annotated[Engine, Depends(get_engine)], level: LevelParam = "country",
    horizon: Annotated[int, Query(ge=1, le=6)] = 1,
) -> dict:
    return svc.overview(engine, level, horizon)


@router.get("/forecasts/evaluation", summary="The stored model's rolling-origin backtest beside the baselines", dependencies=[Depends(reader)])
def evaluation(engine: Annotated[Engine, Depends(get_engine)], level: LevelParam = "country") -> dict:
    data = svc.overview(engine, level)
    return {"level": level, "model": data["model"], "rows": data["evaluation"]}


@router.get("/forecasts/{unit:path}", summary="One unit's recent record and forecasts 1-6 months ahead", dependencies=[Depends(reader)])
def unit_forecast(engine: Annotated[Engine, Depends(get_engine)], unit: Annotated[str, Path(max_length=120)]):
    try:
        return svc.unit_view(engine, unit)
    except LookupError as exc:
        return problem(404, "Not found", str(exc).strip("'\""))


class FitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: Literal["country", "admin1"] = "country"
    countries: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] | None = Field(default=None, max_length=300)
    backtest: bool = True


@router.post("/forecasts/fit", summary="Fit the model on the store's record and forecast (analysts)", status_code=201)
def fit_forecasts(body: FitRequest, engine: Annotated[Engine, Depends(get_engine)], principal: Annotated[Principal, Depends(writer)]):
    if not principal.has(Role.ANALYST):
        raise PermissionError("fitting a forecast model needs the analyst role")
    return svc.fit(engine, f"api:{principal.username}", body.level, body.countries, backtest=body.backtest)

"""Casualty figures read from a text, over HTTP: each figure with its span (nothing is stored).

An empty text or one in a language the rules do not read is 422 problem+json saying so.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from civwatch.api.deps import reader
from civwatch.api.errors import problem
from civwatch.domain.textcounts import TextError
from civwatch.services import textcounts as svc

router = APIRouter(tags=["textcounts"])
PROBLEM = {"content": {"application/problem+json": {}}}


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=20000, description="a news line, a witness statement, an ACLED note, a GED headline")
    language: Literal["en", "fr"] | None = Field(default=None, description="default: detected")


@router.post("/text/counts", summary="Killed, injured, missing, abducted, detained read from a text, with spans",
             responses={401: PROBLEM, 422: PROBLEM}, dependencies=[Depends(reader)])
def text_counts(body: TextIn) -> Annotated[Any, "figures"]:
    try:
        return svc.extract_for_form(body.text, body.language, svc.load_conventions())
    except TextError as exc:
        return problem(422, "Text not readable", str(exc))

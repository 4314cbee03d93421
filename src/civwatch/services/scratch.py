"""Scratch files of a store (import stages, UTF-8 copies, uploads): where they go, and cleaning
up after a process that died mid-import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from civwatch import settings


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def folder(engine: Engine, kind: str) -> Path:
    """A new private scratch folder beside the store; the caller removes it (also on failure)."""
    return settings.scratch_folder(_url(engine), kind)


def clean_stale(engine: Engine) -> int:
    """Remove scratch folders left by processes that are gone; run at start (serve, import)."""
    return settings.clean_stale(_url(engine))

"""A command group that imports a command's module only when the command is asked for.

Importing every command module at start-up costs seconds (WeasyPrint, polars, LightGBM, ...);
each `civwatch` run now pays only for the command it runs.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup


def load(module: str, attribute: str, name: str) -> Any:
    """The click command for `module.attribute`: a typer app becomes its group, a function a command."""
    target = getattr(importlib.import_module(module), attribute)
    if not isinstance(target, typer.Typer):
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name)(target)
        target = single
        command = typer.main.get_command(target)
    else:
        command = typer.main.get_group(target)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    lazy: ClassVar[dict[str, tuple[str, str]]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in self.lazy:
            found = load(*self.lazy[cmd_name], cmd_name)
            self.add_command(found, cmd_name)
        return found

"""A national action plan as YAML: read with line marks (PyYAML's composer keeps each node's
line), checked against the schema (pydantic models of domain/plan.py) and the plan's own rules,
every problem given with its line; written back as YAML a person can edit and diff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from civwatch.domain import plan as dom

MAX_BYTES = 2_000_000
# libyaml's parser when PyYAML was built with it (the wheels are): same nodes and marks, faster
COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlProblem:
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "the document"
        return f"{where}: {self.path + ': ' if self.path else ''}{self.message}"


class PlanRefused(ValueError):
    """The YAML plan was refused; nothing was imported. `problems` says where and why."""

    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        head = str(problems[0]) if problems else "refused"
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        super().__init__(f"plan refused, nothing imported: {head}{more}")


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: tuple, lines: dict[tuple, int], problems: list[YamlProblem]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                problems.append(YamlProblem(key_node.start_mark.line + 1, _dotted(path), "a key must be plain text"))
                continue
            if key in out:
                problems.append(YamlProblem(key_node.start_mark.line + 1, _dotted((*path, key)), f"key {key!r} given twice"))
                continue
            out[key] = _build(loader, value_node, (*path, key), lines, problems)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), lines, problems) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _line(lines: dict[tuple, int], path: tuple) -> int | None:
    """The line of `path`, or of its nearest parent that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def parse(text: str | bytes, known_departments: dict[str, str] | None = None) -> dom.Plan:
    """The plan in `text`, or PlanRefused listing every problem with its line."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise PlanRefused([YamlProblem(None, "", f"file over {MAX_BYTES:,} bytes")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanRefused([YamlProblem(None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    known = dom.departments() if known_departments is None else known_departments
    try:
        root = yaml.compose(text, Loader=COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PlanRefused([YamlProblem(mark.line + 1 if mark else None, "", f"not valid YAML: {exc.problem or exc.context}")]) from None
    except yaml.YAMLError as exc:
        raise PlanRefused([YamlProblem(None, "", f"not valid YAML: {exc}")]) from None
    if root is None:
        raise PlanRefused([YamlProblem(None, "", "the file is empty")])
    lines: dict[tuple, int] = {}
    problems: list[YamlProblem] = []
    try:
        data = _build(yaml.SafeLoader(""), root, (), lines, problems)
    except yaml.YAMLError as exc:
        raise PlanRefused([YamlProblem(None, "", f"not valid YAML: {exc}")]) from None
    if problems:
        raise PlanRefused(problems)
    if not isinstance(data, dict):
        raise PlanRefused([YamlProblem(1, "", "a plan is a mapping with id, title, period and objectives")])
    problems = [YamlProblem(_line(lines, p.path), _dotted(p.path), p.message) for p in dom.check(data, known)]
    try:
        plan = dom.Plan.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            cause = (err.get("ctx") or {}).get("error")
            if isinstance(cause, dom.FieldError):
                loc = (*loc, *cause.sub)
                message = str(cause)
            else:
                message = err["msg"].removeprefix("Value error, ")
            problems.append(YamlProblem(_line(lines, loc), _dotted(loc), message))
    if problems:
        raise PlanRefused(sorted(problems, key=lambda p: (p.line or 0)))
    return plan


def dump(plan: dom.Plan) -> str:
    """The plan as YAML in the schema's field order (dates ISO 8601, defaults left out)."""
    data = plan.model_dump(mode="json", exclude_defaults=True)
    data["period"] = list(data["period"])
    data["illustrative"] = plan.illustrative
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

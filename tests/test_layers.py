"""The layers of DESIGN.md hold: a module imports only from layers below it.

domain < (sources, store, linkage, analytics) < services < (cli, api, web) < app
`settings` is configuration anyone may read. Siblings within a layer do not import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "civwatch"

ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "settings": set(),
    "sources": {"domain", "settings"},
    "store": {"domain", "settings"},
    "linkage": {"domain", "settings"},
    "analytics": {"domain", "settings"},
    "services": {"domain", "settings", "sources", "store", "linkage", "analytics"},
    "cli": {"domain", "settings", "services"},
    "api": {"domain", "settings", "services"},
    "web": {"domain", "settings", "services"},
    "app": {"domain", "settings", "services", "api", "web"},
}


def layer_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    head = rel.parts[0]
    return head[:-3] if head.endswith(".py") else head


def imported_layers(source: str) -> list[tuple[int, str]]:
    """(line, layer) for every import of another civwatch layer in the given source text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "civwatch":
                names = [f"civwatch.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "civwatch" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def violations(path: Path, source: str) -> list[str]:
    layer = layer_of(path)
    if layer == "__init__":
        return []
    allowed = ALLOWED.get(layer)
    if allowed is None:
        return [f"{path}: module is in no known layer ({layer}); add it to DESIGN.md and ALLOWED"]
    return [
        f"{path.relative_to(PACKAGE)}:{line} ({layer}) imports civwatch.{target}"
        for line, target in imported_layers(source)
        if target != layer and target not in allowed and target != "__version__"
    ]


def test_every_module_respects_the_layers() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        problems += violations(path, path.read_text(encoding="utf-8"))
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("domain/model.py", "from civwatch.store.schema import reports\n"),
        ("store/schema.py", "import civwatch.services.store\n"),
        ("sources/ucdp_ged.py", "from civwatch.store import db\n"),
        ("analytics/indicators.py", "from civwatch import services\n"),
        ("services/x.py", "from civwatch.api import app\n"),
        ("cli/x.py", "from civwatch.store.schema import reports\n"),
        ("web/x.py", "from civwatch.api.routes import router\n"),
    ],
)
def test_a_forbidden_import_is_caught(module: str, source: str) -> None:
    assert violations(PACKAGE / module, source), f"{module} importing upwards was not caught"


def test_allowed_imports_pass() -> None:
    assert violations(PACKAGE / "services/x.py", "from civwatch.store import db\nfrom civwatch.domain import model\n") == []
    assert violations(PACKAGE / "cli/x.py", "from civwatch.services import store\n") == []

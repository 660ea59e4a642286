"""Imports point down only: each package may import from its own layer and the layers below.

The layer list is declared once, here; docs/architecture.md describes the same layers and a
test below keeps the two in step. To add a capability, put its package in the lowest layer
whose packages it needs, and add it to ``LAYERS``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tipgraph"
DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"

#: Lowest first. A module may import from its own layer or any layer below it.
LAYERS: list[list[str]] = [
    ["errors", "resources", "files", "countries"],
    ["namespace", "process"],
    ["sparql"],
    ["store"],
    ["loading", "export", "tables", "query", "reason", "curation", "serve"],
    ["validate", "network"],
    ["analysis", "maps"],
    ["kg"],
    ["extract", "imports"],  # readers of releases and structured sources: they add through kg
    ["cli", "cli_serve", "cli_extract", "cli_import", "__init__", "__main__"],
]

#: Imports that the layers would allow but that break a package's one job.
FORBIDDEN = {
    "maps": {"store", "query", "loading", "reason"},      # maps draw a projected network
    "analysis": {"store", "query", "loading", "reason"},  # analysis measures a projected network
    # Shaping queries is the query layer's job; the one exception is the Oxigraph backend writing
    # bound values into the query text (sparql.inline), because its planner sees only values written in.
    "store": {"query"},
}


def _unit(path: Path) -> str:
    """The top-level unit (package or module) a file belongs to."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The tipgraph units a file of the package imports (relative or absolute)."""
    return _imports_of(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE))


def _imports_of(source: str, rel: Path) -> set[str]:
    tree = ast.parse(source)
    depth = len(rel.parts) - 1  # how many packages deep the file sits
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                up = node.level - 1
                base = list(rel.parts[:depth])[: max(0, depth - up)]
                target = [*base, *(node.module.split(".") if node.module else [])]
                if target:
                    out.add(target[0])
                else:  # "from . import x" at the top level
                    out.update(alias.name for alias in node.names)
            elif node.module == "tipgraph":  # from tipgraph import resources
                out.update(alias.name for alias in node.names)
            elif node.module and node.module.split(".")[0] == "tipgraph":
                out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "tipgraph" and len(parts) > 1:
                    out.add(parts[1])
    return out


def _layer_of() -> dict[str, int]:
    return {unit: i for i, layer in enumerate(LAYERS) for unit in layer}


def _files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_resources" not in p.parts)


def test_every_unit_has_a_layer() -> None:
    layer = _layer_of()
    missing = sorted({_unit(p) for p in _files()} - set(layer))
    assert not missing, f"add these to LAYERS in tests/test_layers.py (and docs/architecture.md): {missing}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    layer = _layer_of()
    unit = _unit(path)
    if unit not in layer:
        pytest.fail(f"{unit} has no layer")
    up = sorted(u for u in _imports(path) if u in layer and layer[u] > layer[unit])
    assert not up, f"{path.relative_to(PACKAGE)} ({unit}, layer {layer[unit]}) imports from a layer above: {up}"
    banned = sorted(_imports(path) & FORBIDDEN.get(unit, set()))
    assert not banned, f"{path.relative_to(PACKAGE)}: {unit} must not import {banned}"


def test_the_checker_sees_upward_imports_in_every_spelling() -> None:
    # Positive control: an upward import is found however it is written.
    source = ("from ..kg import KnowledgeGraph\nimport tipgraph.cli\nfrom tipgraph.maps import x\n"
              "from .. import analysis\nfrom .base import Store\n")
    found = _imports_of(source, Path("store") / "probe.py")
    assert found == {"kg", "cli", "maps", "analysis", "store"}
    assert _imports_of("from . import kg\n", Path("cli.py")) == {"kg"}
    assert _imports_of("from tipgraph import resources\n", Path("validate") / "x.py") == {"resources"}


def test_architecture_doc_names_every_layer() -> None:
    text = DOC.read_text(encoding="utf-8")
    for layer in LAYERS:
        for unit in layer:
            if unit.startswith("__"):
                continue
            assert f"`{unit}" in text, f"docs/architecture.md does not describe `{unit}`"

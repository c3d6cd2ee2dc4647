"""Imports run one way: basics → assessment → ingestion → … → bulletin → orchestration → CLI."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import PROJECT_ROOT

# Each package may import only the packages listed before it (and itself).
LAYERS = [
    "basics",
    "assessment",
    "ingestion",
    "expectations",
    "submission",
    "unit_workbooks",
    "bulletin",
    "orchestration",
    "zhaoshang",
]


def project_imports(package: str) -> dict[str, set[str]]:
    """Top-level project packages each module of `package` imports (at any depth, lazy imports included)."""
    found: dict[str, set[str]] = {}
    for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(PROJECT_ROOT))] = names & set(LAYERS)
    return found


@pytest.mark.parametrize("package", LAYERS)
def test_package_imports_only_lower_layers(package: str) -> None:
    allowed = set(LAYERS[: LAYERS.index(package) + 1])
    wrong = {
        module: sorted(names - allowed)
        for module, names in project_imports(package).items()
        if names - allowed
    }
    assert not wrong, f"{package} imports a higher layer: {wrong}"


def test_layering_test_sees_imports() -> None:
    """The scanner itself finds a known import (so the test above cannot pass by reading nothing)."""
    assert "basics" in project_imports("ingestion")["ingestion/pipeline.py"]

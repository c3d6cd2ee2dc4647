"""Imports run one way: basics → assessment → ingestion → … → bulletin → orchestration → CLI."""

from __future__ import annotations

import ast
import io
import re
import shutil
import subprocess
import tokenize

import pytest

from tests.conftest import PROJECT_ROOT
from tests.helpers.spec6 import SPEC6_MODEL

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


# a query naming a dbt schema other than marts (raw is ingestion's own; the gate's SQL files are not Python)
NOT_MARTS = re.compile(r"\b(intermediate|staging|seeds)\.[a-z_{]+")


def schema_queries(source: str) -> list[tuple[int, str]]:
    """(line, name) of every string literal of `source` naming an intermediate, staging or seeds table."""
    return [
        (tok.start[0], found.group())
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.STRING and (found := NOT_MARTS.search(tok.string))
    ]


def test_python_reads_marts_only() -> None:
    """Python reads the marts (enforced contracts), never staging, intermediate or seeds (issue 18): not the
    packages, not the benchmarks, not the tests (the gate's fault tests write into the raw tables)."""
    wrong = {
        str(path.relative_to(PROJECT_ROOT)): hits
        for package in [*LAYERS, "benchmarks", "tests"]
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        if (hits := schema_queries(path.read_text(encoding="utf-8")))
    }
    assert not wrong, wrong


def test_schema_scanner_sees_queries() -> None:
    """A known positive: the gate's own SQL (which reads staging, intermediate and seeds) put into a string
    literal is found, an f-string naming such a schema too; the same name in a comment is not."""
    sql = (PROJECT_ROOT / "expectations" / "sql_checks" / "stage_regression.sql").read_text(encoding="utf-8")
    first = NOT_MARTS.search(sql)
    assert first is not None
    schema = first.group().split(".")[0]
    source = f"sql = {sql!r}\nother = f'join {schema}.{{x}}'\n# {first.group()}\n"
    assert schema_queries(source) == [(1, first.group()), (2, f"{schema}.{{x")]


def git_grep(*args: str, exclude: tuple[str, ...] = ()) -> set[str]:
    """Files of the checkout that `git grep -l ARGS` finds outside dbt_project/ and `exclude` (pathspecs);
    skips outside a git checkout."""
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    pathspecs = [".", ":!dbt_project", *(f":!{path}" for path in exclude)]
    proc = subprocess.run(
        ["git", "grep", "-l", *args, "--", *pathspecs],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr  # 1: nothing found
    return set(proc.stdout.split())


def test_spec6_export_is_named_in_one_place() -> None:
    """Issue 18, done when: outside dbt_project/ only the contract (docs/SPEC.md), its one paragraph in
    docs/ARCHITECTURE.md and tests/helpers/spec6.py (which the pivot's tests and the floor import) name the
    SPEC §6 pivot; every command and every other test reads score_totals / score_points."""
    assert git_grep("-F", SPEC6_MODEL) == {"docs/SPEC.md", "docs/ARCHITECTURE.md", "tests/helpers/spec6.py"}


def test_only_dbt_and_the_gate_sql_name_staging_intermediate_or_seeds_tables() -> None:
    """Issue 18, done when: `git grep -nE "(intermediate|staging|seeds)\\."` outside dbt_project/ and the
    gate's SQL (expectations/*.sql) finds nothing: docs, README, benchmarks and tests included."""
    assert git_grep("-E", r"(intermediate|staging|seeds)\.", exclude=("expectations/*.sql",)) == set()


def test_git_grep_finds_what_is_there() -> None:
    """The two checks above cannot pass by searching nothing: the same search finds the contract's table
    names, and the gate's SQL does name staging tables."""
    assert "docs/SPEC.md" in git_grep("-F", "marts.score_items")
    assert "expectations/sql_checks/stage_regression.sql" in {
        path for path in git_grep("-E", r"(intermediate|staging|seeds)\.") if path.startswith("expectations/")
    }

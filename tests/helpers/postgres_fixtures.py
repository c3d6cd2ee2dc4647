"""The PostgreSQL side of the tests: one real server per session, and a scratch warehouse built on it from a
DuckDB-built one (same raw tables, same dbt project) so a test can run its checks on both backends.

Tests that need the server are marked `postgres`; they are skipped, with the reason, only where no server can
be started outside CI (in CI, .ci/install installs Debian's `postgresql`, so a server that does not start
fails the run).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from basics.home import DBT_PROJECT_DIR
from tests.helpers.postgres_build import dbt_build_postgres
from tests.helpers.postgres_server import PostgresServer, ServerUnavailable, start_server

# a module-scoped fixture parametrized with this runs its tests on DuckDB, then once more on PostgreSQL
BACKENDS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass(frozen=True)
class PostgresWarehouse:
    """A warehouse built on PostgreSQL (what the tests' `query` helpers accept besides a DuckDB path)."""

    url: str
    seconds: float  # its dbt build


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server in a temporary folder, started once per session."""
    try:
        server = start_server()
    except ServerUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not start in CI: {exc}")
        pytest.skip(f"PostgreSQL server cannot start here: {exc}")
    yield server
    server.stop()


def dbt_project_copy(root: Path) -> Path:
    """A copy of the dbt project under `root` (made once); a PostgreSQL build's target/ lies beside it."""
    project = root / "dbt_project"
    if not project.exists():
        shutil.copytree(
            DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml", "*.duckdb")
        )
    return project


_BUILT: dict[tuple[Path, Path], PostgresWarehouse] = {}


def built_on_postgres(
    request: pytest.FixtureRequest, project: Path, duckdb_warehouse: Path, name: str
) -> PostgresWarehouse:
    """The same build on PostgreSQL: `duckdb_warehouse`'s raw tables and `project` (a built dbt project
    copy) in a fresh database `name`; once per (project, warehouse) per session."""
    key = (project, duckdb_warehouse)
    if key not in _BUILT:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        dbname = re.sub(r"[^a-z0-9_]", "_", name.lower())[:50] + f"_{len(_BUILT)}"
        url = server.create_database(dbname)
        seconds = dbt_build_postgres(project, duckdb_warehouse, url, project.parent / "target-postgres")
        print(f"dbt build on PostgreSQL ({name}): {seconds:.1f} s")
        _BUILT[key] = PostgresWarehouse(url, seconds)
    return _BUILT[key]


@pytest.fixture(scope="session")
def sample_year_postgres_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dbt project copy the sample year is built with on PostgreSQL (its own target folders)."""
    return dbt_project_copy(tmp_path_factory.mktemp("sample_year_postgres"))


@pytest.fixture(scope="session")
def sample_year_on_postgres(request, sample_year, sample_year_postgres_project) -> PostgresWarehouse:  # noqa: ANN001
    """The sample year (`zhaoshang demo`) built once more on PostgreSQL, once per session: its raw tables and
    the same dbt project in a fresh database. Tests that publish into it leave the same marts behind."""
    return built_on_postgres(request, sample_year_postgres_project, sample_year.home.warehouse, "sample_year")

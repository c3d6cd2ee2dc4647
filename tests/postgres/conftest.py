"""One PostgreSQL world per session: the session's sample year (`zhaoshang demo`, tests/conftest.py), copied
and built once more by the real `zhaoshang build` with `ZHAOSHANG_WAREHOUSE_URL` naming a fresh database on
the session's server, so the same build that the demo runs publishes it to PostgreSQL.

tests/postgres/test_demo_on_postgres.py checks that build (its output, both warehouses row for row);
tests/postgres/test_sample_year_on_postgres.py compares it with the demo's own DuckDB warehouse and then
rebuilds, grants and publishes on it (the same rows each time)."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SampleYear, zhaoshang


@dataclass(frozen=True)
class SampleYearOnPostgres:
    """The sample year's home, copied and rebuilt with a PostgreSQL warehouse setting, and that database."""

    home: Path  # the copy `zhaoshang build` ran on (its DuckDB warehouse is that build's)
    url: str  # the database the build published to
    build: subprocess.CompletedProcess[str]
    seconds: float


@pytest.fixture(scope="session")
def sample_year_on_postgres(
    sample_year: SampleYear, postgres_server, tmp_path_factory: pytest.TempPathFactory
) -> SampleYearOnPostgres:
    """READ ONLY but for tests/postgres/test_sample_year_on_postgres.py, whose writes keep every row."""
    url = postgres_server.create_database("sample_year_home")
    home = sample_year.copy(tmp_path_factory.mktemp("sample_year_on_postgres") / "home")
    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ZHAOSHANG_WAREHOUSE_URL", url)
        proc = zhaoshang("build", home=home)
    seconds = time.perf_counter() - started
    print(f"zhaoshang build with a PostgreSQL warehouse (sample year): {seconds:.1f} s")
    return SampleYearOnPostgres(home, url, proc, seconds)

"""The sample year (`zhaoshang demo`) built again on PostgreSQL from the same raw tables and dbt project:
score_totals, score_points and the district indicators equal the DuckDB build's row for row (1e-9)."""

from __future__ import annotations

import shutil

import pytest

from basics.home import DBT_PROJECT_DIR
from tests.helpers.postgres_fixtures import PostgresWarehouse, built_on_postgres
from tests.postgres.compare import differences

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def sample_year_on_postgres(request, sample_year, tmp_path_factory) -> PostgresWarehouse:
    project = tmp_path_factory.mktemp("sample_year_postgres") / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml", "*.duckdb")
    )
    return built_on_postgres(request, project, sample_year.home.warehouse, "sample_year")


@pytest.mark.parametrize(
    "table", ["score_totals", "score_points", "district_month_indicators", "unit_month_scores"]
)
def test_sample_year_equal_on_both_backends(sample_year, sample_year_on_postgres, table):
    assert differences(sample_year.home.warehouse, sample_year_on_postgres.url, table) == []


def test_sample_year_has_scores_on_postgres(sample_year_on_postgres):
    """Not an empty comparison: the year's 12 months are scored for every unit on PostgreSQL."""
    from tests.helpers.postgres_build import query_postgres

    rows = query_postgres(
        sample_year_on_postgres.url,
        "select count(distinct month) as months, count(*) as n from marts.score_totals where year = 2021",
    )
    assert rows[0]["months"] == 12 and rows[0]["n"] > 100

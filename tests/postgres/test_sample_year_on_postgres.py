"""The sample year (`zhaoshang demo`) built again on PostgreSQL from the same raw tables and dbt project:
score_totals, score_points and the district indicators equal the DuckDB build's row for row (1e-9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from basics.home import DBT_PROJECT_DIR
from tests.helpers.postgres_fixtures import PostgresWarehouse, built_on_postgres
from tests.postgres.compare import differences

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of dbt_project/ (its own target folder)."""
    project = tmp_path_factory.mktemp("sample_year_postgres") / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml", "*.duckdb")
    )
    return project


@pytest.fixture(scope="module")
def sample_year_on_postgres(request, sample_year, project) -> PostgresWarehouse:
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


def test_committee_role_reads_the_marts_and_nothing_else(sample_year_on_postgres, postgres_server, project):
    """The committee's read-only role (granted by grant_readers) reads every mart, also after the next build
    replaced the tables; any write, and any read outside the marts, fails."""
    import psycopg
    from psycopg import errors

    from basics.postgres_warehouse import connect, grant_readers
    from basics.warehouse_url import parse
    from tests.helpers.postgres_build import dbt_postgres

    warehouse = parse(sample_year_on_postgres.url)
    with connect(warehouse, autocommit=True) as con:
        con.execute("create role committee login password 'committee-pw'")
    grant_readers(warehouse, "committee")
    reader = postgres_server.url(warehouse.dbname, user="committee", password="committee-pw")

    def read(sql: str) -> int:
        with psycopg.connect(reader) as con:
            return con.execute(sql).fetchone()[0]

    def refused(sql: str) -> None:
        with psycopg.connect(reader) as con, pytest.raises(errors.InsufficientPrivilege):
            con.execute(sql)

    assert read("select count(*) from marts.score_totals") > 100
    assert read("select count(*) from marts.score_points") > 100
    refused("insert into marts.score_totals (year, month, unit_code) values (2099, 1, 'X')")
    refused("update marts.score_totals set total_score = 100")
    refused("delete from marts.score_points")
    refused("drop table marts.score_totals")
    refused("create table marts.mine (a integer)")
    refused("create table public.mine (a integer)")
    refused("select count(*) from raw.ledger_rows")
    refused("select count(*) from staging.stg_ledger_rows")
    refused("select count(*) from intermediate.int_leads")

    # the writing role rebuilds a mart (a new table replaces the old one): the committee still reads it
    dbt_postgres(
        project, sample_year_on_postgres.url, project.parent / "target-postgres", "run", "-s", "score_totals"
    )
    assert read("select count(*) from marts.score_totals") > 100
    refused("delete from marts.score_totals")

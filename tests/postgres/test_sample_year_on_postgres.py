"""The sample year (`zhaoshang demo`) built again on PostgreSQL from the same raw tables and dbt project (the
session's `sample_year_on_postgres`): score_totals, score_points and the district indicators equal the DuckDB
build's row for row (1e-9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.postgres.compare import differences

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def project(sample_year_postgres_project) -> Path:
    """The copy of dbt_project/ the session's sample year was built with on PostgreSQL."""
    return sample_year_postgres_project


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


def _live_marts(url: str) -> tuple[int, float, int]:
    """(rows, sum of total_score, the table's oid) of the live marts.score_totals."""
    from tests.helpers.postgres_build import query_postgres

    row = query_postgres(
        url,
        "select count(*) as n, sum(total_score) as s, 'marts.score_totals'::regclass::oid as oid "
        "from marts.score_totals",
    )[0]
    return row["n"], float(row["s"]), int(row["oid"])


def test_readers_never_wait_for_a_build(sample_year, sample_year_on_postgres, project, postgres_server):
    """A build (publish) runs while 5 readers query score_totals in a loop as a read-only role: every read
    answers within 1 s and sees the whole table (same rows, same sum), before, during and after the switch;
    afterwards the marts are a new table (the switch happened), no __next/__old schema is left, and the
    role (granted once, before) still reads them."""
    import threading
    import time

    import psycopg

    from basics.postgres_warehouse import connect, grant_readers, publish
    from basics.warehouse_url import parse

    url = sample_year_on_postgres.url
    warehouse = parse(url)
    rows, total, oid_before = _live_marts(url)
    with connect(warehouse, autocommit=True) as con:
        con.execute("create role reader_during_build login")
    grant_readers(warehouse, "reader_during_build")
    reader_url = postgres_server.url(warehouse.dbname, user="reader_during_build")

    stop = threading.Event()
    seen: list[tuple[float, object]] = []

    def read_loop() -> None:
        with psycopg.connect(reader_url, autocommit=True) as con:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    n, s = con.execute("select count(*), sum(total_score) from marts.score_totals").fetchone()
                    got: object = (n, round(float(s), 9))
                except psycopg.Error as exc:
                    got = exc
                seen.append((time.perf_counter() - started, got))
                time.sleep(0.02)

    readers = [threading.Thread(target=read_loop) for _ in range(5)]
    for thread in readers:
        thread.start()
    try:
        done = publish(
            sample_year.home.warehouse,
            warehouse,
            project,
            project.parent / "target-publish",
        )  # the role granted the live marts above keeps its access to the new ones
        time.sleep(0.5)  # reads after the switch too
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert done.returncode == 0, done.stdout[-4000:]
    assert len(seen) > 100, len(seen)
    wrong = [got for _, got in seen if got != (rows, round(total, 9))]
    assert wrong == [], wrong[:5]
    slowest = max(latency for latency, _ in seen)
    print(f"{len(seen)} reads during the build, slowest {slowest * 1000:.0f} ms")
    assert slowest < 1.0
    rows_after, total_after, oid_after = _live_marts(url)
    assert (rows_after, round(total_after, 9)) == (rows, round(total, 9)) and oid_after != oid_before
    with psycopg.connect(reader_url) as con:
        assert con.execute("select count(*) from marts.score_points").fetchone()[0] > 100
        leftovers = con.execute(
            "select count(*) from pg_namespace where nspname like '%\\_\\_next' or nspname like '%\\_\\_old'"
        ).fetchone()[0]
    assert leftovers == 0


def test_a_second_build_at_once_is_refused_and_changes_nothing(sample_year, sample_year_on_postgres, project):
    """While one build holds the database's build lock, another is refused with one sentence (Chinese
    first) and the live marts stay as they were."""
    from basics.postgres_warehouse import BUILD_LOCK, BuildRunning, connect, publish
    from basics.warehouse_url import parse

    url = sample_year_on_postgres.url
    before = _live_marts(url)
    with connect(parse(url), autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", [BUILD_LOCK])
        with pytest.raises(BuildRunning) as refused:
            publish(sample_year.home.warehouse, parse(url), project, project.parent / "target-refused")
    assert str(refused.value).startswith("另一个构建正在写入仓库") and "another build" in str(refused.value)
    assert _live_marts(url) == before


def test_a_failed_build_leaves_the_live_warehouse_untouched(sample_year, sample_year_on_postgres, project):
    """A build whose model fails (division by zero on PostgreSQL) is not switched in: the live marts are the
    same table with the same rows, and its __next schemas are gone."""
    from basics.postgres_warehouse import publish
    from basics.warehouse_url import parse
    from tests.helpers.postgres_build import query_postgres

    broken = project.parent / "dbt_project_broken"
    shutil.copytree(project, broken, ignore=shutil.ignore_patterns("target", "logs"))
    (broken / "models" / "marts" / "zz_broken.sql").write_text(
        "select 1 / (count(*) - count(*)) as boom from {{ ref('score_totals') }}\n", encoding="utf-8"
    )
    url = sample_year_on_postgres.url
    before = _live_marts(url)
    done = publish(sample_year.home.warehouse, parse(url), broken, broken.parent / "target-broken")
    assert done.returncode != 0 and "zz_broken" in done.stdout
    assert _live_marts(url) == before
    leftovers = query_postgres(url, "select nspname from pg_namespace where nspname like '%\\_\\_next'")
    assert leftovers == []

"""`ZHAOSHANG_WAREHOUSE_URL=postgresql://… zhaoshang build` on the demo's home: the build (the same function
the demo's build step calls, `zhaoshang.commands.build.build`) also builds the warehouse on a real PostgreSQL
server, and its score_totals and score_points equal the DuckDB warehouse's row for row.

The demo itself runs once per session (`sample_year`); its home is copied and built with the setting here
(tests/postgres/conftest.py), the PostgreSQL world the other tests share. The whole demo with the setting
runs once more here: the officer's first command on a PostgreSQL home, from nothing."""

from __future__ import annotations

import pytest

from tests.conftest import zhaoshang
from tests.postgres.compare import differences

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_build_of_the_demo_home_with_a_postgresql_warehouse(sample_year_on_postgres):
    proc, home, url = sample_year_on_postgres.build, sample_year_on_postgres.home, sample_year_on_postgres.url
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (
        "PostgreSQL 仓库已更新 / the PostgreSQL warehouse was updated: postgresql://postgres@" in proc.stdout
    )
    for table in ("score_totals", "score_points"):
        assert differences(home / "warehouse.duckdb", url, table) == []


def test_demo_with_a_postgresql_warehouse(postgres_server, sample_year, tmp_path, monkeypatch):
    """`ZHAOSHANG_WAREHOUSE_URL=postgresql://… zhaoshang demo --home DIR` runs the whole demo (ingest,
    build, gate, submission, bulletin) against the server, and its score_totals equal its own DuckDB file's
    and the session's DuckDB demo's (`sample_year`)."""
    url = postgres_server.create_database("demo_home")
    monkeypatch.setenv("ZHAOSHANG_WAREHOUSE_URL", url)
    home = tmp_path / "home"
    proc = zhaoshang("demo", home=home)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (
        "PostgreSQL 仓库已更新 / the PostgreSQL warehouse was updated: postgresql://postgres@" in proc.stdout
    )
    for table in ("score_totals", "score_points"):
        assert differences(home / "warehouse.duckdb", url, table) == []
        assert differences(sample_year.home.warehouse, url, table) == []


def test_a_bad_warehouse_setting_is_one_sentence(tmp_path, monkeypatch):
    """A setting that is not duckdb or a PostgreSQL URL: the build says so in one sentence (exit 2)."""
    monkeypatch.setenv("ZHAOSHANG_WAREHOUSE_URL", "mysql://u:topsecret@h/d")
    (tmp_path / "home").mkdir()
    proc = zhaoshang("build", home=tmp_path / "home")
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "仓库设置" in proc.stderr and "topsecret" not in proc.stdout + proc.stderr

"""The warehouse setting (basics/warehouse_url.py): DuckDB by default, a PostgreSQL URL from the environment
or the home's settings.toml, one clear sentence for a bad value (never the password)."""

from __future__ import annotations

import pytest

from basics.errors import UserError
from basics.warehouse_url import ENV, configured, dbt_environment, parse


@pytest.mark.parametrize("text", [None, "", "  ", "duckdb", "DuckDB"])
def test_duckdb_is_the_default(text):
    warehouse = parse(text)
    assert warehouse.kind == "duckdb" and not warehouse.is_postgres
    assert dbt_environment(warehouse) == {}


def test_a_postgresql_url_is_parsed_into_dbt_profile_variables():
    warehouse = parse("postgresql://builder:s%40cret@db.example:6543/bureau?schema=district_a")
    assert (warehouse.host, warehouse.port, warehouse.user, warehouse.password) == (
        "db.example",
        6543,
        "builder",
        "s@cret",
    )
    assert (warehouse.dbname, warehouse.schema) == ("bureau", "district_a")
    assert dbt_environment(warehouse) == {
        "ZHAOSHANG_DBT_TARGET": "postgres",
        "ZHAOSHANG_PG_HOST": "db.example",
        "ZHAOSHANG_PG_PORT": "6543",
        "ZHAOSHANG_PG_USER": "builder",
        "ZHAOSHANG_PG_PASSWORD": "s@cret",
        "ZHAOSHANG_PG_DBNAME": "bureau",
        "ZHAOSHANG_PG_SCHEMA": "district_a",
    }
    assert "s@cret" not in warehouse.describe()


def test_defaults_port_user_and_schema():
    warehouse = parse("postgres://db/zs")
    assert (warehouse.port, warehouse.user, warehouse.password, warehouse.schema) == (
        5432,
        "postgres",
        "",
        "public",
    )


def test_conninfo_quotes_values():
    conninfo = parse("postgresql://u:a%27b@h/d").conninfo()
    assert "password='a\\'b'" in conninfo


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("mysql://u:p@h/d", "只支持 duckdb 与 PostgreSQL"),
        ("postgresql://u:topsecret@h:99999/d", "端口"),
        ("postgresql://u:topsecret@/d", "缺少主机名"),
        ("postgresql://u:topsecret@h/", "缺少数据库名"),
        ("postgresql://u:topsecret@h/d?schema=x;drop", "模式名"),
    ],
)
def test_a_bad_setting_is_one_sentence_without_the_password(text, why):
    with pytest.raises(UserError) as caught:
        parse(text)
    message = str(caught.value)
    assert message.startswith("仓库设置") and why in message and "/ the warehouse setting" in message
    assert "topsecret" not in message


def test_environment_wins_over_the_home_settings(tmp_path, monkeypatch):
    (tmp_path / "settings.toml").write_text('warehouse = "postgresql://u@home-host/zs"\n', encoding="utf-8")
    monkeypatch.delenv(ENV, raising=False)
    assert configured(tmp_path).host == "home-host"
    monkeypatch.setenv(ENV, "postgresql://u@env-host/zs")
    assert configured(tmp_path).host == "env-host"
    monkeypatch.setenv(ENV, "duckdb")
    assert configured(tmp_path).kind == "duckdb"


def test_no_setting_is_duckdb(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert configured(tmp_path).kind == "duckdb"
    assert configured(None).kind == "duckdb"


def test_a_broken_settings_file_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    (tmp_path / "settings.toml").write_text("warehouse = \n", encoding="utf-8")
    with pytest.raises(UserError, match="设置文件 .*settings.toml 无法读取"):
        configured(tmp_path)
    (tmp_path / "settings.toml").write_text("warehouse = 5\n", encoding="utf-8")
    with pytest.raises(UserError, match="warehouse 应为文本"):
        configured(tmp_path)


def test_a_postgresql_setting_without_the_extra_is_one_sentence(tmp_path, monkeypatch):
    """An installation without the `postgres` extra (here: one of its modules made unfindable) answers a
    PostgreSQL setting with one sentence naming what is missing, never the password; DuckDB is unaffected."""
    import basics.warehouse_url as warehouse_url

    monkeypatch.setattr(warehouse_url, "POSTGRES_MODULES", ("psycopg", "zhaoshang_absent.adapters"))
    monkeypatch.setenv(ENV, "postgresql://builder:topsecret@db/zs")
    with pytest.raises(UserError) as caught:
        configured(tmp_path)
    text = str(caught.value)
    assert "未安装 postgres 扩展" in text and "zhaoshang_absent.adapters" in text and "psycopg," not in text
    assert "topsecret" not in text and "\n" not in text
    monkeypatch.setenv(ENV, "duckdb")
    assert configured(tmp_path).kind == "duckdb"

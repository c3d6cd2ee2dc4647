"""The warehouse on PostgreSQL: connect, and load the raw tables that ingestion wrote.

First step of issue #23: ingestion still writes its raw tables into the home's DuckDB file (the archive and
the journal stay the home's); `load_raw_from_duckdb` copies the whole `raw` schema from that file into the
PostgreSQL database (COPY, values bound by the driver, never spliced into SQL), and dbt builds there with the
`postgres` target. Identifiers come from DuckDB's catalogue of our own raw schema and are quoted.

`publish` builds into fresh schemas (`marts__next` ...) and switches them in whole, in one transaction, once
every model and test passed: readers keep reading the last completed build meanwhile. `python -m
basics.postgres_warehouse --home DIR` publishes a home whose setting names PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from basics.errors import UserError
from basics.warehouse_url import Warehouse, configured, dbt_environment

RAW_SCHEMA = "raw"
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")
_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(38, 0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "BLOB": "bytea",
    "JSON": "jsonb",
}


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL column type for a DuckDB one (ValueError for a type the raw schema never uses)."""
    name = duckdb_type.upper()
    if name in _TYPES:
        return _TYPES[name]
    found = _DECIMAL.match(name)
    if found:
        return f"numeric({found[1]}, {found[2]})"
    raise ValueError(f"no PostgreSQL type for DuckDB type {duckdb_type}")


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect(warehouse: Warehouse, **kwargs):
    """A psycopg connection to the PostgreSQL warehouse."""
    import psycopg

    return psycopg.connect(warehouse.conninfo(), **kwargs)


def load_raw_from_duckdb(source: Path, warehouse: Warehouse, schema: str = RAW_SCHEMA) -> dict[str, int]:
    """Replace the PostgreSQL schema `schema` (default `raw`) by the DuckDB file's raw schema, in one
    transaction; rows per table. The staging views that read it are dropped with it (dbt creates them)."""
    src = duckdb.connect(str(source), read_only=True)
    try:
        columns = src.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_catalog = current_database() "
            "order by table_name, ordinal_position",
            [RAW_SCHEMA],
        ).fetchall()
        tables: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in columns:
            tables.setdefault(table, []).append((column, data_type))
        counts: dict[str, int] = {}
        with connect(warehouse) as con:
            con.execute(f"drop schema if exists {quote_identifier(schema)} cascade")
            con.execute(f"create schema {quote_identifier(schema)}")
            for table, cols in tables.items():
                target = f"{quote_identifier(schema)}.{quote_identifier(table)}"
                names = ", ".join(quote_identifier(c) for c, _ in cols)
                ddl = ", ".join(f"{quote_identifier(c)} {postgres_type(d)}" for c, d in cols)
                con.execute(f"create table {target} ({ddl})")
                rows = src.execute(f"select {names} from {RAW_SCHEMA}.{quote_identifier(table)}").fetchall()
                with con.cursor().copy(f"copy {target} ({names}) from stdin") as copy:
                    for row in rows:
                        copy.write_row(row)
                # statistics now, not when autovacuum comes round: without them the planner takes the fresh
                # tables for empty and joins 1.5 M ledger rows by nested loops (M: > 7 min in one model)
                con.execute(f"analyze {target}")
                counts[table] = len(rows)
        return counts
    finally:
        src.close()


READER_SCHEMAS = ("marts",)
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_readers(
    warehouse: Warehouse, role: str, writer: str | None = None, schemas: tuple[str, ...] = READER_SCHEMAS
) -> None:
    """Let `role` (the committee's read-only role, which must exist) read the marts and nothing else: usage
    on the marts schema and select on its tables and views, now and on those the writing role (`writer`,
    default the warehouse's user) creates later, since dbt replaces the tables on every build."""
    from psycopg import sql

    for name in (role, writer or warehouse.user):
        if not _ROLE.match(name):
            raise ValueError(f"not a plain role name: {name!r}")
    reader, owner = sql.Identifier(role), sql.Identifier(writer or warehouse.user)
    with connect(warehouse) as con:
        for schema in schemas:
            target = sql.Identifier(schema)
            con.execute(sql.SQL("create schema if not exists {}").format(target))
            con.execute(sql.SQL("grant usage on schema {} to {}").format(target, reader))
            con.execute(sql.SQL("grant select on all tables in schema {} to {}").format(target, reader))
            con.execute(
                sql.SQL(
                    "alter default privileges for role {} in schema {} grant select on tables to {}"
                ).format(owner, target, reader)
            )


def build_on_postgres(
    duckdb_file: Path, warehouse: Warehouse, project_dir: Path, target_path: Path, *dbt_args: str
) -> subprocess.CompletedProcess[str]:
    """Load `duckdb_file`'s raw tables into `warehouse`, then run `dbt build` (or `dbt_args`) there.

    `target_path` keeps this build's manifest apart from the DuckDB build's."""
    load_raw_from_duckdb(duckdb_file, warehouse)
    return run_dbt(warehouse, project_dir, target_path, *(dbt_args or ("build",)))


def run_dbt(
    warehouse: Warehouse, project_dir: Path, target_path: Path, *args: str, schema_suffix: str = ""
) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` with the `postgres` target pointed at `warehouse` (output captured); `schema_suffix`
    builds into `marts<suffix>` ... and reads `raw<suffix>`."""
    env = {**os.environ, **dbt_environment(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env["ZHAOSHANG_SCHEMA_SUFFIX"] = schema_suffix
    # no JIT compilation: the models' plans have estimated costs that set it off, and compiling takes longer
    # than running them (sample year at load 9: 69 s with JIT, 40 s without). No nested loops where a hash
    # join can do: the planner underestimates the latest-version filter of stg_report_files (77 rows for
    # 15,340) and joined M's 1.5 M ledger rows to themselves by a nested loop (> 7 min for one model)
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c jit=off -c enable_nestloop=off").strip()
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [
            str(dbt),
            *args,
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            "--target-path",
            str(target_path),
            "--log-path",
            str(target_path / "logs"),
        ],  # fmt: skip
        env=env,
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=False,
    )


# readers never wait: build into fresh schemas, switch them in whole ------------------------------------

BUILD_SCHEMAS = (RAW_SCHEMA, "seeds", "staging", "intermediate", "marts")
NEXT, OLD = "__next", "__old"
BUILD_LOCK = 0x7A68_0023  # pg advisory lock: one build at a time per database


class BuildRunning(UserError):
    """Another build holds the database's build lock."""

    def __init__(self, warehouse: Warehouse) -> None:
        super().__init__(
            f"另一个构建正在写入仓库 {warehouse.describe()}，本次未开始；请等其完成后再运行"
            f" / another build is writing the warehouse {warehouse.describe()}: this one did not start;"
            " run it again once that one has finished.",
            exit_code=1,
        )


def publish(
    duckdb_file: Path,
    warehouse: Warehouse,
    project_dir: Path,
    target_path: Path,
    readers: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """Build the warehouse on PostgreSQL while readers keep reading the last completed build.

    One build at a time (an advisory lock; a second one is refused with BuildRunning). The raw tables and
    every dbt schema are written as `<schema>__next`; only when dbt passed are the `readers`, and every role
    that could read the live marts, granted the new marts, and all schemas renamed in one transaction (old →
    `__old`, dropped afterwards). A failed build drops its `__next` schemas and leaves the live ones
    untouched."""
    with connect(warehouse, autocommit=True) as lock:
        if not lock.execute("select pg_try_advisory_lock(%s)", [BUILD_LOCK]).fetchone()[0]:
            raise BuildRunning(warehouse)
        _drop_schemas(warehouse, NEXT)
        load_raw_from_duckdb(duckdb_file, warehouse, schema=RAW_SCHEMA + NEXT)
        done = run_dbt(warehouse, project_dir, target_path, "build", schema_suffix=NEXT)
        if done.returncode != 0:
            _drop_schemas(warehouse, NEXT)
            return done
        for role in sorted(set(readers) | set(readers_of(warehouse, "marts"))):
            grant_readers(warehouse, role, schemas=("marts" + NEXT,))
        _switch(warehouse)
        _drop_schemas(warehouse, OLD)
        return done


def readers_of(warehouse: Warehouse, schema: str) -> list[str]:
    """The roles granted usage on `schema` (its owner and PUBLIC aside)."""
    with connect(warehouse) as con:
        rows = con.execute(
            "select distinct r.rolname from pg_namespace as n cross join lateral aclexplode(n.nspacl) as a "
            "inner join pg_roles as r on r.oid = a.grantee "
            "where n.nspname = %s and a.privilege_type = 'USAGE' and a.grantee <> n.nspowner order by 1",
            [schema],
        ).fetchall()
    return [row[0] for row in rows]


def _drop_schemas(warehouse: Warehouse, suffix: str) -> None:
    with connect(warehouse) as con:
        for schema in BUILD_SCHEMAS:
            con.execute(f"drop schema if exists {quote_identifier(schema + suffix)} cascade")


def _switch(warehouse: Warehouse) -> None:
    """live → __old and __next → live for every schema, in one transaction (catalogue renames only)."""
    with connect(warehouse) as con:
        present = {
            row[0]
            for row in con.execute(
                "select nspname from pg_namespace where nspname = any(%s)", [list(BUILD_SCHEMAS)]
            )
        }
        for schema in BUILD_SCHEMAS:
            if schema in present:
                con.execute(
                    f"alter schema {quote_identifier(schema)} rename to {quote_identifier(schema + OLD)}"
                )
            con.execute(
                f"alter schema {quote_identifier(schema + NEXT)} rename to {quote_identifier(schema)}"
            )


def main(argv: list[str] | None = None) -> int:
    """Copy a home's raw tables to its PostgreSQL warehouse and build the models there."""
    from basics.home import DBT_PROJECT_DIR, Home

    parser = argparse.ArgumentParser(prog="python -m basics.postgres_warehouse", description=main.__doc__)
    parser.add_argument("--home", default=None, help="the home folder (default $ZHAOSHANG_HOME, else ./var)")
    parser.add_argument(
        "--reader", action="append", default=[], help="a read-only role granted the new marts (repeatable)"
    )
    args = parser.parse_args(argv)
    home = Home.resolve(args.home)
    warehouse = configured(home.root)
    if not warehouse.is_postgres:
        print(
            "仓库设置为 duckdb，无需复制；请设置 $ZHAOSHANG_WAREHOUSE_URL 或 settings.toml 的 warehouse"
            " / the warehouse setting is duckdb: set $ZHAOSHANG_WAREHOUSE_URL or warehouse in settings.toml.",
            file=sys.stderr,
        )
        return 2
    try:
        done = publish(
            home.warehouse, warehouse, DBT_PROJECT_DIR, home.root / "dbt-postgres", readers=tuple(args.reader)
        )
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    print(done.stdout[-3000:], done.stderr[-2000:], sep="\n")
    zh, en = ("完成", "done") if done.returncode == 0 else ("失败", "failed")
    print(f"PostgreSQL 仓库构建{zh} / the build on PostgreSQL {en}: {warehouse.describe()}")
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Read-only access to the warehouse for the commands that print from it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from basics.errors import UserError
from basics.home import Home
from basics.warehouse_access import open_warehouse


@contextmanager
def read_only(home: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, or a UserError telling how to create the warehouse."""
    if not home.warehouse.exists():
        raise UserError(
            f"There is no warehouse in {home.root}.",
            "Run `zhaoshang ingest` and `zhaoshang build` first (or `zhaoshang demo`).",
        )
    con = open_warehouse(home.warehouse, read_only=True)
    try:
        yield con
    finally:
        con.close()


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def require_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    if not has_table(con, schema, table):
        raise UserError(f"The warehouse has no {schema}.{table} yet.", "Run `zhaoshang build` first.")

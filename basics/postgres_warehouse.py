"""The warehouse on PostgreSQL: connect, and load the raw tables that ingestion wrote.

First step of issue #23: ingestion still writes its raw tables into the home's DuckDB file (the archive and
the journal stay the home's); `load_raw_from_duckdb` copies the whole `raw` schema from that file into the
PostgreSQL database (COPY, values bound by the driver, never spliced into SQL), and dbt builds there with the
`postgres` target. Identifiers come from DuckDB's catalogue of our own raw schema and are quoted.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from basics.warehouse_url import Warehouse

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


def load_raw_from_duckdb(source: Path, warehouse: Warehouse) -> dict[str, int]:
    """Replace the PostgreSQL `raw` schema by the DuckDB file's (in one transaction); rows per table.

    The staging views that read raw are dropped with it (dbt creates them again)."""
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
            con.execute(f"drop schema if exists {RAW_SCHEMA} cascade")
            con.execute(f"create schema {RAW_SCHEMA}")
            for table, cols in tables.items():
                target = f"{RAW_SCHEMA}.{quote_identifier(table)}"
                names = ", ".join(quote_identifier(c) for c, _ in cols)
                ddl = ", ".join(f"{quote_identifier(c)} {postgres_type(d)}" for c, d in cols)
                con.execute(f"create table {target} ({ddl})")
                rows = src.execute(f"select {names} from {RAW_SCHEMA}.{quote_identifier(table)}").fetchall()
                with con.cursor().copy(f"copy {target} ({names}) from stdin") as copy:
                    for row in rows:
                        copy.write_row(row)
                counts[table] = len(rows)
        return counts
    finally:
        src.close()

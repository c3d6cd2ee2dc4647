"""Row-for-row comparison of a mart between the DuckDB warehouse and the same build on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from tests.helpers.postgres_build import query_postgres

TOLERANCE = 1e-9


def _value(value):
    return float(value) if isinstance(value, Decimal) else value


def _sort_key(row: tuple) -> tuple:
    return tuple(
        (0, "") if v is None else (1, f"{v:.6f}") if isinstance(v, float) else (1, str(v)) for v in row
    )


def mart_rows(warehouse: Path | str, table: str) -> tuple[list[str], list[tuple]]:
    """(column names, rows sorted) of marts.<table> from a DuckDB file or a PostgreSQL URL."""
    sql = f"select * from marts.{table}"
    if isinstance(warehouse, str):
        dicts = query_postgres(warehouse, sql)
        names = list(dicts[0]) if dicts else []
        rows = [tuple(_value(v) for v in d.values()) for d in dicts]
    else:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            rows = [tuple(_value(v) for v in row) for row in cursor.fetchall()]
        finally:
            con.close()
    return names, sorted(rows, key=_sort_key)


def differences(duckdb_warehouse: Path, postgres_url: str, table: str) -> list[str]:
    """Every difference between the two builds' marts.<table> (numbers to 1e-9); [] when equal."""
    names, left = mart_rows(duckdb_warehouse, table)
    other, right = mart_rows(postgres_url, table)
    if right and names != other:
        return [f"{table}: columns {names} on DuckDB, {other} on PostgreSQL"]
    if len(left) != len(right):
        return [f"{table}: {len(left)} rows on DuckDB, {len(right)} on PostgreSQL"]
    found = []
    for a, b in zip(left, right, strict=True):
        for name, x, y in zip(names, a, b, strict=True):
            same = x == y or (isinstance(x, float) and isinstance(y, float) and abs(x - y) <= TOLERANCE)
            if not same:
                found.append(f"{table}.{name}: {x!r} on DuckDB, {y!r} on PostgreSQL (row {a[:4]})")
    return found

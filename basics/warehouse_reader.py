"""One way to read the published warehouse, whichever engine holds it: the home's DuckDB file (the default)
or the PostgreSQL database its setting names (issue #23).

`open_reader` yields a `Reader`: `execute(sql, params)` with DuckDB's `?` placeholders and values bound by
the driver (never spliced into SQL), then `fetchone`, `fetchall` and `description` as on DuckDB. The SQL
the commands send is portable (information_schema, `unnest(?::integer[])`, `nulls last`), so the same text
runs on both. On PostgreSQL the session is read-only, and each statement reads the last build switched in
(`basics.postgres_warehouse.publish`): a reader never waits for a build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from basics.errors import UserError
from basics.warehouse_url import Warehouse, configured


class Reader:
    """A read-only connection to the published warehouse (DuckDB or PostgreSQL) with DuckDB's interface."""

    def __init__(self, backend: str, con: Any, warehouse: Warehouse, path: Path | None = None) -> None:
        self.backend = backend
        self.warehouse = warehouse
        self.path = path  # the DuckDB file (None on PostgreSQL)
        self._con = con
        self._cursor: Any = None

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgres"

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Reader:
        """Run one statement; `?` marks a bound value on either engine (so the SQL text holds no other `?`:
        values, never text, carry what came from outside)."""
        if not self.is_postgres:
            self._cursor = (
                self._con.execute(sql, list(params)) if params is not None else self._con.execute(sql)
            )
        elif params:
            self._cursor = self._con.execute(sql.replace("%", "%%").replace("?", "%s"), list(params))
        else:
            self._cursor = self._con.execute(sql)
        return self

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall()

    @property
    def description(self) -> Any:
        return self._cursor.description

    def check_readable(self) -> None:
        """Read every table of the DuckDB file once (a damaged block is named now); PostgreSQL checks its
        own pages, so there is nothing to do there."""
        if not self.is_postgres:
            from basics.warehouse_access import check_readable

            check_readable(self._con, self.path)

    def close(self) -> None:
        self._con.close()


def _postgres_unavailable(warehouse: Warehouse, exc: Exception) -> UserError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return UserError(
        f"无法连接 PostgreSQL 仓库 {warehouse.describe()}：{first}"
        f" / cannot connect to the PostgreSQL warehouse {warehouse.describe()}: {first}.",
        "请检查服务器是否运行、settings.toml 或 $ZHAOSHANG_WAREHOUSE_URL 的地址与密码"
        " / check that the server runs and the address and password of the warehouse setting.",
        exit_code=1,
    )


@contextmanager
def open_reader(
    home_root: Path, duckdb_file: Path, say: Callable[[str], None] | None = None, *, published: bool = True
) -> Iterator[Reader]:
    """The published warehouse of a home, read-only: PostgreSQL when its setting names it, else the DuckDB
    file (waiting, with one line, while another process holds it). `published=False`: the home's own DuckDB
    file whatever the setting (the writers' raw tables and submission record, which the home keeps)."""
    warehouse = configured(home_root) if published else Warehouse("duckdb")
    if warehouse.is_postgres:
        from basics.postgres_warehouse import connect

        try:
            con = connect(warehouse, autocommit=True)
            con.execute("set default_transaction_read_only = on")
            # the marts' views (score_point_rows) have plans whose estimated cost sets off JIT compilation:
            # 30 s of compiling for a query that runs in 2 s
            con.execute("set jit = off")
        except Exception as exc:  # psycopg.OperationalError: server down, wrong password …
            raise _postgres_unavailable(warehouse, exc) from None
        reader = Reader("postgres", con, warehouse)
    else:
        from basics.warehouse_access import open_warehouse

        reader = Reader(
            "duckdb", open_warehouse(duckdb_file, read_only=True, say=say), warehouse, duckdb_file
        )
    try:
        yield reader
    finally:
        reader.close()


def is_postgres_home(home_root: Path) -> bool:
    """Whether the home's published warehouse is PostgreSQL."""
    return configured(home_root).is_postgres

"""Read-only views of a test home's warehouse."""

from __future__ import annotations

from typing import Any

import duckdb

from basics.home import Home

# Normalised ledger fields compared between variants of the same report.
LEDGER_VALUE_COLUMNS = (
    "project_code, project_name, investor, name_key, investor_type, industry, origin, is_sci_tech, stage, "
    "contract_amount, funds_ytd, land_mu, signed_on, landed_on, started_on, producing_on, lead_id, "
    "feedback_on, note"
)


def rows(home: Home, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Run a query on the home's warehouse (read-only) and return dicts."""
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def scalar(home: Home, sql: str, params: list[Any] | None = None) -> Any:
    return next(iter(rows(home, sql, params)[0].values()))


def ledger_values(home: Home) -> list[dict[str, Any]]:
    """The normalised ledger rows of every stored file, in row order."""
    return rows(home, f"select {LEDGER_VALUE_COLUMNS} from raw.ledger_rows order by version, row_number")


def table_counts(home: Home) -> dict[str, int]:
    tables = ("report_files", "ledger_rows", "lead_rows", "row_issues", "rejected_files")
    return {t: scalar(home, f"select count(*) from raw.{t}") for t in tables}

"""Which input made a dbt build fail: the failed model or test, and the file (and row) behind its rows.

Read from the build's own artifacts (`run_results.json`, `manifest.json`) and the copy it built (still there:
the live warehouse was not touched). A failing test's rows lead to the report or entries file through their
`file_sha256` (raw.report_files / raw.entry_rows), or to the method file through `method_code`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from basics import terms as t
from basics.warehouse_access import WarehouseDamaged, damage_text

MAX_FILES = 3


def _load(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _files(con: duckdb.DuckDBPyConnection, shas: list[str]) -> dict[str, str]:
    """sha256 -> the inbox path of the report or entries file."""
    if not shas:
        return {}
    found: dict[str, str] = {}
    for table in ("raw.report_files", "raw.entry_rows", "raw.rejected_files"):
        try:
            rows = con.execute(
                f"select distinct file_sha256, source_path from {table} where file_sha256 in "
                f"(select unnest(?::varchar[]))",
                [shas],
            ).fetchall()
        except duckdb.Error:
            continue
        for sha, source in rows:
            found.setdefault(sha, source)
    return found


def _method_files(con: duckdb.DuckDBPyConnection, codes: list[str]) -> list[str]:
    try:
        rows = con.execute(
            "select distinct file from marts.score_methods "
            "where method_code in (select unnest(?::varchar[]))",
            [[str(c) for c in codes]],
        ).fetchall()
    except duckdb.Error:
        return []
    return [f"methods/{file}" for (file,) in rows if file]


def _culprits(
    con: duckdb.DuckDBPyConnection, node: dict[str, Any], manifest: dict[str, Any], sql: str
) -> str:
    """Where the failing rows of a test come from: ' — file row N, …' (empty when it cannot be told)."""
    try:
        cursor = con.execute(f"select * from ({sql}) as failing limit 50")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error:
        return ""
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    if records and "method_code" in columns:
        files = _method_files(con, sorted({r["method_code"] for r in records if r["method_code"]}))
        if files:
            return ", ".join(files)
    lineage: list[tuple[str, Any, Any]] = []
    if "file_sha256" in columns:
        lineage = [(r["file_sha256"], r.get("sheet"), r.get("row_number")) for r in records]
    else:
        column = node.get("column_name")
        model = manifest.get("nodes", {}).get(node.get("attached_node") or "", {})
        relation = model.get("relation_name")
        if column and relation and records:
            values = [next(iter(r.values())) for r in records]
            try:
                lineage = con.execute(
                    f"select distinct file_sha256, null, null from {relation} "
                    f'where "{column}" is not distinct from ?::varchar '
                    f"limit {MAX_FILES}",
                    [None if values[0] is None else str(values[0])],
                ).fetchall()
            except duckdb.Error:
                lineage = []
    if not lineage:
        return ""
    paths = _files(con, sorted({sha for sha, _, _ in lineage if sha}))
    out: list[str] = []
    for sha, sheet, row in lineage:
        if sha not in paths:
            continue
        where = paths[sha] + (f" {sheet}" if sheet else "") + (f" 第{row}行 row {row}" if row else "")
        if where not in out:
            out.append(where)
    return ", ".join(out[:MAX_FILES])


def explain_failure(target_path: Path, building: Path, live: Path) -> str:
    """One sentence: the failed model or test and the input behind it; the previous build stays."""
    results = _load(Path(target_path) / "run_results.json").get("results", [])
    manifest = _load(Path(target_path) / "manifest.json")
    failed = [r for r in results if r.get("status") in ("fail", "error")]
    if any(damage_text(str(r.get("message") or "")) for r in failed):
        return WarehouseDamaged(live).message
    head = (
        f"{t.BUILD}未通过，{t.WAREHOUSE}保持上一次的结果"
        " / the build failed; the warehouse keeps the previous build"
    )
    if not failed:
        return f"{head}."
    result = failed[0]
    uid = result.get("unique_id", "")
    node = manifest.get("nodes", {}).get(uid, {})
    name = node.get("name") or uid.split(".")[-1]
    kind = node.get("resource_type") or uid.split(".")[0]
    message = " ".join(str(result.get("message") or "").split())[:300]
    source = ""
    if kind == "test":
        sql = result.get("compiled_code") or node.get("compiled_code")
        if sql:
            try:
                con = duckdb.connect(str(building), read_only=True)
            except duckdb.Error:
                con = None
            if con is not None:
                try:
                    source = _culprits(con, node, manifest, sql)
                finally:
                    con.close()
    more = f" (+{len(failed) - 1})" if len(failed) > 1 else ""
    where = f"；来自 from {source}" if source else ""
    return f"{head}: {kind} {name}{more} — {message}{where}."

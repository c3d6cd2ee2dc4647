"""The worked example of SPEC 3 as raw rows, scored by the floor (and, with --dbt, by the pipeline).

Platform X (P91): targets C 100, F 20, Q 1, M 0, R 0.5; period January–March 2021. Its March snapshot holds
(a) industrial, 世界500强, signed 2 Feb, 80 亿, funds 12, landed 10 Mar; (b) industrial, 其他, signed 5 Mar,
50 亿, funds 3; (c) 其他 industry, 上市公司, signed 10 Jan, 30 亿, funds 5. X shared a lead on 5 Jan that its
receiver Y (P92) signed on 20 Feb and landed on 25 Mar (+3); X missed the week ending 14 Mar (−1); a lead
Z (D91) shared to X on 1 Mar was answered on 12 Mar (−0.5). Expected: base 99.074, total 100.574.

    .venv/bin/python -m benchmarks.worked_example [--dbt]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from benchmarks.floor import FLOOR_TABLE, run_floor
from benchmarks.register import BenchUnit, copy_dbt_project, write_targets, write_units
from ingestion.raw_schema import ensure_raw_schema
from tests.helpers.spec6 import SPEC6_EXPORT

EXPECTED = {
    "value_c": 130.0,
    "score_c": 53.333,
    "value_f": 15.0,
    "score_f": 25.0,
    "value_q": 2.0,
    "score_q": 13.333,
    "value_m": 2.0,
    "score_m": None,
    "value_r": 1 / 3,
    "score_r": 7.407,
    "base_score": 99.074,
    "bonus": 3.0,
    "deductions": 1.5,
    "total_score": 100.574,
}
UNITS = [
    BenchUnit("P91", "示例平台X", "platform", date(2020, 1, 1), None),
    BenchUnit("P92", "示例平台Y", "platform", date(2020, 1, 1), None),
    BenchUnit("D91", "示例部门Z", "department", date(2020, 1, 1), None),
]
TARGETS = [(2021, "P91", 100, 20, 1, 0, 0.5), (2021, "P92", 50, 10, 1, 0, 0.3), (2021, "D91", 10, 0, 0, 0, 0)]
SUNDAYS = [date(2021, 1, 3) + timedelta(days=7 * i) for i in range(13)]  # 3 Jan .. 28 Mar
MISSED = {("P91", date(2021, 3, 14))}

D = date


def _ledger(unit: str, week_end: date) -> list[dict]:
    rows: list[dict] = []

    def add(code: str, industry: str, inv: str, stage: str, **kw: object) -> None:
        rows.append(
            {
                "project_code": code,
                "project_name": f"示例项目{code}",
                "investor": f"示例企业{code}",
                "industry": industry,
                "investor_type": inv,
                "origin": "yrd",
                "is_sci_tech": False,
                "stage": stage,
                **kw,
            }
        )

    if unit == "P91":
        if week_end >= D(2021, 2, 2):
            landed = week_end >= D(2021, 3, 10)
            add(
                "XA",
                "equipment",
                "global500",
                "landed" if landed else "signed",
                contract_amount=80.0,
                funds_ytd=12.0 if landed else None,
                signed_on=D(2021, 2, 2),
                landed_on=D(2021, 3, 10) if landed else None,
            )
        if week_end >= D(2021, 3, 5):
            add(
                "XB",
                "materials",
                "other",
                "signed",
                contract_amount=50.0,
                funds_ytd=3.0,
                signed_on=D(2021, 3, 5),
            )
        if week_end >= D(2021, 1, 10):
            add(
                "XC",
                "other",
                "listed",
                "signed",
                contract_amount=30.0,
                funds_ytd=5.0,
                signed_on=D(2021, 1, 10),
            )
        if week_end >= D(2021, 3, 1):
            add(
                "XD",
                "other",
                "other",
                "negotiating",
                lead_id="D91-L1",
                feedback_on=D(2021, 3, 12) if week_end >= D(2021, 3, 12) else None,
            )
    elif unit == "P92" and week_end >= D(2021, 1, 5):
        stage = "landed" if week_end >= D(2021, 3, 25) else "signed" if week_end >= D(2021, 2, 20) else "lead"
        add(
            "YA",
            "equipment",
            "other",
            stage,
            lead_id="P91-L1",
            feedback_on=D(2021, 1, 6),
            contract_amount=10.0 if stage != "lead" else None,
            signed_on=D(2021, 2, 20) if stage != "lead" else None,
            landed_on=D(2021, 3, 25) if stage == "landed" else None,
        )
    return rows


def _leads(unit: str, week_end: date) -> list[dict]:
    if unit == "P91" and week_end == D(2021, 1, 10):
        return [
            {
                "lead_id": "P91-L1",
                "project_name": "示例项目YA",
                "investor": "示例企业YA",
                "to_unit": "P92",
                "shared_on": D(2021, 1, 5),
            }
        ]
    if unit == "D91" and week_end == D(2021, 3, 7):
        return [
            {
                "lead_id": "D91-L1",
                "project_name": "示例项目XD",
                "investor": "示例企业XD",
                "to_unit": "P91",
                "shared_on": D(2021, 3, 1),
            }
        ]
    return []


def build_example(con: duckdb.DuckDBPyConnection) -> None:
    """Insert the example's reports into empty raw tables."""
    ensure_raw_schema(con)
    for unit in UNITS:
        for sunday in SUNDAYS:
            if (unit.unit_code, sunday) in MISSED:
                continue
            iso = sunday.isocalendar()
            label = f"{iso.year}-W{iso.week:02d}"
            sha = f"{unit.unit_code}-{label}"
            ledger, leads = _ledger(unit.unit_code, sunday), _leads(unit.unit_code, sunday)
            con.execute(
                "insert into raw.report_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'xlsx', 1, ?, ?, ?, null)",
                [
                    sha,
                    f"{label}/{unit.unit_code}.xlsx",
                    f"archive/{sha}.xlsx",
                    unit.unit_code,
                    iso.year,
                    iso.week,
                    label,
                    sunday - timedelta(days=6),
                    sunday,
                    datetime.combine(sunday, datetime.min.time()) + timedelta(days=1),
                    len(ledger),
                    len(leads),
                ],
            )
            for i, row in enumerate(ledger, start=2):
                row = {
                    "file_sha256": sha,
                    "unit_code": unit.unit_code,
                    "week_label": label,
                    "version": 1,
                    "sheet": "项目台账",
                    "row_number": i,
                    "name_key": f"{row['project_name']}|{row['investor']}",
                    **row,
                }
                cols = ", ".join(row)
                con.execute(
                    f"insert into raw.ledger_rows ({cols}) values ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
            for i, row in enumerate(leads, start=2):
                con.execute(
                    "insert into raw.lead_rows values (?, ?, ?, 1, '线索共享', ?, ?, ?, ?, ?, ?)",
                    [
                        sha,
                        unit.unit_code,
                        label,
                        i,
                        row["lead_id"],
                        row["project_name"],
                        row["investor"],
                        row["to_unit"],
                        row["shared_on"],
                    ],
                )


def write_seeds(seeds_dir: Path) -> None:
    write_units(UNITS, seeds_dir)
    write_targets(TARGETS, seeds_dir)


def x_march(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, object]:
    cur = con.execute(f"select * from {table} where year = 2021 and month = 3 and unit_code = 'P91'")
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else {}


def check(row: dict[str, object], tol: float = 5e-4) -> list[str]:
    """Differences between a scored row of X (March) and the worked example."""
    problems = []
    for col, want in EXPECTED.items():
        got = row.get(col)
        if want is None or got is None:
            if (want is None) != (got is None):
                problems.append(f"{col}: got {got!r}, expected {want!r}")
        elif abs(float(got) - want) > tol:
            problems.append(f"{col}: got {got!r}, expected {want!r}")
    return problems


def run(with_dbt: bool, work: Path) -> dict[str, list[str]]:
    """Score the example with the floor (and dbt); return the problems found per side."""
    project = copy_dbt_project(work / "dbt_project")
    seeds = project / "seeds"
    write_seeds(seeds)
    warehouse = work / "example.duckdb"
    warehouse.unlink(missing_ok=True)
    con = duckdb.connect(str(warehouse))
    build_example(con)
    run_floor(con, seeds)
    result = {"floor": check(x_march(con, FLOOR_TABLE))}
    con.close()
    if with_dbt:
        env = {**os.environ, "ZHAOSHANG_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        dbt = Path(sys.executable).with_name("dbt")
        for command in ("seed", "run"):
            proc = subprocess.run(
                [str(dbt), command, "--project-dir", str(project), "--profiles-dir", str(project)],
                env=env,
                cwd=project,
                capture_output=True,
                text=True,
            )
            if proc.returncode:
                break
        if proc.returncode:
            result["dbt"] = [f"dbt run failed: {proc.stdout[-2000:]}"]
        else:
            con = duckdb.connect(str(warehouse), read_only=True)
            result["dbt"] = check(x_march(con, SPEC6_EXPORT))
            con.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbt", action="store_true", help="also score the example with the dbt project")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="worked_example_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args.dbt, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for side, problems in result.items():
        print(f"{side}: " + ("matches the SPEC 3 worked example" if not problems else "; ".join(problems)))
    return 1 if any(result.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

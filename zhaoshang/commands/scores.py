"""`zhaoshang scores --month YYYY-MM [--csv]`: the month's ranking with every component."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from basics.labels import SCORE_COLUMNS, SCORE_COLUMNS_ZH, UNIT_TYPE_ZH
from basics.safe_text import neutralise, terminal_safe
from submission.figures import XLSX_FORMATS, rounded
from zhaoshang.text_table import render
from zhaoshang.warehouse import read_only, require_table, warn_if_stale

COLUMNS = list(SCORE_COLUMNS_ZH)
SCORE_QUERY = f"""
select {", ".join("s." + c if c != "name_zh" else "u.name_zh" for c in COLUMNS)}
from marts.unit_month_scores s
left join marts.dim_unit u on u.unit_code = s.unit_code
where s.year = ? and s.month = ?
order by s.unit_type, s.rank_in_type nulls last, s.unit_code
"""


def load_scores(home: Home, year: int, month: int) -> list[dict]:
    with read_only(home) as con:
        require_table(con, "marts", "unit_month_scores")
        rows = con.execute(SCORE_QUERY, [year, month]).fetchall()
        grades = dict(
            con.execute(
                "select unit_code, grade_zh from marts.score_totals where year = ? and month = ? "
                "and grade_zh is not null",
                [year, month],
            ).fetchall()
        )
    if not rows:
        raise UserError(
            f"{t.month_key(year, month)} 没有{t.SCORES} "
            f"/ there are no scores for {t.month_key(year, month)}.",
            f"请检查月份，或{t.INGEST}该月{t.WEEKLY_REPORT}后运行 `zhaoshang build` / check the month, or "
            "ingest that month's reports and run `zhaoshang build`.",
        )
    out = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    for row in out:
        row["grade_zh"] = grades.get(row["unit_code"])
    return out


KINDS: dict[str, str] = {column: kind for column, _, kind in SCORE_COLUMNS}


def export_cells(row: dict[str, Any]) -> list[Any]:
    """One unit's row as exported: Chinese unit type, figures rounded as in the submission."""
    out: list[Any] = []
    for column in COLUMNS:
        value = row[column]
        if column == "unit_type":
            value = UNIT_TYPE_ZH.get(value, value)
        elif column in KINDS and value is not None:
            value = rounded(float(value), KINDS[column])
        elif column == "rank_in_type" and value is not None:
            value = int(value)
        out.append(neutralise(value))
    return out


def write_csv(rows: list[dict[str, Any]], target: str) -> None:
    """UTF-8 with BOM (Excel and WPS open it as Chinese), Chinese headers; '-' is standard output.

    On a terminal, control and bidi characters in cells are shown escaped; a file or a pipe gets them as is.
    """
    on_terminal = target == "-" and sys.stdout.isatty()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([SCORE_COLUMNS_ZH[c] for c in COLUMNS])
    for row in rows:
        cells = ["" if v is None else v for v in export_cells(row)]
        writer.writerow([terminal_safe(v) if on_terminal and isinstance(v, str) else v for v in cells])
    data = buffer.getvalue().encode("utf-8-sig")
    if target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(target).write_bytes(data)
        print(f"已写出 / written: {Path(target).resolve()}")


def write_xlsx(rows: list[dict[str, Any]], target: str, year: int, month: int) -> None:
    """One sheet 单位得分: Chinese headers, the submission's number formats."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("单位得分")
    header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    formats = {kind: wb.add_format({"num_format": fmt, "border": 1}) for kind, fmt in XLSX_FORMATS.items()}
    text = wb.add_format({"border": 1})
    ws.write_string(0, 0, f"{t.month_zh(year, month)} {t.SCORES}（年初至月末累计）")
    for col, column in enumerate(COLUMNS):
        ws.write_string(2, col, SCORE_COLUMNS_ZH[column], header)
    for r, row in enumerate(rows, start=3):
        for col, (column, value) in enumerate(zip(COLUMNS, export_cells(row), strict=True)):
            if value is None:
                ws.write_blank(r, col, None, text)
            elif isinstance(value, int | float) and column in KINDS:
                ws.write_number(r, col, value, formats[KINDS[column]])
            elif isinstance(value, int | float):
                ws.write_number(r, col, value, text)
            else:
                ws.write_string(r, col, str(value), text)
    ws.set_column(0, len(COLUMNS) - 1, 12)
    ws.set_column(COLUMNS.index("name_zh"), COLUMNS.index("name_zh"), 26)
    ws.freeze_panes(3, 5)
    wb.close()
    print(f"已写出 / written: {Path(target).resolve()}")


def run(home: Home, year: int, month: int, csv_target: str | None, xlsx_target: str | None) -> int:
    rows = load_scores(home, year, month)
    warn_if_stale(home)
    if csv_target or xlsx_target:
        if xlsx_target:
            write_xlsx(rows, xlsx_target, year, month)
        if csv_target:
            write_csv(rows, csv_target)
        return 0
    print(f"{t.month_zh(year, month)} {t.SCORES}（年初至月末累计）/ scores year-to-date, {year}-{month:02d}")
    graded = any(r["grade_zh"] for r in rows)  # the method defines grades
    present = {r["unit_type"] for r in rows}
    for unit_type in [k for k in UNIT_TYPE_ZH if k in present] + sorted(present - set(UNIT_TYPE_ZH)):
        group = [r for r in rows if r["unit_type"] == unit_type]
        print(f"\n{UNIT_TYPE_ZH.get(unit_type, unit_type)} ({unit_type})")
        print(
            render(
                [
                    "排名",
                    t.UNIT_CODE,
                    "名称",
                    f"C {t.CONTRACT_AMOUNT}",
                    f"F {t.FUNDS_IN_PLACE}",
                    f"Q {t.QUALITY_PROJECTS}",
                    f"M {t.MAJOR_PROJECTS}",
                    f"R {t.LANDING_RATE}",
                    t.BASE_SCORE,
                    "加分",
                    t.DEDUCTIONS,
                    t.TOTAL_SCORE,
                    *([t.GRADE_SHORT] if graded else []),
                ],
                [
                    [
                        r["rank_in_type"],
                        r["unit_code"],
                        r["name_zh"],
                        r["score_c"],
                        r["score_f"],
                        r["score_q"],
                        r["score_m"],
                        r["score_r"],
                        r["base_score"],
                        r["bonus"],
                        r["deductions"],
                        r["total_score"],
                        *([r["grade_zh"] or "—"] if graded else []),
                    ]
                    for r in group
                ],
            )
        )
        print("  完成值/目标 (value/target):")
        print(
            render(
                [
                    t.UNIT_CODE,
                    f"C {t.HUNDRED_MILLION_YUAN}",
                    f"C {t.TARGET}",
                    f"F {t.HUNDRED_MILLION_YUAN}",
                    f"F {t.TARGET}",
                    "Q 个",
                    f"Q {t.TARGET}",
                    "M 个",
                    f"M {t.TARGET}",
                    "R",
                    f"R {t.TARGET}",
                ],
                [
                    [
                        r["unit_code"],
                        r["value_c"],
                        r["target_c"],
                        r["value_f"],
                        r["target_f"],
                        r["value_q"],
                        r["target_q"],
                        r["value_m"],
                        r["target_m"],
                        r["value_r"],
                        r["target_r"],
                    ]
                    for r in group
                ],
            )
        )
    print(
        f"\n— = 该指标不适用（{t.TARGET}为 0），其权重分给其他指标 / not applicable (target 0): its weight "
        f"goes to the others.\n加分与{t.DEDUCTIONS}明细 / bonus and deduction items: marts.score_items；"
        "每项得分背后的项目 / projects behind each score: marts.fct_unit_month_projects."
    )
    return 0

"""`zhaoshang scores --month YYYY-MM [--csv] [--xlsx]`: the month's ranking with every point of the method.

Read from `marts.score_points` / `score_totals` through `submission.score_sheet`: the columns are the items of
the method that scores the year (its own labels and order), so any method file shows its own table.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from basics.safe_text import neutralise, terminal_safe
from submission.figures import XLSX_FORMATS, rounded
from submission.score_sheet import GRADE_FIELD, TOTAL_FIELDS, ScoreSheet, UnitScore, fields, item_fields, load
from zhaoshang.text_table import render
from zhaoshang.warehouse import read_only, require_table, warn_if_stale


def load_scores(home: Home, year: int, month: int) -> ScoreSheet:
    with read_only(home) as con:
        require_table(con, "marts", "score_totals")
        sheet = load(con, [year], month)
    if not sheet.units:
        raise UserError(
            f"{t.month_key(year, month)} 没有{t.SCORES} "
            f"/ there are no scores for {t.month_key(year, month)}.",
            f"请检查月份，或{t.INGEST}该月{t.WEEKLY_REPORT}后运行 `zhaoshang build` / check the month, or "
            "ingest that month's reports and run `zhaoshang build`.",
        )
    return sheet


def export_value(value: Any, kind: str) -> Any:
    """A figure as exported: rounded as in the submission; ranks whole; text neutralised."""
    if value is None:
        return None
    if kind in XLSX_FORMATS:
        return rounded(float(value), kind)
    if kind == "rank":
        return int(value)
    return neutralise(value)


def write_csv(sheet: ScoreSheet, target: str) -> None:
    """UTF-8 with BOM (Excel and WPS open it as Chinese), Chinese headers; '-' is standard output.

    On a terminal, control and bidi characters in cells are shown escaped; a file or a pipe gets them as is.
    """
    on_terminal = target == "-" and sys.stdout.isatty()
    columns = fields(sheet)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f.header for f in columns])
    for unit in sheet.units:
        values = ["" if v is None else v for v in (export_value(f.read(unit), f.kind) for f in columns)]
        writer.writerow([terminal_safe(v) if on_terminal and isinstance(v, str) else v for v in values])
    data = buffer.getvalue().encode("utf-8-sig")
    if target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(target).write_bytes(data)
        print(f"已写出 / written: {Path(target).resolve()}")


def write_xlsx(sheet: ScoreSheet, target: str, year: int, month: int) -> None:
    """One sheet 单位得分: Chinese headers, the submission's number formats."""
    import xlsxwriter

    columns = fields(sheet)
    wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("单位得分")
    header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    formats = {kind: wb.add_format({"num_format": fmt, "border": 1}) for kind, fmt in XLSX_FORMATS.items()}
    text = wb.add_format({"border": 1})
    ws.write_string(0, 0, f"{t.month_zh(year, month)} {t.SCORES}")
    for col, field in enumerate(columns):
        ws.write_string(2, col, field.header, header)
    for r, unit in enumerate(sheet.units, start=3):
        for col, field in enumerate(columns):
            value = export_value(field.read(unit), field.kind)
            if value is None:
                ws.write_blank(r, col, None, text)
            elif field.kind in formats:
                ws.write_number(r, col, value, formats[field.kind])
            elif isinstance(value, int | float):
                ws.write_number(r, col, value, text)
            else:
                ws.write_string(r, col, str(value), text)
    ws.set_column(0, len(columns) - 1, 12)
    ws.set_column(3, 3, 26)
    ws.freeze_panes(3, 4)
    wb.close()
    print(f"已写出 / written: {Path(target).resolve()}")


def _group_rows(sheet: ScoreSheet) -> list[tuple[str, str, list[UnitScore]]]:
    groups: dict[tuple[int, str], list[UnitScore]] = {}
    for unit in sheet.units:
        groups.setdefault((unit.group_order, unit.group_code), []).append(unit)
    return [
        (units[0].group_code, units[0].group_label_zh or code, units)
        for (_, code), units in sorted(groups.items())
    ]


def run(home: Home, year: int, month: int, csv_target: str | None, xlsx_target: str | None) -> int:
    sheet = load_scores(home, year, month)
    warn_if_stale(home)
    if csv_target or xlsx_target:
        if xlsx_target:
            write_xlsx(sheet, xlsx_target, year, month)
        if csv_target:
            write_csv(sheet, csv_target)
        return 0
    columns = sheet.all_columns
    graded = [GRADE_FIELD] if sheet.graded else []  # the method defines grades
    print(f"{t.month_zh(year, month)} {t.SCORES} / scores, {year}-{month:02d}")
    for group_code, label, units in _group_rows(sheet):
        print(f"\n{t.SCORE_GROUP}：{label} ({group_code})")
        print(
            render(
                ["排名", t.UNIT_CODE, "名称"]
                + [c.header() for c in columns]
                + [f.header for f in TOTAL_FIELDS[:-1]]
                + [f.header for f in graded],
                [
                    [u.rank, u.unit_code, u.name_zh]
                    + [u.cell(c) for c in columns]
                    + [f.read(u) for f in TOTAL_FIELDS[:-1]]
                    + [f.read(u) or "—" for f in graded]
                    for u in units
                ],
            )
        )
        valued = [f for f in item_fields([c for c in columns if c.shows_value]) if f.kind != "score"]
        if valued:
            print(f"  完成值/{t.TARGET} (value/target):")
            print(
                render(
                    [t.UNIT_CODE] + [f.header for f in valued],
                    [[u.unit_code] + [export_value(f.read(u), f.kind) for f in valued] for u in units],
                )
            )
    print(
        f"\n— = 该指标不适用（{t.TARGET}为 0 或未下达）/ not applicable (no target). "
        f"{t.DEDUCTIONS}各项为负分，{t.DEDUCTIONS}合计以正数列示 / deduction items are negative, their total "
        "positive.\n每一分的来历 / where every point comes from: "
        "`zhaoshang explain --unit U --month YYYY-MM`."
    )
    return 0

"""The weekly workbook a unit fills: `封面`, `项目台账` pre-filled from its latest accepted snapshot,
`线索共享` and the read-only `待反馈线索`, with real Excel data validations, header comments, frozen and
protected headers.

Headers, sheet names, enumerations and rules come from their owners (`ingestion.columns`, the seeds through
`basics.registers`, the stage rules of `ingestion.row_rules`); nothing of the report format is retyped here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from basics import registers
from basics.registers import Unit
from ingestion.columns import COVER_SHEET, LEAD_COLUMNS, LEADS_SHEET, LEDGER_COLUMNS, LEDGER_SHEET, Column
from ingestion.discover import Week
from ingestion.row_rules import stage_rules
from unit_workbooks.sheet_style import (
    AMOUNT_FORMAT,
    DATE_FORMAT,
    open_workbook,
    printable,
    text_width,
    wrapped_height,
    write_value,
)
from unit_workbooks.snapshots import AwaitedLead, RawView, Snapshot

AWAITED_SHEET = "待反馈线索"
LISTS_SHEET = "下拉选项"  # hidden; holds a list too long for an inline validation (Excel: 255 characters)
EMPTY_ROWS = 1000  # validated rows below the pre-filled ones
DATE_RANGE = (date(1955, 1, 1), date(2118, 12, 31))  # the dates ingestion reads from Excel serial numbers
INLINE_LIST_LIMIT = 255

# Field-specific sentences of the header comments (SPEC 2.1/2.2); kind, required and stage rules are derived.
FIELD_NOTES: dict[str, str] = {
    "project_code": "本文件内唯一，每周保持不变（同一项目每周用同一编号）。",
    "funds_ytd": "本年1月1日以来累计到位资金（不是本周新增）。",
    "land_mu": "选填。",
    "lead_id": "承接其他单位共享的线索时填写该线索编号（见“待反馈线索”）。",
    "feedback_on": "首次反馈该线索的日期，应在共享后{days}日内。",
    "note": "选填。",
    "to_unit": "从下拉列表选择接收线索的单位（不能是本单位）。",
    "shared_on": "不晚于本报告周的周日。",
}
KIND_NOTES: dict[str, str] = {
    "amount": "不小于0的数值，单位{unit}（表头改为“(万元)”则按万元填写）。",
    "decimal": "不小于0的数值，单位{unit}。",
    "date": "日期，如 2021-02-03。",
    "yes_no": "是 或 否。",
}


def labels_of(seed: str) -> dict[str, str]:
    """English code -> Simplified label of an enumeration seed."""
    return {code: label for label, code in registers.labels(seed).items()}


def stages_requiring(field_name: str) -> list[str]:
    """Labels of the stages under which a ledger field is required (stages seed)."""
    out = []
    for rule in stage_rules().values():
        if field_name in rule.needs_dates or (field_name == "contract_amount" and rule.needs_amount):
            out.append(rule.label)
    return out


def header_note(column: Column, feedback_days: int) -> str:
    """The rule of a column, as its header comment says it (`feedback_days`: the year's method's deadline)."""
    parts = []
    if column.required:
        parts.append("必填。")
    if (stages := stages_requiring(column.field)) and column.field in {c.field for c in LEDGER_COLUMNS}:
        parts.append(f"项目阶段为{'、'.join(stages)}时必填。")
    if column.seed:
        parts.append(f"从下拉列表选择：{'、'.join(registers.labels(column.seed))}。")
    if column.kind in KIND_NOTES:
        parts.append(KIND_NOTES[column.kind].format(unit=column.default_unit))
    if column.field in FIELD_NOTES:
        parts.append(FIELD_NOTES[column.field].format(days=feedback_days))
    return "".join(parts) or "选填。"


def unit_choice(unit: Unit) -> str:
    """How the 接收单位 list shows a unit; ingestion reads it back as the unit code."""
    return f"{unit.unit_code} {unit.name_zh}"


@dataclass
class Template:
    """One written template: where, for whom, and what it was pre-filled from."""

    path: Path
    unit_code: str
    week_label: str
    prefilled_from: str | None  # 2021-W05 v1
    projects: int
    awaited_leads: list[AwaitedLead] = field(default_factory=list)


class _Formats:
    def __init__(self, book: Workbook) -> None:
        base = {"font_size": 10, "valign": "vcenter"}
        self.header = book.add_format(
            {**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"}
        )
        self.required_header = book.add_format(
            {**base, "bold": True, "bg_color": "#F8CBAD", "border": 1, "text_wrap": True, "align": "center"}
        )
        self.label = book.add_format({**base, "bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.fixed = book.add_format({**base, "border": 1})
        self.fixed_date = book.add_format({**base, "border": 1, "num_format": DATE_FORMAT})
        self.fill = book.add_format({**base, "border": 1, "locked": False, "bg_color": "#FFF2CC"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.note = book.add_format({**base, "text_wrap": True, "valign": "top"})
        self.missing = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.kind = {
            "text": book.add_format({**base, "locked": False, "num_format": "@"}),
            "number": book.add_format({**base, "locked": False, "num_format": AMOUNT_FORMAT}),
            "date": book.add_format({**base, "locked": False, "num_format": DATE_FORMAT}),
        }

    def for_column(self, column: Column) -> Any:
        if column.kind in ("amount", "decimal"):
            return self.kind["number"]
        if column.kind == "date":
            return self.kind["date"]
        return self.kind["text"]


def _cell_value(column: Column, value: Any, labels: dict[str, dict[str, str]]) -> Any:
    """A stored ledger value as the unit writes it (Chinese label, 是/否, 亿元, date)."""
    if value is None:
        return None
    if column.kind == "enum":
        return labels[column.seed or ""].get(value, value)
    if column.kind == "yes_no":
        return "是" if value else "否"
    return value


def _width(column: Column) -> int:
    wide = {"project_name": 30, "investor": 26, "note": 24, "lead_id": 16, "project_code": 14}
    return max(wide.get(column.field, 10), text_width(column.display) + 2)


class _Lists:
    """Validation lists: inline when short, else a range of the hidden lists sheet."""

    def __init__(self, book: Workbook) -> None:
        self.book, self.sheet, self.columns = book, None, 0

    def source(self, values: list[str]) -> list[str] | str:
        if len(",".join(values)) <= INLINE_LIST_LIMIT:
            return values
        if self.sheet is None:
            self.sheet = self.book.add_worksheet(LISTS_SHEET)
            self.sheet.hide()
        col = self.columns
        self.columns += 1
        for row, value in enumerate(values):
            self.sheet.write_string(row, col, value)
        letter = xl_col_to_name(col)
        return f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"


def _validation(column: Column, lists: _Lists, choices: dict[str, list[str]], latest: date) -> dict[str, Any]:
    """The Excel data validation of a column (error style 'stop': a value outside it is refused)."""
    title = column.header[:32]
    if column.kind in ("enum", "yes_no", "unit"):
        values = choices[column.field]
        return {
            "validate": "list",
            "source": lists.source(values),
            "error_title": title,
            "error_message": f"请从下拉列表选择：{'、'.join(values)}"[:255],
        }
    if column.kind in ("amount", "decimal"):
        return {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": title,
            "error_message": f"请填写不小于0的数值（单位：{column.default_unit}）。",
        }
    if column.kind == "date":
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": datetime.combine(DATE_RANGE[0], datetime.min.time()),
            "maximum": datetime.combine(latest, datetime.min.time()),
            "error_title": title,
            "error_message": f"请填写日期，如 2021-02-03（不晚于 {latest.isoformat()}）。",
        }
    return {}


def _write_table(
    book: Workbook,
    name: str,
    columns: tuple[Column, ...],
    rows: list[dict[str, Any]],
    fmt: _Formats,
    lists: _Lists,
    choices: dict[str, list[str]],
    latest_dates: dict[str, date],
    feedback_days: int,
) -> Worksheet:
    """A fillable sheet: protected header with comments, unlocked validated body, pre-filled rows."""
    ws = book.add_worksheet(name)
    labels = {c.seed: labels_of(c.seed) for c in columns if c.seed}
    last = len(rows) + EMPTY_ROWS
    ws.set_row(0, 36)
    for col, column in enumerate(columns):
        ws.set_column(col, col, _width(column), fmt.for_column(column))
        ws.write_string(0, col, column.display, fmt.required_header if column.required else fmt.header)
        ws.write_comment(
            0, col, f"{column.display}：{header_note(column, feedback_days)}", {"x_scale": 2, "y_scale": 1.3}
        )
        rule = _validation(column, lists, choices, latest_dates.get(column.field, DATE_RANGE[1]))
        if rule:
            ws.data_validation(1, col, last, col, rule)
        for r, row in enumerate(rows, start=1):
            value = _cell_value(column, row.get(column.field), labels)
            write_value(ws, r, col, value, fmt.for_column(column), fmt.kind["date"])
    ws.freeze_panes(1, 2 if columns is LEDGER_COLUMNS else 1)
    printable(ws, len(rows), len(columns) - 1)
    ws.repeat_rows(0)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    ws.protect(
        "",
        {
            "insert_rows": True,
            "delete_rows": True,
            "sort": True,
            "autofilter": True,
            "format_columns": True,
            "format_rows": True,
        },
    )
    return ws


def _unique_code(ws: Worksheet, col: int, last: int, what: str) -> None:
    """A custom validation refusing a code already used in the column."""
    letter = xl_col_to_name(col)
    ws.data_validation(
        1,
        col,
        last,
        col,
        {
            "validate": "custom",
            "value": f"=COUNTIF(${letter}:${letter},{letter}2)=1",
            "error_title": what,
            "error_message": f"{what}在本文件内必须唯一，此编号已使用。",
        },
    )


def _stage_highlights(ws: Worksheet, rows: int, fmt: _Formats) -> None:
    """Red fill on an amount or date left empty while the row's stage requires it (stages seed)."""
    stage_col = next(i for i, c in enumerate(LEDGER_COLUMNS) if c.field == "stage")
    stage = xl_col_to_name(stage_col)
    for col, column in enumerate(LEDGER_COLUMNS):
        stages = stages_requiring(column.field)
        if not stages:
            continue
        cell = xl_rowcol_to_cell(1, col, row_abs=False, col_abs=False)
        any_stage = ",".join(f'${stage}2="{label}"' for label in stages)
        ws.conditional_format(
            1,
            col,
            rows + EMPTY_ROWS,
            col,
            {"type": "formula", "criteria": f"=AND(OR({any_stage}),LEN({cell})=0)", "format": fmt.missing},
        )


COVER_WIDTHS = (14, 30, 40)


def _cover(book: Workbook, unit: Unit, week: Week, fmt: _Formats, source: Snapshot | None) -> None:
    ws = book.add_worksheet(COVER_SHEET)
    for col, width in enumerate(COVER_WIDTHS):
        ws.set_column(col, col, width)
    lines: list[tuple[str, Any, Any]] = [
        ("单位编号", unit.unit_code, fmt.fixed),  # B1: SPEC 2 checks it against the file name
        ("单位名称", unit.name_zh, fmt.fixed),
        ("报告周", week.label, fmt.fixed),
        ("起止日期", f"{week.start.isoformat()} 至 {week.end.isoformat()}", fmt.fixed),
        ("填报人", None, fmt.fill),
        ("联系电话", None, fmt.fill),
    ]
    for row, (label, value, cell_fmt) in enumerate(lines):
        ws.write_string(row, 0, label, fmt.label)
        write_value(ws, row, 1, value, cell_fmt)
    prefilled = (
        f"已按本单位 {source.week_label} 报表（第{source.version}版）预填 {len(source.rows)} 个项目。"
        if source
        else "数据仓库中尚无本单位已接收的报表，台账为空白。"
    )
    notes = [
        "填报说明 / How to fill",
        f"1. {prefilled}“{LEDGER_SHEET}”是本单位本周的全部项目：有变化的改写（阶段、金额、日期），"
        "新项目在表末新增一行，不再跟进的项目整行删除。",
        "2. 橙色表头为必填列；下拉列表、日期和金额已设校验，输入不符合的值会被拒绝；"
        "阶段要求的金额或日期缺失时单元格标红。将鼠标移到表头可查看填写规则。",
        f"3. 本周向其他单位共享的线索填入“{LEADS_SHEET}”；“{AWAITED_SHEET}”列出共享给本单位、"
        "尚待反馈的线索及反馈截止日期（仅供查阅）。",
        f"4. 保存为 .xlsx，文件名保持 {unit.unit_code}.xlsx，放入收件箱的 {week.label} 文件夹；"
        "表头已锁定（工作表保护，无密码）。",
    ]
    ws.set_row(7, 24)  # the 14 pt heading needs more than the default 15 pt row
    ws.write_string(7, 0, notes[0], fmt.title)
    for row, text in enumerate(notes[1:], start=8):
        ws.merge_range(row, 0, row, 2, text, fmt.note)
        ws.set_row(row, wrapped_height(text, COVER_WIDTHS[0] + COVER_WIDTHS[1] + COVER_WIDTHS[2]))
    printable(ws, 11, 2, landscape=False)
    ws.protect("", {"format_columns": True})


def _awaited(book: Workbook, leads: list[AwaitedLead], week: Week, fmt: _Formats, feedback_days: int) -> None:
    ws = book.add_worksheet(AWAITED_SHEET)
    units = registers.units()
    headers = [
        "线索编号",
        "项目名称",
        "投资主体",
        "共享单位",
        "共享日期",
        "反馈截止日期",
        f"截至{week.end.isoformat()}",
    ]
    widths = [14, 26, 24, 22, 12, 13, 14]
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, header, fmt.header)
    for r, lead in enumerate(leads, start=1):
        days = (lead.due_on - week.end).days
        status = f"已逾期{-days}天" if days < 0 else f"剩余{days}天"
        sharer = units.get(lead.sharer_unit)
        values = [
            lead.lead_id,
            lead.project_name,
            lead.investor,
            unit_choice(sharer) if sharer else lead.sharer_unit,
            lead.shared_on,
            lead.due_on,
            status,
        ]
        for col, value in enumerate(values):
            write_value(ws, r, col, value, fmt.fixed, fmt.fixed_date)
    if not leads:
        ws.write_string(1, 0, "无待反馈的线索。", fmt.fixed)
    tail = len(leads) + 3
    how = (
        f"反馈方式：在“{LEDGER_SHEET}”中为该线索的项目填写“线索编号”和“反馈日期”"
        f"（共享后{feedback_days}日内）。"
    )
    ws.merge_range(tail, 0, tail, len(headers) - 1, how, fmt.note)
    ws.set_row(tail, wrapped_height(how, sum(widths)))
    ws.freeze_panes(1, 1)
    printable(ws, tail, len(headers) - 1)
    ws.protect("")


def _choices(unit: Unit, week: Week) -> dict[str, list[str]]:
    out = {c.field: list(registers.labels(c.seed)) for c in (*LEDGER_COLUMNS, *LEAD_COLUMNS) if c.seed}
    out["is_sci_tech"] = ["是", "否"]
    out["to_unit"] = [
        unit_choice(u)
        for u in registers.units().values()
        if u.unit_code != unit.unit_code and u.active_on(week.end)
    ]
    return out


def write_template(view: RawView, unit: Unit, week: Week, out: Path) -> Template:
    """Write `<out>/<week>/<unit>.xlsx`, pre-filled from the unit's latest accepted week before `week`."""
    source = view.snapshot(unit.unit_code, view.week_before(unit.unit_code, week.label))
    awaited = view.awaiting(unit.unit_code, week.label, source)
    path = out / week.label / f"{unit.unit_code}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book = open_workbook(str(path), f"{unit.unit_code} {week.label} 周报")
    fmt = _Formats(book)
    lists = _Lists(book)
    choices = _choices(unit, week)
    rows = source.rows if source else []
    days = view.feedback_days(week.end.year)  # the deadline of the method scoring the week's year
    _cover(book, unit, week, fmt, source)
    ledger = _write_table(book, LEDGER_SHEET, LEDGER_COLUMNS, rows, fmt, lists, choices, {}, days)
    _unique_code(ledger, 0, len(rows) + EMPTY_ROWS, "项目编号")
    _stage_highlights(ledger, len(rows), fmt)
    ledger.activate()
    leads = _write_table(
        book, LEADS_SHEET, LEAD_COLUMNS, [], fmt, lists, choices, {"shared_on": week.end}, days
    )
    _unique_code(leads, 0, EMPTY_ROWS, "线索编号")
    _awaited(book, awaited, week, fmt, days)
    book.close()
    prefilled = f"{source.week_label} v{source.version}" if source else None
    return Template(path, unit.unit_code, week.label, prefilled, len(rows), awaited)


def write_templates(warehouse: Path, week: Week, units: list[str] | None, out: Path) -> list[Template]:
    """Templates of the named units (default: every unit active on the week's Sunday)."""
    register = registers.units()
    chosen = units or [code for code, u in register.items() if u.active_on(week.end)]
    con = duckdb.connect(str(warehouse), read_only=True) if warehouse.exists() else None
    try:
        view = RawView(con)
        return [write_template(view, register[code], week, out) for code in chosen]
    finally:
        if con is not None:
            con.close()


TEMPLATES_DIR = "templates"


def next_report_week(warehouse: Path, today: date | None = None) -> Week:
    """The week after the newest week received (the current ISO week when nothing was received yet)."""
    newest = None
    if warehouse.exists():
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            view = RawView(con)
            newest = max((week for weeks in view.weeks.values() for week in weeks), default=None)
        finally:
            con.close()
    if newest is None:
        iso = (today or date.today()).isocalendar()
        return Week(iso.year, iso.week)
    year, number = newest.split("-W")
    iso = (date.fromisocalendar(int(year), int(number), 1) + timedelta(days=7)).isocalendar()
    return Week(iso.year, iso.week)

"""Write the submission workbook (.xlsx) and CSV. Every text cell goes through `neutralise`."""

from __future__ import annotations

import csv
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basics.safe_text import neutralise
from basics.sheet_print import fit_readable, title_height, wrapped_height
from basics.terms import SCORE_GROUP
from basics.times import beijing_date, beijing_time
from submission.figures import (
    XLSX_FORMATS,
    IndicatorRow,
    as_text,
    period_label,
    rounded,
)
from submission.score_sheet import GRADE_FIELD, TOTAL_FIELDS, Field, ScoreSheet, item_fields

if TYPE_CHECKING:
    from expectations.results import GateResult

TITLE = "市级考核关键指标"
SHEET_INDICATORS = "市级考核关键指标"
SHEET_CHECKS = "数据质量检查"
SHEET_SCORES = "单位得分"
SHEET_NOTES = "报送说明"
INDICATOR_HEADERS = ["序号", "类别", "指标", "数值", "单位", "目标", "完成率", "指标代码"]
RESULT_ZH = {True: "通过", False: "未通过"}
SEVERITY_ZH = {"blocking": "阻断", "warning": "警告"}


@dataclass(frozen=True)
class Content:
    """Everything one version of a month's submission shows."""

    year: int
    month: int
    version: int
    created_at: str
    indicators: list[IndicatorRow]
    unit_scores: ScoreSheet
    gate: GateResult
    waivers: dict[str, str]
    unit_names: dict[str, str]
    resubmit_reason: str | None

    @property
    def heading(self) -> str:
        return f"{TITLE}（{self.year}年{self.month}月，第{self.version}版）"


def indicator_table(content: Content) -> list[list[str]]:
    """The CSV table: Chinese headers, figures as text (亿元 2 decimals, shares as % with 1 decimal)."""
    rows = [INDICATOR_HEADERS]
    for i, r in enumerate(content.indicators, start=1):
        completion = as_text(r.completion, "ratio")
        rows.append(
            [
                str(i),
                r.label.section,
                r.label.label_zh,
                as_text(r.value, r.label.kind),
                r.label.unit,
                as_text(r.target, r.label.kind),
                completion,
                r.indicator,
            ]
        )
    return rows


def write_csv(path: Path, content: Content) -> Path:
    """UTF-8 with BOM (opens in Excel/WPS as Chinese), one row per indicator."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        for row in indicator_table(content):
            writer.writerow([neutralise(cell) for cell in row])
    return path


def write_xlsx(path: Path, content: Content) -> Path:
    """The workbook: indicators, quality checks, unit scores and notes; real number formats."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    fmt = _Formats(wb)
    _indicators_sheet(wb.add_worksheet(SHEET_INDICATORS), content, fmt)
    _checks_sheet(wb.add_worksheet(SHEET_CHECKS), content, fmt)
    _scores_sheet(wb.add_worksheet(SHEET_SCORES), content, fmt)
    _notes_sheet(wb.add_worksheet(SHEET_NOTES), content, fmt)
    wb.close()
    return path


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.text = wb.add_format({"border": 1, "valign": "vcenter"})
        self.wrap = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        self.note = wb.add_format({"text_wrap": True, "valign": "top", "font_size": 11})
        self.plain = wb.add_format({"valign": "vcenter"})
        self.number = {k: wb.add_format({"num_format": v, "border": 1}) for k, v in XLSX_FORMATS.items()}


def _print_setup(ws: Any, title_rows: tuple[int, int], pages_tall: int = 0, last_col: int = 0) -> None:
    """A4 landscape, one page wide while every text stays at 8 pt or more (`basics.sheet_print`), the title
    and header rows repeated on every page, page numbers."""
    # every text of these sheets is 11 pt, the page header and footer too (&11)
    if fit_readable(ws, last_col, smallest_font_pt=11) and pages_tall:
        ws.fit_to_pages(1, pages_tall)
    ws.repeat_rows(*title_rows)
    ws.set_header("&L&11&A")
    ws.set_footer("&C&11第 &P 页，共 &N 页")


def _text(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """A text cell that can never become a formula."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(neutralise(str(value))), fmt)


def _number(ws: Any, row: int, col: int, value: float | None, kind: str, fmt: _Formats) -> None:
    figure = rounded(value, kind)
    if figure is None:
        ws.write_blank(row, col, None, fmt.text)
    else:
        ws.write_number(row, col, figure, fmt.number[kind])


def _header(ws: Any, row: int, headers: list[str], fmt: _Formats) -> None:
    for col, name in enumerate(headers):
        _text(ws, row, col, name, fmt.header)


def _indicators_sheet(ws: Any, c: Content, fmt: _Formats) -> None:
    _text(ws, 0, 0, c.heading, fmt.title)
    _text(
        ws,
        1,
        0,
        f"统计期间：{period_label(c.year, c.month)}；金额单位：亿元；生成时间：{beijing_time(c.created_at)}"
        f"（北京时间）；数据质量检查：{RESULT_ZH[c.gate.passed]}",
    )
    _header(ws, 3, INDICATOR_HEADERS, fmt)
    ws.set_row(3, 20)
    for i, r in enumerate(c.indicators, start=1):
        row = 3 + i
        ws.write_number(row, 0, i, fmt.text)
        _text(ws, row, 1, r.label.section, fmt.text)
        _text(ws, row, 2, r.label.label_zh, fmt.text)
        _number(ws, row, 3, r.value, r.label.kind, fmt)
        _text(ws, row, 4, r.label.unit, fmt.text)
        _number(ws, row, 5, r.target, r.label.kind, fmt)
        _number(ws, row, 6, r.completion, "ratio", fmt)
        _text(ws, row, 7, r.indicator, fmt.text)
    ws.set_row(0, title_height(14))
    for col, width in enumerate([6, 16, 58, 12, 6, 12, 10, 30]):
        ws.set_column(col, col, width)
    end = 4 + len(c.indicators)
    ws.merge_range(end + 1, 0, end + 1, 7, "", fmt.note)
    _text(
        ws,
        end + 1,
        0,
        "注：目标、完成率空白表示该指标无市级年度目标，只报数值；最后一列为指标代码，供系统核对。",
        fmt.note,
    )
    _sign_off(ws, end + 3, c, fmt)
    ws.freeze_panes(4, 0)
    _print_setup(ws, (0, 3), pages_tall=1, last_col=7)


def _sign_off(ws: Any, row: int, c: Content, fmt: _Formats) -> None:
    """The sign-off block the city bureau expects under the main table (filled in and signed on paper)."""
    lines = [
        [((0, 2), "填报单位（盖章）：区招商投资促进局"), ((3, 5), "负责人（签字）："), ((6, 7), "联系人：")],
        [
            ((0, 2), f"填报日期：{beijing_date(c.created_at)}"),
            ((3, 5), "审核人（签字）："),
            ((6, 7), "联系电话："),
        ],
    ]
    for offset, cells in enumerate(lines):
        for (first, last), text in cells:
            ws.merge_range(row + offset, first, row + offset, last, str(neutralise(text)), fmt.plain)
        ws.set_row(row + offset, 26)


CHECK_HEADERS = ["检查名称", "级别", "结果", "问题数", "已豁免", "方式", "检查代码"]
FAILURE_HEADERS = [
    "检查名称",
    "级别",
    "单位编号",
    "周次",
    "项目编号",
    "项目名称",
    "值",
    "问题说明",
    "文件",
    "工作表",
    "行号",
    "已豁免",
    "规则代码",
    "检查代码",
]


# the failure list's columns: what the officer reads first, the codes for the system last
FAILURE_WIDTHS = [28, 6, 10, 9, 10, 16, 11, 44, 16, 8, 6, 8, 16, 18]
WRAPPED = (0, 5, 7, 8)  # check, project name, message, file: wrapped, the row as tall as they need


def _checks_sheet(ws: Any, c: Content, fmt: _Formats) -> None:
    title = f"数据质量检查（{c.gate.month_label}，周次 {', '.join(c.gate.weeks)}）"
    _text(ws, 0, 0, f"{title}：{RESULT_ZH[c.gate.passed]}", fmt.title)
    ws.set_row(0, title_height(14))
    _text(ws, 1, 0, f"检查时间：{beijing_time(c.gate.created_at)}（北京时间）")
    _header(ws, 2, CHECK_HEADERS, fmt)
    for i, check in enumerate(c.gate.checks, start=3):
        result = "已豁免" if check.passed and check.waived else RESULT_ZH[check.passed]
        for col, value in enumerate([check.label_zh, SEVERITY_ZH[check.severity], result]):
            _text(ws, i, col, value, fmt.text)
        ws.write_number(i, 3, check.failure_count, fmt.text)
        _text(ws, i, 4, "是" if check.waived else "", fmt.text)
        _text(ws, i, 5, "GX" if check.engine == "gx" else "SQL", fmt.text)
        _text(ws, i, 6, check.name, fmt.text)
    row = 4 + len(c.gate.checks)
    labels = {check.name: check.label_zh for check in c.gate.checks}
    _text(ws, row, 0, "问题清单（警告与已豁免项）" if c.gate.failures else "问题清单：无", fmt.title)
    ws.set_row(row, title_height(14))
    if c.gate.failures:
        _header(ws, row + 1, FAILURE_HEADERS, fmt)
        ws.set_row(row + 1, 20)
    for i, f in enumerate(c.gate.failures, start=row + 2):
        values = [
            labels.get(f.check, f.check),
            SEVERITY_ZH[f.severity],
            f.unit_code,
            f.week_label,
            f.project_code,
            f.project_name,
            f.value,
            f.message_zh,
            f.file,
            f.sheet,
        ]
        for col, value in enumerate(values):
            _text(ws, i, col, value, fmt.wrap if col in WRAPPED else fmt.text)
        ws.set_row(i, max(wrapped_height(str(values[c] or ""), FAILURE_WIDTHS[c], 11) for c in WRAPPED))
        if f.row is not None:
            ws.write_number(i, 10, f.row, fmt.text)
        _text(ws, i, 11, "是" if f.waived else "", fmt.text)
        _text(ws, i, 12, f.rule, fmt.text)
        _text(ws, i, 13, f.check, fmt.text)
    for col, width in enumerate(FAILURE_WIDTHS):
        ws.set_column(col, col, width)
    _print_setup(ws, (0, 2), last_col=len(FAILURE_WIDTHS) - 1)


SCORE_HEADERS = [SCORE_GROUP, "排名", "单位名称"]
SUB_HEADERS = {"value": "完成值", "target": "目标", "points": "得分"}
BLANK_SCORES = (
    "说明：各项按当年考核办法列示，得分保留两位小数；指标得分空白表示该单位该项目标为0或未下达，不参与计分"
    "（按办法分摊或计0分）；排名在同一考核分组内比较，并列者名次相同；"
    "各减分项目以负数列示，减分合计以正数列示；各项得分之和等于总分。"
)


def score_groups(sheet: ScoreSheet) -> list[tuple[str, list[tuple[Field, str]]]]:
    """The method's items for a two-row header: (item header, [(field, sub header)]); then the totals (and the
    grade, when the method defines grades)."""
    groups: list[tuple[str, list[tuple[Field, str]]]] = []
    for column in sheet.all_columns:
        fields = item_fields([column])
        if len(fields) == 1:
            groups.append((fields[0].header, [(fields[0], fields[0].header)]))
        else:
            header = column.header("value")
            groups.append((header, [(f, SUB_HEADERS[f.code.rsplit("_", 1)[1]]) for f in fields]))
    groups.extend((f.header, [(f, f.header)]) for f in TOTAL_FIELDS[:-1])
    if sheet.graded:  # the method defines grades (考核等次)
        groups.append((GRADE_FIELD.header, [(GRADE_FIELD, GRADE_FIELD.header)]))
    return groups


def _width(text: str) -> int:
    """Characters of column width a text needs (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _scores_sheet(ws: Any, c: Content, fmt: _Formats) -> None:
    _text(ws, 0, 0, f"各单位考核得分（{period_label(c.year, c.month)}）", fmt.title)
    ws.set_row(0, title_height(14))
    groups = score_groups(c.unit_scores)
    width = len(SCORE_HEADERS) + sum(len(cols) for _, cols in groups) + 1
    # the note wraps within the first page's width (name column and the first item groups: 106 characters)
    note_cols = min(width - 1, len(SCORE_HEADERS) + 8)
    ws.merge_range(1, 0, 1, note_cols, "", fmt.note)
    _text(ws, 1, 0, BLANK_SCORES, fmt.note)
    ws.set_row(1, wrapped_height(BLANK_SCORES, 9 + 5 + 24 + 8.5 * (note_cols - 2), 11))
    for col, header in enumerate(SCORE_HEADERS):
        ws.merge_range(2, col, 3, col, header, fmt.header)
    col = len(SCORE_HEADERS)
    for header, cols in groups:
        ws.set_column(col, col + len(cols) - 1, 8.5)
        if len(cols) == 1:
            ws.merge_range(2, col, 3, col, header, fmt.header)
            # the method's label whole on at most three lines (the merged header is two rows, 48 pt, tall)
            ws.set_column(col, col, max(8.5, math.ceil(_width(header) / 3) + 2))
        else:
            ws.merge_range(2, col, 2, col + len(cols) - 1, header, fmt.header)
            for k, (_, sub) in enumerate(cols):
                _text(ws, 3, col + k, sub, fmt.header)
        col += len(cols)
    ws.merge_range(2, col, 3, col, "单位编号", fmt.header)
    ws.set_row(2, 30)
    ws.set_row(3, 18)
    columns = [field for _, cols in groups for field, _ in cols]
    for i, unit in enumerate(c.unit_scores.units, start=4):
        _text(ws, i, 0, unit.group_label_zh or unit.group_code, fmt.text)
        if unit.rank is None:
            ws.write_blank(i, 1, None, fmt.text)
        else:
            ws.write_number(i, 1, unit.rank, fmt.text)
        _text(ws, i, 2, unit.name_zh, fmt.text)
        for k, field in enumerate(columns, start=len(SCORE_HEADERS)):
            value = field.read(unit)
            if field.kind == "text":
                _text(ws, i, k, value, fmt.text)
            else:
                _number(ws, i, k, None if value is None else float(value), field.kind, fmt)
        _text(ws, i, width - 1, unit.unit_code, fmt.text)
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 5)
    ws.set_column(2, 2, 24)
    ws.set_column(width - 1, width - 1, 8)
    ws.freeze_panes(4, 3)
    _print_setup(ws, (0, 3), last_col=width - 1)


def _notes_sheet(ws: Any, c: Content, fmt: _Formats) -> None:
    lines: list[tuple[str, str]] = [
        ("报送内容", c.heading),
        ("统计期间", period_label(c.year, c.month)),
        ("版本", f"第{c.version}版"),
        ("生成时间", f"{beijing_time(c.created_at)}（北京时间）"),
        (
            "数据质量检查",
            f"{RESULT_ZH[c.gate.passed]}（检查时间 {beijing_time(c.gate.created_at)}，北京时间）",
        ),
        (
            "口径说明",
            "金额单位为亿元，保留两位小数；占比与比率以百分数表示，保留一位小数；得分保留两位小数。",
        ),
    ]
    if c.resubmit_reason:
        lines.append(("重新报送理由", c.resubmit_reason))
    for unit, reason in sorted(c.waivers.items()):
        lines.append(("缺报豁免", f"{unit} {c.unit_names.get(unit, '')}：{reason}"))
    _header(ws, 0, ["项目", "内容"], fmt)
    for i, (key, value) in enumerate(lines, start=1):
        _text(ws, i, 0, key, fmt.text)
        _text(ws, i, 1, value, fmt.wrap)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 90, fmt.note)
    _print_setup(ws, (0, 0), last_col=1)

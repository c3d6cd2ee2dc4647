"""Write the submission workbook (.xlsx) and CSV. Every text cell goes through `neutralise`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basics.labels import SCORE_COLUMNS, UNIT_TYPE_ZH
from basics.safe_text import neutralise
from submission.figures import (
    XLSX_FORMATS,
    IndicatorRow,
    as_text,
    period_label,
    rounded,
)

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
    unit_scores: list[dict[str, Any]]
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
        self.header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.text = wb.add_format({"border": 1})
        self.number = {k: wb.add_format({"num_format": v, "border": 1}) for k, v in XLSX_FORMATS.items()}


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
        f"统计期间：{period_label(c.year, c.month)}；金额单位：亿元；生成时间：{c.created_at}；"
        f"数据质量检查：{RESULT_ZH[c.gate.passed]}",
    )
    _header(ws, 3, INDICATOR_HEADERS, fmt)
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
    for col, width in enumerate([6, 16, 44, 12, 6, 12, 10, 34]):
        ws.set_column(col, col, width)
    ws.freeze_panes(4, 0)


CHECK_HEADERS = ["检查项", "检查名称", "级别", "结果", "问题数", "已豁免", "方式"]
FAILURE_HEADERS = [
    "检查项",
    "级别",
    "单位编号",
    "周次",
    "项目编号",
    "项目名称",
    "规则",
    "值",
    "问题说明",
    "文件",
    "工作表",
    "行号",
    "已豁免",
]


def _checks_sheet(ws: Any, c: Content, fmt: _Formats) -> None:
    title = f"数据质量检查（{c.gate.month_label}，周次 {', '.join(c.gate.weeks)}）"
    _text(ws, 0, 0, f"{title}：{RESULT_ZH[c.gate.passed]}", fmt.title)
    _header(ws, 2, CHECK_HEADERS, fmt)
    for i, check in enumerate(c.gate.checks, start=3):
        result = "已豁免" if check.passed and check.waived else RESULT_ZH[check.passed]
        for col, value in enumerate([check.name, check.label_zh, SEVERITY_ZH[check.severity], result]):
            _text(ws, i, col, value, fmt.text)
        ws.write_number(i, 4, check.failure_count, fmt.text)
        _text(ws, i, 5, "是" if check.waived else "", fmt.text)
        _text(ws, i, 6, "GX" if check.engine == "gx" else "SQL", fmt.text)
    row = 4 + len(c.gate.checks)
    _text(ws, row, 0, "问题清单（警告与已豁免项）", fmt.title)
    _header(ws, row + 1, FAILURE_HEADERS, fmt)
    for i, f in enumerate(c.gate.failures, start=row + 2):
        values = [
            f.check,
            SEVERITY_ZH[f.severity],
            f.unit_code,
            f.week_label,
            f.project_code,
            f.project_name,
            f.rule,
            f.value,
            f.message_zh,
            f.file,
            f.sheet,
        ]
        for col, value in enumerate(values):
            _text(ws, i, col, value, fmt.text)
        if f.row is not None:
            ws.write_number(i, 11, f.row, fmt.text)
        _text(ws, i, 12, "是" if f.waived else "", fmt.text)
    for col, width in enumerate([24, 24, 8, 10, 10, 12, 24, 20, 60, 22, 10, 6, 8]):
        ws.set_column(col, col, width)


SCORE_HEADERS = ["单位类型", "排名", "单位编号", "单位名称", *[h for _, h, _ in SCORE_COLUMNS]]


def _scores_sheet(ws: Any, c: Content, fmt: _Formats) -> None:
    _text(ws, 0, 0, f"各单位考核得分（{period_label(c.year, c.month)}，得分保留两位小数）", fmt.title)
    _header(ws, 2, SCORE_HEADERS, fmt)
    for i, r in enumerate(c.unit_scores, start=3):
        _text(ws, i, 0, UNIT_TYPE_ZH.get(r["unit_type"], r["unit_type"]), fmt.text)
        if r["rank_in_type"] is None:
            ws.write_blank(i, 1, None, fmt.text)
        else:
            ws.write_number(i, 1, int(r["rank_in_type"]), fmt.text)
        _text(ws, i, 2, r["unit_code"], fmt.text)
        _text(ws, i, 3, r.get("name_zh"), fmt.text)
        for col, (name, _, kind) in enumerate(SCORE_COLUMNS, start=4):
            value = r.get(name)
            _number(ws, i, col, None if value is None else float(value), kind, fmt)
    ws.set_column(0, 0, 10)
    ws.set_column(3, 3, 26)
    ws.set_column(4, 3 + len(SCORE_COLUMNS), 12)
    ws.freeze_panes(3, 4)


def _notes_sheet(ws: Any, c: Content, fmt: _Formats) -> None:
    lines: list[tuple[str, str]] = [
        ("报送内容", c.heading),
        ("统计期间", period_label(c.year, c.month)),
        ("版本", f"第{c.version}版"),
        ("生成时间", c.created_at),
        ("数据质量检查", f"{RESULT_ZH[c.gate.passed]}（检查时间 {c.gate.created_at}）"),
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
        _text(ws, i, 1, value, fmt.text)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 90)

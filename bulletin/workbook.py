"""The committee's workbook: the bulletin's tables in full, ready to sort, filter and print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from basics.safe_text import neutralise
from basics.sheet_print import fit_readable, text_width, title_height, wrapped_height
from basics.times import beijing_time
from bulletin.content import Bulletin

KIND_ZH = {"indicator": "指标", "bonus": "加分", "deduction": "减分", "manual": "委员会评分"}


def write_workbook(path: Path, b: Bulletin) -> Path:
    """排名, 得分明细, 项目明细 and 线索共享 sheets; numbers as numbers, text never a formula."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
        }
    )
    cell = wb.add_format({"border": 1, "valign": "top"})
    wrapped = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
    score = wb.add_format({"border": 1, "num_format": "0.00"})
    subtitle = (
        f"统计期间：{b.period_zh}；金额单位：亿元；通报第{b.version}版，生成时间：{beijing_time(b.created_at)}"
        "（北京时间）"
    )
    if b.build is not None and b.build.built_at is not None:
        subtitle += f"；数据仓库计算时间：{beijing_time(b.build.built_at)}"
    if b.submitted is not None:
        subtitle += f"；本月已报送第{b.submitted.version}版"
        if b.submitted.differences:
            subtitle += f"，当前数据仓库与之有{len(b.submitted.differences)}项不同（见通报第1页）"

    def sheet(name: str, heading: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
        ws = wb.add_worksheet(name)
        # each column as wide as its longest text, up to 60; longer text wraps in a row as tall as it needs
        widths = [
            min(max([w] + [text_width(str(r[c])) + 2 for r in rows if isinstance(r[c], str)]), 60)
            for c, w in enumerate(widths)
        ]
        ws.write_string(0, 0, heading, title)
        ws.set_row(0, title_height(14))
        ws.write_string(1, 0, subtitle)
        for c, h in enumerate(headers):
            ws.write_string(3, c, h, head)
        ws.set_row(3, 30)
        for r, values in enumerate(rows, start=4):
            for c, v in enumerate(values):
                if v is None:
                    ws.write_blank(r, c, None, cell)
                elif isinstance(v, bool):
                    ws.write_string(r, c, "是" if v else "否", cell)
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v, score if isinstance(v, float) else cell)
                else:
                    long = text_width(str(v)) + 1 > widths[c]
                    ws.write_string(r, c, str(neutralise(str(v))), wrapped if long else cell)
            height = max(
                (wrapped_height(str(v), widths[c]) for c, v in enumerate(values) if isinstance(v, str)),
                default=0,
            )
            if height > 17:
                ws.set_row(r, height)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(4, 0)
        ws.autofilter(3, 0, 3 + len(rows), len(headers) - 1)
        fit_readable(ws, len(headers) - 1)  # one page wide only while every text stays at 8 pt or more
        ws.repeat_rows(3)
        ws.set_footer("&C第 &P 页，共 &N 页")

    indicator_labels = [label for _, label in b.indicators]
    sheet(
        "排名",
        f"各单位考核排名（{b.period_zh}）",
        ["单位类型", "排名", "上月排名", "单位名称", *indicator_labels, "加分", "减分", "总分", "单位编号"],
        [
            [
                b.group_label(s.group_code),
                s.rank,
                s.previous_rank,
                s.name_zh,
                *[s.item_points(code) for code, _ in b.indicators],
                s.kind_points("bonus"),
                -s.kind_points("deduction"),
                s.total,
                s.unit_code,
            ]
            for s in b.standings
        ],
        [10, 6, 8, 26, *[12] * len(indicator_labels), 8, 8, 9, 9],
    )
    sheet(
        "得分明细",
        f"各单位得分明细（{b.period_zh}，减分为负数，合计等于总分）",
        ["单位名称", "类别", "计分项目", "完成值", "目标", "完成比", "得分", "计算过程", "依据", "单位编号"],
        [
            [
                b.unit_names.get(p.unit_code, p.unit_code),
                KIND_ZH.get(p.kind, p.kind),
                p.item_label_zh,
                p.value,
                p.target,
                p.ratio,
                p.points,
                p.formula_zh,
                p.ref,
                p.unit_code,
            ]
            for s in b.standings
            for p in s.points
        ],
        [24, 8, 20, 10, 10, 10, 9, 56, 12, 9],
    )
    sheet(
        "项目明细",
        f"计入考核指标的项目（{b.period_zh}）",
        [
            "单位名称",
            "项目名称",
            "投资主体",
            "阶段",
            "产业",
            "协议引资额",
            "到位资金",
            "计入指标",
            "来源文件",
            "工作表",
            "行号",
        ],
        [
            [
                b.unit_names.get(unit, unit),
                p.name,
                p.investor,
                p.stage_zh,
                p.industry_zh,
                p.contract_amount,
                p.funds_ytd,
                " ".join(p.counted_in),
                p.source,
                p.sheet,
                p.row,
            ]
            for unit, projects in sorted(b.projects.items())
            for p in projects
        ],
        [22, 30, 26, 7, 12, 11, 10, 10, 22, 10, 6],
    )
    sheet(
        "线索共享",
        f"单位间线索共享（{b.year}年共享的线索，统计期间{b.period_zh}）",
        [
            "线索编号",
            "共享单位",
            "接收单位",
            "共享日期",
            "反馈期限",
            "反馈日期",
            "反馈超期",
            "已签约",
            "已落地",
        ],
        [
            [
                x.lead_id,
                b.unit_names.get(x.sharer, x.sharer),
                b.unit_names.get(x.receiver, x.receiver),
                x.shared_on.isoformat(),
                x.due_on.isoformat(),
                x.feedback_on.isoformat() if x.feedback_on else "未反馈",
                x.late,
                x.signed,
                x.landed,
            ]
            for x in b.leads
        ],
        [14, 24, 24, 12, 12, 12, 9, 8, 8],
    )
    wb.close()
    return path

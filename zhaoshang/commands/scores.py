"""`zhaoshang scores --month YYYY-MM [--csv]`: the month's ranking with every component."""

from __future__ import annotations

import csv
import sys

from basics.errors import UserError
from basics.home import Home
from basics.labels import SCORE_COLUMNS_ZH, UNIT_TYPE_ZH
from zhaoshang.text_table import render
from zhaoshang.warehouse import read_only, require_table

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
    if not rows:
        raise UserError(
            f"There are no scores for {year}-{month:02d}.",
            "Check the month, or ingest that month's reports and run `zhaoshang build`.",
        )
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def run(home: Home, year: int, month: int, as_csv: bool) -> int:
    rows = load_scores(home, year, month)
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow([SCORE_COLUMNS_ZH[c] for c in COLUMNS])
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
        return 0
    print(f"{year}年{month}月 考核得分（年初至月末累计） / scores year-to-date, {year}-{month:02d}")
    present = {r["unit_type"] for r in rows}
    for unit_type in [t for t in UNIT_TYPE_ZH if t in present] + sorted(present - set(UNIT_TYPE_ZH)):
        group = [r for r in rows if r["unit_type"] == unit_type]
        print(f"\n{UNIT_TYPE_ZH.get(unit_type, unit_type)} ({unit_type})")
        print(
            render(
                [
                    "排名",
                    "单位",
                    "名称",
                    "C 协议引资",
                    "F 到位资金",
                    "Q 优质",
                    "M 重大",
                    "R 转化率",
                    "基础分",
                    "加分",
                    "减分",
                    "总分",
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
                    ]
                    for r in group
                ],
            )
        )
        print("  完成值/目标 (value/target):")
        print(
            render(
                [
                    "单位",
                    "C 亿元",
                    "C 目标",
                    "F 亿元",
                    "F 目标",
                    "Q 个",
                    "Q 目标",
                    "M 个",
                    "M 目标",
                    "R",
                    "R 目标",
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
        "\n— = indicator not applicable (target 0): its weight goes to the others. "
        "Bonus and deduction items: marts.score_items; projects behind each score: "
        "marts.fct_unit_month_projects."
    )
    return 0

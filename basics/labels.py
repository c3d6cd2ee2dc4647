"""Chinese labels of output columns (code and tables stay English; the committee reads Chinese)."""

from __future__ import annotations

UNIT_TYPE_ZH = {"platform": "平台", "department": "部门", "bureau_section": "局内科室"}

# (column of marts.unit_month_scores, Chinese header, number format kind: amount | count | ratio | score)
SCORE_COLUMNS: list[tuple[str, str, str]] = [
    ("value_c", "协议引资额(亿元)", "amount"),
    ("target_c", "协议引资额目标(亿元)", "amount"),
    ("score_c", "协议引资额得分", "score"),
    ("value_f", "实际到位资金(亿元)", "amount"),
    ("target_f", "实际到位资金目标(亿元)", "amount"),
    ("score_f", "实际到位资金得分", "score"),
    ("value_q", "优质项目(个)", "count"),
    ("target_q", "优质项目目标(个)", "count"),
    ("score_q", "优质项目得分", "score"),
    ("value_m", "重大项目(个)", "count"),
    ("target_m", "重大项目目标(个)", "count"),
    ("score_m", "重大项目得分", "score"),
    ("value_r", "落地转化率", "ratio"),
    ("target_r", "落地转化率目标", "ratio"),
    ("score_r", "落地转化率得分", "score"),
    ("base_score", "基础得分", "score"),
    ("bonus", "信息共享加分", "score"),
    ("deductions", "减分", "score"),
    ("total_score", "总分", "score"),
]

SCORE_COLUMNS_ZH: dict[str, str] = {
    "year": "年度",
    "month": "月份",
    "unit_code": "单位编号",
    "name_zh": "单位名称",
    "unit_type": "单位类型",
    **{column: header for column, header, _ in SCORE_COLUMNS},
    "rank_in_type": "同类排名",
}

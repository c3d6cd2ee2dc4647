"""Chinese labels of output columns (code and tables stay English; the committee reads Chinese)."""

from __future__ import annotations

UNIT_TYPE_ZH = {"platform": "平台", "department": "部门", "bureau_section": "局内科室"}

SCORE_COLUMNS_ZH = {
    "year": "年度",
    "month": "月份",
    "unit_code": "单位编号",
    "name_zh": "单位名称",
    "unit_type": "单位类型",
    "value_c": "协议引资额(亿元)",
    "target_c": "协议引资额目标(亿元)",
    "score_c": "协议引资额得分",
    "value_f": "实际到位资金(亿元)",
    "target_f": "实际到位资金目标(亿元)",
    "score_f": "实际到位资金得分",
    "value_q": "优质项目(个)",
    "target_q": "优质项目目标(个)",
    "score_q": "优质项目得分",
    "value_m": "重大项目(个)",
    "target_m": "重大项目目标(个)",
    "score_m": "重大项目得分",
    "value_r": "落地转化率",
    "target_r": "落地转化率目标",
    "score_r": "落地转化率得分",
    "base_score": "基础得分",
    "bonus": "信息共享加分",
    "deductions": "减分",
    "total_score": "总分",
    "rank_in_type": "同类排名",
}

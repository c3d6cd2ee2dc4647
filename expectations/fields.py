"""Chinese headers of the report fields (SPEC 2.1/2.2), for messages and to match ingestion's row issues."""

from __future__ import annotations

import re
from typing import Any

LEDGER_FIELDS_ZH: dict[str, str] = {
    "project_code": "项目编号",
    "project_name": "项目名称",
    "investor": "投资主体",
    "investor_type": "企业类型",
    "industry": "产业类别",
    "origin": "来源地",
    "is_sci_tech": "科创类",
    "stage": "项目阶段",
    "contract_amount": "协议引资额",
    "funds_ytd": "本年实际到位资金",
    "land_mu": "用地",
    "signed_on": "签约日期",
    "landed_on": "落地日期",
    "started_on": "开工日期",
    "producing_on": "达产日期",
    "lead_id": "线索编号",
    "feedback_on": "反馈日期",
    "note": "备注",
}
LEAD_FIELDS_ZH: dict[str, str] = {
    "lead_id": "线索编号",
    "project_name": "项目名称",
    "investor": "投资主体",
    "to_unit": "接收单位",
    "shared_on": "共享日期",
}
OTHER_FIELDS_ZH: dict[str, str] = {
    "week_end": "报告周末日",
    "unit_code": "单位编号",
    "week_label": "周次",
    "indicator": "指标",
    "value": "数值",
}

_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")


def field_zh(field: str) -> str:
    """The Chinese header of a field (the field name itself when unknown)."""
    return LEDGER_FIELDS_ZH.get(field) or LEAD_FIELDS_ZH.get(field) or OTHER_FIELDS_ZH.get(field, field)


def field_of_header(header: str | None) -> str | None:
    """Map a header as the unit wrote it (spaces, brackets, Traditional characters) to the field name."""
    if not header:
        return None
    if header in LEDGER_FIELDS_ZH or header in LEAD_FIELDS_ZH:
        return header  # already a field name
    from zhconv import convert  # small, pure Python

    base = _BRACKETS.sub("", convert(header, "zh-cn")).replace(" ", "").replace("\u3000", "").strip()
    for fields in (LEDGER_FIELDS_ZH, LEAD_FIELDS_ZH):
        for name, zh in fields.items():
            if zh == base:
                return name
    return None


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas NA (scalars only)."""
    if value is None:
        return True
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like
        return False

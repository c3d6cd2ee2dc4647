"""How each unit fills in its report: script, amount unit, file type, date and yes/no style, column order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import zhconv

LEDGER_HEADERS: dict[str, str] = {
    "project_code": "项目编号",
    "project_name": "项目名称",
    "investor": "投资主体",
    "investor_type": "企业类型",
    "industry": "产业类别",
    "origin": "来源地",
    "is_sci_tech": "科创类",
    "stage": "项目阶段",
    "contract_amount": "协议引资额(亿元)",
    "funds_ytd": "本年实际到位资金(亿元)",
    "land_mu": "用地(亩)",
    "signed_on": "签约日期",
    "landed_on": "落地日期",
    "started_on": "开工日期",
    "producing_on": "达产日期",
    "lead_id": "线索编号",
    "feedback_on": "反馈日期",
    "note": "备注",
}
LEAD_HEADERS: dict[str, str] = {
    "lead_id": "线索编号",
    "project_name": "项目名称",
    "investor": "投资主体",
    "to_unit": "接收单位",
    "shared_on": "共享日期",
}
LEDGER_SHEET, LEAD_SHEET, COVER_SHEET = "项目台账", "线索共享", "封面"
AMOUNT_FIELDS = ("contract_amount", "funds_ytd")
TEXT_FIELDS = ("project_name", "investor", "investor_type", "industry", "origin", "stage", "note")
DATE_FIELDS = ("signed_on", "landed_on", "started_on", "producing_on", "feedback_on", "shared_on")
# zhconv picks rarer forms for two words of the ledger; use the ones the spec names (项目台账 → 項目台賬).
TRADITIONAL_FIXES = {"籤約": "簽約", "臺賬": "台賬"}
FIELDS = tuple(LEDGER_HEADERS)


@dataclass(frozen=True)
class Profile:
    traditional: bool = False
    wan: bool = False  # amounts in 万元
    csv: bool = False  # GB18030 CSV instead of a workbook
    date_style: str = "excel"  # excel | slash | cn | iso
    yes_no: tuple[Any, Any] = ("是", "否")
    cover: bool = True
    fullwidth: bool = False  # headers with full-width brackets
    columns: tuple[str, ...] = FIELDS
    empty_lead_sheet: bool = False  # keep a header-only 线索共享 sheet in weeks without leads


_SHUFFLED = (
    "project_name",
    "project_code",
    "stage",
    "industry",
    "investor",
    "origin",
    "investor_type",
    "contract_amount",
    "signed_on",
    "landed_on",
    "started_on",
    "producing_on",
    "funds_ytd",
    "is_sci_tech",
    "land_mu",
    "note",
    "lead_id",
    "feedback_on",
)
_STAGE_SECOND = ("project_code", "stage", *(f for f in FIELDS if f not in ("project_code", "stage")))
PROFILES: dict[str, Profile] = {
    "P01": Profile(empty_lead_sheet=True),
    "P02": Profile(yes_no=("Y", "N")),
    "P03": Profile(date_style="slash"),
    "P04": Profile(traditional=True),
    "P05": Profile(date_style="cn", fullwidth=True),
    "P06": Profile(columns=_SHUFFLED, yes_no=(1, 0)),
    "P07": Profile(date_style="slash", empty_lead_sheet=True),
    "D02": Profile(date_style="slash"),
    "D03": Profile(traditional=True, date_style="cn"),
    "D04": Profile(csv=True, date_style="iso"),
    "D05": Profile(cover=False, columns=tuple(f for f in FIELDS if f not in ("land_mu", "note"))),
    "D06": Profile(cover=False, yes_no=(1, 0)),
    "B01": Profile(empty_lead_sheet=True),
    "B02": Profile(wan=True),
    "B03": Profile(date_style="cn", columns=_STAGE_SECOND),
}


def profile(unit: str) -> Profile:
    return PROFILES.get(unit, Profile())


@cache
def traditional(text: str, strict: bool = False) -> str:
    """Traditional form of `text` that converts back to it with zhconv (else `text` itself, or raise)."""
    out = zhconv.convert(text, "zh-hant")
    for wrong, right in TRADITIONAL_FIXES.items():
        out = out.replace(wrong, right)
    if zhconv.convert(out, "zh-cn") != text:
        if strict:
            raise ValueError(f"{text!r} does not survive a Traditional round trip ({out!r})")
        return text
    return out


def label(text: str, prof: Profile) -> str:
    """A header, sheet name or enumeration label in the unit's script and bracket style."""
    out = traditional(text, strict=True) if prof.traditional else text
    return out.replace("(", "（").replace(")", "）") if prof.fullwidth else out


def ledger_headers(prof: Profile) -> list[str]:
    heads = []
    for f in prof.columns:
        h = LEDGER_HEADERS[f]
        if prof.wan and f in AMOUNT_FIELDS:
            h = h.replace("亿元", "万元")
        heads.append(label(h, prof))
    return heads


def lead_headers(prof: Profile) -> list[str]:
    return [label(h, prof) for h in LEAD_HEADERS.values()]


def cell(field: str, value: Any, prof: Profile) -> Any:
    """One value as the unit writes it (dates stay `date` for real Excel dates)."""
    if value is None:
        return None
    if isinstance(value, date):
        return _date(value, prof.date_style)
    if field == "is_sci_tech":
        return prof.yes_no[0 if value else 1]
    if field in AMOUNT_FIELDS and prof.wan:
        return round(value * 10000, 2)
    if isinstance(value, str) and prof.traditional and field in TEXT_FIELDS:
        return traditional(value, strict=field in ("investor_type", "industry", "origin", "stage"))
    return value


def _date(d: date, style: str) -> date | str:
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "iso":
        return d.isoformat()
    return d


def ledger_table(rows: list[dict[str, Any]], prof: Profile) -> list[list[Any]]:
    return [[cell(f, row[f], prof) for f in prof.columns] for row in rows]


def lead_table(rows: list[dict[str, Any]], prof: Profile) -> list[list[Any]]:
    return [[cell(f, row[f], prof) for f in LEAD_HEADERS] for row in rows]

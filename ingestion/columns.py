"""The columns of the weekly report (SPEC 2.1 ledger, 2.2 shared leads): header, field, kind and rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "enum", "yes_no", "amount", "decimal", "date", "unit"]

LEDGER_SHEET = "项目台账"
LEADS_SHEET = "线索共享"
COVER_SHEET = "封面"


@dataclass(frozen=True)
class Column:
    """One column of a report sheet; `header` is the Simplified header without its unit in brackets."""

    field: str
    header: str
    kind: Kind
    label_en: str
    required: bool = False  # plain "required": the column must exist and every row must have a value
    seed: str | None = None  # enumeration seed (labels -> English codes)
    default_unit: str | None = None  # unit assumed when the header names none (亿元, 亩)

    @property
    def display(self) -> str:
        """The header as the template writes it, e.g. 协议引资额(亿元)."""
        return f"{self.header}({self.default_unit})" if self.default_unit else self.header


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("project_code", "项目编号", "text", "project code", required=True),
    Column("project_name", "项目名称", "text", "project name", required=True),
    Column("investor", "投资主体", "text", "investor", required=True),
    Column("investor_type", "企业类型", "enum", "investor type", required=True, seed="investor_types"),
    Column("industry", "产业类别", "enum", "industry", required=True, seed="industries"),
    Column("origin", "来源地", "enum", "origin", required=True, seed="origins"),
    Column("is_sci_tech", "科创类", "yes_no", "sci-tech flag", required=True),
    Column("stage", "项目阶段", "enum", "stage", required=True, seed="stages"),
    Column("contract_amount", "协议引资额", "amount", "contract amount", default_unit="亿元"),
    Column("funds_ytd", "本年实际到位资金", "amount", "funds arrived this year", default_unit="亿元"),
    Column("land_mu", "用地", "decimal", "land (mu)", default_unit="亩"),
    Column("signed_on", "签约日期", "date", "signing date"),
    Column("landed_on", "落地日期", "date", "landing date"),
    Column("started_on", "开工日期", "date", "construction start date"),
    Column("producing_on", "达产日期", "date", "full-production date"),
    Column("lead_id", "线索编号", "text", "lead id"),
    Column("feedback_on", "反馈日期", "date", "feedback date"),
    Column("note", "备注", "text", "note"),
)

LEAD_COLUMNS: tuple[Column, ...] = (
    Column("lead_id", "线索编号", "text", "lead id", required=True),
    Column("project_name", "项目名称", "text", "project name", required=True),
    Column("investor", "投资主体", "text", "investor", required=True),
    Column("to_unit", "接收单位", "unit", "receiving unit", required=True),
    Column("shared_on", "共享日期", "date", "share date", required=True),
)

# Accepted units of measure per default unit: unit -> divisor that converts to the default unit.
UNIT_DIVISORS: dict[str, dict[str, float]] = {
    "亿元": {"亿元": 1.0, "万元": 10_000.0},
    "亩": {"亩": 1.0},
}

# Ledger dates in the order a project reaches them (SPEC 5: signed <= landed <= started <= producing).
STAGE_DATES: tuple[str, ...] = ("signed_on", "landed_on", "started_on", "producing_on")

LEDGER_FIELDS: tuple[str, ...] = tuple(c.field for c in LEDGER_COLUMNS)
LEAD_FIELDS: tuple[str, ...] = tuple(c.field for c in LEAD_COLUMNS)

"""What a measure may count and filter on: the whitelisted fields of each source and their SQL.

The engine (dbt_project/models/method/) evaluates a measure's filter with these aliases:
`r` the source row (int_unit_month_snapshots for projects, int_leads for leads), `st` the `stages` seed row of
r's stage (projects) or of the receiver's stage (leads), `p` the scored period (period_start, period_end).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from basics.registers import labels, read_seed

SOURCES = {
    "projects": "单位周报台账（期末快照）中的项目",
    "leads_shared": "本单位共享给其他单位的线索",
    "leads_received": "其他单位共享给本单位的线索",
    "missing_weeks": "期内应报未报的周次",
    "missing_months": "期内整月未报周报的月份",
    "entries": "考核委员会录入或统计、商务部门提供的数据",
}

# what `count:` names for each source
COUNTED = {
    "projects": "projects",
    "leads_shared": "leads",
    "leads_received": "leads",
    "missing_weeks": "weeks",
    "missing_months": "months",
    "entries": "entries",
}

SUMMABLE = {
    "projects": {"contract_amount": "r.contract_amount", "funds_ytd": "r.funds_ytd", "land_mu": "r.land_mu"},
    "entries": {"value": "r.value"},
}

# the ref (shown in explanations and score items) of one row of each source
REF_SQL = {
    "projects": "r.project_code",
    "leads_shared": "r.lead_id",
    "leads_received": "r.lead_id",
    "missing_weeks": "r.week_label",
    "missing_months": "r.month_label",
    "entries": "r.entry_ref",
}

DATES = ("signed_on", "landed_on", "started_on", "producing_on")


def _in_period(column: str) -> str:
    return f"({column} >= p.period_start and {column} <= p.period_end)"


PROJECT_FLAGS = {
    # SPEC 3: signed_on in the period and a stage from 签约 on (终止 counts, 线索/在谈 do not)
    "signed_in_period": "(r.signed_in_period and r.signed_on >= p.period_start)",
    "landed_in_period": _in_period("r.landed_on"),
    "started_in_period": _in_period("r.started_on"),
    "producing_in_period": _in_period("r.producing_on"),
    "signed_by_period_end": "(r.signed_on <= p.period_end)",
    "landed_by_period_end": "(r.landed_on <= p.period_end)",
    "started_by_period_end": "(r.started_on <= p.period_end)",
    "producing_by_period_end": "(r.producing_on <= p.period_end)",
    "industrial": "r.is_industrial",
    "quality_investor": "r.is_quality_investor",
    "out_of_city": "r.is_out_of_city",
    "sci_tech": "r.is_sci_tech",
    "from_lead": "(r.lead_id is not null)",
}

LEAD_FLAGS = {
    "shared_in_period": _in_period("r.shared_on"),
    "receiver_signed_in_period": "(r.is_signed_in_period and r.signed_on >= p.period_start)",
    "receiver_landed_in_period": (
        "(r.is_landed_in_period and r.signed_on >= p.period_start and r.landed_on >= p.period_start)"
    ),
}

# enumeration fields: the seed holding their labels and the column
ENUMS = {
    "industry": ("industries", "r.industry"),
    "investor_type": ("investor_types", "r.investor_type"),
    "origin": ("origins", "r.origin"),
    "stage": ("stages", "r.stage"),
}

AMOUNTS = {"contract_amount": "r.contract_amount", "funds_ytd": "r.funds_ytd", "land_mu": "r.land_mu"}
COMPARISONS = {"at_least": ">=", "more_than": ">", "at_most": "<=", "below": "<"}

FIELDS = {
    "projects": {
        *PROJECT_FLAGS,
        *ENUMS,
        *AMOUNTS,
        "stage_reached",
        "days_between",
        "empty",
        "filled",
    },
    "leads_shared": {*LEAD_FLAGS, "receiver_stage_reached", "feedback_later_than_days"},
    "leads_received": {*LEAD_FLAGS, "receiver_stage_reached", "feedback_later_than_days"},
    "missing_weeks": set(),
    "missing_months": set(),
    "entries": set(),
}


def enum_codes(field: str) -> dict[str, str]:
    """Chinese label (and English code) -> code of an enumeration field."""
    seed = ENUMS[field][0]
    out = dict(labels(seed))
    out.update({code: code for code in labels(seed).values()})
    return out


@cache
def stage_order() -> dict[str, int]:
    """Stage label or code -> stage_order (stages seed)."""
    out: dict[str, int] = {}
    for row in read_seed("stages"):
        out[row["label_zh"]] = int(row["stage_order"])
        out[row["stage_code"]] = int(row["stage_order"])
    return out


# --- the only ways a compiled filter holds a value ------------------------------------------------------
# Method files are untrusted: a filter is built from the SQL above, the column names here, and values that
# passed sql_text / sql_number. `unsafe_fragment` checks every compiled fragment again before it is written.

TEXT_VALUE = re.compile(r"[A-Za-z0-9_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff-]{0,59}\Z")
_NUMBER = re.compile(r"-?[0-9]{1,13}(?:\.[0-9]{1,6})?\Z")


def sql_text(code: str) -> str:
    """A code (unit, enumeration value, entry item) as an SQL string literal; refuses anything but a code."""
    if not isinstance(code, str) or not TEXT_VALUE.match(code):
        raise ValueError(f"not a code: {code!r}")
    return f"'{code}'"


def sql_number(value: Decimal | int) -> str:
    """A validated finite number (at most 13 digits before and 6 after the point) as an SQL literal."""
    text = format(Decimal(value), "f")
    if not _NUMBER.match(text):
        raise ValueError(f"not a bounded decimal: {value!r}")
    return text


# the tokens a compiled fragment may contain: whitespace, a code literal, a number, a keyword, a column of the
# aliases r (source row), p (period) or st (stage), comparison and arithmetic signs, parentheses and commas
_TOKEN = re.compile(
    r"\s+|'[A-Za-z0-9_\u4e00-\u9fff-]*'|[0-9]+(?:\.[0-9]+)?|(?:r|p|st)\.[a-z_][a-z0-9_]*|[a-z_]+|>=|<=|[<>=(),+-]"
)
_WORD = re.compile(r"[a-z_]+\Z")
_KEYWORDS = {
    "and", "or", "not", "coalesce", "case", "when", "then", "else", "end", "is", "null", "true", "false",
    "in", "cast", "as", "date",
}  # fmt: skip


def unsafe_fragment(sql: str) -> str | None:
    """What is wrong with a compiled fragment (a token it may not hold, unbalanced parentheses), else None."""
    depth, at = 0, 0
    while at < len(sql):
        token = _TOKEN.match(sql, at)
        if token is None:
            return f"unexpected text at {sql[at : at + 20]!r}"
        text, at = token.group(), token.end()
        if _WORD.match(text) and text not in _KEYWORDS:
            return f"unexpected word {text!r}"
        if text == "-" and sql.startswith("-", at):
            return "a comment (--)"
        if text.startswith("'") and sql.startswith("'", at):
            return "a quote inside a text"
        depth += {"(": 1, ")": -1}.get(text, 0)
        if depth < 0:
            return "a parenthesis closed that was not opened"
    return "unbalanced parentheses" if depth else None

"""Chinese labels of output columns (code and tables stay English; the committee reads Chinese).

Built from the bureau's vocabulary (`basics.terms`), the one place of its words.
"""

from __future__ import annotations

from basics import terms as t

UNIT_TYPE_ZH = t.UNIT_TYPE_ZH

_AMOUNT = f"({t.HUNDRED_MILLION_YUAN})"

# (column of marts.unit_month_scores, Chinese header, number format kind: amount | count | ratio | score)
SCORE_COLUMNS: list[tuple[str, str, str]] = [
    ("value_c", f"{t.CONTRACT_AMOUNT}{_AMOUNT}", "amount"),
    ("target_c", f"{t.CONTRACT_AMOUNT}{t.TARGET}{_AMOUNT}", "amount"),
    ("score_c", f"{t.CONTRACT_AMOUNT}得分", "score"),
    ("value_f", f"{t.FUNDS_IN_PLACE}{_AMOUNT}", "amount"),
    ("target_f", f"{t.FUNDS_IN_PLACE}{t.TARGET}{_AMOUNT}", "amount"),
    ("score_f", f"{t.FUNDS_IN_PLACE}得分", "score"),
    ("value_q", f"{t.QUALITY_PROJECTS}(个)", "count"),
    ("target_q", f"{t.QUALITY_PROJECTS}{t.TARGET}(个)", "count"),
    ("score_q", f"{t.QUALITY_PROJECTS}得分", "score"),
    ("value_m", f"{t.MAJOR_PROJECTS}(个)", "count"),
    ("target_m", f"{t.MAJOR_PROJECTS}{t.TARGET}(个)", "count"),
    ("score_m", f"{t.MAJOR_PROJECTS}得分", "score"),
    ("value_r", t.LANDING_RATE, "ratio"),
    ("target_r", f"{t.LANDING_RATE}{t.TARGET}", "ratio"),
    ("score_r", f"{t.LANDING_RATE}得分", "score"),
    ("base_score", t.BASE_SCORE, "score"),
    ("bonus", t.SHARING_BONUS, "score"),
    ("deductions", t.DEDUCTIONS, "score"),
    ("total_score", t.TOTAL_SCORE, "score"),
]

SCORE_COLUMNS_ZH: dict[str, str] = {
    "year": t.YEAR,
    "month": t.MONTH,
    "unit_code": t.UNIT_CODE,
    "name_zh": t.UNIT_NAME,
    "unit_type": t.UNIT_TYPE,
    **{column: header for column, header, _ in SCORE_COLUMNS},
    "rank_in_type": t.RANK_IN_TYPE,
}

"""Turn GX outcomes into located `Failure`s (unit, week, project, file, sheet, row, value)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from expectations.fields import field_zh, is_missing
from expectations.results import Failure, Severity

if TYPE_CHECKING:
    import pandas as pd

    from expectations.gx_runner import Outcome


def outcome_failures(check: str, severity: Severity, outcome: Outcome, frame: pd.DataFrame) -> list[Failure]:
    """Failures of one expectation; row-level ones point at the offending rows of `frame`."""
    meta = outcome.meta
    rule = f"{meta.get('rule', outcome.type)}:{meta.get('field', '')}".rstrip(":")
    label_zh = meta.get("label_zh", outcome.type)
    label_en = meta.get("label_en", outcome.type)
    if outcome.error:
        return [
            Failure(
                check=check,
                severity=severity,
                rule=rule,
                value=None,
                message_zh=f"检查无法执行：{label_zh}（{outcome.error}）",
                message_en=f"expectation could not run: {label_en} ({outcome.error})",
            )
        ]
    if outcome.success:
        return []
    index_list = outcome.result.get("unexpected_index_list")
    if not index_list:
        return [_aggregate_failure(check, severity, rule, label_zh, label_en, outcome)]
    columns = [outcome.kwargs["column"]]  # the remaining suites expect one column each
    rows = frame.set_index("_rid", drop=False)
    out = []
    for entry in index_list:
        row = rows.loc[int(entry["_rid"])]
        shown = [(c, row.get(c)) for c in columns]
        value_zh = "，".join(f"{field_zh(c)}={_fmt(v, '空')}" for c, v in shown)
        value_en = ", ".join(f"{c}={_fmt(v, 'empty')}" for c, v in shown)
        who_zh, who_en = _who(row)
        out.append(
            Failure(
                check=check,
                severity=severity,
                rule=rule,
                unit_code=_text(row.get("unit_code")),
                week_label=_text(row.get("week_label")),
                project_code=_text(row.get("project_code")) if "project_code" in row else None,
                project_name=_text(row.get("project_name")),
                value=value_en,
                message_zh=f"{who_zh}{label_zh}（{value_zh}）",
                message_en=f"{who_en}{label_en} ({value_en})",
                file=_text(row.get("source_path")),
                sheet=_text(row.get("sheet")),
                row=_int(row.get("row_number")),
            )
        )
    return out


def _aggregate_failure(
    check: str, severity: Severity, rule: str, label_zh: str, label_en: str, outcome: Outcome
) -> Failure:
    observed = outcome.result.get("observed_value")
    details = outcome.result.get("details") or {}
    if outcome.type == "expect_column_distinct_values_to_contain_set":
        expected = set(outcome.kwargs.get("value_set") or [])
        missing = sorted(expected - set(observed or []))
        value = ", ".join(missing) or str(observed)
    else:
        value = _fmt(observed if observed is not None else details, "")
    return Failure(
        check=check,
        severity=severity,
        rule=rule,
        value=value,
        message_zh=f"{label_zh}：{value}",
        message_en=f"{label_en}: {value}",
    )


def _who(row: Any) -> tuple[str, str]:
    if "indicator" in row:
        return f"指标 {row['indicator']}：", f"indicator {row['indicator']}: "
    code = _text(row.get("project_code")) or "?"
    name = _text(row.get("project_name"))
    return (f"项目 {code}" + (f"「{name}」" if name else "") + "：", f"project {code}: ")


def _fmt(value: Any, empty: str) -> str:
    if is_missing(value):
        return empty
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def _int(value: Any) -> int | None:
    return None if is_missing(value) else int(value)

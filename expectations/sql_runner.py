"""Run one SQL check of `expectations/sql_checks/` and turn its rows into `Failure`s."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from expectations.fields import field_of_header, is_missing
from expectations.results import Failure, Severity
from expectations.scope import SQL_CHECKS_DIR

if TYPE_CHECKING:
    from expectations.scope import GateScope

# every SQL check returns these columns (plus optional field_header, the report column of a row issue)
COLUMNS = (
    "unit_code",
    "week_label",
    "project_code",
    "project_name",
    "rule",
    "value",
    "message_zh",
    "message_en",
    "file",
    "sheet",
    "row_number",
)


def sql_failures(check: str, severity: Severity, source: str, scope: GateScope) -> list[Failure]:
    """Execute `sql_checks/<source>.sql` in the month scope; one Failure per returned row."""
    sql = (SQL_CHECKS_DIR / f"{source}.sql").read_text(encoding="utf-8")
    df = scope.query(sql, {"year": scope.year, "month": scope.month})
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"SQL check {source} lacks columns {missing}")
    out = []
    for rec in df.to_dict("records"):
        rule = _text(rec["rule"]) or check
        field = field_of_header(_text(rec.get("field_header")))
        if "field_header" in rec:
            rule = f"{rule}:{field or _text(rec.get('field_header')) or ''}".rstrip(":")
        out.append(
            Failure(
                check=check,
                severity=severity,
                rule=rule,
                unit_code=_text(rec["unit_code"]),
                week_label=_text(rec["week_label"]),
                project_code=_text(rec["project_code"]),
                project_name=_text(rec["project_name"]),
                value=_text(rec["value"]),
                message_zh=_text(rec["message_zh"]) or rule,
                message_en=_text(rec["message_en"]) or rule,
                file=_text(rec["file"]),
                sheet=_text(rec["sheet"]),
                row=None if is_missing(rec["row_number"]) else int(rec["row_number"]),
            )
        )
    return out


def _text(value: Any) -> str | None:
    return None if is_missing(value) else str(value)

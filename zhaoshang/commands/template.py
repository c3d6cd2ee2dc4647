"""`zhaoshang template`: the pre-filled weekly workbooks the units fill (the `unit_templates` asset)."""

from __future__ import annotations

from pathlib import Path

from basics import registers
from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from ingestion.discover import Week, parse_week_folder
from orchestration.jobs import TEMPLATES_JOB
from zhaoshang.dagster_runs import failure_message, materialization_metadata, run_job


def parse_week(text: str) -> Week:
    """'2021-W05' -> the ISO week; anything else is a UserError naming the expected form."""
    week = parse_week_folder(text.strip())
    if week is None:
        raise UserError(
            f"“{text}”不是{t.ISO_WEEK} / '{text}' is not an ISO week.",
            "请写成 YYYY-Www，例如 --week 2021-W05 / write it as YYYY-Www, for example --week 2021-W05.",
        )
    return week


def run(home: Home, week_text: str, units: list[str], out: str | None) -> int:
    week = parse_week(week_text)
    register = registers.units()
    unknown = [u for u in units if u not in register]
    if unknown:
        raise UserError(
            f"未知单位 / unknown unit(s): {', '.join(unknown)}.",
            f"请使用名册中的{t.UNIT_CODE}，如 {', '.join(list(register)[:3])}"
            " / use codes of the unit register.",
        )
    folder = Path(out).resolve() if out else None
    config = {"week": week.label, "units": units, "out": str(folder) if folder else None}
    result = run_job(TEMPLATES_JOB, run_config={"ops": {"unit_templates": {"config": config}}})
    if not result.success:
        raise UserError(
            f"写{t.TEMPLATES}失败 / writing the templates failed: {failure_message(result)}", exit_code=1
        )
    meta = materialization_metadata(result, "unit_templates")
    written = meta.get("templates", 0)
    print(
        f"已写入 {written} 份 {week.label} {t.TEMPLATES}"
        f" / {written} template(s) written: {meta.get('folder')}"
    )
    print(meta.get("prefilled", ""))
    return 0

"""`zhaoshang check` and `zhaoshang submit`: the monthly quality gate and the city-level submission.

Waivers (免报) of missing reports carry one reason per unit (`--waive D01="…"` or a waiver file) and are
kept per unit in the manifest; a resubmission carries the previous version's waivers unless told otherwise.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from basics.registers import units
from basics.weeks import weeks_ending_in
from expectations.results import GateResult
from orchestration.jobs import GATE_JOB, MONTHLY_JOB
from orchestration.partitions import month_partition_key
from submission import versions
from zhaoshang.dagster_runs import failure_class, failure_message, run_job
from zhaoshang.warehouse import read_file, received_weeks, warn_if_stale

EXIT_GATE_FAILED = 4
EXIT_ALREADY_SUBMITTED = 5


def parse_waivers(
    items: list[str], waiver_file: str | None, reason: str | None, resubmit: bool
) -> dict[str, str]:
    """{unit: reason} from `UNIT="reason"` arguments and a CSV file (unit_code,reason).

    A unit given without its own reason takes `--reason` on a first submission; on a resubmission `--reason`
    is the resubmission's own reason, so each waived unit must carry its own.
    """
    pairs: list[tuple[str, str, str]] = []  # (unit, reason, where it was given)
    for item in items:
        unit, _, own = item.partition("=")
        pairs.append((unit.strip(), own.strip().strip("\"'").strip(), f"--waive {item}"))
    if waiver_file:
        pairs += _waiver_file(Path(waiver_file))
    register = units()
    out: dict[str, str] = {}
    for unit, own, where in pairs:
        if unit not in register:
            raise UserError(
                f"{t.WAIVER}的{t.UNIT_CODE}“{unit}”不在单位名册中（{where}）"
                f"/ unknown unit code {unit} to waive.",
                f"请使用名册中的编号，如 {', '.join(list(register)[:3])} / use codes of the register.",
            )
        if not own and (resubmit or not (reason or "").strip()):
            raise UserError(
                f"{unit} 的{t.WAIVER}需要书面{t.REASON} / the waiver of {unit} needs a written reason.",
                f'请写成 --waive {unit}="{t.REASON}"（或在{t.WAIVER}清单中填写）'
                f'/ write --waive {unit}="reason".',
            )
        out[unit] = own or (reason or "").strip()
    return out


def _waiver_file(path: Path) -> list[tuple[str, str, str]]:
    if not path.is_file():
        raise UserError(f"{t.WAIVER}清单 {path} 不存在 / the waiver file {path} does not exist.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    out = []
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or (number == 1 and cells[0] in {t.UNIT_CODE, "unit_code", "单位"}):
            continue
        out.append((cells[0], cells[1] if len(cells) > 1 else "", f"{path.name} 第{number}行 row {number}"))
    return out


def _name(unit: str) -> str:
    known = units().get(unit)
    return known.name_zh if known else ""


def previous_waivers(home: Home, year: int, month: int) -> tuple[int, dict[str, str]]:
    """(version, {unit: reason}) of the month's latest frozen version."""
    frozen = versions(home, year, month)
    manifest = home.submissions / t.month_key(year, month) / f"v{frozen[-1]}" / "manifest.json"
    data = json.loads(manifest.read_text("utf-8")) if manifest.exists() else {}
    return frozen[-1], {w["unit_code"]: w["reason"] for w in data.get("waivers", [])}


def has_reports(home: Home, year: int, month: int) -> bool:
    """Whether any weekly report of a week ending in the month has arrived."""
    weeks = set(weeks_ending_in(year, month))
    with read_file(home) as con:  # the gate runs on the home's own warehouse
        return any(week in weeks for _, week in received_weeks(con))


def _gate_of(home: Home, result: Any, year: int, month: int) -> GateResult:
    try:
        return result.output_for_node("monthly_gate")
    except Exception:  # a failed gate is a failed step (no materialization): read its checks.json
        checks = home.gate_reports / t.month_key(year, month) / result.run_id / "checks.json"
        if checks.exists():
            return GateResult.from_dict(json.loads(checks.read_text("utf-8")))
        raise UserError(
            f"{t.QUALITY_GATE}未能运行 / the quality gate could not run: {failure_message(result)}",
            "请先运行 `zhaoshang build` 再试 / run `zhaoshang build` first, then try again.",
            exit_code=1,
        ) from None


def _details(home: Home, year: int, month: int) -> str:
    return f"问题清单与明细 / details: {home.gate_reports / t.month_key(year, month) / 'latest'}"


def _precheck(home: Home, year: int, month: int) -> bool:
    """Warn when stale; False (after one sentence) when the month has no report at all."""
    warn_if_stale(home)
    if not has_reports(home, year, month):
        print(t.no_reports_yet(year, month))
        return False
    return True


def check(home: Home, year: int, month: int) -> int:
    if not _precheck(home, year, month):
        return EXIT_GATE_FAILED
    result = run_job(GATE_JOB, partition_key=month_partition_key(year, month))
    gate = _gate_of(home, result, year, month)
    key = t.month_key(year, month)
    print(gate.failure_table() if gate.failures else f"{key}：全部检查{t.PASSED} / every check passed.")
    print(_details(home, year, month))
    return 0 if gate.passed else EXIT_GATE_FAILED


def submit(
    home: Home,
    year: int,
    month: int,
    waivers: dict[str, str],
    reason: str | None,
    resubmit: bool,
    carry_previous: bool = True,
) -> int:
    key = t.month_key(year, month)
    if resubmit and not (reason or "").strip():
        raise UserError(
            f"{t.RESUBMIT}需要书面{t.REASON} / a resubmission needs a written reason.",
            '请加上 --reason "…" / add --reason "...".',
        )
    frozen = versions(home, year, month)
    if frozen and not resubmit:
        print(
            f"{key} 已{t.SUBMIT}（第{frozen[-1]}{t.VERSION}），{t.FROZEN}。如需更正，请运行："
            f'zhaoshang submit --month {key} --resubmit --reason "{t.REASON}"\n'
            f"{key} was already submitted (v{frozen[-1]}) and is frozen; to send a corrected version, "
            f'run: zhaoshang submit --month {key} --resubmit --reason "..."'
        )
        return EXIT_ALREADY_SUBMITTED
    if resubmit and frozen and carry_previous and not waivers:
        version, waivers = previous_waivers(home, year, month)
        for unit, why in sorted(waivers.items()):
            print(
                f"沿用第{version}{t.VERSION}的{t.WAIVER} "
                f"/ carried from v{version}: {unit} {_name(unit)}"
                f"：{why}"
            )
        if waivers:
            print("（不沿用请加 --no-previous-waivers / add --no-previous-waivers not to carry them）")
    if not _precheck(home, year, month):
        return EXIT_GATE_FAILED
    config = {
        "ops": {
            "monthly_gate": {"config": {"waivers": waivers}},
            "monthly_submission": {"config": {"resubmit_reason": reason if resubmit else None}},
        }
    }
    result = run_job(MONTHLY_JOB, partition_key=month_partition_key(year, month), run_config=config)
    gate = _gate_of(home, result, year, month)
    if not gate.passed:
        print(gate.failure_table())
        missing = sorted({f.unit_code for f in gate.failures if f.check == "missing_reports" and f.unit_code})
        hint = " ".join(f'{u}="{t.REASON}"' for u in missing) or 'UNIT="reason"'
        print(
            f"\n{key} 未{t.SUBMIT}：{t.QUALITY_GATE}{t.FAILED}。请更正上列{t.WEEKLY_REPORT}后重新{t.SUBMIT}"
            f"（经书面说明的{t.MISSING_REPORT}可{t.WAIVER}：--waive {hint}）。\n"
            f"{key} was NOT submitted: the quality gate failed. Fix the reports above (or waive missing "
            f"reports with --waive {hint}) and submit again."
        )
        print(_details(home, year, month))
        return EXIT_GATE_FAILED
    if not result.success:
        if failure_class(result) == "AlreadySubmitted":  # another submit froze the month meanwhile
            print(
                f"{year}-{month:02d} 已{t.SUBMIT}（仓库的{t.SUBMIT}记录中已有该月版本，"
                f"可能由同时进行的另一次{t.SUBMIT}冻结）"
                f" / {year}-{month:02d} was already submitted (the warehouse records a version of it, "
                f"perhaps frozen by another submit meanwhile). To send a corrected version, run: "
                f"zhaoshang submit "
                f'--month {year}-{month:02d} --resubmit --reason "..."'
            )
            return EXIT_ALREADY_SUBMITTED
        raise UserError(
            f"{t.SUBMIT}失败 / the submission failed: {failure_message(result)}",
            "没有冻结任何文件 / nothing was frozen.",
            1,
        )
    folder = home.submissions / key / f"v{versions(home, year, month)[-1]}"
    print(f"已{t.SUBMIT} {key}（{folder.name}）/ submitted {key}: {folder}")
    for unit, why in sorted(gate.waivers.items()):
        print(f"  {t.WAIVER} waiver: {unit} {_name(unit)}：{why}")
    for path in sorted(folder.iterdir()):
        print(f"  {path.name}")
    return 0

"""Results of the data-quality gate: one `CheckResult` per check, one `Failure` per offending row."""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from basics.safe_text import neutralise

Severity = Literal["blocking", "warning"]

SEVERITY_ZH = {"blocking": "阻断", "warning": "警告"}


@dataclass(frozen=True)
class Failure:
    """One failing row (or aggregate) of one check, located as precisely as the data allows."""

    check: str
    severity: Severity
    rule: str
    message_zh: str
    message_en: str
    unit_code: str | None = None
    week_label: str | None = None
    project_code: str | None = None
    project_name: str | None = None
    value: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    waived: bool = False


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check. A waived check passes; its failures stay listed with `waived=True`."""

    name: str
    label_zh: str
    label_en: str
    severity: Severity
    engine: Literal["gx", "sql"]
    passed: bool
    failure_count: int
    waived: bool = False
    error: str | None = None  # set when the check could not run (then it fails)


CSV_COLUMNS: list[tuple[str, str]] = [
    ("check", "检查项"),
    ("check_label", "检查名称"),
    ("severity", "级别"),
    ("unit_code", "单位编号"),
    ("week_label", "周次"),
    ("project_code", "项目编号"),
    ("project_name", "项目名称"),
    ("rule", "规则"),
    ("value", "值"),
    ("message_zh", "问题说明"),
    ("message_en", "说明(英文)"),
    ("file", "文件"),
    ("sheet", "工作表"),
    ("row", "行号"),
    ("waived", "已豁免"),
]


@dataclass
class GateResult:
    """All checks of one month. `passed` is True when every blocking check passed (or was waived)."""

    year: int
    month: int
    created_at: str
    weeks: list[str]
    checks: list[CheckResult]
    failures: list[Failure]
    waivers: dict[str, str] = field(default_factory=dict)
    data_docs: str | None = None  # index.html of the GX Data Docs site, when built
    gx_reused_from: str | None = None  # the gate whose GX outcomes were reused (data unchanged), if any

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks if c.severity == "blocking")

    @property
    def month_label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def check(self, name: str) -> CheckResult:
        return next(c for c in self.checks if c.name == name)

    def failures_of(self, name: str) -> list[Failure]:
        return [f for f in self.failures if f.check == name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month_label,
            "year": self.year,
            "passed": self.passed,
            "created_at": self.created_at,
            "weeks": self.weeks,
            "waivers": self.waivers,
            "checks": [asdict(c) for c in self.checks],
            "failures": [asdict(f) for f in self.failures],
            "data_docs": self.data_docs,
            "gx_reused_from": self.gx_reused_from,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateResult:
        """The inverse of `to_dict` (reads a `checks.json` back)."""
        return cls(
            year=int(data["year"]),
            month=int(str(data["month"]).split("-")[1]),
            created_at=data["created_at"],
            weeks=list(data["weeks"]),
            checks=[CheckResult(**c) for c in data["checks"]],
            failures=[Failure(**f) for f in data["failures"]],
            waivers=dict(data.get("waivers") or {}),
            data_docs=data.get("data_docs"),
            gx_reused_from=data.get("gx_reused_from"),
        )

    def failure_table(self) -> str:
        """One readable list of every failure (Chinese + English), blocking first."""
        return format_failure_table(self)

    def write(self, report_dir: Path) -> Path:
        """Write `failures.csv` (Chinese headers, UTF-8 BOM) and `checks.json` into `report_dir`."""
        report_dir.mkdir(parents=True, exist_ok=True)
        labels = {c.name: c.label_zh for c in self.checks}
        with open(report_dir / "failures.csv", "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([zh for _, zh in CSV_COLUMNS])
            for f in sorted(self.failures, key=_order):
                row = asdict(f) | {"check_label": labels.get(f.check, f.check)}
                row["severity"] = SEVERITY_ZH[f.severity]
                row["waived"] = "是" if f.waived else ""
                writer.writerow([_csv_cell(row[key]) for key, _ in CSV_COLUMNS])
        (report_dir / "checks.json").write_text(self.to_json() + "\n", encoding="utf-8")
        return report_dir


def _csv_cell(value: Any) -> Any:
    return "" if value is None else neutralise(value)


def _order(f: Failure) -> tuple:
    return (
        f.severity != "blocking",
        f.waived,
        f.check,
        f.unit_code or "",
        f.week_label or "",
        f.project_code or "",
        f.row or 0,
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def format_failure_table(gate: GateResult) -> str:
    blocking = [c for c in gate.checks if c.severity == "blocking" and not c.passed]
    status = "通过 / PASSED" if gate.passed else "未通过 / FAILED"
    lines = [
        f"数据质量检查 / Quality gate {gate.month_label}"
        f"（周次 weeks: {', '.join(gate.weeks) or '-'}）: {status}",
        f"检查 checks: {len(gate.checks)}; 未通过的阻断检查 failed blocking: {len(blocking)}; "
        f"问题 failures: {len(gate.failures)}",
    ]
    for unit, reason in sorted(gate.waivers.items()):
        lines.append(f"豁免 waiver: {unit} — {reason}")
    if not gate.failures:
        lines.append("无问题 / no failures")
        return "\n".join(lines)
    headers = [
        "#",
        "级别 severity",
        "检查 check",
        "单位 unit",
        "周 week",
        "项目 project",
        "规则 rule",
        "值 value",
        "位置 where",
    ]
    labels = {c.name: c.label_zh for c in gate.checks}
    rows = []
    for i, f in enumerate(sorted(gate.failures, key=_order), start=1):
        where = " ".join(p for p in (f.file, f.sheet, f"第{f.row}行 row {f.row}" if f.row else None) if p)
        sev = SEVERITY_ZH[f.severity] + ("(已豁免 waived)" if f.waived else "")
        rows.append(
            (
                [
                    str(i),
                    sev,
                    f"{labels.get(f.check, f.check)} {f.check}",
                    f.unit_code or "-",
                    f.week_label or "-",
                    f.project_code or "-",
                    f.rule,
                    _short(f.value),
                    where or "-",
                ],
                f,
            )
        )
    widths = [max(_width(h), *(_width(r[0][k]) for r in rows)) for k, h in enumerate(headers)]
    lines.append("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)))
    lines.append("  ".join("-" * w for w in widths))
    for cells, f in rows:
        lines.append("  ".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip())
        lines.append(f"    {f.message_zh}")
        lines.append(f"    {f.message_en}")
    return "\n".join(lines)


def _short(value: str | None, limit: int = 40) -> str:
    if value is None or value == "":
        return "-"
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"

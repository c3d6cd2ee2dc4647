"""`zhaoshang verify`: every frozen submission against the warehouse's record (and its manifest)."""

from __future__ import annotations

from basics.home import Home
from submission.record import Finding, verify
from zhaoshang.warehouse import has_table, read_only

EXIT_TAMPERED = 6


def check(home: Home) -> tuple[int, list[Finding]]:
    """(versions checked, findings); the record is read only when the warehouse has it."""
    if not home.warehouse.exists():
        return verify(home, None)
    with read_only(home) as con:
        return verify(home, con if has_table(con, "submissions", "frozen_files") else None)


def lines(checked: int, findings: list[Finding]) -> list[str]:
    tampered = [f for f in findings if f.tampered]
    if not checked:
        return ["尚无报送 / no submission yet"]
    head = (
        f"{len(tampered)} 处报送文件被修改或缺失 / {len(tampered)} frozen file(s) altered or missing "
        f"(of {checked} version(s)):"
        if tampered
        else f"全部 {checked} 个报送版本完好 / all {checked} frozen version(s) intact"
    )
    return [head] + [f"  {f.line()}" for f in findings]


def run(home: Home) -> int:
    checked, findings = check(home)
    print("\n".join(lines(checked, findings)))
    if any(f.tampered for f in findings):
        print(
            "请从归档或备份恢复上述文件，或用 `zhaoshang submit --resubmit --reason ...` 报送新版本"
            " / restore these files from a backup, or submit a new version with --resubmit."
        )
        return EXIT_TAMPERED
    return 0

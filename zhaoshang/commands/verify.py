"""`zhaoshang verify`: every frozen submission against the warehouse's record (and its manifest).

The record and the frozen folders are the home's own: read from its DuckDB file whatever the warehouse setting
(the submission writes both there)."""

from __future__ import annotations

from basics import terms as t
from basics.home import Home
from submission.record import Finding, verify
from zhaoshang.warehouse import has_table, read_file

EXIT_TAMPERED = 6


def check(home: Home) -> tuple[int, list[Finding]]:
    """(versions checked, findings); the record is read only when the warehouse has it."""
    if not home.warehouse.exists():
        return verify(home, None)
    with read_file(home) as con:  # the record lives with the frozen folders, in the home
        con.check_readable()  # a damaged record must not pass everything
        return verify(home, con if has_table(con, "submissions", "frozen_files") else None)


def lines(checked: int, findings: list[Finding]) -> list[str]:
    tampered = [f for f in findings if f.tampered]
    if not checked:
        return [f"尚无{t.SUBMIT} / no submission yet"]
    head = (
        f"{len(tampered)} 处{t.SUBMIT}文件被修改或缺失 / {len(tampered)} frozen file(s) altered or missing "
        f"(of {checked} version(s)):"
        if tampered
        else f"全部 {checked} 个{t.SUBMIT}版本完好 / all {checked} frozen version(s) intact"
    )
    return [head] + [f"  {f.line()}" for f in findings]


def run(home: Home) -> int:
    checked, findings = check(home)
    print("\n".join(lines(checked, findings)))
    if any(f.tampered for f in findings):
        print(
            f"请从{t.ARCHIVE}或备份恢复上述文件，"
            f"或用 `zhaoshang submit --resubmit --reason ...` {t.SUBMIT}新版本"
            " / restore these files from a backup, or submit a new version with --resubmit."
        )
        return EXIT_TAMPERED
    return 0

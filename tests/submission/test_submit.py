"""The monthly submission: files, figures, freezing, versions, refusals, formula-safe text."""

from __future__ import annotations

import csv
import hashlib
import json
import stat

import duckdb
import openpyxl
import pytest

from basics.home import Home
from expectations.gate import run_gate
from expectations.results import GateResult
from submission import AlreadySubmitted, GateFailed, submit_month, versions
from submission.figures import indicator_labels
from tests.gate.dataset import MONTH, YEAR
from tests.gate.test_gate_faults import LEDGER, remove_report, resend_with, where
from tests.gate.warehouse import execute

STEM = "市级考核关键指标_2021-02_v{}"
FORMATS = {"amount": "0.00", "count": "0", "ratio": "0.0%"}


def gate(home: Home, waivers: dict[str, str] | None = None) -> GateResult:
    return run_gate(home.warehouse, YEAR, MONTH, waivers=waivers)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mart(home: Home) -> dict[str, tuple]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        rows = con.execute(
            "select indicator, value, target, completion from marts.district_month_indicators "
            "where year = ? and month = ?",
            [YEAR, MONTH],
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def test_submission_folder_and_manifest(home: Home) -> None:
    result = submit_month(home, YEAR, MONTH, gate(home), None, None)
    folder = home.submissions / "2021-02" / "v1"
    assert result.folder == folder and result.version == 1
    names = {p.name for p in folder.iterdir()}
    assert names == {f"{STEM.format(1)}.xlsx", f"{STEM.format(1)}.csv", "checks.json", "manifest.json"}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == 1 and manifest["month"] == "2021-02" and manifest["created_at"]
    assert {f["name"] for f in manifest["files"]} == names - {"manifest.json"}
    for entry in manifest["files"]:
        assert digest(folder / entry["name"]) == entry["sha256"] == result.files[entry["name"]]
    assert manifest["waivers"] == [] and manifest["resubmit_reason"] is None
    counts = manifest["source_row_counts"]
    assert counts["report_files"] == 60  # 15 active units x 4 weeks
    assert counts["marts.district_month_indicators"] == len(mart(home))
    frozen = manifest["figures"]["contract_amount_industrial"]["value"]
    assert frozen == mart(home)["contract_amount_industrial"][0]
    for path in folder.iterdir():
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    checks = json.loads((folder / "checks.json").read_text(encoding="utf-8"))
    assert checks["passed"] is True and len(checks["checks"]) == 14
    assert [p.name for p in (home.submissions / "2021-02").iterdir()] == ["v1"]  # no temp folder left


def test_workbook_holds_the_mart_figures(home: Home) -> None:
    result = submit_month(home, YEAR, MONTH, gate(home), None, None)
    wb = openpyxl.load_workbook(result.xlsx)
    assert wb.sheetnames == ["市级考核关键指标", "数据质量检查", "单位得分", "报送说明"]
    ws = wb["市级考核关键指标"]
    header = [c.value for c in ws[4]]
    assert header[:7] == ["序号", "类别", "指标", "数值", "单位", "目标", "完成率"]
    figures = mart(home)
    seen = set()
    for row in ws.iter_rows(min_row=5, max_row=4 + len(figures)):
        code = row[7].value
        value, target, completion = figures[code]
        kind = indicator_labels()[code].kind
        seen.add(code)
        digits = {"amount": 2, "count": 0, "ratio": 3}[kind]
        assert row[3].value == pytest.approx(round(value, digits)) and row[3].number_format == FORMATS[kind]
        assert row[2].value == indicator_labels()[code].label_zh
        if target is not None:
            assert row[5].value == pytest.approx(round(target, digits))
            assert row[5].number_format == FORMATS[kind]
            assert row[6].value == pytest.approx(round(completion, 3)) and row[6].number_format == "0.0%"
    assert seen == set(figures)
    industrial = next(r for r in ws.iter_rows(min_row=5) if r[7].value == "contract_amount_industrial")
    assert industrial[3].value == 920 and industrial[4].value == "亿元" and industrial[5].value == 1000
    assert ws.cell(5 + len(figures), 8).value is None  # the notes and sign-off follow the table
    scores = wb["单位得分"]
    assert [c.value for c in scores[3]][:4] == ["考核分组", "排名", "单位名称", "协议引资额(亿元)"]
    assert [c.value for c in scores[4]][3:6] == ["完成值", "目标", "得分"]
    # the 2021 method's items in its order, then the totals (from marts.score_columns / score_totals)
    top = [c.value for c in scores[3] if c.value]
    assert top[3:] == [
        "协议引资额(亿元)", "实际到位资金(亿元)", "优质项目(个)", "重大项目(个)", "落地转化率",
        "信息共享加分（线索签约）（加分）", "信息共享加分（线索落地）（加分）", "缺报周报（减分）",
        "线索反馈超时（减分）", "信息共享加分（合计封顶）（加分）",
        "基础得分", "加分", "减分", "总分", "单位编号",
    ]  # fmt: skip
    totals = dict(
        duckdb.connect(str(home.warehouse), read_only=True)
        .execute(
            "select unit_code, total_score from marts.score_totals where year = ? and month = ?",
            [YEAR, MONTH],
        )
        .fetchall()
    )
    total_col = [c.value for c in scores[3]].index("总分")
    shown = {row[-1].value: row[total_col].value for row in scores.iter_rows(min_row=5)}
    assert shown == {u: pytest.approx(round(t, 2)) for u, t in totals.items()}
    assert scores.cell(3, scores.max_column).value == "单位编号"  # codes last
    assert scores.max_row == 4 + 15
    checks = wb["数据质量检查"]
    assert [c.value for c in checks[3]][:3] == ["检查名称", "级别", "结果"]
    assert checks.cell(3, 7).value == "检查代码"


def test_csv_has_the_same_figures(home: Home) -> None:
    result = submit_month(home, YEAR, MONTH, gate(home), None, None)
    raw = result.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    by_code = {r["指标代码"]: r for r in rows}
    assert set(by_code) == set(mart(home))
    assert by_code["contract_amount_industrial"]["数值"] == "920.00"
    assert by_code["contract_amount_industrial"]["目标"] == "1000.00"
    assert by_code["contract_amount_industrial"]["完成率"] == "92.0%"
    assert by_code["landing_conversion_rate"]["数值"] == "93.8%"  # 15 of 16 signed projects landed
    assert by_code["quality_projects"]["数值"] == "7" and by_code["quality_projects"]["单位"] == "个"


def test_refused_when_gate_failed(home: Home) -> None:
    resend_with(home, "2021-W06", "P04", "P04-01", investor=None)
    failed = gate(home)
    with pytest.raises(GateFailed) as err:
        submit_month(home, YEAR, MONTH, failed, None, None)
    assert err.value.exit_code == 4 and "ledger_row_rules" in str(err.value)
    assert versions(home, YEAR, MONTH) == []
    assert not (home.submissions / "2021-02").exists()


def test_second_submit_refused_resubmit_makes_v2(home: Home) -> None:
    first = submit_month(home, YEAR, MONTH, gate(home), None, None)
    before = {p.name: digest(p) for p in first.folder.iterdir()}
    with pytest.raises(AlreadySubmitted) as err:
        submit_month(home, YEAR, MONTH, gate(home), None, None)
    assert err.value.exit_code == 5
    with pytest.raises(AlreadySubmitted):
        submit_month(home, YEAR, MONTH, gate(home), None, "   ")
    execute(
        home,
        "update marts.district_month_indicators set value = 930, completion = 0.93 "
        "where year = 2021 and month = 2 and indicator = 'contract_amount_industrial'",
        "update marts.score_points set value = 70 "
        "where year = 2021 and month = 2 and unit_code = 'P01' and item_code = 'C' and line = 'item'",
        # the project row behind the correction (the gate reconciles the district with the units' rows; the
        # snapshot is a view of the raw rows of the report versions the build chose)
        "update raw.ledger_rows as l set contract_amount = l.contract_amount + 10 "
        "where exists (select 1 from marts.fct_unit_month_projects as s "
        "where s.file_sha256 = l.file_sha256 and s.sheet = l.sheet and s.row_number = l.row_number "
        "and s.year = 2021 and s.month = 2 and s.unit_code = 'P01' and s.project_code = ("
        "select min(project_code) from marts.fct_unit_month_projects "
        "where year = 2021 and month = 2 and unit_code = 'P01' and counted_c))",
    )
    second = submit_month(home, YEAR, MONTH, gate(home), None, "P01 更正协议引资额")
    assert second.version == 2 and second.folder.name == "v2"
    assert {p.name: digest(p) for p in first.folder.iterdir()} == before  # v1 untouched, byte for byte
    manifest = json.loads(second.manifest.read_text(encoding="utf-8"))
    assert manifest["resubmit_reason"] == "P01 更正协议引资额"
    assert manifest["previous_version"] == {"version": 1, "manifest_sha256": before["manifest.json"]}
    assert second.csv.name == f"{STEM.format(2)}.csv"
    assert "930.00" in second.csv.read_text(encoding="utf-8-sig")
    assert "920.00" in first.csv.read_text(encoding="utf-8-sig")
    assert versions(home, YEAR, MONTH) == [1, 2]


def test_waiver_stored_with_the_submission(home: Home) -> None:
    remove_report(home, "P06", "2021-W07")
    with pytest.raises(GateFailed):
        submit_month(home, YEAR, MONTH, gate(home), None, None)
    waivers = {"P06": "园区网络故障，已电话报告"}
    result = submit_month(home, YEAR, MONTH, gate(home, waivers), waivers, None)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["waivers"] == [
        {"unit_code": "P06", "unit_name": "团结湖大数据智能产业园", "reason": "园区网络故障，已电话报告"}
    ]
    checks = json.loads((result.folder / "checks.json").read_text(encoding="utf-8"))
    (waived,) = [f for f in checks["failures"] if f["check"] == "missing_reports"]
    assert waived["waived"] and waived["unit_code"] == "P06" and waived["week_label"] == "2021-W07"
    notes = [c.value for row in openpyxl.load_workbook(result.xlsx)["报送说明"].iter_rows() for c in row]
    assert any("园区网络故障" in str(v) for v in notes)
    with pytest.raises(ValueError):  # waivers must be those the gate ran with
        submit_month(home, YEAR, MONTH, gate(home, waivers), {"P05": "x"}, "again")


def test_report_text_never_becomes_a_formula(home: Home) -> None:
    execute(
        home,
        f"update {LEDGER} set contract_amount = 600, "
        'project_name = \'=HYPERLINK("http://evil","x")\' '
        f"where {where('P01', '2021-W08', 'P01-01')}",
    )
    result = submit_month(home, YEAR, MONTH, gate(home), None, None)  # a warning: still submitted
    wb = openpyxl.load_workbook(result.xlsx)
    texts = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in texts)
    assert not [c.value for c in texts if isinstance(c.value, str) and c.value.startswith(("=", "+", "@"))]
    evil = '=HYPERLINK("http://evil","x")'
    project_cells = [c for c in wb["数据质量检查"]["F"] if c.value and "HYPERLINK" in str(c.value)]
    assert project_cells and all(c.value == "'" + evil and c.data_type == "s" for c in project_cells)


def test_crash_leaves_no_half_version(home: Home, monkeypatch) -> None:
    import submission.submit as submit_module

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(submit_module, "write_csv", boom)
    with pytest.raises(RuntimeError):
        submit_month(home, YEAR, MONTH, gate(home), None, None)
    assert list((home.submissions / "2021-02").iterdir()) == []
    monkeypatch.undo()
    assert submit_month(home, YEAR, MONTH, gate(home), None, None).version == 1


def test_gate_of_another_month_refused(home: Home) -> None:
    with pytest.raises(ValueError):
        submit_month(home, YEAR, 3, gate(home), None, None)

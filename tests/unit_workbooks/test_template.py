"""The weekly template: filled as a unit would (openpyxl), ingested for real, its validations read back and
the file opened by LibreOffice headless."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook

from basics.home import Home
from ingestion.columns import LEDGER_FIELDS
from ingestion.discover import parse_week_folder
from ingestion.pipeline import ingest_inbox
from tests.helpers.workbooks import ledger_row, week_path, write_report
from unit_workbooks.template import write_templates

# P01's week 2021-W05, by hand (SPEC 2.1 labels); P02 shares a lead with P01 that week.
W05 = [
    ledger_row(
        project_code="P01-A",
        project_name="甲智能终端项目",
        investor="甲科技集团有限公司",
        investor_type="上市公司",
        industry="智能产业",
        origin="长三角",
        is_sci_tech="是",
        stage="签约",
        contract_amount=12.5,
        funds_ytd=1.25,
        land_mu=80,
        signed_on=date(2021, 1, 20),
        note="重点项目",
    ),
    ledger_row(project_code="P01-B", project_name="乙物流园项目", stage="在谈", industry="现代服务业"),
    ledger_row(project_code="P01-C", project_name="丙材料项目", stage="线索", industry="材料", origin="境外"),
]
# W05 as the warehouse stores it (English codes, 亿元, dates)
STORED_W05 = [
    {
        "project_code": "P01-A",
        "project_name": "甲智能终端项目",
        "investor": "甲科技集团有限公司",
        "investor_type": "listed",
        "industry": "smart",
        "origin": "yrd",
        "is_sci_tech": True,
        "stage": "signed",
        "contract_amount": 12.5,
        "funds_ytd": 1.25,
        "land_mu": 80.0,
        "signed_on": date(2021, 1, 20),
        "note": "重点项目",
    },
    {
        "project_code": "P01-B",
        "project_name": "乙物流园项目",
        "investor": "测试投资有限公司",
        "investor_type": "other",
        "industry": "modern_services",
        "origin": "in_city",
        "is_sci_tech": False,
        "stage": "negotiating",
    },
    {
        "project_code": "P01-C",
        "project_name": "丙材料项目",
        "investor": "测试投资有限公司",
        "investor_type": "other",
        "industry": "materials",
        "origin": "overseas",
        "is_sci_tech": False,
        "stage": "lead",
    },
]
LEAD = {
    "lead_id": "P02-L001",
    "project_name": "丁新能源项目",
    "investor": "丁能源有限公司",
    "to_unit": "P01",
    "shared_on": date(2021, 2, 3),
}
STAGES_SPEC = ["线索", "在谈", "签约", "落地", "开工", "达产", "终止"]
INVESTOR_TYPES_SPEC = ["世界500强", "中国500强", "民营500强", "上市公司", "央企", "国企", "其他"]


def stored(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every ledger field, absent ones None."""
    return [{f: row.get(f) for f in LEDGER_FIELDS} for row in rows]


def warehouse_ledger(home: Home, unit: str, week: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        cursor = con.execute(
            f"select {', '.join(LEDGER_FIELDS)} from raw.ledger_rows "
            "where unit_code = ? and week_label = ? and version = "
            "(select max(version) from raw.report_files where unit_code = ? and week_label = ?) "
            "order by row_number",
            [unit, week, unit, week],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def issues(home: Home) -> list[tuple]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return con.execute("select week_label, column_name, value, rule from raw.row_issues").fetchall()
    finally:
        con.close()


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """P01 reported 2021-W05 (three projects), P02 shared a lead with P01 that week."""
    home = Home(tmp_path / "home").ensure()
    write_report(week_path(home.inbox, "2021-W05", "P01"), W05)
    write_report(week_path(home.inbox, "2021-W05", "P02"), [ledger_row(project_code="P02-X")], [LEAD])
    report = ingest_inbox(home)
    assert len(report.accepted) == 2 and not report.rejected and not issues(home)
    return home


def template(home: Home, week: str, unit: str = "P01") -> Path:
    """Write the unit's template straight into the inbox's week folder."""
    (written,) = write_templates(home.warehouse, parse_week_folder(week), [unit], home.inbox)
    assert written.path == home.inbox / week / f"{unit}.xlsx"
    return written.path


def test_a_template_sent_back_unchanged_yields_the_same_snapshot(home):
    path = template(home, "2021-W06")
    book = load_workbook(path)
    assert book["封面"]["B1"].value == "P01"  # SPEC 2: the unit code the cover check reads
    awaited = [[c.value for c in row] for row in book["待反馈线索"].iter_rows(min_row=2, max_row=2)][0]
    assert awaited[:2] == ["P02-L001", "丁新能源项目"] and awaited[5] == datetime(
        2021, 2, 10
    )  # 3 Feb + 7 days

    report = ingest_inbox(home)
    assert [(o.unit_code, o.week_label, o.ledger_rows) for o in report.accepted] == [("P01", "2021-W06", 3)]
    assert not report.rejected and not report.accepted[0].warnings and not issues(home)
    assert warehouse_ledger(home, "P01", "2021-W06") == stored(STORED_W05)


def test_a_template_edited_as_a_unit_would_is_stored_exactly(home):
    path = template(home, "2021-W06")
    book = load_workbook(path)
    ws = book["项目台账"]
    headers = {cell.value: cell.column for cell in ws[1]}
    assert ws.cell(3, headers["项目编号"]).value == "P01-B"
    ws.cell(3, headers["项目阶段"]).value = "签约"  # P01-B signs this week
    ws.cell(3, headers["签约日期"]).value = date(2021, 2, 9)
    ws.cell(3, headers["协议引资额(亿元)"]).value = 30
    new = {
        "项目编号": "P01-D",
        "项目名称": "丁新能源项目",
        "投资主体": "丁能源有限公司",
        "企业类型": "国企",
        "产业类别": "装备制造",
        "来源地": "市内",
        "科创类": "否",
        "项目阶段": "在谈",
        "线索编号": "P02-L001",
        "反馈日期": date(2021, 2, 8),
    }
    ws.append([new.get(cell.value) for cell in ws[1]])
    book.save(path)

    report = ingest_inbox(home)
    assert [(o.week_label, o.ledger_rows, o.row_issues) for o in report.accepted] == [("2021-W06", 4, 0)]
    expected = [dict(r) for r in STORED_W05]
    expected[1].update(stage="signed", signed_on=date(2021, 2, 9), contract_amount=30.0)
    expected.append(
        {
            "project_code": "P01-D",
            "project_name": "丁新能源项目",
            "investor": "丁能源有限公司",
            "investor_type": "soe",
            "industry": "equipment",
            "origin": "in_city",
            "is_sci_tech": False,
            "stage": "negotiating",
            "lead_id": "P02-L001",
            "feedback_on": date(2021, 2, 8),
        }
    )
    assert warehouse_ledger(home, "P01", "2021-W06") == stored(expected)

    # next week's template carries the edit forward and no longer lists the answered lead
    book = load_workbook(template(home, "2021-W07"))
    codes = [row[0] for row in book["项目台账"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["P01-A", "P01-B", "P01-C", "P01-D"]
    assert book["待反馈线索"]["A2"].value == "无待反馈的线索。"


def validations(ws) -> dict[str, Any]:
    """Data validations by the header of the column their range starts in."""
    headers = {cell.column_letter: cell.value for cell in ws[1]}
    out = {}
    for dv in ws.data_validations.dataValidation:
        first = str(dv.sqref).split()[0].split(":")[0]
        out[headers["".join(ch for ch in first if ch.isalpha())]] = dv
    return out


def listed(dv) -> list[str]:
    return dv.formula1.strip('"').split(",")


def test_the_validations_are_real_excel_validations(home):
    book = load_workbook(template(home, "2021-W06"))
    ws = book["项目台账"]
    rules = validations(ws)
    for header in ("企业类型", "产业类别", "来源地", "科创类", "项目阶段"):
        dv = rules[header]
        assert dv.type == "list" and dv.showErrorMessage and dv.errorStyle in (None, "stop"), header
        assert str(dv.sqref).endswith(f"{1000 + 4}")  # the pre-filled rows and 1000 more
    assert listed(rules["项目阶段"]) == STAGES_SPEC
    assert listed(rules["企业类型"]) == INVESTOR_TYPES_SPEC
    assert listed(rules["科创类"]) == ["是", "否"]
    for header in ("协议引资额(亿元)", "本年实际到位资金(亿元)", "用地(亩)"):
        assert (rules[header].type, rules[header].operator, rules[header].formula1) == (
            "decimal",
            "greaterThanOrEqual",
            "0",
        )
    for header in ("签约日期", "落地日期", "开工日期", "达产日期", "反馈日期"):
        rule = rules[header]  # 'between' is the default operator, not written
        assert rule.type == "date" and rule.operator in (None, "between") and rule.formula1 and rule.formula2
    assert rules["项目编号"].type == "custom" and "COUNTIF" in rules["项目编号"].formula1

    comments = {cell.value: cell.comment.text for cell in ws[1]}
    assert "项目阶段为签约、落地、开工、达产时必填" in comments["签约日期"]
    assert "项目阶段为达产时必填" in comments["达产日期"]
    assert "必填" in comments["项目编号"] and "线索" in comments["项目阶段"]
    assert ws.freeze_panes == "C2"
    assert ws.protection.sheet and ws["A1"].protection.locked and not ws["A2"].protection.locked
    assert not ws.column_dimensions["A"].protection.locked  # the column's cells below can be typed in

    leads = validations(book["线索共享"])
    units = listed(leads["接收单位"])
    assert "P02 德感工业园" in units and not any(u.startswith("P01 ") for u in units)
    assert leads["共享日期"].formula2 is not None  # not after the report week's Sunday


def test_libreoffice_opens_the_template_and_keeps_its_validations(home, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is missing: run .ci/install as root")
    path = template(home, "2021-W06")
    out = tmp_path / "converted"
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for target in ("ods", "pdf"):
        done = subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0 and (out / f"P01.{target}").stat().st_size > 0, done.stdout + done.stderr
    content = zipfile.ZipFile(out / "P01.ods").read("content.xml").decode("utf-8")
    # LibreOffice read the drop-down lists as validations that stop a value outside the list
    assert "cell-content-is-in-list" in content and "&quot;签约&quot;" in content
    assert 'table:message-type="stop"' in content
    assert "P01-B" in content and "乙物流园项目" in content


def test_a_list_too_long_for_an_inline_validation_comes_from_a_hidden_sheet(tmp_path):
    import xlsxwriter

    from unit_workbooks.template import LISTS_SHEET, _Lists

    path = tmp_path / "lists.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("项目台账")
    lists = _Lists(book)
    short, long = ["是", "否"], [f"U{i:02d} 某某单位{i}" for i in range(40)]
    assert lists.source(short) == short
    ws.data_validation(1, 0, 10, 0, {"validate": "list", "source": lists.source(long)})
    book.close()
    loaded = load_workbook(path)
    assert loaded[LISTS_SHEET].sheet_state == "hidden"
    assert [c.value for c in loaded[LISTS_SHEET]["A"]] == long
    (dv,) = loaded["项目台账"].data_validations.dataValidation
    assert dv.formula1 == f"'{LISTS_SHEET}'!$A$1:$A$40"

"""Hand-made report contents for the ingestion tests: one plain ledger and the ways units vary it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.helpers.workbooks import LEAD_HEADERS, LEDGER_HEADERS, ledger_row

WEEK = "2021-W05"  # Monday 2021-02-01 .. Sunday 2021-02-07


def plain_ledger() -> list[dict[str, Any]]:
    """Four projects covering every column, stage requirement and enumeration kind."""
    return [
        ledger_row(
            project_code="P01-001",
            project_name="智能终端产业园",
            investor="重庆长安汽车股份有限公司",
            investor_type="世界500强",
            industry="装备制造",
            origin="长三角",
            is_sci_tech="是",
            stage="达产",
            contract_amount=80.5,
            funds_ytd=12.25,
            land_mu=150,
            signed_on=date(2021, 1, 4),
            landed_on=date(2021, 1, 10),
            started_on=date(2021, 1, 20),
            producing_on=date(2021, 2, 1),
            lead_id="P02-L001",
            feedback_on=date(2021, 1, 5),
            note="重点项目",
        ),
        ledger_row(
            project_code="P01-002",
            project_name="新材料基地",
            investor="华东材料有限公司",
            investor_type="上市公司",
            industry="材料",
            origin="粤港澳",
            is_sci_tech="否",
            stage="签约",
            contract_amount=3,
            funds_ytd=0,
            signed_on=date(2021, 1, 28),
        ),
        ledger_row(
            project_code="P01-003",
            project_name="跨境电商中心",
            investor="海外贸易公司",
            investor_type="其他",
            industry="现代服务业",
            origin="境外",
            is_sci_tech="否",
            stage="在谈",
        ),
        ledger_row(
            project_code="P01-004",
            project_name="汽配厂",
            investor="本地汽配厂",
            investor_type="国企",
            industry="汽摩",
            origin="市内",
            is_sci_tech="是",
            stage="终止",
            contract_amount=1.5,
            signed_on=date(2020, 12, 1),
        ),
    ]


# Expected normalisation of plain_ledger (a spot check of the baseline every variant is compared with).
PLAIN_EXPECTED_FIRST = {
    "project_code": "P01-001",
    "investor_type": "global500",
    "industry": "equipment",
    "origin": "yrd",
    "is_sci_tech": True,
    "stage": "producing",
    "contract_amount": 80.5,
    "funds_ytd": 12.25,
    "land_mu": 150.0,
    "signed_on": date(2021, 1, 4),
    "producing_on": date(2021, 2, 1),
    "lead_id": "P02-L001",
    "feedback_on": date(2021, 1, 5),
    "note": "重点项目",
    "name_key": "智能终端产业园|重庆长安汽车股份有限公司",
}

TRADITIONAL_HEADERS = {
    "project_code": "項目編號",
    "project_name": "項目名稱",
    "investor": "投資主體",
    "investor_type": "企業類型",
    "industry": "產業類別",
    "origin": "來源地",
    "is_sci_tech": "科創類",
    "stage": "項目階段",
    "contract_amount": "協議引資額(億元)",
    "funds_ytd": "本年實際到位資金(億元)",
    "land_mu": "用地(畝)",
    "signed_on": "簽約日期",
    "landed_on": "落地日期",
    "started_on": "開工日期",
    "producing_on": "達產日期",
    "lead_id": "線索編號",
    "feedback_on": "反饋日期",
    "note": "備註",
}
TRADITIONAL_LABELS = {
    "世界500强": "世界500強",
    "装备制造": "裝備製造",
    "长三角": "長三角",
    "达产": "達產",
    "签约": "簽約",
    "在谈": "在談",
    "终止": "終止",
    "粤港澳": "粵港澳",
    "现代服务业": "現代服務業",
    "国企": "國企",
    "市内": "市內",
    "境外": "境外",
    "智能终端产业园": "智能終端產業園",
    "重庆长安汽车股份有限公司": "重慶長安汽車股份有限公司",
}


def traditional(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same rows written in Traditional characters (labels and names)."""
    return [
        {k: TRADITIONAL_LABELS.get(v, v) if isinstance(v, str) else v for k, v in r.items()} for r in rows
    ]


def write_columns(
    path: Path,
    ledger: list[dict[str, Any]],
    order: list[str],
    headers: dict[str, str] | None = None,
    sheet: str = "项目台账",
    extra_rows_above: list[list[Any]] | None = None,
) -> Path:
    """A workbook with the ledger columns in the given order (and optional rows above the header)."""
    hdr = {**LEDGER_HEADERS, **(headers or {})}
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in extra_rows_above or []:
        ws.append(row)
    ws.append([hdr[c] for c in order])
    for row in ledger:
        ws.append([row.get(c) for c in order])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_leads_csv(path: Path, leads: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    """`<unit>.leads.csv` beside a CSV ledger."""
    lines = [",".join(LEAD_HEADERS.values())]
    for lead in leads:
        lines.append(",".join("" if lead.get(c) is None else str(lead[c]) for c in LEAD_HEADERS))
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def lead(lead_id: str, to_unit: str, shared_on: Any = date(2021, 2, 2), **fields: Any) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "project_name": f"项目{lead_id}",
        "investor": "某投资公司",
        "to_unit": to_unit,
        "shared_on": shared_on,
        **fields,
    }

"""The sample inbox: layout, determinism, variants, and that a year of data is clean and near the targets.

Files are read back with python-calamine / csv (independently of the generator's own tables).
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zhconv
from python_calamine import CalamineWorkbook

from basics.registers import units as register_units
from zhaoshang.sample_data import SampleSummary, apply_sample_resend, write_sample_inbox

YEAR, SEED = 2021, 7
FIELDS = {
    "项目编号": "project_code",
    "项目名称": "project_name",
    "投资主体": "investor",
    "企业类型": "investor_type",
    "产业类别": "industry",
    "来源地": "origin",
    "科创类": "is_sci_tech",
    "项目阶段": "stage",
    "协议引资额(亿元)": "contract_amount",
    "本年实际到位资金(亿元)": "funds_ytd",
    "用地(亩)": "land_mu",
    "签约日期": "signed_on",
    "落地日期": "landed_on",
    "开工日期": "started_on",
    "达产日期": "producing_on",
    "线索编号": "lead_id",
    "反馈日期": "feedback_on",
    "备注": "note",
}
LEAD_FIELDS = {
    "线索编号": "lead_id",
    "项目名称": "project_name",
    "投资主体": "investor",
    "接收单位": "to_unit",
    "共享日期": "shared_on",
}
DATES = ("signed_on", "landed_on", "started_on", "producing_on", "feedback_on", "shared_on")
AMOUNTS = ("contract_amount", "funds_ytd", "land_mu")
ENUMS = {
    "investor_type": {"世界500强", "中国500强", "民营500强", "上市公司", "央企", "国企", "其他"},
    "industry": {"消费品", "装备制造", "汽摩", "材料", "智能产业", "现代服务业", "现代农业", "其他"},
    "origin": {"粤港澳", "长三角", "京津冀", "市内", "其他市外", "境外"},
    "stage": {"线索", "在谈", "签约", "落地", "开工", "达产", "终止"},
}
ORDER = {"线索": 1, "在谈": 2, "签约": 3, "落地": 4, "开工": 5, "达产": 6, "终止": 99}
REQUIRES = {
    "signed_on": {"签约", "落地", "开工", "达产"},
    "landed_on": {"落地", "开工", "达产"},
    "started_on": {"开工", "达产"},
    "producing_on": {"达产"},
}
QUALITY = {"世界500强", "中国500强", "民营500强", "上市公司"}
YES, NO = {"是", "Y", "1", "true"}, {"否", "N", "0", "false"}


@dataclass
class Report:
    unit: str
    week: str
    sunday: date
    path: Path
    ledger_sheet: str | None = None
    headers: list[str] = field(default_factory=list)  # raw header row
    rows: list[dict[str, Any]] = field(default_factory=list)  # normalised: Simplified, 亿元, dates
    leads: list[dict[str, Any]] = field(default_factory=list)
    cover: str | None = None
    raw_dates: list[Any] = field(default_factory=list)  # date cells as found


def _sunday(week: str) -> date:
    year, num = week.split("-W")
    return date.fromisocalendar(int(year), int(num), 7)


def _simplified(text: str) -> str:
    return zhconv.convert(text.strip(), "zh-cn")


def _header(raw: str) -> tuple[str, float]:
    h = _simplified(str(raw)).replace("（", "(").replace("）", ")").replace(" ", "")
    return (h.replace("(万元)", "(亿元)"), 1e-4) if "(万元)" in h else (h, 1.0)


def _date(value: Any) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = re.fullmatch(r"(\d{4})(?:-|/|年)(\d{1,2})(?:-|/|月)(\d{1,2})日?", str(value).strip())
    assert m, f"unparseable date {value!r}"
    return date(int(m[1]), int(m[2]), int(m[3]))


def _value(name: str, value: Any, scale: float) -> Any:
    if value in ("", None):
        return None
    if name in DATES:
        return _date(value)
    if name in AMOUNTS:
        return float(value) * (scale if name != "land_mu" else 1.0)
    if name == "is_sci_tech":
        text = str(int(value)) if isinstance(value, float) else str(value)
        assert text in YES | NO, f"yes/no {value!r}"
        return text in YES
    text = str(value).strip()
    return _simplified(text) if name in ENUMS or name in ("project_name", "investor", "note") else text


def _table(rows: list[list[Any]], names: dict[str, str]) -> tuple[list[str], list[dict[str, Any]], list[Any]]:
    header = [str(h) for h in rows[0]]
    cols = [(_header(h)[0], _header(h)[1]) for h in header]
    out, raw_dates = [], []
    for raw in rows[1:]:
        rec = {}
        for (h, scale), v in zip(cols, raw, strict=False):
            assert h in names, f"unknown header {h}"
            rec[names[h]] = _value(names[h], v, scale)
            if names[h] in DATES and v not in ("", None):
                raw_dates.append(v)
        out.append(rec)
    return header, out, raw_dates


def _read(path: Path) -> Report:
    unit, week = path.name.split(".")[0], path.parent.name
    rep = Report(unit, week, _sunday(week), path)
    if path.suffix == ".csv":
        with open(path, encoding="gb18030", newline="") as fh:
            rep.headers, rep.rows, rep.raw_dates = _table(list(csv.reader(fh)), FIELDS)
        leads = path.with_suffix(".leads.csv")
        if leads.exists():
            with open(leads, encoding="gb18030", newline="") as fh:
                rep.leads = _table(list(csv.reader(fh)), LEAD_FIELDS)[1]
        return rep
    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python()
        kind = _simplified(name)
        if kind == "封面":
            rep.cover = str(rows[0][1])
        elif kind == "项目台账":
            rep.ledger_sheet = name
            rep.headers, rep.rows, rep.raw_dates = _table(rows, FIELDS)
        elif kind == "线索共享":
            rep.leads = _table(rows, LEAD_FIELDS)[1]
        else:
            raise AssertionError(f"unexpected sheet {name} in {path}")
    return rep


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleSummary]:
    out = tmp_path_factory.mktemp("sample") / "inbox"
    return out, write_sample_inbox(out, YEAR, SEED)


@pytest.fixture(scope="module")
def reports(inbox: tuple[Path, SampleSummary]) -> dict[tuple[str, str], Report]:
    out, _ = inbox
    paths = [p for p in sorted(out.glob("*/*")) if not p.name.endswith(".leads.csv")]
    return {(r.unit, r.week): r for r in map(_read, paths)}


def _history(reports: dict[tuple[str, str], Report]) -> dict[tuple[str, str], list[tuple[Report, dict]]]:
    """(unit, project_code) -> [(report, row)] in week order."""
    out: dict[tuple[str, str], list[tuple[Report, dict]]] = {}
    for key in sorted(reports, key=lambda k: (k[0], k[1])):
        rep = reports[key]
        for row in rep.rows:
            out.setdefault((rep.unit, row["project_code"]), []).append((rep, row))
    return out


def test_layout_and_week_set(inbox, reports) -> None:
    out, summary = inbox
    folders = sorted(p.name for p in out.iterdir())
    assert folders[0] == "2020-W53" and folders[-1] == "2021-W51" and len(folders) == 52
    assert "2021-W52" not in folders and folders == summary.weeks
    register = register_units()
    for path in out.glob("*/*"):
        assert path.name.split(".")[0] in register and path.suffix in (".xlsx", ".csv")
    p07 = sorted(week for unit, week in reports if unit == "P07")
    assert p07[0] == "2021-W09" and "2021-W08" not in p07
    missed = set(summary.missed)
    for code, unit in register.items():
        for week in folders:
            expected = unit.active_on(_sunday(week)) and (code, week) not in missed
            assert ((code, week) in reports) == expected, (code, week)
    assert summary.files_written == len(list(out.glob("*/*")))
    assert summary.ledger_rows == sum(len(r.rows) for r in reports.values())


def test_missed_weeks_first_half_only(inbox, reports) -> None:
    _, summary = inbox
    assert 2 <= len(summary.missed) <= 4
    for unit, week in summary.missed:
        assert _sunday(week) <= date(YEAR, 6, 30) and (unit, week) not in reports
    for unit, active in register_units().items():
        for week in summary.weeks:
            if _sunday(week).month >= 7 and active.active_on(_sunday(week)):
                assert (unit, week) in reports, (unit, week)


def test_same_seed_same_bytes_other_seed_differs(inbox, tmp_path: Path) -> None:
    out, _ = inbox
    some = ["P01", "P04", "B02", "D04"]
    again = write_sample_inbox(tmp_path / "again", YEAR, SEED, units=some)
    files = sorted(p.relative_to(tmp_path / "again") for p in (tmp_path / "again").glob("*/*"))
    assert again.files_written == len(files) > 150
    for rel in files:
        assert (tmp_path / "again" / rel).read_bytes() == (out / rel).read_bytes(), rel
    write_sample_inbox(tmp_path / "other", YEAR, SEED + 1, units=["P01"])
    week = "2021-W40"
    assert (tmp_path / "other" / week / "P01.xlsx").read_bytes() != (out / week / "P01.xlsx").read_bytes()


def test_variants_present_and_decodable(inbox, reports) -> None:
    out, summary = inbox
    assert len(summary.traditional_units) == 2 and len(summary.wan_units) == 1 and len(summary.csv_units) == 1
    for unit in summary.traditional_units:
        rep = reports[(unit, "2021-W40")]
        assert rep.ledger_sheet == "項目台賬"
        assert "項目編號" in rep.headers and "協議引資額(億元)" in rep.headers
        raw = CalamineWorkbook.from_path(str(rep.path)).get_sheet_by_name("項目台賬").to_python()
        stages = {row[rep.headers.index("項目階段")] for row in raw[1:]}
        assert stages & {"簽約", "落地", "開工"} and not stages & {"签约", "开工"}
        assert all(r["stage"] in ENUMS["stage"] and r["industry"] in ENUMS["industry"] for r in rep.rows)
    wan = summary.wan_units[0]
    rep = reports[(wan, "2021-W40")]
    assert "协议引资额(万元)" in rep.headers and "本年实际到位资金(万元)" in rep.headers
    raw = CalamineWorkbook.from_path(str(rep.path)).get_sheet_by_name("项目台账").to_python()
    col = rep.headers.index("协议引资额(万元)")
    assert max(float(r[col]) for r in raw[1:] if r[col] != "") > 10_000
    csv_unit = summary.csv_units[0]
    path = out / "2021-W40" / f"{csv_unit}.csv"
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("gb18030").startswith("项目编号,")
    assert list(out.glob(f"*/{csv_unit}.leads.csv")), "the CSV unit shares leads in a CSV too"
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)
        for r in reports.values()
        if r.unit == csv_unit
        for d in r.raw_dates
    )


def test_formats_vary_across_units(reports) -> None:
    styles: dict[str, set[str]] = {}
    for rep in reports.values():
        for d in rep.raw_dates:
            kind = "excel" if isinstance(d, date) else "cn" if "年" in d else "slash" if "/" in d else "iso"
            styles.setdefault(kind, set()).add(rep.unit)
    assert {"excel", "cn", "slash", "iso"} <= set(styles)
    canonical = [h for h in FIELDS]
    orders = {
        r.unit
        for r in reports.values()
        if r.path.suffix == ".xlsx" and [_header(h)[0] for h in r.headers] != canonical
    }
    assert orders, "at least one unit orders its columns differently"
    workbooks = [r for r in reports.values() if r.path.suffix == ".xlsx"]
    with_cover = [r for r in workbooks if r.cover is not None]
    assert all(r.cover == r.unit for r in with_cover) and len(with_cover) > len(workbooks) / 2


def test_rows_clean(reports) -> None:
    _assert_rows_clean(reports)


def _assert_rows_clean(reports: dict[tuple[str, str], Report]) -> None:
    for rep in reports.values():
        codes = [r["project_code"] for r in rep.rows]
        assert len(codes) == len(set(codes)), rep.path
        for r in rep.rows:
            where = (rep.unit, rep.week, r["project_code"])
            for name in ("project_code", "project_name", "investor", *ENUMS, "is_sci_tech"):
                assert r.get(name) is not None, (where, name)
            for name, allowed in ENUMS.items():
                assert r[name] in allowed, (where, name, r[name])
            for name, stages in REQUIRES.items():
                present = r.get(name) is not None
                assert present == (r["stage"] in stages) or r["stage"] == "终止", (where, name)
            if r["stage"] in REQUIRES["signed_on"]:
                assert r["contract_amount"] is not None, where
            dates = [r.get(n) for n in ("signed_on", "landed_on", "started_on", "producing_on")]
            present = [d for d in dates if d is not None]
            assert present == sorted(present), where
            assert all(d <= rep.sunday for n in DATES if (d := r.get(n)) is not None), where
            assert all((r.get(n) or 0) >= 0 for n in AMOUNTS), where
            assert (r["contract_amount"] or 0) <= 500, where
            if r.get("signed_on") is None:
                assert not r.get("funds_ytd"), where


def test_projects_move_forward_across_weeks(reports) -> None:
    assert _assert_forward(reports) == set(ORDER)


def _assert_forward(reports: dict[tuple[str, str], Report]) -> set[str]:
    """Stage, funds, amounts, dates and names across weeks; returns the stages seen."""
    stages_seen = set()
    for key, history in _history(reports).items():
        previous: dict | None = None
        for _, row in history:
            stages_seen.add(row["stage"])
            if previous is not None:
                before, now = ORDER[previous["stage"]], ORDER[row["stage"]]
                assert now >= before, (key, previous["stage"], row["stage"])
                assert (row["funds_ytd"] or 0) >= (previous["funds_ytd"] or 0) - 1e-9, key
                old, new = previous["contract_amount"], row["contract_amount"]
                if old and new:
                    assert abs(new - old) / old <= 0.5, (key, old, new)
                for name in ("signed_on", "landed_on", "started_on", "producing_on", "feedback_on"):
                    if previous.get(name) is not None:
                        assert row.get(name) == previous[name], (key, name)
                for name in ("project_name", "investor"):
                    assert row[name] == previous[name], key
            previous = row
    return stages_seen


def test_no_project_reported_by_two_units(reports) -> None:
    owner: dict[tuple[str, str], str] = {}
    for rep in reports.values():
        for r in rep.rows:
            key = (r["project_name"], r["investor"])
            assert owner.setdefault(key, rep.unit) == rep.unit, key


def test_ledger_leads_were_shared_to_that_unit(inbox, reports) -> None:
    _, summary = inbox
    register = register_units()
    shared: dict[str, dict] = {}
    for rep in sorted(reports.values(), key=lambda r: r.sunday):
        for lead in rep.leads:
            assert lead["lead_id"].startswith(f"{rep.unit}-"), lead
            assert lead["to_unit"] in register and lead["to_unit"] != rep.unit, lead
            assert lead["shared_on"] <= rep.sunday and lead["shared_on"].year == YEAR, lead
            first = shared.setdefault(lead["lead_id"], {**lead, "sunday": rep.sunday})
            assert first["to_unit"] == lead["to_unit"], lead
            if first["sunday"] == rep.sunday:
                assert lead["shared_on"] > rep.sunday - timedelta(days=7), "listed in the week it was shared"
    assert len(shared) == summary.leads_shared >= 20
    answered: dict[str, date] = {}
    for rep in reports.values():
        for r in rep.rows:
            if r.get("lead_id"):
                lead = shared[r["lead_id"]]
                assert lead["to_unit"] == rep.unit, r
                assert r["feedback_on"] is not None and lead["shared_on"] <= r["feedback_on"], r
                assert (r["project_name"], r["investor"]) == (lead["project_name"], lead["investor"])
                answered[r["lead_id"]] = r["feedback_on"]
    ignored = set(shared) - set(answered)
    late = [lid for lid, fb in answered.items() if (fb - shared[lid]["shared_on"]).days > 7]
    assert len(ignored) == summary.leads_ignored >= 1
    assert len(late) == summary.leads_late >= 1
    assert len(late) + len(ignored) < len(answered) / 2


def test_resend_corrects_one_early_week(inbox, reports, tmp_path: Path) -> None:
    out, summary = inbox
    assert summary.resend_unit and summary.resend_week and summary.resend_path is not None
    assert _sunday(summary.resend_week).month <= 4
    copy = tmp_path / "inbox"
    shutil.copytree(out / summary.resend_week, copy / summary.resend_week)
    path = apply_sample_resend(copy, YEAR, SEED)
    assert path == copy / summary.resend_week / f"{summary.resend_unit}.xlsx"
    assert path.read_bytes() != summary.resend_path.read_bytes()
    assert sorted(p.name for p in (copy / summary.resend_week).iterdir()) == sorted(
        p.name for p in (out / summary.resend_week).iterdir()
    )
    before = reports[(summary.resend_unit, summary.resend_week)]
    after = _read(path)
    assert len(after.rows) == len(before.rows) + 1
    changed = [
        a
        for a in after.rows
        for b in before.rows
        if a["project_code"] == b["project_code"] and a["contract_amount"] != b["contract_amount"]
    ]
    assert len(changed) == 1
    weeks = summary.weeks
    i = weeks.index(summary.resend_week)
    unit = summary.resend_unit
    around = {(unit, w): reports[(unit, w)] for w in (weeks[i - 1], weeks[i + 1])}
    around[(unit, summary.resend_week)] = after
    _assert_rows_clean(around)
    _assert_forward(around)
    assert apply_sample_resend(copy, YEAR, SEED).read_bytes() == path.read_bytes()


def test_year_totals_near_district_targets(inbox, reports) -> None:
    _, summary = inbox
    last: dict[str, Report] = {}
    for rep in sorted(reports.values(), key=lambda r: r.sunday):
        last[rep.unit] = rep
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    c = consumer = funds = 0.0
    quality = major = signed = landed = 0
    per_unit: dict[str, float] = {}
    for unit, rep in last.items():
        assert rep.week == "2021-W51"
        for r in rep.rows:
            industrial = r["industry"] != "其他"
            funds += (r["funds_ytd"] or 0) if industrial else 0
            if r["signed_on"] is None or not start <= r["signed_on"] <= end or r["stage"] in ("线索", "在谈"):
                continue
            signed += 1
            landed += r["landed_on"] is not None and r["landed_on"] <= end
            quality += r["investor_type"] in QUALITY
            if industrial:
                c += r["contract_amount"]
                per_unit[unit] = per_unit.get(unit, 0) + r["contract_amount"]
                consumer += r["contract_amount"] if r["industry"] == "消费品" else 0
                major += r["contract_amount"] >= 50
    assert 1000 <= c <= 1300 and 100 <= consumer <= 150 and 300 <= funds <= 400
    assert quality >= 10 and major >= 2 and 0.30 <= landed / signed <= 0.50
    t = summary.totals
    assert t["contract_amount_industrial"] == pytest.approx(c, abs=0.01)
    assert t["contract_amount_consumer_goods"] == pytest.approx(consumer, abs=0.01)
    assert t["funds_in_place_industrial"] == pytest.approx(funds, abs=0.01)
    assert (t["quality_projects"], t["major_projects"]) == (quality, major)
    assert t["landing_conversion_rate"] == pytest.approx(landed / signed, abs=1e-4)
    # every unit signs something, roughly in proportion to its target C (targets sum to about 1,000)
    assert set(per_unit) == set(register_units())
    assert per_unit["P01"] > per_unit["P06"] > per_unit["D05"]


def test_other_year_and_unit_subset(tmp_path: Path) -> None:
    summary = write_sample_inbox(tmp_path, 2022, SEED, units=["D05"])
    weeks = sorted(p.name for p in tmp_path.iterdir())
    assert weeks[0] == "2021-W52" and weeks[-1] == "2022-W51" and "2022-W52" not in weeks
    assert {p.name for p in tmp_path.glob("*/*")} == {"D05.xlsx"}
    assert summary.files_written == len(weeks) == 52 - len(summary.missed)
    with pytest.raises(ValueError, match="X99"):
        write_sample_inbox(tmp_path / "bad", 2021, SEED, units=["P01", "X99"])


def test_another_years_sample_reuses_no_lead_or_project_code():
    """SPEC 2.2: lead codes are globally unique; a 2022 sample beside 2021's must not reuse a code either
    (a project code reused by another project would read as one project going backwards a stage)."""
    from basics.registers import units
    from zhaoshang.sample_data import build_plan

    plans = [build_plan(units(), year, 7) for year in (2021, 2022)]
    leads = [{lead.lead_id for lead in plan.leads} for plan in plans]
    codes = [{p.code for items in plan.projects.values() for p in items} for plan in plans]
    assert all(leads) and not leads[0] & leads[1]
    assert all(codes) and not codes[0] & codes[1]


def test_a_blank_or_absent_target_plans_with_the_default():
    """A method without some indicator leaves its target blank (or without a column): no traceback."""
    from zhaoshang.sample_data.units_plan import _target

    assert _target("", 10.0) == 10.0 and _target(None, 0.0) == 0.0 and _target(" 150 ", 0.0) == 150.0

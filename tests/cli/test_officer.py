"""The officer's tool through the real `zhaoshang` command: Chinese first in the bureau's words, never stale,
per-unit waivers, months without data named as such, exports as submitted, counts that add up."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from basics import terms
from tests.cli.test_commands import assert_user_error, zhaoshang
from tests.conftest import PROJECT_ROOT, README_DEMO, SampleYear

COMMANDS = [
    "demo",
    "sample",
    "ingest",
    "build",
    "weekly",
    "scores",
    "check",
    "submit",
    "status",
    "template",
    "ui",
    "rebuild",
    "backup",
]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def home(sample_year: SampleYear, tmp_path_factory) -> tuple[Path, str]:
    """This module's own copy of the session's `zhaoshang demo` home (its tests write on it in turn)."""
    root = sample_year.copy(tmp_path_factory.mktemp("officer") / "home")
    return root, sample_year.demo.stdout


# 1. Chinese first, one vocabulary ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_is_chinese_first(command):
    proc = zhaoshang(*([command] if command else []), "--help")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("用法 usage:")
    description = next(line for line in lines[1:] if not line.startswith(" "))
    assert CJK.match(description.strip()), description  # the first word the officer reads is Chinese
    assert "选项 options" in proc.stdout and "退出码" in proc.stdout
    for line in proc.stdout.splitlines():  # every option's help starts in Chinese
        match = re.match(r"\s+(-\S+.*?)\s{2,}(\S.*)", line)
        if match and not match[1].startswith("{"):
            assert CJK.match(match[2]), line


def test_a_wrong_argument_is_one_chinese_sentence():
    proc = zhaoshang("scores")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "命令行参数有误" in proc.stderr and "--month" in proc.stderr


def test_the_bureaus_terms_live_in_one_vocabulary():
    """No module of the command spells a bureau term itself: they all come from basics/terms.py."""
    words = {v for k, v in vars(terms).items() if k.isupper() and isinstance(v, str) and len(v) >= 2}
    assert {"协议引资额", "实际到位资金", "序时进度", "周报", "报送", "免报"} <= words
    for path in (PROJECT_ROOT / "zhaoshang").rglob("*.py"):
        if "sample_data" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and not _is_docstring(node):
                spelled = [
                    w
                    for w in ("协议引资额", "实际到位资金", "序时进度", "周报", "报送", "免报")
                    if w in node.value
                ]
                assert not spelled, f"{path.name}:{node.lineno} spells {spelled}: use basics.terms"


def _is_docstring(node: ast.Constant) -> bool:
    return node.col_offset == 0 or node.value.startswith(("The ", "`", "Waivers", "{", "One ", "'"))


@pytest.mark.slow
def test_demo_is_chinese_first_and_its_counts_add_up(home):
    _, out = home
    assert "825 个文件（820 份周报，另 5 个 .leads.csv 线索附表）" in out
    assert "接收 820 份周报" in out and "另有 5 个 .leads.csv 线索附表" in out
    for line in out.splitlines():
        if line.strip() and not line.startswith(("  ", "/")):
            assert CJK.search(line.split(" / ")[0]), line  # the Chinese comes before the English


# 5. exports as submitted, read-only commands, rejections once --------------------


def _warehouse_scores(root: Path) -> dict[str, dict]:
    """June 2021 per unit: total_score (score_totals), value_c and value_r (C's, R's score_points lines)."""
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        totals = con.execute(
            "select unit_code, total_score from marts.score_totals where year = 2021 and month = 6"
        )
        scores = {unit: {"total_score": t, "value_c": None, "value_r": None} for unit, t in totals.fetchall()}
        values = con.execute(
            "select unit_code, item_code, value from marts.score_points "
            "where year = 2021 and month = 6 and line = 'item' and item_code in ('C', 'R')"
        )
        for unit, item, value in values.fetchall():
            scores[unit][f"value_{item.lower()}"] = value
        return scores
    finally:
        con.close()


@pytest.mark.slow
def test_scores_csv_is_rounded_as_submitted_with_bom_and_chinese_labels(home, tmp_path):
    root, _ = home
    proc = zhaoshang("scores", "--month", "2021-06", "--csv", str(tmp_path / "s.csv"), home=root)
    assert proc.returncode == 0, proc.stderr
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = _warehouse_scores(root)
    assert {r["单位编号"] for r in rows} == set(expected)
    assert {r["单位类型"] for r in rows} == {"平台", "部门", "局内科室"}
    for r in rows:
        truth = expected[r["单位编号"]]
        for header, column, places in (
            ("总分", "total_score", 2),
            ("协议引资额(亿元)", "value_c", 2),
            ("落地转化率", "value_r", 3),
        ):
            if truth[column] is None:
                assert r[header] == ""
                continue
            assert Decimal(r[header]) == Decimal(str(round(truth[column], places))), (header, r[header])
            assert len(r[header].partition(".")[2]) <= places, r[header]
    stdout = zhaoshang("scores", "--month", "2021-06", "--csv", home=root)
    assert stdout.stdout.startswith("\ufeff年度,月份,单位编号")


@pytest.mark.slow
def test_scores_xlsx_has_chinese_headers_and_number_formats(home, tmp_path):
    root, _ = home
    target = tmp_path / "得分.xlsx"
    assert zhaoshang("scores", "--month", "2021-06", "--xlsx", str(target), home=root).returncode == 0
    ws = openpyxl.load_workbook(target).active
    headers = [c.value for c in ws[3]]
    assert headers[:5] == ["年度", "月份", "单位编号", "单位名称", "单位类型"] and "总分" in headers
    total = headers.index("总分") + 1
    cell = ws.cell(row=4, column=total)
    assert isinstance(cell.value, float | int) and cell.number_format == "0.00"
    assert ws.cell(row=4, column=5).value in {"平台", "部门", "局内科室"}


@pytest.mark.parametrize(
    "args",
    [
        ("scores", "--month", "2021-06"),
        ("check", "--month", "2021-06"),
        ("status",),
        ("submit", "--month", "2021-06"),
        ("ingest",),
        ("build",),
        ("weekly",),
        ("report", "--month", "2021-06"),
        ("template", "--week", "2021-W06"),
    ],
)
def test_only_demo_and_sample_create_a_home(tmp_path, args):
    typo = tmp_path / "vaar"
    assert_user_error(zhaoshang(*args, home=typo), 2, "不存在", "--home")
    assert not typo.exists()


def test_a_wrong_month_is_chinese_first(tmp_path):
    proc = zhaoshang("scores", "--month", "2021-13", home=tmp_path)
    assert_user_error(proc, 2, "月份“2021-13”无效", "is not a month")
    message = proc.stderr.split("error:", 1)[1]
    assert CJK.match(message.strip()), message  # Chinese first, English after


def test_global_options_go_before_the_command(tmp_path):
    bad = tmp_path / "inbox" / "2021-W05" / "ZZ9.xlsx"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not a workbook")
    proc = zhaoshang("--home", str(tmp_path), "ingest")  # as git, docker and dbt take them
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "拒收 1 份" in proc.stdout and (tmp_path / "quarantine" / "2021-W05" / "ZZ9.xlsx").exists()
    typo = tmp_path / "vaar"
    assert_user_error(zhaoshang("--home", str(typo), "status"), 2, "不存在")
    assert not typo.exists()


def test_ingest_prints_each_rejection_once_and_says_what_is_next(tmp_path):
    bad = tmp_path / "inbox" / "2021-W05" / "ZZ9.xlsx"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not a workbook")
    proc = zhaoshang("ingest", home=tmp_path)
    assert proc.returncode == 3
    out = proc.stdout + proc.stderr
    assert out.count("不在单位名册中") == 1 and out.count("is not in the unit register") == 1
    assert "拒收 1 份" in proc.stdout and "rejected 1" in proc.stdout


@pytest.mark.slow
def test_explain_names_an_unknown_unit(home):
    root, _ = home
    proc = zhaoshang("explain", "--unit", "P99", "--month", "2021-06", home=root)
    assert_user_error(proc, 2, "未知单位", "P99")
    assert "没有考核得分" not in proc.stderr


@pytest.mark.slow
def test_demos_next_step_is_a_command_that_exists(home):
    """The demo's next step names the command as the officer ran it: `zhaoshang` when that is on PATH, else
    what they typed (the session's demo is the README's first command, `.venv/bin/zhaoshang demo`)."""
    _, out = home
    exe = Path(sys.executable).parent / "zhaoshang"
    on_path = shutil.which("zhaoshang")
    typed = README_DEMO.split()[0]
    name = "zhaoshang" if on_path and Path(on_path).resolve() == exe.resolve() else typed
    next_line = next(line for line in out.splitlines() if line.startswith("下一步"))
    assert f"`{name} scores --month 2021-12`" in next_line and f"`{name} status`" in next_line


# 4. months with no data, weeks not yet due --------------------


@pytest.mark.slow
def test_a_month_without_reports_is_one_sentence(home):
    root, _ = home
    proc = zhaoshang("check", "--month", "2022-03", home=root)
    assert proc.returncode == 4
    assert proc.stdout.strip() == "2022-03 尚无任何周报 / no weekly report has arrived for 2022-03 yet."
    status = zhaoshang("status", "--month", "2022-03", home=root)
    assert (
        status.returncode == 0 and "2022-03 尚无任何周报" in status.stdout and "缺报周次" not in status.stdout
    )


@pytest.mark.slow
def test_weeks_after_the_newest_report_are_not_due_not_missing(home):
    root, _ = home
    for week in ("2022-W01", "2022-W02"):  # two January weeks arrive from one unit
        target = root / "inbox" / week / "P01.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / "inbox" / "2021-W50" / "P01.xlsx", target)
    assert zhaoshang("ingest", home=root).returncode == 0
    proc = zhaoshang("status", "--month", "2022-01", home=root)
    assert proc.returncode == 0
    first, table = proc.stdout.split("2022-01 的周次尚未全部到期", 1)[1].split("\n", 1)
    assert "2022-W03、2022-W04 未到期" in first and "本月暂不能报送" in first  # one sentence, then the units
    assert "P02" in table and "2022-W02" in table and "2022-W03" not in table and "2022-W04" not in table
    assert re.search(r"P01\s+\S+\s+2021-W52\n", table)  # P01 sent W01 and W02: only W52 missing
    # the gate gives the same answer: one failure naming the weeks not due and the units behind
    check = zhaoshang("check", "--month", "2022-01", home=root)
    assert check.returncode == 4, check.stdout + check.stderr
    assert check.stdout.count("未报送") == 0 and check.stdout.count("尚未全部到期") == 1
    assert "2022-W03、2022-W04 晚于最新收到的周报" in check.stdout and "P02 " in check.stdout


# 2. never stale ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_reports_after_the_last_build_are_named_until_weekly_rebuilds(home):
    root, _ = home  # the previous test ingested two reports without building
    ingest = zhaoshang("ingest", home=root)
    assert "下一步" in ingest.stdout and "zhaoshang build" in ingest.stdout
    for args in (("scores", "--month", "2021-12"), ("check", "--month", "2021-12")):
        proc = zhaoshang(*args, home=root)
        assert "上次重新计算" in proc.stderr and "2 份周报" in proc.stderr, args
    weekly = zhaoshang("weekly", home=root)
    assert weekly.returncode == 0, weekly.stdout + weekly.stderr
    assert "1/3" in weekly.stdout and "2/3 重新计算" in weekly.stdout and "3/3 缺报" in weekly.stdout
    after = zhaoshang("scores", "--month", "2021-12", home=root)
    assert after.returncode == 0 and "上次重新计算" not in after.stderr
    assert "无需重新计算" in zhaoshang("ingest", home=root).stdout


# 3. waivers per unit, carried on resubmission --------------------


def _manifest(root: Path, version: int) -> dict:
    return json.loads((root / "submissions" / "2021-02" / f"v{version}" / "manifest.json").read_text("utf-8"))


@pytest.mark.slow
def test_waivers_carry_their_own_reason_per_unit_and_a_resubmission_keeps_them(home, tmp_path):
    root, _ = home
    one = zhaoshang("submit", "--month", "2021-02", "--waive", "D01=W07 经书面说明", home=root)
    assert one.returncode == 4 and "D02" in one.stdout and 'D02="理由"' in one.stdout  # D02 still missing
    assert_user_error(zhaoshang("submit", "--month", "2021-02", "--waive", "D01", home=root), 2, 'D01="')
    first = zhaoshang(
        "submit", "--month", "2021-02", "--waive", "D01=W07 经书面说明", "D02=W08 系统故障", home=root
    )
    assert first.returncode == 0, first.stdout + first.stderr
    waivers = {w["unit_code"]: w["reason"] for w in _manifest(root, 1)["waivers"]}
    assert waivers == {"D01": "W07 经书面说明", "D02": "W08 系统故障"}
    again = zhaoshang(
        "submit", "--month", "2021-02", "--resubmit", "--reason", "P03 更正协议引资额", home=root
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "沿用第1版的免报" in again.stdout
    v2 = _manifest(root, 2)
    assert {w["unit_code"]: w["reason"] for w in v2["waivers"]} == waivers
    assert v2["resubmit_reason"] == "P03 更正协议引资额"
    bare = zhaoshang(
        "submit", "--month", "2021-02", "--resubmit", "--reason", "不沿用", "--no-previous-waivers", home=root
    )
    assert bare.returncode == 4 and not (root / "submissions" / "2021-02" / "v3").exists()
    waiver_file = tmp_path / "免报清单.csv"
    waiver_file.write_text("单位编号,理由\nD01,函〔2021〕7号\nD02,函〔2021〕8号\n", encoding="utf-8-sig")
    third = zhaoshang(
        "submit",
        "--month",
        "2021-02",
        "--resubmit",
        "--reason",
        "按函更正",
        "--waivers",
        str(waiver_file),
        home=root,
    )
    assert third.returncode == 0, third.stdout + third.stderr
    assert {w["unit_code"]: w["reason"] for w in _manifest(root, 3)["waivers"]} == {
        "D01": "函〔2021〕7号",
        "D02": "函〔2021〕8号",
    }


# 6. data cannot drive the terminal -------------------------------------------------------------------------

EVIL = "\x1b[2J\x07\u202e"  # clear the screen, ring the bell, then show the rest right to left
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.slow
def test_scores_and_explain_show_hostile_names_escaped_and_keep_the_columns(home, tmp_path):
    """A unit name and a project name holding ESC[2J, BEL and RLO (written into a copy of the demo warehouse)
    are printed escaped; the ranking's columns still line up."""
    from zhaoshang.text_table import display_width

    root = tmp_path / "home"
    shutil.copytree(home[0], root)
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        con.execute("update marts.dim_unit set name_zh = name_zh || ? where unit_code = 'P01'", [EVIL])
        con.execute(  # the snapshot is a view over the ledger rows
            "update raw.ledger_rows set project_name = ? || project_name where unit_code = 'P01'", [EVIL]
        )
    finally:
        con.close()
    shown = r"\x1b[2J\x07\u202e"
    scores = zhaoshang("scores", "--month", "2021-06", home=root)
    explain = zhaoshang("explain", "--unit", "P01", "--month", "2021-06", home=root)
    for proc in (scores, explain):
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert not RAW_CONTROL.findall(proc.stdout.replace("\n", "") + proc.stderr.replace("\n", ""))
        assert shown in proc.stdout
    assert explain.stdout.count(shown) >= 2  # the unit's name and its projects
    # the table holding P01: every row ends in the same terminal column (the rank is right-aligned)
    table = next(t for t in scores.stdout.split("\n\n") if shown in t)
    rows = [line for line in table.splitlines() if re.match(r"^[PDB]\d\d ", line)]
    assert len(rows) >= 2 and len({display_width(line) for line in rows}) == 1, rows

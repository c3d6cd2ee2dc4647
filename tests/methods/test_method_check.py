"""Bad method files: each mistake is one sentence naming file, line and key; exit 2; nothing built.

Each case edits one line of a copy of methods/2021.yml; the expected line is found in the edited text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.method_file import MethodErrors, load_method
from assessment.register import METHODS_DIR, render_seeds
from basics.home import Home
from zhaoshang.cli import main


@pytest.fixture(autouse=True)
def _own_home_variable(monkeypatch):
    """`main()` points $ZHAOSHANG_HOME at the home it was given: restored after each test."""
    monkeypatch.delenv("ZHAOSHANG_HOME", raising=False)


GOOD = (METHODS_DIR / "2021.yml").read_text(encoding="utf-8")

# (name, text replaced, replacement, marker on the line the sentence names, key, a word of the sentence)
CASES = [
    (
        "unknown measure",
        "    measure: major_signed\n",
        "    measure: major_projects\n",
        "measure: major_projects",
        "indicators.M.measure",
        "未定义的口径",
    ),
    (
        "unknown field",
        "where: {industrial: true}",
        "where: {industral: true}",
        "industral",
        "measures.industrial_funds.where.industral",
        "未知字段",
    ),
    (
        "unknown formula",
        "    formula: ratio_to_target   #",
        "    formula: ratio_capped   #",
        "ratio_capped",
        "indicators.C.formula",
        "计分公式",
    ),
    (
        "points do not add up",
        "    label_zh: 实际到位资金\n    points: 30",
        "    label_zh: 实际到位资金\n    points: 25",
        "total_points:",
        "total_points",
        "与总分 100 不符",
    ),
    (
        "missing parameter",
        "    formula: ratio_to_target\n    cap: 1.2\n  M:",
        "    formula: ratio_to_target\n  M:",
        "  Q:\n",
        "indicators.Q.cap",
        "缺少参数",
    ),
    (
        "bad group",
        "unit_types: [department]",
        "unit_types: [departments]",
        "departments",
        "groups.department.unit_types",
        "单位类型",
    ),
    (
        "unit not in register",
        "unit_types: [bureau_section]",
        "units: [B09]",
        "B09",
        "groups.bureau_section.units",
        "单位名录",
    ),
    ("bad period", "period: ytd_month ", "period: monthly ", "period: monthly", "period", "考核期"),
    (
        "duplicate code",
        "  missing_report:\n",
        "  lead_signed:\n",
        "  lead_signed:\n    label_zh: 缺报周报",
        "deductions.lead_signed",
        "重复",
    ),
    (
        "duplicate key",
        "    points: 40\n",
        "    points: 40\n    points: 40\n",
        "    points: 40\n    points: 40",
        "points",
        "重复",
    ),
    (
        "unknown value",
        "investor_type: [世界500强,",
        "investor_type: [世界600强,",
        "世界600强",
        "measures.quality_signed.where.investor_type",
        "世界600强",
    ),
    (
        "not a number",
        "    points: 10\n    measure: landing_rate",
        "    points: ten\n    measure: landing_rate",
        "points: ten",
        "indicators.R.points",
        "不是数字",
    ),
    (
        "unknown key",
        "    points_each: 0.5\n",
        "    point_each: 0.5\n",
        "point_each",
        "deductions.late_feedback.point_each",
        "未知的键",
    ),
    (
        "ratio of a ratio",
        "    ratio: [signed_and_landed, signed]\n",
        "    ratio: [signed_and_landed, landing_rate]\n",
        "ratio: [signed_and_landed, landing_rate]",
        "measures.landing_rate.ratio",
        "本身是比率",
    ),
    (
        "bad yaml",
        "  C:\n    label_zh: 协议引资额\n",
        "  C:\n    label_zh: [协议引资额\n",
        "label_zh: [协议引资额",
        "-",
        "YAML",
    ),
]


def line_of(text: str, marker: str) -> int:
    index = text.index(marker)
    # a marker that starts with a newline-led block names the line after the newlines it skips
    return text[:index].count("\n") + 1 + (len(marker) - len(marker.lstrip("\n")))


def bad_file(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert GOOD.count(old) == 1, old
    text = GOOD.replace(old, new)
    path = tmp_path / "2021.yml"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize(("name", "old", "new", "marker", "key", "word"), CASES, ids=[c[0] for c in CASES])
def test_one_sentence_with_file_line_and_key(tmp_path, name, old, new, marker, key, word):
    path, text = bad_file(tmp_path, old, new)
    with pytest.raises(MethodErrors) as caught:
        load_method(path, "methods/2021.yml")
    problems = caught.value.problems
    assert len(problems) == 1, [p.sentence() for p in problems]
    problem = problems[0]
    expected_line = line_of(text, marker)
    if name == "duplicate key":
        expected_line += 1  # the second `points:`
    if name == "missing parameter":
        expected_line = line_of(text, "  Q:\n") + 1  # the Q mapping starts on the line after its key
    assert (problem.file, problem.line, problem.key) == ("methods/2021.yml", expected_line, key)
    sentence = problem.sentence()
    assert sentence.startswith(f"methods/2021.yml 第{expected_line}行 {key}：")
    assert word in sentence
    assert "\n" not in sentence


def test_the_bundled_2021_file_is_valid_and_compiles():
    """The bundled register (zhaoshang/defaults/methods/) names 2021.yml from 2000 on; it compiles to rows."""
    from assessment.register import load_register

    methods = load_register(METHODS_DIR)
    assert [(m.code, m.rows["method_register"]) for m in methods] == [
        (methods[0].code, [{"method_code": methods[0].code, "year_from": 2000, "year_to": None}])
    ]
    rendered = render_seeds(methods)
    assert all(rendered[name].count("\n") > 1 for name in ("methods", "method_groups", "method_items"))


def test_cli_check_exit_codes(tmp_path, capsys):
    assert main(["method", "check", str(METHODS_DIR / "2021.yml")]) == 0
    assert "有效" in capsys.readouterr().out
    path, _ = bad_file(tmp_path, "period: ytd_month ", "period: monthly ")
    assert main(["method", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "第5行 period：考核期“monthly”不可用" in err


def test_build_refuses_a_bad_method_and_builds_nothing(tmp_path, monkeypatch, capsys):
    """`zhaoshang build` with a bad method file in the home: exit 2, the sentence, no dbt run."""
    from basics.config import METHODS_FOLDER, write_defaults
    from zhaoshang.commands import build

    home = Home(tmp_path / "home")
    write_defaults(home)
    bad_file(home.config / METHODS_FOLDER, "where: {industrial: true}", "where: {industral: true}")
    monkeypatch.setattr(build, "build", lambda home: pytest.fail("dbt must not run"))
    assert build.run(home) == 2
    err = capsys.readouterr().err
    assert "industral" in err and "未构建" in err and f"{METHODS_FOLDER}/2021.yml" in err
    assert not home.warehouse.exists()


# --- second pass (issue 20): mistakes in the new elements, each in a copy of methods/examples/method_e.yml

GOOD_E = (METHODS_DIR / "examples" / "method_e.yml").read_text(encoding="utf-8")

# (name, text replaced, replacement, marker on the line the sentence names, key, a word of the sentence)
CASES_E = [
    (
        "rate without a measure",
        "overdue: {measure: overdue_unstarted, rate: 4}",
        "overdue: {rate: 4}",
        "overdue: {rate: 4}",
        "indicators.E3.events.overdue.measure",
        "measure",
    ),
    (
        "deduction without a rate",
        "fraud: {measure: fraud_cases, rate: 10}",
        "fraud: {measure: fraud_cases}",
        "fraud: {measure: fraud_cases}",
        "indicators.E3.events.fraud.rate",
        "rate",
    ),
    (
        "deduction counting a growth",
        "overdue: {measure: overdue_unstarted, rate: 4}",
        "overdue: {measure: funds_growth, rate: 4}",
        "overdue: {measure: funds_growth",
        "indicators.E3.events.overdue.measure",
        "同比增速",
    ),
    (
        "deduction rate zero",
        "fraud: {measure: fraud_cases, rate: 10}",
        "fraud: {measure: fraud_cases, rate: 0}",
        "rate: 0}",
        "indicators.E3.events.fraud.rate",
        "应大于0",
    ),
    (
        "minimum without a target",
        "c_20_up: {measure: signed_20_up, target: {value: 1}}",
        "c_20_up: {measure: signed_20_up}",
        "c_20_up: {measure: signed_20_up}",
        "indicators.E2.components.c_20_up.target",
        "最低数",
    ),
    (
        "rank points without a step",
        "    step: 4\n",
        "",
        "    label_zh: 签约额排名",
        "indicators.E4.step",
        "缺少参数",
    ),
    (
        "floor above the points",
        "    step: 4\n    floor: 0\n",
        "    step: 4\n    floor: 30\n",
        "floor: 30",
        "indicators.E4.floor",
        "高于分值",
    ),
    (
        "growth without when_no_base",
        "    when_no_base: 0 ",
        "    # when_no_base: 0 ",
        "    label_zh: 实际到位资金同比增速",
        "measures.funds_growth.when_no_base",
        "when_no_base",
    ),
    (
        "growth of an unknown measure",
        "    growth: funds ",
        "    growth: fund ",
        "growth: fund ",
        "measures.funds_growth.growth",
        "未定义的口径",
    ),
    (
        "grade thresholds out of order",
        "{grade: 合格, at_least: 60}",
        "{grade: 合格, at_least: 80}",
        "{grade: 合格, at_least: 80}",
        "grades[3].at_least",
        "自高到低",
    ),
    (
        "quota over 100 %",
        "quota: 0.3,",
        "quota: 1.5,",
        "quota: 1.5,",
        "grades[1].quota",
        "不超过1",
    ),
    (
        "quota on a lower grade",
        "{grade: 良好, at_least: 75}",
        "{grade: 良好, at_least: 75, quota: 0.5}",
        "quota: 0.5}",
        "grades[2].quota",
        "只有最高等次",
    ),
    (
        "unknown quota rounding",
        "quota_rounding: down}",
        "quota_rounding: floor}",
        "quota_rounding: floor}",
        "grades[1].quota_rounding",
        "名额取整",
    ),
    (
        "lowest grade with a threshold",
        "  - {grade: 不合格}",
        "  - {grade: 不合格, at_least: 0}",
        "{grade: 不合格, at_least: 0}",
        "grades[4].at_least",
        "不写 at_least",
    ),
    (
        "veto no entry names",
        "veto: [vetoes]",
        "veto: [signed_amount]",
        "veto: [signed_amount]",
        "veto",
        "委员会录入",
    ),
    (
        "quota not a finite number",
        "quota: 0.3,",
        "quota: .nan,",
        "quota: .nan,",
        "grades[1].quota",
        "不是有限的数",
    ),
    (
        "when_no_base out of range",
        "    when_no_base: 0 ",
        "    when_no_base: 1.0e+308 ",
        "when_no_base: 1.0e+308",
        "measures.funds_growth.when_no_base",
        "超出范围",
    ),
    (
        "veto measure not defined",
        "veto: [vetoes]",
        "veto: [vetos]",
        "veto: [vetos]",
        "veto",
        "未定义",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "marker", "key", "word"), CASES_E, ids=[c[0] for c in CASES_E]
)
def test_new_elements_one_sentence_each(tmp_path, name, old, new, marker, key, word):
    assert GOOD_E.count(old) == 1, old
    text = GOOD_E.replace(old, new)
    path = tmp_path / "method_e.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MethodErrors) as caught:
        load_method(path, "methods/examples/method_e.yml")
    problems = caught.value.problems
    assert len(problems) == 1, [p.sentence() for p in problems]
    problem = problems[0]
    expected_line = line_of(text, marker)
    assert (problem.line, problem.key) == (expected_line, key), problem.sentence()
    sentence = problem.sentence()
    assert sentence.startswith(f"methods/examples/method_e.yml 第{expected_line}行 {key}：")
    assert word in sentence and "\n" not in sentence


def test_method_e_is_valid_and_a_bad_one_exits_2(tmp_path, capsys):
    assert main(["method", "check", str(METHODS_DIR / "examples" / "method_e.yml")]) == 0
    assert "有效" in capsys.readouterr().out
    path = tmp_path / "method_e.yml"
    path.write_text(GOOD_E.replace("quota: 0.3,", "quota: 1.5,"), encoding="utf-8")
    assert main(["method", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "grades[1].quota：名额比例 1.5 应大于0且不超过1" in err and "Traceback" not in err


def test_veto_without_grades(tmp_path):
    start = GOOD_E.index("grades:")
    end = GOOD_E.index("veto:")
    path = tmp_path / "method_e.yml"
    path.write_text(GOOD_E[:start] + GOOD_E[end:], encoding="utf-8")
    with pytest.raises(MethodErrors) as caught:
        load_method(path, "m.yml")
    [problem] = caught.value.problems
    assert problem.key == "veto" and "grades" in problem.zh

"""`zhaoshang init` and `zhaoshang config check` (issue 19): the home's configuration folder.

Each kind of mistake is written into a fresh copy of the defaults: `config check` exits 2 with one sentence
per mistake naming file, line and column (Chinese first); `build` refuses the same folder with the same
sentence and builds nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from basics.config import METHODS_FOLDER, REGISTERS
from basics.home import Home
from zhaoshang.cli import main


@pytest.fixture(autouse=True)
def _own_home_variable(monkeypatch):
    """`main()` points $ZHAOSHANG_HOME at the home it was given: restored after each test."""
    monkeypatch.delenv("ZHAOSHANG_HOME", raising=False)


UNITS = REGISTERS["units"].file
TARGETS = REGISTERS["targets"].file
STAGES = REGISTERS["stages"].file
PARAMETERS = REGISTERS["scoring_parameters"].file
METHOD = f"{METHODS_FOLDER}/2021.yml"
REGISTER = f"{METHODS_FOLDER}/register.yml"


def edit(home: Path, file: str, old: str, new: str) -> None:
    path = home / "config" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (file, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(home: Path, file: str, line: str) -> None:
    path = home / "config" / file
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + line + "\n", encoding="utf-8")


# (kind of mistake, how it is made, file, line, column, a word of the Chinese sentence)
CASES = [
    (
        "duplicate unit code",
        lambda h: append(h, UNITS, "P01,新园区,platform,2021-06-01,"),
        UNITS,
        18,
        "unit_code",
        "重复",
    ),
    ("malformed unit code", lambda h: edit(h, UNITS, "P03,双福", "p-3,双福"), UNITS, 4, "unit_code", "p-3"),
    (
        "unknown unit type",
        lambda h: edit(h, UNITS, "P04,珞璜工业园,platform", "P04,珞璜工业园,park"),
        UNITS,
        5,
        "unit_type",
        "park",
    ),
    (
        "date not ISO",
        lambda h: edit(h, UNITS, "P05,白沙工业园,platform,2020-01-01", "P05,白沙工业园,platform,2020/1/1"),
        UNITS,
        6,
        "active_from",
        "日期",
    ),
    (
        "leaves before it starts",
        lambda h: edit(
            h,
            UNITS,
            "P06,团结湖大数据智能产业园,platform,2020-01-01,",
            "P06,团结湖大数据智能产业园,platform,2020-01-01,2019-12-31",
        ),
        UNITS,
        7,
        "active_to",
        "早于",
    ),
    (
        "target for an unknown unit",
        lambda h: append(h, TARGETS, "2021,P99,1,1,1,1,0.3"),
        TARGETS,
        18,
        "unit_code",
        "P99",
    ),
    ("target twice", lambda h: append(h, TARGETS, "2021,P01,1,1,1,1,0.3"), TARGETS, 18, "unit_code", "重复"),
    (
        "target not a number",
        lambda h: edit(h, TARGETS, "2021,P01,150,", "2021,P01,一百五,"),
        TARGETS,
        2,
        "target_C",
        "一百五",
    ),
    (
        "unknown target column",
        lambda h: edit(h, TARGETS, "target_R", "target R"),
        TARGETS,
        1,
        "target R",
        "target_K",
    ),
    (
        "year no method covers",
        lambda h: (
            edit(h, REGISTER, "from_year: 2000\n    to_year:", "from_year: 2000\n    to_year: 2021"),
            append(h, TARGETS, "2022,P01,1,1,1,1,0.3"),
        ),
        TARGETS,
        18,
        "year",
        "2022",
    ),
    (
        "bad boolean",
        lambda h: edit(h, STAGES, "lead,线索,1,false", "lead,线索,1,maybe"),
        STAGES,
        2,
        "is_signed",
        "maybe",
    ),
    (
        "duplicate stage label",
        lambda h: edit(h, STAGES, "negotiating,在谈", "negotiating,线索"),
        STAGES,
        3,
        "label_zh",
        "重复",
    ),
    (
        "unknown column",
        lambda h: edit(h, PARAMETERS, "parameter,value,description", "parameter,value,备注"),
        PARAMETERS,
        1,
        "备注",
        "备注",
    ),
    (
        "method mistake",
        lambda h: edit(h, METHOD, "period: ytd_month", "period: monthly"),
        METHOD,
        None,
        "period",
        "monthly",
    ),
    (
        "a register file deleted",
        lambda h: (h / "config" / REGISTERS["origins"].file).unlink(),
        REGISTERS["origins"].file,
        1,
        "-",
        "缺少文件",
    ),
]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    root = tmp_path / "home"
    assert main(["init", "--home", str(root)]) == 0
    return root


def problem_lines(err: str) -> list[str]:
    return [line.strip() for line in err.splitlines() if line.startswith("  ")]


def test_init_writes_the_defaults_once(tmp_path, capsys):
    root = tmp_path / "home"
    assert main(["init", "--home", str(root)]) == 0
    names = sorted(p.name for p in (root / "config").iterdir())
    assert names == sorted([*(r.file for r in REGISTERS.values()), METHODS_FOLDER])
    assert (root / "config" / METHODS_FOLDER / "register.yml").exists()
    edit(root, UNITS, "江津综合保税区", "江津综保区")
    capsys.readouterr()
    assert main(["init", "--home", str(root)]) == 0  # a second init changes nothing
    assert "已存在" in capsys.readouterr().out
    assert "江津综保区" in (root / "config" / UNITS).read_text(encoding="utf-8")
    assert main(["config", "check", "--home", str(root)]) == 0
    assert "配置有效" in capsys.readouterr().out


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_saved_by_wps_or_excel_reads(home, encoding, capsys):
    """UTF-8 with BOM and GB18030 (what WPS/Excel save) both read, the Chinese names intact."""
    path = home / "config" / UNITS
    path.write_bytes(path.read_text(encoding="utf-8").replace("德感工业园", "德感工业园区").encode(encoding))
    assert main(["config", "check", "--home", str(home)]) == 0, capsys.readouterr().err
    from basics.registers import read_seed

    rows = read_seed("units", home / "config")
    assert rows[0]["unit_code"] == "P01" and rows[1]["name_zh"] == "德感工业园区"


@pytest.mark.parametrize(("kind", "make", "file", "line", "column", "word"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_one_sentence_and_exit_2(home, capsys, kind, make, file, line, column, word):
    make(home)
    assert main(["config", "check", "--home", str(home)]) == 2
    problems = problem_lines(capsys.readouterr().err)
    assert len(problems) == 1, problems
    sentence = problems[0]
    head = f"{file} 第{line}行 {column}：" if line else f"{file} 第"
    assert sentence.startswith(head), sentence
    assert f"{column}：" in sentence and word in sentence.split(" / ")[0], sentence  # Chinese first
    assert " / " in sentence  # then English


def test_a_unit_no_group_scores(home, capsys):
    """The 2021 method ranks units by type: without its bureau-section group, B01..B03 would go unscored."""
    edit(home, METHOD, "  bureau_section: {label_zh: 局内科室, unit_types: [bureau_section]}\n", "")
    assert main(["config", "check", "--home", str(home)]) == 2
    problems = problem_lines(capsys.readouterr().err)
    assert [p.split("：")[0] for p in problems] == [f"{UNITS} 第{n}行 unit_code" for n in (15, 16, 17)]
    assert all("考核组" in p for p in problems)


def test_build_refuses_a_bad_folder_the_same_way_and_builds_nothing(home, capsys):
    CASES[5][1](home)  # a target for an unknown unit
    assert main(["config", "check", "--home", str(home)]) == 2
    checked = problem_lines(capsys.readouterr().err)
    before = sorted(p.relative_to(home) for p in home.rglob("*"))
    assert main(["build", "--home", str(home)]) == 2
    err = capsys.readouterr().err
    assert problem_lines(err) == checked and "未构建" in err
    assert not Home(home).warehouse.exists()
    after = sorted(p.relative_to(home) for p in home.rglob("*") if "dagster" not in p.parts)
    assert after == [p for p in before if "dagster" not in p.parts]


def test_a_broken_register_stops_ingest_with_the_sentence(home, capsys):
    """Ingestion reads the unit register before any build checks the folder: the same sentence, exit 2."""
    edit(home, UNITS, "P02,德感工业园,platform,2020-01-01,", "P02,德感工业园,platform,2020-13-01,")
    assert main(["ingest", "--home", str(home)]) == 2
    err = capsys.readouterr().err
    assert f"{UNITS} 第3行 active_from：" in err and "Traceback" not in err

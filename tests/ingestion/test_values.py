"""Cell-level parsing and vocabulary: dates, decimals, yes/no, headers, enumerations, name keys."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ingestion.columns import LEDGER_COLUMNS
from ingestion.discover import parse_week_folder
from ingestion.readers import ReadError, decode_csv
from ingestion.values import UNPARSEABLE, clean_text, name_keys, parse_date, parse_decimal
from ingestion.vocabulary import enum_code, match_header, sheet_role, unit_code, yes_no


@pytest.mark.parametrize(
    "cell",
    [
        date(2021, 2, 3),
        datetime(2021, 2, 3, 15, 30),
        "2021-02-03",
        "2021-2-3",
        "2021/2/3",
        "2021/02/03",
        "2021年2月3日",
        "2021 年 2 月 3 日",
        "２０２１－０２－０３",
        "2021.2.3",
        "20210203",
        20210203,
        "2021-02-03 00:00:00",
        44230,
        44230.0,
        " 2021/2/3 ",
    ],
)
def test_dates(cell: object) -> None:
    assert parse_date(cell) == date(2021, 2, 3)


@pytest.mark.parametrize("cell", ["2021-02-30", "2021/13/1", "明天", "3 Feb 2021", True, 12.5, 2021])
def test_unparseable_dates(cell: object) -> None:
    assert parse_date(cell) is UNPARSEABLE


@pytest.mark.parametrize("cell", [None, "", "  ", "-", "—", "/", "无"])
def test_blank_dates(cell: object) -> None:
    assert parse_date(cell) is None


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (12.5, 12.5),
        (3, 3.0),
        ("12.5", 12.5),
        (" 1,234.5 ", 1234.5),
        ("１２.５", 12.5),
        ("-2", -2.0),
        ("1e3", 1000.0),
        ("", None),
        ("-", None),
        (None, None),
    ],
)
def test_decimals(cell: object, value: float | None) -> None:
    assert parse_decimal(cell) == value


@pytest.mark.parametrize("cell", ["十亿", "1,2", "12亿", "nan", "inf", True, date(2021, 1, 1)])
def test_unparseable_decimals(cell: object) -> None:
    assert parse_decimal(cell) is UNPARSEABLE


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        (1.0, True),
        (0, False),
        ("TRUE", True),
        ("false", False),
        (True, True),
        ("ｙ", True),
        ("也许", None),
        (2, None),
    ],
)
def test_yes_no(cell: object, value: bool | None) -> None:
    assert yes_no(cell) is value


@pytest.mark.parametrize(
    ("header", "field", "divisor"),
    [
        ("协议引资额(亿元)", "contract_amount", 1.0),
        ("协议引资额（亿元）", "contract_amount", 1.0),
        ("協議引資額（萬元）", "contract_amount", 10_000.0),
        (" 协议引资额 ( 万元 ) ", "contract_amount", 10_000.0),
        ("协议引资额", "contract_amount", 1.0),
        ("协议引资额万元", "contract_amount", 10_000.0),
        ("本年實際到位資金(萬元)", "funds_ytd", 10_000.0),
        ("用地（畝）", "land_mu", 1.0),
        ("項目編號", "project_code", 1.0),
        ("*项目编号", "project_code", 1.0),
        ("备注（选填）", "note", 1.0),
    ],
)
def test_headers(header: str, field: str, divisor: float) -> None:
    found = match_header(header, LEDGER_COLUMNS)
    assert found is not None and (found.column.field, found.divisor) == (field, divisor)


def test_unknown_headers_and_units() -> None:
    assert match_header("联系人", LEDGER_COLUMNS) is None
    found = match_header("协议引资额(美元)", LEDGER_COLUMNS)
    assert found is not None and found.divisor is None and found.unit == "美元"


@pytest.mark.parametrize(
    ("seed", "label", "code"),
    [
        ("stages", "簽約", "signed"),
        ("stages", " 达产 ", "producing"),
        ("stages", "signed", "signed"),
        ("investor_types", "世界５００強", "global500"),
        ("origins", "粵港澳", "gba"),
        ("origins", "市內", "in_city"),
        ("industries", "裝備製造", "equipment"),
        ("industries", "智能產業", "smart"),
        ("stages", "签", None),
    ],
)
def test_enumerations(seed: str, label: str, code: str | None) -> None:
    assert enum_code(label, seed) == code


def test_sheet_roles_and_units() -> None:
    assert [sheet_role(n) for n in ("項目台賬", "项目台帐", " 线索共享 ", "封面", "Sheet1")] == [
        "ledger",
        "ledger",
        "leads",
        "cover",
        None,
    ]
    codes = [unit_code(v) for v in ("p01", " P01 ", "德感工业园", "X99", None)]
    assert codes == ["P01", "P01", "P02", None, None]


def test_name_keys_fold_script_width_case_spaces_and_punctuation() -> None:
    keys = name_keys(
        ["重慶長安 汽車（二期）", "重庆长安汽车二期", "ＡＢＣ·Park", None, "x"],
        ["Ａ公司", "a公司", "abc", "y", None],
    )
    assert keys[0] == keys[1] == "重庆长安汽车二期|a公司"
    assert keys[2] == "abcpark|abc" and keys[3] is None and keys[4] is None


def test_text_cells() -> None:
    assert [clean_text(v) for v in (" A1 ", 1001.0, 12.5, "", "—", None, date(2021, 1, 2))] == [
        "A1",
        "1001",
        "12.5",
        None,
        None,
        None,
        "2021-01-02",
    ]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("2021-W05", "2021-W05"),
        ("2021-w5", "2021-W05"),
        ("2020-W53", "2020-W53"),
        ("2021-W53", None),
        ("2021-W00", None),
        ("2021-05", None),
        ("W05", None),
    ],
)
def test_week_folders(name: str, label: str | None) -> None:
    week = parse_week_folder(name)
    assert (week.label if week else None) == label


def test_csv_decoding() -> None:
    text = "项目编号,項目名稱\n"
    assert decode_csv(text.encode("utf-8")) == text
    assert decode_csv(text.encode("utf-8-sig")) == text
    assert decode_csv(text.encode("gb18030")) == text
    assert decode_csv(text.encode("utf-16")) == text
    with pytest.raises(ReadError):
        decode_csv(b"\xff\x80\x81\xfe\xfa")

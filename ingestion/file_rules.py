"""File-level rules (SPEC 2, 2.5): each failed rule rejects the whole file with a bilingual reason.

Reason codes: symlink, not_a_file, file_too_large, unreadable_file, no_week_folder, bad_week,
week_out_of_range, unsupported_format, leads_without_ledger, unknown_unit, empty, unreadable, no_ledger_sheet,
unit_mismatch, no_header, missing_column, duplicate_column, bad_amount_unit; the limits checked by
ingestion/inspection.py add encrypted, legacy_xls, zip_too_large, zip_bomb, xml_doctype, sheet_too_large and
text_too_large.
"""

from __future__ import annotations

from typing import Any

from basics import registers
from ingestion.columns import LEAD_COLUMNS, LEDGER_COLUMNS, LEDGER_SHEET, UNIT_DIVISORS, Column
from ingestion.discover import LEADS_SUFFIX, WORKBOOK_SUFFIXES, Candidate, Week, looks_like_week
from ingestion.layout import Layout, find_layout, has_content
from ingestion.limits import first_week, last_week
from ingestion.readers import Sheet, Workbook
from ingestion.values import raw_text
from ingestion.vocabulary import sheet_role, unit_code


class FileRejected(Exception):
    """A file-level rule failed; `problem_*` says what is wrong, `expected_*` what the file should hold."""

    def __init__(
        self,
        code: str,
        problem_zh: str,
        problem_en: str,
        expected_zh: str,
        expected_en: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {problem_en}")
        self.code = code
        self.problem_zh, self.problem_en = problem_zh, problem_en
        self.expected_zh, self.expected_en = expected_zh, expected_en
        self.sheet, self.row, self.column, self.value = sheet, row, column, value

    def reasons(self, file: str) -> tuple[str, str]:
        """Full reason sentences naming file, sheet, row and the expectation (Chinese, English)."""
        zh = f"文件 {file}"
        en = f"File {file}"
        if self.sheet:
            zh += f" 工作表“{self.sheet}”"
            en += f", sheet {self.sheet}"
        if self.row:
            zh += f"第{self.row}行"
            en += f", row {self.row}"
        else:
            zh += "："
        return (
            f"{zh}{self.problem_zh}（应为：{self.expected_zh}）",
            f"{en}: {self.problem_en} (expected: {self.expected_en})",
        )


def _example_units() -> str:
    return "、".join(list(registers.units())[:3])


def check_entry(candidate: Candidate) -> None:
    """Only regular files are read: a symbolic link is not followed, a FIFO/device is never opened."""
    if candidate.kind == "symlink":
        raise FileRejected(
            "symlink",
            "是一个符号链接（快捷方式），不读取其指向的文件",
            "is a symbolic link; the file it points to is not read",
            "把文件本身（而不是链接）放入它的周文件夹或月份文件夹",
            "the file itself (not a link to it) in its week or month folder",
            value=candidate.path.name,
        )
    if candidate.kind != "file":
        raise FileRejected(
            "not_a_file",
            "不是普通文件（可能是管道或设备），不读取",
            "is not a regular file (a pipe or device?); not read",
            "普通的 .xlsx 或 .csv 文件",
            "a regular .xlsx or .csv file",
            value=candidate.path.name,
        )


def week_of(candidate: Candidate) -> Week:
    """The ISO week of the file's folder, within the register's years and no later than next week."""
    if candidate.week is not None and not candidate.week_in_range:
        label = candidate.week.label
        early = label < first_week()
        when_zh = f"早于单位名册的起始周 {first_week()}" if early else f"晚于下周 {last_week()}"
        when_en = (
            f"before the register's first week {first_week()}" if early else f"after next week {last_week()}"
        )
        raise FileRejected(
            "week_out_of_range",
            f"周文件夹“{label}”{when_zh}",
            f"week folder {label} is {when_en}",
            f"{first_week()} 至 {last_week()} 之间的周文件夹",
            f"a week folder from {first_week()} to {last_week()}",
            value=label,
        )
    if candidate.week is not None:
        return candidate.week
    expected_zh = "放在以 ISO 周命名的文件夹中，如 2021-W05/P01.xlsx"
    expected_en = "the file inside a folder named after its ISO week, e.g. 2021-W05/P01.xlsx"
    if candidate.folder and looks_like_week(candidate.folder):
        raise FileRejected(
            "bad_week",
            f"文件夹名“{candidate.folder}”不是有效的 ISO 周",
            f"folder name {candidate.folder} is not a valid ISO week",
            expected_zh,
            expected_en,
            value=candidate.folder,
        )
    where_zh = f"文件夹“{candidate.folder}”" if candidate.folder else "收件箱根目录"
    where_en = f"folder {candidate.folder}" if candidate.folder else "the inbox itself"
    raise FileRejected(
        "no_week_folder",
        f"文件不在周文件夹中（位于{where_zh}）",
        f"the file is not in a week folder (it is in {where_en})",
        expected_zh,
        expected_en,
        value=candidate.folder,
    )


def check_format(candidate: Candidate) -> None:
    """Only workbooks and CSV ledgers (with their leads file) are reports."""
    if candidate.suffix == LEADS_SUFFIX:
        ledger = f"{candidate.unit_text}.csv"
        raise FileRejected(
            "leads_without_ledger",
            f"线索文件缺少同一文件夹中的台账文件 {ledger}",
            f"a leads file needs its ledger {ledger} in the same folder",
            f"{ledger} 与 {candidate.path.name} 一同报送",
            f"{ledger} sent together with {candidate.path.name}",
            value=candidate.path.name,
        )
    if candidate.suffix not in WORKBOOK_SUFFIXES and candidate.suffix != ".csv":
        shown = candidate.suffix or "（无扩展名）"
        raise FileRejected(
            "unsupported_format",
            f"文件类型“{shown}”不受支持",
            f"file type {candidate.suffix or 'none'} is not supported",
            ".xlsx 工作簿或 .csv 文件（.xls 请另存为 .xlsx）",
            "an .xlsx workbook or a .csv file (save .xls as .xlsx)",
            value=candidate.path.name,
        )


def unit_of(candidate: Candidate) -> str:
    """Registered unit code named by the file name (code in any case, or the unit's Chinese name)."""
    code = unit_code(candidate.unit_text)
    if code is None:
        raise FileRejected(
            "unknown_unit",
            f"文件名中的单位编号“{candidate.unit_text}”不在单位名册中",
            f"unit code {candidate.unit_text} in the file name is not in the unit register",
            f"以名册中的单位编号命名文件，如 {_example_units()}",
            f"a file named after a registered unit code, e.g. {', '.join(list(registers.units())[:3])}",
            value=candidate.unit_text,
        )
    return code


def check_not_empty(data: bytes, name: str) -> None:
    if not data.strip():
        raise FileRejected(
            "empty",
            "文件为空",
            "the file is empty",
            "含表头和项目行的周报",
            "a weekly report with a header and project rows",
            value=name,
        )


def unreadable(
    detail: str,
    name: str,
    *,
    csv: bool,
    undecodable: bool = False,
    row: int | None = None,
    column: str | None = None,
    detail_zh: str | None = None,
) -> FileRejected:
    """The rejection for bytes that are no workbook / no decodable CSV (row and column when known)."""
    if csv:
        detail_zh = "不是 UTF-8 或 GB18030 编码" if undecodable else (detail_zh or detail)
        return FileRejected(
            "unreadable",
            f"CSV 文件无法解码或解析（{detail_zh}）",
            f"the CSV file cannot be decoded or parsed ({detail})",
            "UTF-8（可带 BOM）或 GB18030 编码的 CSV，含逗号或换行的单元格用成对的英文双引号括起",
            "a CSV encoded in UTF-8 (BOM optional) or GB18030, cells holding a comma or line break "
            "enclosed in a pair of double quotes",
            sheet=name if row else None,
            row=row,
            column=column,
            value=name,
        )
    return FileRejected(
        "unreadable",
        f"工作簿已损坏或无法读取（{detail}）",
        f"the workbook is corrupt or unreadable ({detail})",
        "可用 Excel/WPS 打开的 .xlsx 工作簿",
        "an .xlsx workbook that Excel/WPS can open",
        value=name,
    )


def sheets_by_role(book: Workbook) -> tuple[str, str | None, str | None, list[tuple[str, str]]]:
    """(ledger sheet, leads sheet, cover sheet, warnings zh/en). A workbook whose only sheet (besides 封面 and
    线索共享) has another name is read as the ledger, with a warning."""
    roles: dict[str, str] = {}
    for name in book.sheet_names:
        role = sheet_role(name)
        if role and role not in roles:
            roles[role] = name
    warnings: list[tuple[str, str]] = []
    ledger = roles.get("ledger")
    if ledger is None:
        others = [n for n in book.sheet_names if sheet_role(n) is None]
        if len(others) != 1:
            shown = "、".join(book.sheet_names) or "（无）"
            raise FileRejected(
                "no_ledger_sheet",
                f"找不到工作表“{LEDGER_SHEET}”（现有工作表：{shown}）",
                f"there is no sheet {LEDGER_SHEET} (sheets: {', '.join(book.sheet_names) or 'none'})",
                f"名为“{LEDGER_SHEET}”（或繁体“項目台賬”）的工作表",
                f"a sheet named {LEDGER_SHEET} (or 項目台賬)",
            )
        ledger = others[0]
        warnings.append(
            (
                f"工作表名“{ledger}”不是“{LEDGER_SHEET}”，已按项目台账读取",
                f"sheet {ledger} is not named {LEDGER_SHEET}; read as the ledger",
            )
        )
    return ledger, roles.get("leads"), roles.get("cover"), warnings


def check_cover(cover: Sheet, unit: str) -> None:
    """封面!B1, when filled, must name the file's unit (its code, or its Chinese name)."""
    cell: Any = cover.rows[0][1] if cover.rows and len(cover.rows[0]) > 1 else None
    text = raw_text(cell)
    if text is None or not text.strip():
        return
    if unit_code(text) != unit:
        raise FileRejected(
            "unit_mismatch",
            f"B1 单元格的单位“{text.strip()}”与文件名中的单位“{unit}”不一致",
            f"unit {text.strip()} in cell B1 differs from unit {unit} of the file name",
            f"B1 填写本单位编号 {unit}（一个单位不能代其他单位报送）",
            f"cell B1 holding {unit} (a unit cannot report for another unit)",
            sheet=cover.name,
            row=1,
            column="B1",
            value=text.strip(),
        )


def _layout(sheet: Sheet, columns: tuple[Column, ...], what_zh: str, what_en: str) -> Layout:
    layout = find_layout(sheet, columns)
    if layout is None:
        first = next((r for r in sheet.rows if has_content(r)), None)
        shown = "、".join(t for c in first if (t := raw_text(c))) if first else ""
        raise FileRejected(
            "no_header",
            f"找不到{what_zh}的表头行（第1行：{shown or '空'}）",
            f"no header row of the {what_en} (row 1: {shown or 'empty'})",
            f"第1行为列名，如 {'、'.join(c.display for c in columns[:4])}…",
            f"column names in row 1, e.g. {', '.join(c.display for c in columns[:4])}, ...",
            sheet=sheet.name,
            row=1,
            value=shown or None,
        )
    for at in layout.duplicates:
        first = layout.fields[at.match.column.field]
        raise FileRejected(
            "duplicate_column",
            f"列“{at.text}”（{layout.where(at.index)}）与“{first.text}”（{layout.where(first.index)}）重复",
            f"column {at.text} duplicates column {first.text} (both are {at.match.column.label_en})",
            "每个字段只有一列",
            "one column per field",
            sheet=sheet.name,
            row=layout.header_row,
            column=at.text,
            value=at.text,
        )
    for at in layout.fields.values():
        if at.match.divisor is None:
            units = "、".join(UNIT_DIVISORS[at.match.column.default_unit or ""])
            raise FileRejected(
                "bad_amount_unit",
                f"列“{at.text}”的单位“{at.match.unit}”无法识别",
                f"unit {at.match.unit} of column {at.text} is not recognised",
                f"单位为 {units}",
                f"a unit among {units}",
                sheet=sheet.name,
                row=layout.header_row,
                column=at.text,
                value=at.match.unit,
            )
    return layout


def ledger_layout(sheet: Sheet) -> Layout:
    """The ledger's header; every plain-required column must be present."""
    if not any(has_content(r) for r in sheet.rows):
        raise FileRejected(
            "empty",
            "项目台账为空",
            "the ledger is empty",
            "第1行为表头，其下每行一个项目",
            "a header in row 1 and one project per row below",
            sheet=sheet.name,
        )
    layout = _layout(sheet, LEDGER_COLUMNS, "项目台账", "ledger")
    missing = [c for c in LEDGER_COLUMNS if c.required and c.field not in layout.fields]
    if missing:
        names_zh = "、".join(f"“{c.header}”" for c in missing)
        names_en = ", ".join(f"{c.header} ({c.field})" for c in missing)
        plural = "s" if len(missing) > 1 else ""
        required = [c.header for c in LEDGER_COLUMNS if c.required]
        raise FileRejected(
            "missing_column",
            f"缺少必填列{names_zh}",
            f"required column{plural} {names_en} {'are' if plural else 'is'} missing",
            "表头包含全部必填列：" + "、".join(required),
            "a header with every required column: " + ", ".join(required),
            sheet=sheet.name,
            row=layout.header_row,
            column="、".join(c.header for c in missing),
        )
    return layout


def leads_layout(sheet: Sheet) -> Layout | None:
    """The shared-leads header; None when the sheet is empty (absent columns read as empty cells)."""
    if not any(has_content(r) for r in sheet.rows):
        return None
    return _layout(sheet, LEAD_COLUMNS, "线索共享表", "shared-leads sheet")

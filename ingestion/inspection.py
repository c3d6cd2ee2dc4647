"""Inspect a workbook's bytes before any reader parses them: a file over a limit is rejected, never opened.

An .xlsx is a zip of XML parts. Checked here, streaming and in bounded memory: the container (an OLE/CFB
file is an encrypted workbook or a legacy .xls), the number of parts, their uncompressed size and compression
ratio, DOCTYPE/ENTITY declarations (XXE), each sheet's declared `<dimension ref=...>` (from its first KB) and
the rows, columns, cells and resolved text its XML really holds. Limits: ingestion/limits.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from ingestion.file_rules import FileRejected
from ingestion.limits import (
    DIMENSION_PEEK_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_TEXT_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_CHECKED_FROM,
    mib,
)

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
CHUNK = 1 << 20

_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"([^\"]+)\"")
_CORNER = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,9})$")
# rows, cells (`<c` followed by a space, '>' or '/': not `<col`), their references, shared-string indexes


@dataclass(frozen=True)
class _SheetPatterns:
    """The sheet XML's tags, without a namespace prefix (fast: a literal start) or with one (`<x:row`)."""

    prefix: bytes
    row_open: re.Pattern[bytes]
    row_number: re.Pattern[bytes]
    cell_open: re.Pattern[bytes]
    cell_ref: re.Pattern[bytes]
    shared_index: re.Pattern[bytes]
    walk: re.Pattern[bytes]

    def count_rows(self, buffer: bytes) -> int:
        if self.prefix:
            return len(self.row_open.findall(buffer))
        return buffer.count(b"<row ") + buffer.count(b"<row>")

    def count_cells(self, buffer: bytes) -> int:
        if self.prefix:
            return len(self.cell_open.findall(buffer))
        return sum(buffer.count(tag) for tag in (b"<c ", b"<c>", b"<c/", b"<c\n", b"<c\t", b"<c\r"))

    @classmethod
    def build(cls, prefix: bytes) -> _SheetPatterns:
        def tag(name: bytes) -> bytes:
            return b"<" + prefix + name

        return cls(
            prefix,
            re.compile(tag(rb"row\b")),
            re.compile(tag(rb"row\b[^>]*?\br=\"(\d+)\"")),
            re.compile(tag(rb"c[\s>/]")),
            re.compile(tag(rb"c\s[^>]*?\br=\"([A-Z]{1,7})(\d+)\"")),
            re.compile(tag(rb"c\s[^>]*?\bt=\"s\"[^>]*>\s*") + tag(rb"v>(\d+)<")),
            re.compile(
                rb"<(?:"
                + prefix
                + rb"(?P<row>row\b(?:[^>]*?\br=\"(?P<row_number>\d+)\")?)"
                + rb"|"
                + prefix
                + rb"c[\s>/](?:[^>]*?\br=\"(?P<col>[A-Z]+)(?P<cell_row>\d+)\")?)"
            ),
        )


_PLAIN = _SheetPatterns.build(b"")
_PREFIXED = _SheetPatterns.build(rb"\w+:")
_PREFIXED_ROOT = re.compile(rb"<\w+:worksheet\b")
_SI_TOKENS = re.compile(rb"<(?:\w+:)?si[\s>/]|</(?:\w+:)?si>")
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _limit(
    code: str, zh: str, en: str, expected_zh: str, expected_en: str, **where: str | None
) -> FileRejected:
    return FileRejected(code, zh, en, expected_zh, expected_en, **where)  # type: ignore[arg-type]


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _too_big_sheet(sheet: str, what_zh: str, what_en: str, value: str) -> FileRejected:
    return _limit(
        "sheet_too_large",
        f"工作表“{sheet}”{what_zh}，超过上限"
        f"（每表最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列、{MAX_CELLS} 个单元格）",
        f"sheet {sheet} {what_en}, over the limit "
        f"(at most {MAX_ROWS} rows, {MAX_COLUMNS} columns and {MAX_CELLS} cells per sheet)",
        f"每表不超过 {MAX_ROWS} 行、{MAX_COLUMNS} 列（删除表格范围外的空行空列后另存）",
        f"a sheet within {MAX_ROWS} rows and {MAX_COLUMNS} columns (delete empty rows/columns outside the "
        "table and save again)",
        sheet=sheet,
        value=value,
    )


def check_container(data: bytes, name: str) -> None:
    """Reject an encrypted workbook or a legacy .xls before anything tries to unzip it."""
    if not data.startswith(CFB_SIGNATURE):
        return
    if ENCRYPTED_STREAM in data:
        raise _limit(
            "encrypted",
            "工作簿设置了打开密码（已加密），无法读取",
            "the workbook is password-protected (encrypted) and cannot be read",
            "去掉打开密码后另存的 .xlsx 工作簿",
            "the workbook saved again as .xlsx without a password",
            value=name,
        )
    raise _limit(
        "legacy_xls",
        "文件是旧版 .xls（Excel 97-2003）格式，只是扩展名为 .xlsx",
        "the file is an old .xls (Excel 97-2003) workbook with an .xlsx name",
        "用 Excel/WPS 另存为 .xlsx 格式",
        "the workbook saved as .xlsx from Excel/WPS",
        value=name,
    )


def _stream(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks, never more than its declared size (zipfile stops there)."""
    with book.open(info) as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _peek(book: zipfile.ZipFile, info: zipfile.ZipInfo, n: int) -> bytes:
    with book.open(info) as fh:
        return fh.read(n)


def _complete_tags(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The stream re-cut so that no tag spans two pieces (a tag cut at a boundary moves to the next)."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        cut = buffer.rfind(b"<")
        if cut < 0 or len(buffer) - cut > 4096:  # no tag is that long: keep the carry small
            cut = len(buffer)
        yield buffer[:cut]
        carry = buffer[cut:]
    yield carry


def _sheet_names(book: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Part name (xl/worksheets/sheet1.xml) -> sheet name as the unit sees it; parts only when unknown."""
    try:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    out = {}
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet") and (part := targets.get(sheet.get(_NS_REL))) in names:
            out[part] = sheet.get("name", part)
    return out


def _shared_string_sizes(book: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> array:
    """Bytes of XML of each shared string (an upper bound of its text)."""
    sizes = array("Q")
    if info is None:
        return sizes
    offset = 0
    start = -1
    carry = b""
    for chunk in _stream(book, info):
        buffer = carry + chunk
        cut = buffer.rfind(b"<")
        cut = len(buffer) if cut < 0 or len(buffer) - cut > 4096 else cut
        for match in _SI_TOKENS.finditer(buffer, 0, cut):
            if match[0].startswith(b"</"):
                if start >= 0:
                    sizes.append(offset + match.start() - start)
                    start = -1
            else:
                start = offset + match.end()
        offset += cut
        carry = buffer[cut:]
    return sizes


def _check_dimension(book: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str) -> None:
    head = _peek(book, info, DIMENSION_PEEK_BYTES)
    found = _DIMENSION.search(head)
    if not found:
        return
    ref = found[1].decode("ascii", "replace")
    corners = [_CORNER.match(part) for part in ref.split(":")]
    if not all(corners):
        return  # a malformed dimension: the cell scan below bounds the sheet anyway
    rows = max(int(c[2]) for c in corners if c)
    cols = max(_column_number(c[1]) for c in corners if c)
    if rows > MAX_ROWS or cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
        raise _too_big_sheet(sheet, f"声明的范围为 {ref}", f"declares the range {ref}", ref)


def _over(sheet: str, max_row: int, max_col: int, cells: int, text: int, at: str | None = None) -> None:
    if max_row > MAX_ROWS:
        raise _too_big_sheet(sheet, f"有第 {max_row} 行", f"has a row {max_row}", f"row {max_row}")
    if max_col > MAX_COLUMNS:
        where = at or _column_letters(max_col)
        raise _too_big_sheet(sheet, f"有单元格 {where}", f"has a cell {where}", where)
    if cells > MAX_CELLS or max_row * max_col > MAX_CELLS:
        raise _too_big_sheet(
            sheet,
            f"有 {cells} 个单元格、{max_row} 行 × {max_col} 列",
            f"has {cells} cells in {max_row} rows x {max_col} columns",
            str(cells),
        )
    if text > MAX_TEXT_BYTES:
        raise _limit(
            "text_too_large",
            f"工作表“{sheet}”的文字总量超过上限 {mib(MAX_TEXT_BYTES)}",
            f"the text of sheet {sheet} is over the limit of {mib(MAX_TEXT_BYTES)}",
            "正常大小的周报或录入文件（每个单元格只填一项内容）",
            "a report or entries file of ordinary size (one item per cell)",
            sheet=sheet,
        )


def _check_cells(book: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, shared: array) -> None:
    """Rows, columns, cells and resolved shared-string text the sheet XML really holds.

    Counted chunk by chunk with regular expressions (no loop per cell in Python). Rows and cells normally
    carry their reference (r="B7"); a row without one continues from the previous, so the rows are bounded by
    the largest reference plus the unreferenced rows; cells without one get the exact walk below.
    """
    p = _PREFIXED if _PREFIXED_ROOT.search(_peek(book, info, DIMENSION_PEEK_BYTES)) else _PLAIN
    max_row = max_col = cells = referenced = rows = numbered_rows = 0
    letters: set[bytes] = set()
    for buffer in _complete_tags(_stream(book, info)):
        rows += p.count_rows(buffer)
        numbers = p.row_number.findall(buffer)
        numbered_rows += len(numbers)
        if numbers:
            max_row = max(max_row, max(map(int, numbers)))
        cells += p.count_cells(buffer)
        refs = p.cell_ref.findall(buffer)
        referenced += len(refs)
        if refs:
            columns, cell_rows = zip(*refs, strict=True)
            max_row = max(max_row, max(map(int, cell_rows)))
            letters.update(columns)
            widest = max(letters, key=lambda c: (len(c), c))
            max_col = max(max_col, _column_number(widest.decode()))
        _over(sheet, max_row + rows - numbered_rows, max_col, cells, 0)
    if cells * max(shared, default=0) > MAX_TEXT_BYTES:  # only then can the resolved text be over the limit
        text = 0
        for buffer in _complete_tags(_stream(book, info)):
            for index, n in Counter(p.shared_index.findall(buffer)).items():
                i = int(index)
                text += shared[i] * n if i < len(shared) else 0
            _over(sheet, 0, 0, 0, text)
    if referenced < cells:
        _check_unreferenced(book, info, sheet, p)


def _check_unreferenced(book: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, p: _SheetPatterns) -> None:
    """The exact walk for sheets whose cells lack references: each cell continues from the previous one."""
    row = max_row = max_col = col = 0
    for buffer in _complete_tags(_stream(book, info)):
        for match in p.walk.finditer(buffer):
            if match["row"] is not None:
                row = int(match["row_number"]) if match["row_number"] else row + 1
                col = 0
            else:
                col = _column_number(match["col"].decode()) if match["col"] else col + 1
                max_row = max(max_row, int(match["cell_row"]) if match["col"] else row)
                max_col = max(max_col, col)
            max_row = max(max_row, row)
        _over(sheet, max_row, max_col, 0, 0)


def inspect_workbook(data: bytes, name: str) -> None:
    """Raise FileRejected when the workbook is over a limit, encrypted or declares a DOCTYPE.

    Bytes that are no zip at all are left to the reader (it says why it cannot read them).
    """
    check_container(data, name)
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with book:
        if len(infos) > MAX_ZIP_ENTRIES:
            raise _limit(
                "zip_too_large",
                f"工作簿内含 {len(infos)} 个部件，超过上限 {MAX_ZIP_ENTRIES}",
                f"the workbook holds {len(infos)} parts, over the limit of {MAX_ZIP_ENTRIES}",
                "正常大小的周报或录入工作簿",
                "a report or entries workbook of ordinary size",
                value=str(len(infos)),
            )
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _limit(
                "zip_too_large",
                f"工作簿解压后为 {mib(total)}，超过上限 {mib(MAX_UNCOMPRESSED_BYTES)}",
                f"the workbook is {mib(total)} uncompressed, over the limit of {mib(MAX_UNCOMPRESSED_BYTES)}",
                f"解压后不超过 {mib(MAX_UNCOMPRESSED_BYTES)} 的工作簿",
                f"a workbook within {mib(MAX_UNCOMPRESSED_BYTES)} uncompressed",
                value=mib(total),
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
                raise _limit(
                    "zip_bomb",
                    f"工作簿部件 {info.filename} 的压缩比为 {ratio:.0f}:1，超过上限 {MAX_COMPRESSION_RATIO}:1"
                    "（疑似压缩炸弹）",
                    f"part {info.filename} of the workbook is compressed {ratio:.0f}:1, over the limit of "
                    f"{MAX_COMPRESSION_RATIO}:1 (a zip bomb?)",
                    "Excel/WPS 正常保存的工作簿",
                    "a workbook saved normally by Excel/WPS",
                    value=f"{ratio:.0f}:1",
                )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and _DOCTYPE.search(_peek(book, info, 4096)):
                raise _limit(
                    "xml_doctype",
                    f"工作簿部件 {info.filename} 含有 DOCTYPE/ENTITY 声明（可能是 XXE 攻击），拒绝读取",
                    f"part {info.filename} of the workbook declares a DOCTYPE/ENTITY (possible XXE attack); "
                    "not read",
                    "Excel/WPS 正常保存的工作簿（不含 DOCTYPE）",
                    "a workbook saved normally by Excel/WPS (no DOCTYPE)",
                    value=info.filename,
                )
        by_name = {i.filename: i for i in infos}
        sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
        names = _sheet_names(book, {i.filename for i in sheets})
        shared = _shared_string_sizes(book, by_name.get("xl/sharedStrings.xml"))
        for info in sheets:
            sheet = names.get(info.filename, info.filename)
            _check_dimension(book, info, sheet)
            _check_cells(book, info, sheet, shared)


def inspect_csv(data: bytes, name: str) -> None:
    """Reject a CSV whose lines or cells are over the sheet limits (counted on the bytes, before parsing)."""
    lines = data.count(b"\n") + 1
    cells = lines + max(data.count(d) for d in (b",", b"\t", b";"))
    if lines > MAX_ROWS or cells > MAX_CELLS:
        what = f"{lines} 行、约 {cells} 个单元格"
        raise _too_big_sheet(name, f"有 {what}", f"has {lines} lines and about {cells} cells", str(lines))


def check_file_size(size: int, name: str) -> None:
    """Reject a file larger than MAX_FILE_BYTES on disk (it is not read into memory)."""
    if size > MAX_FILE_BYTES:
        raise _limit(
            "file_too_large",
            f"文件大小为 {mib(size)}，超过上限 {mib(MAX_FILE_BYTES)}",
            f"the file is {mib(size)}, over the limit of {mib(MAX_FILE_BYTES)}",
            f"不超过 {mib(MAX_FILE_BYTES)} 的周报或录入文件",
            f"a report or entries file within {mib(MAX_FILE_BYTES)}",
            value=name,
        )

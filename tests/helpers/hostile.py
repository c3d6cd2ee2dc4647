"""Hostile report files, built byte by byte (as an attacker or a broken tool would): used by the tests and by
benchmarks/hostile_memory.py. Each writer returns the path it wrote."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="项目台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
EMPTY_SHARED = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'
)

Chunks = Callable[[], Iterator[bytes]]


def _workbook(path: Path, sheet: Chunks, shared: Chunks | None = None, workbook: str = WORKBOOK) -> Path:
    """A minimal .xlsx whose sheet and shared strings are streamed in (so bombs never sit in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", workbook)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared)):
            if chunks is None:
                book.writestr(name, EMPTY_SHARED)
                continue
            with book.open(name, "w", force_zip64=True) as part:
                for chunk in chunks():
                    part.write(chunk)
    return path


def _parts(*texts: str) -> Chunks:
    return lambda: iter([t.encode() for t in texts])


def dimension_bomb(path: Path) -> Path:
    """~1 KB: declares A1:XFD1048576, one cell at XFD1048576 (the reader would allocate 17e9 cells)."""
    return _workbook(
        path,
        _parts(
            SHEET_HEAD,
            '<dimension ref="A1:XFD1048576"/><sheetData>',
            '<row r="1"><c r="A1" t="inlineStr"><is><t>项目编号</t></is></c></row>',
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            "</sheetData></worksheet>",
        ),
    )


def far_cell(path: Path) -> Path:
    """No dimension at all, one cell at XFD1048576: the real extent, not the declared one, is the bomb."""
    return _workbook(
        path,
        _parts(
            SHEET_HEAD, "<sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "</sheetData>"
        ),
    )


def whitespace_bomb(path: Path, mib: int = 40) -> Path:
    """`mib` MiB of whitespace inside the sheet XML, compressed about 1000:1."""
    block = b" " * (1 << 20)

    def chunks() -> Iterator[bytes]:
        yield SHEET_HEAD.encode() + b"<sheetData>"
        for _ in range(mib):
            yield block
        yield b"</sheetData></worksheet>"

    return _workbook(path, chunks)


def zip_bomb(path: Path, mib: int = 300) -> Path:
    """A sheet of `mib` MiB uncompressed (over MAX_UNCOMPRESSED_BYTES) in about `mib` / 1000 MiB."""
    return whitespace_bomb(path, mib)


def shared_string_bomb(path: Path, cells: int = 20_000, length: int = 30_000) -> Path:
    """One 30,000-character shared string referenced by 20,000 cells: small on disk, 600 MB once resolved."""
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        f"<si><t>{'x' * length}</t></si></sst>"
    )

    def chunks() -> Iterator[bytes]:
        yield (SHEET_HEAD + f'<dimension ref="A1:J{cells // 10}"/><sheetData>').encode()
        for r in range(1, cells // 10 + 1):
            yield (
                f'<row r="{r}">'
                + "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for c in "ABCDEFGHIJ")
                + "</row>"
            ).encode()
        yield b"</sheetData></worksheet>"

    return _workbook(path, chunks, _parts(shared))


def xxe(path: Path) -> Path:
    """A sheet declaring an external entity that would read /etc/passwd."""
    return _workbook(
        path,
        _parts(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
        ),
    )


def encrypted(path: Path) -> Path:
    """The start of an OLE compound file holding an EncryptedPackage stream (a password-protected .xlsx)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = bytearray(4096)
    body[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    name = "EncryptedPackage".encode("utf-16-le")
    body[1024 : 1024 + len(name)] = name
    path.write_bytes(bytes(body))
    return path


def zero_sheets(path: Path) -> Path:
    """A well-formed workbook whose workbook part lists no sheet at all (`<sheets/>`)."""
    sheet_type = CONTENT_TYPES.index('<Override PartName="/xl/worksheets')
    types = CONTENT_TYPES[:sheet_type] + CONTENT_TYPES[CONTENT_TYPES.index("/>", sheet_type) + 2 :]
    workbook = WORKBOOK[: WORKBOOK.index("<sheets>")] + "<sheets/></workbook>"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in (
            ("[Content_Types].xml", types),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/sharedStrings.xml", EMPTY_SHARED),
        ):
            book.writestr(name, text)
    return path


class Numeric(str):
    """Text written verbatim as a numeric cell's value (`<c t="n"><v>NaN</v></c>`)."""


def cells_workbook(path: Path, sheet: str, rows: list[list[str]]) -> Path:
    """A one-sheet workbook written cell by cell: text as inline strings, `Numeric` text verbatim in a number
    cell (`NaN`, `INF`, `1e999`: what no spreadsheet application writes, but a script can)."""

    def cell(ref: str, value: str) -> str:
        if isinstance(value, Numeric):
            return f'<c r="{ref}" t="n"><v>{escape(value)}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    body = "".join(
        f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    return _workbook(
        path,
        _parts(SHEET_HEAD, f"<sheetData>{body}</sheetData></worksheet>"),
        workbook=WORKBOOK.replace('name="项目台账"', f'name="{escape(sheet)}"'),
    )


def broken_quote_csv(path: Path) -> Path:
    """A ledger CSV whose second project name opens a quote that closes four lines later."""
    lines = ["项目编号,项目名称,投资主体,投资主体类型,产业类别,项目来源地,是否科创类,项目阶段"]
    lines.append("A1,项目一,甲公司,其他,装备制造,市内,否,在谈")
    lines.append('A2,"项目二,乙公司,其他,装备制造,市内,否,在谈')
    lines += [f"A{i},项目{i},丙公司,其他,装备制造,市内,否,在谈" for i in range(3, 7)]
    lines.append('A7,项目七",丁公司,其他,装备制造,市内,否,在谈')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def nul_csv(path: Path) -> Path:
    """A ledger CSV with a NUL character inside a project name."""
    text = "项目编号,项目名称,投资主体,投资主体类型,产业类别,项目来源地,是否科创类,项目阶段\n"
    text += "A1,项目\x00一,甲公司,其他,装备制造,市内,否,在谈\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


WORKBOOK_BOMBS: dict[str, Callable[[Path], Path]] = {
    "dimension_bomb": dimension_bomb,
    "far_cell": far_cell,
    "whitespace_bomb": whitespace_bomb,
    "zip_bomb": zip_bomb,
    "shared_string_bomb": shared_string_bomb,
    "xxe": xxe,
    "encrypted": encrypted,
}

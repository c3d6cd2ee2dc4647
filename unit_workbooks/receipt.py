"""The receipt (回执) of a unit-week: `<home>/receipts/YYYY-Www/<unit>.xlsx`, written after the build.

Every file received for a unit-week (accepted, superseding or rejected) is listed on its unit-week's receipt,
which is rewritten when a newer file of that unit-week arrives. The file-level part comes from the raw tables
ingestion writes (report_files, row_issues, rejected_files: a rejection carries the same Chinese and English
reason as the quarantine's `.reason.txt`); the year-to-date figures, bonus and deduction items and missing
weeks come from the marts (`score_totals`, `score_points`, `score_columns`: the items of the method that
scores the year) of the month the week reports (its Monday's month, SPEC 3: 2021-W52, ending 2 January 2022,
is December 2021's report).
`receipts.issued` records which events each receipt covers, so a run writes only the receipts of new files.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from basics import registers
from basics.times import beijing_time, now_beijing
from basics.weeks import period_of, week_end
from ingestion.discover import LEADS_SUFFIX, NO_WEEK, parse_week_folder
from ingestion.outcomes import IngestReport
from ingestion.quarantine import fit
from ingestion.vocabulary import unit_code
from submission.score_sheet import TOTAL_FIELDS, UnitScore, item_fields, load
from unit_workbooks.sheet_style import (
    AMOUNT_FORMAT,
    DATE_FORMAT,
    open_workbook,
    printable,
    wrapped_height,
    write_value,
)
from unit_workbooks.snapshots import AwaitedLead, Change, RawView, changes, has_raw
from unit_workbooks.template import labels_of

RECEIPTS_DIR = "receipts"
RECEIPT_SHEET = "回执"
VALUE_WIDTH = 46  # characters of the receipt's value column (the sheet prints on one portrait page)
LABEL_WIDTH, ENGLISH_WIDTH = 18, 18

ISSUED_DDL = """
create schema if not exists receipts;
create table if not exists receipts.issued (
    folder          varchar not null,   -- the week label, or _no_week
    unit            varchar not null,   -- the unit code (or the file name's unit text when unknown)
    path            varchar not null,   -- relative to the home folder
    covered_until   timestamp not null, -- arrival time of the newest file the receipt lists
    written_at      timestamp not null,
    primary key (folder, unit)
);
"""

STATUS_ZH = {"accepted": "已接收", "superseded": "已被新版本取代", "rejected": "已拒收"}
STATUS_EN = {"accepted": "accepted", "superseded": "superseded by a newer version", "rejected": "rejected"}
CHANGE_ZH = {
    "added": "新增项目",
    "removed": "移除项目",
    "stage": "阶段变化",
    "contract_amount": "协议引资额变化",
    "funds_ytd": "到位资金变化",
}
REASON_EN = {
    "lead_signed": "shared lead signed (bonus)",
    "lead_landed": "shared lead landed (bonus)",
    "missing_report": "missing weekly report (deduction)",
    "late_feedback": "late feedback on a lead (deduction)",
}
# the English words beside the year-to-date totals (never the warehouse's column codes; an item of the method
# is named by its Chinese label alone)
SCORE_EN = {
    "base_score": "base score",
    "bonus": "bonus points",
    "deductions": "points deducted",
    "total_score": "total score",
    "rank_in_group": "rank within its group",
}


def _reason(reason: str, item_labels: dict[str, str]) -> str:
    """A bonus or deduction's reason: Chinese (the method's label), then English where there is one."""
    zh = REASON_ZH.get(reason) or item_labels.get(reason, reason)
    return f"{zh} / {REASON_EN[reason]}" if reason in REASON_EN else zh


REASON_ZH = {
    "lead_signed": "共享线索已签约（加分）",
    "lead_landed": "共享线索已落地（加分）",
    "missing_report": "缺报周报（减分）",
    "late_feedback": "线索反馈超期（减分）",
}


@dataclass(frozen=True)
class FileEvent:
    """One received file: accepted (a report version) or rejected (quarantined)."""

    folder: str
    unit: str
    source_path: str
    at: datetime
    status: str  # accepted | rejected (superseded is derived)
    sha256: str | None
    version: int | None = None
    ledger_rows: int = 0
    lead_rows: int = 0
    warnings: tuple[str, ...] = ()
    reason_zh: str | None = None
    reason_en: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    quarantine_path: str | None = None


def receipt_key(source_path: str) -> tuple[str, str]:
    """(week folder or _no_week, unit code or the file name's unit text) of an inbox path."""
    path = PurePosixPath(source_path.split(" + ")[0])
    week = parse_week_folder(path.parent.name) if path.parent.name else None
    name = path.name
    stem = name[: -len(LEADS_SUFFIX)] if name.lower().endswith(LEADS_SUFFIX) else PurePosixPath(name).stem
    return (week.label if week else NO_WEEK), (unit_code(stem) or stem or name)


def _warnings(raw: str | None) -> tuple[str, ...]:
    return tuple(f"{w['zh']} / {w['en']}" for w in json.loads(raw or "[]"))


def file_events(con: duckdb.DuckDBPyConnection) -> list[FileEvent]:
    """Every file the warehouse received, oldest first."""
    if not has_raw(con):
        return []
    rows = con.execute(
        "select week_label, unit_code, source_path, received_at, file_sha256, version, ledger_rows, "
        "lead_rows, warnings from raw.report_files"
    ).fetchall()
    out = [
        FileEvent(
            week_label,
            unit,
            source_path,
            received_at,
            "accepted",
            sha,
            version,
            ledger_rows,
            lead_rows,
            _warnings(warnings),
        )
        for week_label, unit, source_path, received_at, sha, version, ledger_rows, lead_rows, warnings in rows
    ]
    for row in con.execute(
        "select source_path, rejected_at, file_sha256, reason_zh, reason_en, sheet, row_number, column_name, "
        "value, quarantine_path from raw.rejected_files"
    ).fetchall():
        source_path, at, sha, zh, en, sheet, number, column, value, quarantined = row
        folder, unit = receipt_key(source_path)
        out.append(
            FileEvent(
                folder,
                unit,
                source_path,
                at,
                "rejected",
                sha,
                reason_zh=zh,
                reason_en=en,
                sheet=sheet,
                row=number,
                column=column,
                value=value,
                quarantine_path=quarantined,
            )
        )
    out.sort(key=lambda e: (e.at, e.source_path))
    return out


def receipt_path(root: Path, folder: str, unit: str) -> Path:
    """`receipts/<week>/<unit>.xlsx`; a rejected file's long name is shortened to fit the file system."""
    return root / RECEIPTS_DIR / folder / fit(unit, ".xlsx")


def pending_receipts(con: duckdb.DuckDBPyConnection, root: Path) -> dict[tuple[str, str], list[FileEvent]]:
    """Unit-weeks with a file newer than their receipt (or no receipt file), with all their files."""
    con.execute(ISSUED_DDL)
    issued = {
        (f, u): until
        for f, u, until in con.execute("select folder, unit, covered_until from receipts.issued").fetchall()
    }
    grouped: dict[tuple[str, str], list[FileEvent]] = defaultdict(list)
    for event in file_events(con):
        grouped[(event.folder, event.unit)].append(event)
    return {
        key: events
        for key, events in grouped.items()
        if key not in issued or events[-1].at > issued[key] or not receipt_path(root, *key).exists()
    }


@dataclass
class ReceiptFacts:
    """Everything one receipt says, gathered from the warehouse."""

    folder: str
    unit: str
    events: list[FileEvent]
    current: FileEvent | None  # the accepted version the warehouse counts for the unit-week
    issues: list[tuple[Any, ...]] = field(default_factory=list)
    previous_week: str | None = None
    changes: list[Change] = field(default_factory=list)
    scores: UnitScore | None = None
    score_fields: list[Any] = field(default_factory=list)  # the year's method's items (score_sheet.Field)
    items: list[tuple[str, str, float, str]] = field(default_factory=list)  # kind, item code, points, ref
    item_labels: dict[str, str] = field(default_factory=dict)  # item code -> the method's label
    awaited: list[AwaitedLead] = field(default_factory=list)

    @property
    def latest(self) -> FileEvent:
        return self.events[-1]

    @property
    def missing_weeks(self) -> list[str]:
        return sorted(ref for kind, reason, _, ref in self.items if reason == "missing_report")

    @property
    def registered(self) -> bool:
        return self.unit in registers.units()

    @property
    def week_end(self) -> date | None:
        return week_end(self.folder) if self.folder != NO_WEEK else None

    @property
    def period(self) -> tuple[int, int] | None:
        """(year, month) whose year to date the receipt shows: the month the week reports (basics.weeks)."""
        return period_of(self.folder) if self.folder != NO_WEEK else None


def gather_all(
    con: duckdb.DuckDBPyConnection, pending: dict[tuple[str, str], list[FileEvent]]
) -> list[ReceiptFacts]:
    """The facts of many receipts in a few queries (snapshots, row issues, scores and items in bulk)."""
    view = RawView(con)
    wanted: set[tuple[str, str, int]] = set()

    def key(unit: str, week: str | None) -> tuple[str, str, int] | None:
        if week is None or (unit, week) not in view.latest:
            return None
        found = (unit, week, view.latest[(unit, week)])
        wanted.add(found)
        return found

    keys = []
    for (folder, unit), events in sorted(pending.items()):
        accepted = [e for e in events if e.status == "accepted"]
        current = max(accepted, key=lambda e: e.version or 0) if accepted else None
        facts = ReceiptFacts(folder, unit, events, current)
        this = key(unit, folder) if current is not None else None
        before = key(unit, view.week_before(unit, folder)) if folder != NO_WEEK else None
        keys.append((facts, this, before))
    ledgers = view.snapshots(wanted)
    issues = _issues(con, wanted)
    sheet = load(con, sorted({f.period[0] for f, _, _ in keys if f.period}))
    scores = sheet.by_unit()
    out = []
    for facts, this, before in keys:
        current = ledgers[this] if this else None
        previous = ledgers[before] if before else None
        if current is not None:
            facts.issues = issues.get(this, [])
            facts.previous_week = previous.week_label if previous else None
            facts.changes = changes(previous, current)
        if facts.registered and facts.week_end is not None:
            facts.awaited = view.awaiting(facts.unit, facts.folder, current or previous)
            period = (facts.unit, *facts.period)
            score = scores.get(period)
            if score is not None:
                columns = sheet.columns_of(score)
                facts.scores = score
                facts.score_fields = [*item_fields(columns), *TOTAL_FIELDS]
                facts.item_labels = {c.item_code: c.label_zh for c in columns}
                facts.items = [
                    (c.kind, c.item_code, points, ref)
                    for c in columns
                    for ref, points in score.events.get(c.item_code, [])
                ]
        out.append(facts)
    return out


def _issues(
    con: duckdb.DuckDBPyConnection, wanted: set[tuple[str, str, int]]
) -> dict[tuple[str, str, int], list[tuple[Any, ...]]]:
    out: dict[tuple[str, str, int], list[tuple[Any, ...]]] = defaultdict(list)
    if not wanted:
        return out
    units, weeks, versions = (list(column) for column in zip(*sorted(wanted), strict=True))
    for unit, week, version, *issue in con.execute(
        """
        with wanted as (
            select unnest(?::varchar[]) as unit_code, unnest(?::varchar[]) as week_label,
                   unnest(?::integer[]) as version
        )
        select unit_code, week_label, version, sheet, row_number, project_code, column_name, value,
               expected_zh, expected_en
        from raw.row_issues
        inner join wanted using (unit_code, week_label, version)
        order by unit_code, week_label, sheet, row_number, column_name
        """,
        [units, weeks, versions],
    ).fetchall():
        out[(unit, week, int(version))].append(tuple(issue))
    return out


Period = tuple[str, int, int]  # unit, year, month


class _Formats:
    def __init__(self, book: Workbook) -> None:
        base = {"font_size": 10, "valign": "top", "text_wrap": True}
        self.title = book.add_format({"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"})
        self.section = book.add_format(
            {"bold": True, "font_size": 11, "bottom": 2, "bottom_color": "#2F5597"}
        )
        self.label = book.add_format({**base, "bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.cell = book.add_format({**base, "border": 1, "align": "left"})
        self.date = book.add_format({**base, "border": 1, "num_format": DATE_FORMAT})
        self.amount = book.add_format({**base, "border": 1, "num_format": AMOUNT_FORMAT})
        self.figure = {
            "amount": book.add_format({**base, "border": 1, "num_format": AMOUNT_FORMAT, "align": "left"}),
            "count": book.add_format({**base, "border": 1, "num_format": "0", "align": "left"}),
            "ratio": book.add_format({**base, "border": 1, "num_format": "0.0%", "align": "left"}),
            "score": book.add_format({**base, "border": 1, "num_format": "0.00", "align": "left"}),
        }
        self.english = book.add_format({**base, "font_color": "#808080", "font_size": 9})
        self.header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.good = book.add_format(
            {**base, "border": 1, "bold": True, "bg_color": "#C6EFCE", "font_color": "#006100"}
        )
        self.bad = book.add_format(
            {**base, "border": 1, "bold": True, "bg_color": "#FFC7CE", "font_color": "#9C0006"}
        )


class _Sheet:
    """Rows written top to bottom on the receipt sheet."""

    def __init__(self, ws: Worksheet, fmt: _Formats) -> None:
        self.ws, self.fmt, self.row = ws, fmt, 0

    def line(self, label: str, value: Any, english: str = "", value_fmt: Any = None) -> None:
        # rows of long text (reasons, warnings) get the height their lines need: LibreOffice cuts them off
        height = max(
            wrapped_height(value if isinstance(value, str) else "", VALUE_WIDTH),
            wrapped_height(label, LABEL_WIDTH),
            wrapped_height(english, ENGLISH_WIDTH, 9),
        )
        if height > 17:
            self.ws.set_row(self.row, height)
        self.ws.write_string(self.row, 0, label, self.fmt.label)
        write_value(self.ws, self.row, 1, value, value_fmt or self.fmt.cell, self.fmt.date)
        if english:
            self.ws.write_string(self.row, 2, english, self.fmt.english)
        self.row += 1

    def section(self, title: str) -> None:
        self.row += 1
        self.ws.merge_range(self.row, 0, self.row, 2, title, self.fmt.section)
        self.row += 1


def _status(facts: ReceiptFacts, event: FileEvent) -> str:
    if event.status == "accepted" and facts.current is not None and event.version != facts.current.version:
        return "superseded"
    return event.status


def _headline(facts: ReceiptFacts) -> tuple[str, bool]:
    latest = facts.latest
    if latest.status == "rejected":
        kept = (
            f"本周仍以第{facts.current.version}版为准 / version {facts.current.version} still counts"
            if facts.current
            else "本周尚无已接收的报表 / no accepted report for this week yet"
        )
        return f"已拒收，请修改后重新报送 / rejected: please correct and resend — {kept}", False
    version = latest.version or 1
    superseding = f"，取代第{version - 1}版" if version > 1 else ""
    return (
        f"已接收（第{version}版{superseding}），已计入数据仓库 / "
        f"accepted (version {version}), counted in the warehouse",
        True,
    )


def _change_text(change: Change, stages: dict[str, str]) -> tuple[str, str]:
    def stage(code: Any) -> str:
        return stages.get(code, code or "—")

    def amount(value: Any) -> str:
        return "—" if value is None else f"{value:g}"

    if change.kind == "added":
        return "新增 / added", f"阶段 {stage(change.after)}"
    if change.kind == "removed":
        return "移除 / removed", f"上周阶段 {stage(change.before)}"
    if change.kind == "stage":
        return "阶段 / stage", f"{stage(change.before)} → {stage(change.after)}"
    return CHANGE_ZH[change.kind], f"{amount(change.before)} → {amount(change.after)} 亿元"


def _summary_sheet(book: Workbook, facts: ReceiptFacts, fmt: _Formats) -> None:
    ws = book.add_worksheet(RECEIPT_SHEET)
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, 1, VALUE_WIDTH)
    ws.set_column(2, 2, ENGLISH_WIDTH)
    out = _Sheet(ws, fmt)
    unit = registers.units().get(facts.unit)
    name = f"{facts.unit} {unit.name_zh}" if unit else facts.unit
    when = (
        f"{facts.folder}（{_monday(facts.folder)} 至 {facts.week_end.isoformat()}）"
        if facts.week_end
        else "（不在周文件夹中 / not in a week folder）"
    )
    title = f"周报回执 / Receipt — {name} · {when}"
    ws.merge_range(0, 0, 0, 2, title, fmt.title)
    ws.set_row(0, wrapped_height(title, LABEL_WIDTH + VALUE_WIDTH + ENGLISH_WIDTH, 14))
    out.row = 2
    headline, ok = _headline(facts)
    out.line("结果", headline, "result", fmt.good if ok else fmt.bad)
    latest = facts.latest
    if latest.status == "rejected":
        out.line("拒收原因", latest.reason_zh, "reason (Chinese)", fmt.bad)
        out.line("Reason", latest.reason_en, "reason (English)")
        out.line(
            "工作表 / 行 / 列 / 值",
            " / ".join(_show(v) for v in (latest.sheet, latest.row, latest.column, latest.value)),
            "sheet / row / column / value",
        )
        out.line("隔离位置", latest.quarantine_path, "quarantined as")
    out.line("文件", latest.source_path, "file")
    out.line("收到时间", f"{beijing_time(latest.at)}（北京时间）", "received at (Beijing time)")
    out.line("SHA-256", latest.sha256 or "—", "checksum")
    if facts.current is not None:
        current = facts.current
        out.line("计入的版本", f"第{current.version}版（{current.source_path}）", "version counted")
        out.line(
            "已载入", f"项目台账 {current.ledger_rows} 行，线索共享 {current.lead_rows} 行", "rows loaded"
        )
        out.line(
            "行级问题",
            f"{len(facts.issues)} 条（见“行级问题”表；质量关卡会拦截，请更正后重新报送）"
            if facts.issues
            else "无",
            "row-level issues",
            fmt.bad if facts.issues else None,
        )
        out.line("文件级提示", "\n".join(current.warnings) or "无", "file warnings")
    if len(facts.events) > 1:
        out.line("本周收到文件", f"{len(facts.events)} 个（见“文件记录”表）", "files received this week")

    if facts.current is not None:
        since = f"与上周（{facts.previous_week}）相比" if facts.previous_week else "与上周相比（无上周报表）"
        out.section(f"{since} / Changes since the previous week")
        counts = defaultdict(int)
        for change in facts.changes:
            counts[change.kind] += 1
        for kind, label in CHANGE_ZH.items():
            out.line(label, counts[kind], kind)
        if facts.changes:
            out.line("明细", "见“本周变化”表", "details")

    if facts.period is not None and facts.registered:
        year, month = facts.period
        out.section(
            f"本年累计（{year}年1月1日至{month}月末，按数据仓库当前口径）"
            " / Year to date as the warehouse counts it"
        )
        if facts.scores is None:
            out.line("考核得分", "暂无（数据仓库尚未计算本月得分）", "no score yet")
        else:
            for score_field in facts.score_fields:  # the items of the year's method, in its order
                value = score_field.read(facts.scores)
                out.line(
                    score_field.header,
                    "不适用" if value is None else value,
                    SCORE_EN.get(score_field.code, ""),
                    fmt.figure.get(score_field.kind),
                )
        missing = facts.missing_weeks
        out.line(
            "缺报周次",
            "、".join(missing) if missing else "无",
            f"missing weeks ({len(missing)})",
            fmt.bad if missing else None,
        )
        awaited = facts.awaited
        first = min(awaited, key=lambda a: a.due_on) if awaited else None
        due = (  # the deadline of the method of the year the lead was shared in (marts.score_methods)
            f"，最早截止 {first.due_on.isoformat()}（共享后{(first.due_on - first.shared_on).days}日内反馈）"
            if first
            else ""
        )
        out.line(
            "待反馈线索",
            f"{len(awaited)} 条{due}（见“待反馈线索”表）" if awaited else "无",
            "leads awaiting feedback",
        )
    out.row += 1
    footer = (
        f"本回执由区招商投资促进局统计与考核数据仓库于 {beijing_time(now_beijing())}（北京时间）自动生成，"
        "可直接转发。 / Generated by the bureau's statistics warehouse; it can be forwarded unchanged."
    )
    ws.merge_range(out.row, 0, out.row, 2, footer, fmt.english)
    ws.set_row(out.row, wrapped_height(footer, LABEL_WIDTH + VALUE_WIDTH + ENGLISH_WIDTH, 9))
    printable(ws, out.row, 2, landscape=False, smallest_font_pt=9)


def _monday(label: str) -> str:
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1).isoformat()


def _show(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _table(
    book: Workbook, name: str, headers: list[str], rows: list[list[Any]], widths: list[int], fmt: _Formats
) -> None:
    ws = book.add_worksheet(name)
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, header, fmt.header)
    ws.set_row(0, max(wrapped_height(h, w) for h, w in zip(headers, widths, strict=True)))
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            cell_fmt = fmt.amount if isinstance(value, float) else fmt.cell
            write_value(ws, r, col, value, cell_fmt, fmt.date)
        texts = [(str(v), w) for v, w in zip(row, widths, strict=False) if isinstance(v, str)]
        height = max((wrapped_height(v, w) for v, w in texts), default=0)
        if height > 17:  # wrapped text: LibreOffice would cut it at the default height
            ws.set_row(r, height)
    if not rows:
        ws.write_string(1, 0, "无 / none", fmt.cell)
    ws.freeze_panes(1, 0)
    printable(ws, max(len(rows), 1), len(headers) - 1)


def write_receipt(facts: ReceiptFacts, path: Path) -> Path:
    """Write the receipt workbook of one unit-week."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = open_workbook(str(path), f"{facts.unit} {facts.folder} 回执")
    fmt = _Formats(book)
    _summary_sheet(book, facts, fmt)
    files = [
        [
            e.source_path,
            beijing_time(e.at),
            e.version,
            f"{STATUS_ZH[_status(facts, e)]} / {STATUS_EN[_status(facts, e)]}",
            e.ledger_rows if e.status == "accepted" else None,
            e.lead_rows if e.status == "accepted" else None,
            e.reason_zh,
            e.reason_en,
        ]
        for e in facts.events
    ]
    _table(
        book,
        "文件记录",
        [
            "文件 / file",
            "收到时间（北京时间）/ received",
            "版本 / version",
            "结果 / result",
            "台账行数",
            "线索行数",
            "拒收原因",
            "Reason",
        ],
        files,
        [22, 18, 7, 16, 8, 8, 34, 34],
        fmt,
    )
    _table(
        book,
        "行级问题",
        ["工作表 / sheet", "行 / row", "项目编号 / project", "列 / column", "值 / value", "应为", "Expected"],
        [list(issue) for issue in facts.issues],
        [12, 8, 16, 20, 18, 40, 40],
        fmt,
    )
    stages = labels_of("stages")
    _table(
        book,
        "本周变化",
        ["项目编号 / project", "项目名称 / name", "变化 / change", "明细 / detail"],
        [[c.project_code, c.project_name, *_change_text(c, stages)] for c in facts.changes],
        [18, 30, 20, 36],
        fmt,
    )
    units = registers.units()
    _table(
        book,
        "待反馈线索",
        [
            "线索编号 / lead",
            "项目名称 / name",
            "投资主体 / investor",
            "共享单位 / from",
            "共享日期 / shared",
            "反馈截止 / due",
        ],
        [
            [
                a.lead_id,
                a.project_name,
                a.investor,
                f"{a.sharer_unit} {units[a.sharer_unit].name_zh}"
                if a.sharer_unit in units
                else a.sharer_unit,
                a.shared_on,
                a.due_on,
            ]
            for a in facts.awaited
        ],
        [16, 30, 26, 24, 14, 14],
        fmt,
    )
    _table(
        book,
        "加减分明细",
        ["类别 / kind", "原因 / reason", "分值 / points", "依据 / ref"],
        [
            [
                "加分 / bonus" if kind == "bonus" else "减分 / deduction",
                _reason(reason, facts.item_labels),
                float(points),
                ref,
            ]
            for kind, reason, points, ref in facts.items
        ],
        [18, 36, 12, 20],
        fmt,
    )
    book.close()
    return path


@dataclass(frozen=True)
class WrittenReceipt:
    path: Path
    folder: str
    unit: str
    status: str  # of the newest file


def write_pending_receipts(warehouse: Path, root: Path) -> list[WrittenReceipt]:
    """Write the receipt of every unit-week that received a file since its receipt was written."""
    con = duckdb.connect(str(warehouse))
    written: list[WrittenReceipt] = []
    try:
        for facts in gather_all(con, pending_receipts(con, root)):
            folder, unit, events = facts.folder, facts.unit, facts.events
            path = write_receipt(facts, receipt_path(root, folder, unit))
            con.execute("delete from receipts.issued where folder = ? and unit = ?", [folder, unit])
            con.execute(
                "insert into receipts.issued values (?, ?, ?, ?, ?)",
                [folder, unit, path.relative_to(root).as_posix(), events[-1].at, datetime.now()],
            )
            written.append(WrittenReceipt(path, folder, unit, facts.latest.status))
    finally:
        con.close()
    return written


def ingest_summary(warehouse: Path, report: IngestReport, limit: int = 20) -> list[str]:
    """The receipts in short, one line per file of an ingestion run (Chinese then English): rejected files
    first, then up to `limit` lines in all. The receipts themselves are written after the build."""
    lines = [
        f"{unit} {folder} 已拒收，已移入隔离区（原因见拒收清单）/ rejected, quarantined (see the rejections)"
        for r in report.rejected[:limit]
        for folder, unit in [receipt_key(r.file)]
    ]
    shown = report.accepted[: max(limit - len(lines), 0)]
    if shown and warehouse.exists():
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            view = RawView(con)
            pairs = {}
            for o in shown:
                before = view.week_before(o.unit_code, o.week_label)
                pairs[o] = (
                    (o.unit_code, o.week_label, o.version),
                    (o.unit_code, before, view.latest[(o.unit_code, before)]) if before else None,
                )
            ledgers = view.snapshots({k for pair in pairs.values() for k in pair if k})
        finally:
            con.close()
        for o, (this, before) in pairs.items():
            counts: dict[str, int] = defaultdict(int)
            for change in changes(ledgers[before] if before else None, ledgers[this]):
                counts[change.kind] += 1
            amounts = counts["contract_amount"] + counts["funds_ytd"]
            lines.append(
                f"{o.unit_code} {o.week_label} 已接收（第{o.version}版）：台账 {o.ledger_rows} 行、"
                f"线索 {o.lead_rows} 行，行级问题 {o.row_issues} 条；较上周 新增 {counts['added']}、"
                f"移除 {counts['removed']}、阶段变化 {counts['stage']}、金额变化 {amounts}"
                f" / accepted v{o.version}: {o.ledger_rows} ledger rows, {o.row_issues} row issues; "
                f"{counts['added']} added, {counts['removed']} removed, {counts['stage']} stage moves, "
                f"{amounts} amount changes"
            )
    rest = len(report.accepted) + len(report.rejected) - len(lines)
    if rest > 0:
        lines.append(f"……另有 {rest} 个文件 / {rest} more file(s)")
    return lines

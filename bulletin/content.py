"""What the monthly bulletin shows, gathered from the marts (scores only through `points.score_points`).

Nothing here knows a method: indicators, groups and the projects behind each item follow the method file
that scores the year (seeds/method/, compiled by assessment/).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from basics.times import now_beijing
from bulletin.points import BASE_KINDS, ScorePoint, score_points
from submission.figures import IndicatorRow, as_text, district_rows, label_of

HEADLINE = [
    "contract_amount_industrial",
    "funds_in_place_industrial",
    "contract_amount_consumer_goods",
    "quality_projects",
    "major_projects",
    "landing_conversion_rate",
]
FUNNEL = ["negotiating", "signed", "landed", "started", "producing"]
UNIT_PAGE_ROWS = 38  # score lines + project rows that fit on a unit's page; the workbook lists every project


@dataclass
class Headline:
    row: IndicatorRow
    previous: float | None  # last month's value (None in January: the year starts again)
    elapsed: float  # time elapsed (序时进度), month / 12


@dataclass
class Standing:
    """A unit's line of the ranking, with its points by item (method-agnostic)."""

    unit_code: str
    name_zh: str
    group_code: str
    total: float | None
    rank: int | None
    previous_rank: int | None
    points: list[ScorePoint]
    snapshot_week: str | None
    grade: str | None = None  # 考核等次 when the method defines grades
    grade_reason: str | None = None

    def item_points(self, item_code: str) -> float | None:
        return next(
            (p.points for p in self.points if p.kind in BASE_KINDS and p.item_code == item_code), None
        )

    def kind_points(self, kind: str) -> float:
        return sum(p.points or 0 for p in self.points if p.kind == kind)

    @property
    def base(self) -> float | None:
        pts = [p.points for p in self.points if p.kind in BASE_KINDS and p.points is not None]
        return sum(pts) if pts else None

    @property
    def rank_change(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Project:
    name: str
    investor: str
    stage_zh: str
    industry_zh: str
    contract_amount: float | None
    funds_ytd: float | None
    counted_in: list[str]
    source: str
    sheet: str
    row: int


@dataclass
class Lead:
    lead_id: str
    sharer: str
    receiver: str
    shared_on: date
    feedback_on: date | None
    due_on: date
    late: bool
    signed: bool
    landed: bool


@dataclass(frozen=True)
class Difference:
    """A figure of the frozen submission that the current warehouse no longer gives (as exported)."""

    label_zh: str
    unit: str
    submitted: str
    current: str


@dataclass
class Submitted:
    """The month's latest frozen submission (`submissions/YYYY-MM/v<N>/manifest.json`)."""

    version: int
    created_at: str
    figures: dict[str, dict[str, float | None]]
    differences: list[Difference]


@dataclass(frozen=True)
class Build:
    """The warehouse build the bulletin was made from (marts.warehouse_build)."""

    built_at: datetime | None
    report_files: int | None
    config: str | None = None  # the configuration's checksum (marts.config_files), as in the manifest


@dataclass
class Bulletin:
    year: int
    month: int
    created_at: datetime
    headline: list[Headline]
    indicators: list[tuple[str, str]]  # (item_code, label_zh) of the method's indicators, in order
    groups: list[tuple[str, str, list[Standing]]]  # (group_code, label_zh, standings by rank)
    series: dict[str, list[tuple[int, float | None]]]  # indicator -> [(month, value)] of the year
    targets: dict[str, float | None]
    funnel: list[tuple[str, int, int]]  # (stage label, in that stage now, reached it or beyond)
    industries: list[tuple[str, float]]  # (industry label, contract amount 亿元)
    leads: list[Lead]
    projects: dict[str, list[Project]]  # unit -> projects behind its indicators
    missing: dict[str, list[str]]  # unit -> ISO weeks without a report
    gate: dict[str, Any] | None  # checks.json of the newest gate run of the month
    gate_source: str | None
    unit_names: dict[str, str] = field(default_factory=dict)
    # (kind, label_zh) of the method's bonus and deduction rules, in its order: what 加分 and 减分 add up
    adjustments: list[tuple[str, str]] = field(default_factory=list)
    version: int = 1  # of this bulletin (reports/YYYY-MM/v<N>/)
    build: Build | None = None
    submitted: Submitted | None = None

    @property
    def standings(self) -> list[Standing]:
        return [s for _, _, group in self.groups for s in group]

    @property
    def has_grades(self) -> bool:
        return any(s.grade for s in self.standings)

    def group_label(self, group_code: str) -> str:
        return next((label for code, label, _ in self.groups if code == group_code), group_code)

    @property
    def period_zh(self) -> str:
        return f"{self.year}年1—{self.month}月" if self.month > 1 else f"{self.year}年1月"


def gather(
    con: duckdb.DuckDBPyConnection,
    year: int,
    month: int,
    gate_dir: Path | None = None,
    submissions_dir: Path | None = None,
    version: int = 1,
) -> Bulletin:
    """Everything the bulletin of `year`-`month` shows; raises LookupError when the month has no scores.

    When the month was submitted, its headline figures are the frozen ones of the latest version and every
    figure the current warehouse gives otherwise is listed (`submitted.differences`)."""
    points = score_points(con, year, month)
    if not points:
        raise LookupError(f"marts.score_points has no rows for {year}-{month:02d}")
    names = dict(con.execute("select unit_code, name_zh from marts.dim_unit").fetchall())
    totals_sql = (
        "select unit_code, total_score, rank_in_group, snapshot_week_label, group_code, group_label_zh, "
        "group_order from marts.score_totals where year = ? and month = ?"
    )
    scores = {r[0]: r[1:] for r in con.execute(totals_sql, [year, month]).fetchall()}
    before = {r[0]: r[2] for r in con.execute(totals_sql, [year, month - 1]).fetchall()}
    grades = {
        r[0]: r[1:]
        for r in con.execute(
            "select unit_code, grade_zh, grade_reason_zh from marts.score_totals "
            "where year = ? and month = ?",
            [year, month],
        ).fetchall()
    }
    by_unit: dict[str, list[ScorePoint]] = defaultdict(list)
    for p in points:
        by_unit[p.unit_code].append(p)
    standings = [
        Standing(
            unit,
            names.get(unit, unit),
            pts[0].group_code,
            _f(scores[unit][0]),
            scores[unit][1],
            before.get(unit),
            pts,
            scores[unit][2],
            *grades.get(unit, (None, None)),
        )
        for unit, pts in by_unit.items()
    ]
    group_info = {g: (order, label) for *_, g, label, order in scores.values()}
    groups = [
        (
            g,
            group_info[g][1],
            sorted(
                (s for s in standings if s.group_code == g),
                key=lambda s: (s.rank is None, s.rank or 0, s.unit_code),
            ),
        )
        for g in sorted({s.group_code for s in standings}, key=lambda g: (group_info[g][0], g))
    ]
    indicators = list(dict.fromkeys((p.item_code, p.item_label_zh) for p in points if p.kind in BASE_KINDS))
    current = {r.indicator: r for r in district_rows(con, year, month)}
    submitted = _submitted(submissions_dir, current)
    if submitted is not None:  # the committee reads what was sent to the city
        current = {
            i: IndicatorRow(i, label_of(i), f.get("value"), f.get("target"), f.get("completion"))
            for i, f in submitted.figures.items()
        }
    previous = {r.indicator: r.value for r in district_rows(con, year, month - 1)} if month > 1 else {}
    headline = [Headline(current[i], previous.get(i), month / 12) for i in HEADLINE if i in current]
    series: dict[str, list[tuple[int, float | None]]] = defaultdict(list)
    for ind, m, value in con.execute(
        "select indicator, month, value from marts.district_month_indicators where year = ? and month <= ? "
        "and indicator in ('contract_amount_industrial', 'funds_in_place_industrial') order by month",
        [year, month],
    ).fetchall():
        series[ind].append((m, _f(value)))
    targets = {i: current[i].target if i in current else None for i in series}
    return Bulletin(
        year=year,
        month=month,
        created_at=now_beijing(),
        headline=headline,
        indicators=indicators,
        groups=groups,
        series=dict(series),
        targets=targets,
        funnel=_funnel(con, current),
        industries=_industries(con, current),
        leads=_leads(con, year, month),
        projects=_projects(con, year, month),
        missing=_missing(con, year, month),
        adjustments=_adjustments(con, year, month),
        gate=(gate := _gate(gate_dir))[0],
        gate_source=gate[1],
        unit_names=names,
        version=version,
        build=_build(con),
        submitted=submitted,
    )


def _build(con: duckdb.DuckDBPyConnection) -> Build | None:
    try:
        row = con.execute("select built_at, report_files from marts.warehouse_build").fetchone()
    except duckdb.CatalogException:
        return None
    if row is None:
        return None
    try:
        files = con.execute("select file, sha256 from marts.config_files order by file").fetchall()
    except duckdb.CatalogException:
        files = []
    config = (
        hashlib.sha256("".join(f"{f}:{h}\n" for f, h in files).encode()).hexdigest()[:16] if files else None
    )
    return Build(row[0], row[1], config)


def _submitted(folder: Path | None, current: dict[str, IndicatorRow]) -> Submitted | None:
    """The latest frozen version of the month and where the current warehouse differs from it."""
    if folder is None or not folder.is_dir():
        return None
    found = sorted(
        (int(p.name[1:]), p / "manifest.json")
        for p in folder.iterdir()
        if p.is_dir() and p.name[:1] == "v" and p.name[1:].isdigit() and (p / "manifest.json").is_file()
    )
    if not found:
        return None
    version, path = found[-1]
    manifest = json.loads(path.read_text(encoding="utf-8"))
    figures: dict[str, dict[str, float | None]] = manifest.get("figures", {})
    differences = []
    for indicator in sorted(set(figures) | set(current), key=lambda i: (label_of(i).sort_order, i)):
        label = label_of(indicator)
        frozen = as_text(figures.get(indicator, {}).get("value"), label.kind)
        now = as_text(current[indicator].value if indicator in current else None, label.kind)
        if frozen != now:
            differences.append(Difference(label.label_zh, label.unit, frozen or "—", now or "—"))
    return Submitted(version, manifest.get("created_at", ""), figures, differences)


def _funnel(con: duckdb.DuckDBPyConnection, current: dict[str, IndicatorRow]) -> list[tuple[str, int, int]]:
    labels = dict(con.execute("select stage_code, label_zh from marts.dim_stage").fetchall())
    counts = [int(current[f"projects_{s}"].value or 0) if f"projects_{s}" in current else 0 for s in FUNNEL]
    return [(labels.get(s, s), counts[i], sum(counts[i:])) for i, s in enumerate(FUNNEL)]


def _industries(con: duckdb.DuckDBPyConnection, current: dict[str, IndicatorRow]) -> list[tuple[str, float]]:
    rows = con.execute(
        "select industry_code, label_zh from marts.dim_industry order by sort_order"
    ).fetchall()
    out = [
        (label, float(current[f"contract_amount_{code}"].value or 0))
        for code, label in rows
        if f"contract_amount_{code}" in current
    ]
    return sorted(out, key=lambda r: -r[1])


def _leads(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[Lead]:
    rows = con.execute(
        "select lead_id, sharer_unit, receiver_unit, shared_on, feedback_on, feedback_due_on, "
        "is_feedback_late, is_signed_in_period, is_landed_in_period from marts.fct_leads "
        "where year = ? and month = ? order by shared_on, lead_id",
        [year, month],
    ).fetchall()
    return [Lead(*r[:6], bool(r[6]), bool(r[7]), bool(r[8])) for r in rows]


def _adjustments(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[tuple[str, str]]:
    """The bonus and deduction rules of the month's method (marts.score_columns), in the method's order."""
    return [
        (kind, label)
        for kind, label in con.execute(
            "select c.kind, c.label_zh from marts.score_columns as c "
            "where c.kind in ('bonus', 'deduction') and c.method_code in "
            "(select method_code from marts.score_totals where year = ? and month = ?) "
            "order by c.column_order",
            [year, month],
        ).fetchall()
    ]


def _missing(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, list[str]]:
    """ISO weeks of the assessment period with no report (due and expected), by unit."""
    out: dict[str, list[str]] = defaultdict(list)
    for unit, week in con.execute(
        """
        select r.unit_code, r.week_label
        from marts.score_totals as p
        inner join marts.expected_reports as r
            on r.unit_code = p.unit_code and r.year = p.year
            and r.week_end >= p.period_start and r.week_end <= p.period_end
            and r.is_expected and r.is_due and not r.is_received
        where p.year = ? and p.month = ?
        order by r.unit_code, r.week_label
        """,
        [year, month],
    ).fetchall():
        out[unit].append(week)
    return dict(out)


def _projects(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, list[Project]]:
    """Projects behind the items of the month's method (the snapshot rows each item's measures count), by
    unit, largest contract first, with the items they count in and their source file and row."""
    # one line per (project row, item) it counts in, in the method's order (marts.score_point_rows)
    found = con.execute(
        """
        select r.unit_code, r.file_sha256, r.sheet, r.row_number, r.item_code, r.project_name, r.investor,
               r.stage_zh, r.industry_zh, r.contract_amount, r.funds_ytd,
               coalesce(r.source_path, r.file_sha256)
        from marts.score_point_rows as r
        left join marts.score_columns as c on c.method_code = r.method_code and c.item_code = r.item_code
        where r.year = ? and r.month = ? and r.source = 'projects' and r.of_year = r.year
        order by r.unit_code, r.contract_amount desc nulls last, r.funds_ytd desc nulls last, r.row_number,
                 c.column_order, r.item_code
        """,
        [year, month],
    ).fetchall()
    projects: dict[tuple[str, str, str, int], Project] = {}
    for unit, sha, sheet, row, item, name, investor, stage, industry, amount, funds, source in found:
        key = (unit, sha, sheet, row)
        if key not in projects:
            projects[key] = Project(
                name, investor, stage, industry, _f(amount), _f(funds), [], source, sheet, row
            )
        if item not in projects[key].counted_in:
            projects[key].counted_in.append(item)
    out: dict[str, list[Project]] = defaultdict(list)
    for (unit, *_), project in projects.items():
        out[unit].append(project)
    return dict(out)


def _gate(gate_dir: Path | None) -> tuple[dict[str, Any] | None, str | None]:
    """checks.json of the newest gate run (`<home>/gate/YYYY-MM/latest/`), if there is one."""
    if gate_dir is None:
        return None, None
    path = gate_dir / "latest" / "checks.json"
    if not path.exists():
        return None, None
    return json.loads(path.read_text(encoding="utf-8")), str(path)


def _f(value: Any) -> float | None:
    return None if value is None else float(value)

"""The bulletin as one self-contained HTML file: styles and charts inside, no script, nothing fetched."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from basics.times import beijing_date, beijing_time
from bulletin.charts import all_charts
from bulletin.content import UNIT_PAGE_ROWS, Bulletin, Standing

TEMPLATES = Path(__file__).resolve().parent / "templates"


def num(value: Any, kind: str = "score", blank: str = "—") -> str:
    """A figure as the committee reads it: 亿元 and points to 2 decimals, counts whole, ratios as %."""
    if value is None:
        return blank
    value = float(value)
    if kind == "ratio":
        return f"{value * 100:.1f}%"
    if kind == "count":
        return f"{value:.0f}"
    if kind == "signed":
        return f"{value:+.2f}".replace("-", "−")
    return f"{value:.2f}"


def day(value: date | None) -> str:
    return "" if value is None else f"{value.month}月{value.day}日"


def change(current: float | None, previous: float | None, kind: str) -> Markup:
    """▲/▼ and the change against last month ('—' when there is nothing to compare)."""
    if current is None or previous is None:
        return Markup("—")
    delta = current - previous
    if abs(delta) < 1e-9:
        return Markup("持平")
    text = num(abs(delta), kind if kind != "ratio" else "ratio")
    if kind == "ratio":
        text = f"{abs(delta) * 100:.1f}个百分点"
    cls, arrow = ("up", "▲") if delta > 0 else ("down", "▼")
    return Markup('<span class="{}">{} {}</span>').format(cls, arrow, text)


def rank_change(s: Standing, long: bool = False) -> Markup:
    moved = s.rank_change
    if moved is None:
        return Markup("上月无排名" if long else "—")
    if moved == 0:
        return Markup("名次与上月持平" if long else "—")
    cls, arrow, word = ("up", "▲", "上升") if moved > 0 else ("down", "▼", "下降")
    if long:
        return Markup('<span class="{}">较上月{}{}位</span>').format(cls, word, abs(moved))
    return Markup('<span class="{}">{}{}</span>').format(cls, arrow, abs(moved))


def missing_by_weeks(missing: dict[str, list[str]]) -> list[tuple[list[str], list[str]]]:
    """Units that missed the same weeks, together: [(weeks, units)], most units first."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for unit, weeks in sorted(missing.items()):
        groups.setdefault(tuple(weeks), []).append(unit)
    return sorted(((list(w), u) for w, u in groups.items()), key=lambda g: (-len(g[1]), g[0]))


def render_html(b: Bulletin) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters.update(
        num=num,
        beijing=beijing_time,
        beijing_date=beijing_date,
        day=day,
        unit_name=lambda u: b.unit_names.get(u, u),
    )
    template = env.get_template("bulletin.html")
    return template.render(
        b=b,
        css=Markup((TEMPLATES / "bulletin.css").read_text(encoding="utf-8")),
        charts=all_charts(b),
        change=change,
        missing_by_weeks=missing_by_weeks,
        rank_change=rank_change,
        group_label=b.group_label,
        unit_suffix=lambda label: "" if label.unit == "%" else label.unit,
        project_rows=UNIT_PAGE_ROWS,
    )
